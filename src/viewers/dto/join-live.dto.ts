import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional } from 'class-validator';

export class JoinLiveDto {
  @ApiPropertyOptional({ example: 67890, description: "Compatibility: must equal the caller's uid" })
  @IsOptional()
  @IsInt()
  userUid?: number;
}
