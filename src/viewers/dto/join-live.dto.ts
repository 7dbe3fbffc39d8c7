import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';

export class JoinLiveDto {
  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    example: 67890,
    description: "Compatibility: must equal the caller's uid",
  })
  @IsOptionalNotNull()
  @IsInt()
  userUid?: number;
}

/** The identity comes from the token: the usual body is empty (userUid only for older clients). */
export const JOIN_LIVE_EXAMPLES = {
  viewer: { summary: 'Join as the caller', value: {} },
} satisfies Record<string, { summary: string; value: JoinLiveDto }>;
