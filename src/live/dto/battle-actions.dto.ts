import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsMongoId, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { LiveRefDto } from './live-ref.dto';

export const CONNECTION_ACTIONS = ['invite', 'accept', 'reject', 'end'] as const;
export type ConnectionAction = (typeof CONNECTION_ACTIONS)[number];
export const BATTLE_ACTIONS = ['start', 'end'] as const;
export type BattleAction = (typeof BATTLE_ACTIONS)[number];

/** live:connection:action, by a host: the REST routes under /api/live/:id/connections. */
export class ConnectionActionDto extends LiveRefDto {
  @ApiProperty({ enum: CONNECTION_ACTIONS, example: 'invite' })
  @IsIn(CONNECTION_ACTIONS)
  action!: ConnectionAction;

  @ApiPropertyOptional({ example: '665f1c2e8a1b2c3d4e5f6a7c', description: 'invite: the live whose host is invited' })
  @IsOptionalNotNull()
  @IsMongoId({ message: 'targetLiveId must be a valid id (24 hex characters)' })
  targetLiveId?: string;

  @ApiPropertyOptional({ example: '665f1c2e8a1b2c3d4e5f6b10', description: 'accept, reject, end' })
  @IsOptionalNotNull()
  @IsMongoId({ message: 'connectionId must be a valid id (24 hex characters)' })
  connectionId?: string;
}

/** live:battle:action, by a host of a connected live: the REST routes under /api/live/:id/battles. */
export class BattleActionDto extends LiveRefDto {
  @ApiProperty({ enum: BATTLE_ACTIONS, example: 'start' })
  @IsIn(BATTLE_ACTIONS)
  action!: BattleAction;

  @ApiPropertyOptional({ type: 'integer', example: 300000, description: 'start' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(24 * 3600_000)
  durationMs?: number;

  @ApiPropertyOptional({ example: 60000, description: 'start (default 0)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(24 * 3600_000)
  punishmentMs?: number;

  @ApiPropertyOptional({ example: '665f1c2e8a1b2c3d4e5f6c20', description: 'end' })
  @IsOptionalNotNull()
  @IsMongoId({ message: 'battleId must be a valid id (24 hex characters)' })
  battleId?: string;
}
