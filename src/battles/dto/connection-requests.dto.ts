import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsIn, IsInt, IsMongoId, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { PageQuery } from '../../common/pagination';
import { UTC_PERIODS, UtcPeriod } from '../../common/utc-period';

export class InviteConnectionDto {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7c', description: 'The running live whose host is invited' })
  @IsMongoId({ message: 'targetLiveId must be a valid id (24 hex characters)' })
  targetLiveId!: string;
}

/** Bounds beyond these limits are the configuration's (BATTLE_DURATION_MIN_MS ...), checked by the service. */
export class StartBattleDto {
  @ApiProperty({
    type: 'integer',
    example: 300000,
    description: 'Milliseconds, within BATTLE_DURATION_MIN_MS..MAX_MS (30 s..10 min)',
  })
  @IsInt()
  @Min(1)
  @Max(24 * 3600_000)
  durationMs!: number;

  @ApiPropertyOptional({
    type: 'integer',
    example: 60000,
    default: 0,
    description: 'Milliseconds after the end in which no battle starts; at most BATTLE_PUNISHMENT_MAX_MS (5 min)',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(24 * 3600_000)
  punishmentMs?: number;
}

/** `?period=day|week&limit=20`: battle wins per host in the current UTC day or week (from Monday). */
export class BattleRankingsQuery extends PickType(PageQuery, ['limit'] as const) {
  @ApiPropertyOptional({ enum: UTC_PERIODS, default: 'day', example: 'week' })
  @IsOptionalNotNull()
  @IsIn(UTC_PERIODS)
  period: UtcPeriod = 'day';
}
