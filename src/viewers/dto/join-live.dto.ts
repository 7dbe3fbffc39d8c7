import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';

export class JoinLiveDto {
  @ApiPropertyOptional({ example: 67890, description: "Compatibility: must equal the caller's uid" })
  @IsOptionalNotNull()
  @IsInt()
  userUid?: number;
}
