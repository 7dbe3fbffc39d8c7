import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { TargetUserDto } from './target-user.dto';

/** The longest timed removal (a kick, a ban): 30 days. Longer ones are for good: leave durationMs out. */
export const MAX_REMOVAL_MS = 30 * 24 * 3600_000;
export const MIN_REMOVAL_MS = 1_000;

export class KickUserDto extends TargetUserDto {
  @ApiPropertyOptional({
    type: 'integer',
    example: 600_000,
    description: `How long the user stays out, ${MIN_REMOVAL_MS} ms to 30 days; left out: for the rest of the live`,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(MIN_REMOVAL_MS)
  @Max(MAX_REMOVAL_MS)
  durationMs?: number;
}
