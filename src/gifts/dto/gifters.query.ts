import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const GIFTER_PERIODS = ['day', 'week'] as const;
export type GifterPeriod = (typeof GIFTER_PERIODS)[number];

/** `?period=day|week&limit=20`: the current UTC day, or the UTC week from Monday 00:00. */
export class GiftersQuery {
  @ApiPropertyOptional({ enum: GIFTER_PERIODS, default: 'day', example: 'week' })
  @IsOptional()
  @IsIn(GIFTER_PERIODS)
  period: GifterPeriod = 'day';

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}
