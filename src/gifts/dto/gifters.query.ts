import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { PageQuery } from '../../common/pagination';
import { UTC_PERIODS, UtcPeriod } from '../../common/utc-period';

export const GIFTER_PERIODS = UTC_PERIODS;
export type GifterPeriod = UtcPeriod;

/** `?period=day|week&limit=20`: the current UTC day, or the UTC week from Monday 00:00. */
export class GiftersQuery extends PickType(PageQuery, ['limit'] as const) {
  @ApiPropertyOptional({ enum: GIFTER_PERIODS, default: 'day', example: 'week' })
  @IsOptionalNotNull()
  @IsIn(GIFTER_PERIODS)
  period: GifterPeriod = 'day';
}
