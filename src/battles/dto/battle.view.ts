import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../common/pagination';
import {
  BATTLE_END_REASONS,
  BATTLE_STATUSES,
  BattleEndReason,
  BattleRecord,
  BattleStatus,
} from '../schemas/battle.schema';

export class BattleGifterView {
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ example: 'Bob' }) name!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
  @ApiProperty({ type: 'integer', example: 1200, description: 'Diamonds this gifter gave this side during the battle' })
  diamonds!: number;
}

export class BattleSideView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveId!: string;
  @ApiProperty({ example: 'alice' }) hostId!: string;
  @ApiProperty({ example: 'Alice' }) hostName!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) hostAvatar!: string | null;
  @ApiProperty({ type: 'integer', example: 5200, description: 'Diamonds of the gifts counted for this side' })
  score!: number;
  @ApiProperty({ type: [BattleGifterView], description: 'Top 3 gifters of this side; filled once ended' })
  topGifters!: BattleGifterView[];
}

/** A PK battle between the two lives of a connection. */
export class BattleView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6c20' }) id!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6b10' }) connectionId!: string;
  @ApiProperty({
    enum: BATTLE_STATUSES,
    example: 'running',
    description: 'settling: the time is up and the gifts sent in time are settling; the result follows',
  })
  status!: BattleStatus;
  @ApiProperty({ example: 'alice', description: 'The host who started it' }) startedBy!: string;
  @ApiProperty({ example: '2026-11-24T20:01:00.000Z' }) startedAt!: string;
  @ApiProperty({
    example: '2026-11-24T20:06:00.000Z',
    description: 'Gifts recorded in [startedAt, endsAt) count; an early end moves it to the end',
  })
  endsAt!: string;
  @ApiProperty({ type: 'integer', example: 300000 }) durationMs!: number;
  @ApiProperty({ type: 'integer', example: 60000 }) punishmentMs!: number;
  @ApiProperty({ type: [BattleSideView], description: "Two sides: the starter's live first" }) sides!: BattleSideView[];
  @ApiProperty({
    type: 'integer',
    example: 42,
    description: 'Grows with every counted gift: drop a score older than the one shown',
  })
  version!: number;
  @ApiProperty({ type: 'string', enum: [...BATTLE_END_REASONS, null], nullable: true, example: null })
  endReason!: BattleEndReason | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'The side that left early' })
  forfeitedLiveId!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'No battle starts before then' })
  punishmentEndsAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'null until ended, and on a draw' })
  winnerLiveId!: string | null;
  @ApiProperty({ example: null, nullable: true, type: Boolean, description: 'null until ended' })
  draw!: boolean | null;
}

export class BattlePage extends PageMeta {
  @ApiProperty({ type: [BattleView] }) items!: BattleView[];
}

export class BattleRankingEntry {
  @ApiProperty({ type: 'integer', example: 1 }) rank!: number;
  @ApiProperty({ example: 'alice' }) hostId!: string;
  @ApiProperty({ example: 'Alice' }) name!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
  @ApiProperty({ type: 'integer', example: 12 }) wins!: number;
}

export class BattleRankingPage extends PageMeta {
  @ApiProperty({ type: [BattleRankingEntry] }) items!: BattleRankingEntry[];
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** Clients never see a battle before it runs; a settling battle is `settling` until its result is stored. */
export function toBattleView(battle: BattleRecord): BattleView {
  const ended = battle.status === 'ended' && battle.resultStored;
  return {
    id: battle._id.toString(),
    connectionId: battle.connectionId.toString(),
    status: ended ? 'ended' : battle.status === 'running' ? 'running' : 'settling',
    startedBy: battle.startedBy,
    startedAt: iso(battle.startedAt ?? battle.createdAt)!,
    endsAt: iso(battle.endsAt ?? battle.createdAt)!,
    durationMs: battle.durationMs,
    punishmentMs: battle.punishmentMs,
    sides: battle.sides.map((side) => ({
      liveId: side.liveId.toString(),
      hostId: side.hostId,
      hostName: side.hostName,
      hostAvatar: side.hostAvatar ?? null,
      score: battle.scores?.[side.liveId.toString()] ?? 0,
      topGifters: ended ? (side.topGifters ?? []).map((g) => ({ ...g, avatar: g.avatar ?? null })) : [],
    })),
    version: battle.version ?? 0,
    endReason: battle.endReason ?? null,
    forfeitedLiveId: battle.forfeitedLiveId?.toString() ?? null,
    endedAt: ended ? iso(battle.endedAt) : null,
    punishmentEndsAt: ended ? iso(battle.punishmentEndsAt) : null,
    winnerLiveId: ended ? (battle.winnerLiveId?.toString() ?? null) : null,
    draw: ended ? battle.winnerLiveId === null : null,
  };
}
