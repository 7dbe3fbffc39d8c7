import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';

/** What clients see. `settling`: the time is up, the gifts sent in time are settling; then `ended`. */
export const BATTLE_STATUSES = ['running', 'settling', 'ended'] as const;
export type BattleStatus = (typeof BATTLE_STATUSES)[number];
/** Never shown: `starting` until both lives are linked to it, `cancelled` if the connection ended first. */
type StoredBattleStatus = BattleStatus | 'starting' | 'cancelled';
/** Statuses in which a gift can still score. */
export const SCORING = ['running', 'settling'] as const;
/** `forfeit`: a side left early (its host ended the battle, the connection or the live): the other side wins. */
export const BATTLE_END_REASONS = ['time_up', 'forfeit'] as const;
export type BattleEndReason = (typeof BATTLE_END_REASONS)[number];

/** A gifter's total on one side, and (once ended) among that side's top gifters. */
@Schema({ _id: false })
export class BattleGifter {
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true }) name!: string;
  @Prop({ type: String, default: null }) avatar!: string | null;
  @Prop({ required: true }) diamonds!: number;
}

@Schema({ _id: false })
export class BattleSide {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) hostId!: string;
  @Prop({ required: true }) hostName!: string;
  @Prop({ type: String, default: null }) hostAvatar!: string | null;
  /** Stored with the result. */
  @Prop({ type: [BattleGifter], default: [] }) topGifters!: BattleGifter[];
}

/**
 * A battle between the two lives of a connection. Scores are kept per live id and moved only by
 * the gift settlement (BattleScores.scoreGift), once per gift: the gift's id is left in `scored`
 * as the guard, and dropped once no settler of it can write (or all at once when the battle ends).
 */
@Schema({ collection: 'battles', timestamps: true, minimize: false })
export class Battle {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) connectionId!: Types.ObjectId;
  /** [the starter's live, the other live]; `sides` in the same order. */
  @Prop({ type: [SchemaTypes.ObjectId], required: true }) liveIds!: Types.ObjectId[];
  @Prop({ type: [BattleSide], required: true }) sides!: BattleSide[];
  @Prop({ required: true }) startedBy!: string;
  @Prop({ type: String, required: true }) status!: StoredBattleStatus;
  @Prop({ required: true }) durationMs!: number;
  @Prop({ required: true }) punishmentMs!: number;
  @Prop({ type: Date, default: null }) startedAt!: Date | null;
  /** A gift counts when its record's createdAt is in [startedAt, endsAt); an early end moves endsAt to it. */
  @Prop({ type: Date, default: null }) endsAt!: Date | null;
  /**
   * One battle at a time per connection: set to the connection's id (unique) from the start until
   * the punishment period is over, then released by the next start.
   */
  @Prop({ type: SchemaTypes.ObjectId }) blockKey?: Types.ObjectId;
  /** Live id -> score (diamonds of the gifts counted for that side). */
  @Prop({ type: SchemaTypes.Mixed, default: {} }) scores!: Record<string, number>;
  /** Live id -> gifter key -> the gifter's total on that side (see gifterKey). */
  @Prop({ type: SchemaTypes.Mixed, default: {} }) gifters!: Record<string, Record<string, BattleGifter>>;
  /** Guards: ids of the gifts counted and not yet forgotten. */
  @Prop({ type: SchemaTypes.Mixed, default: {} }) scored!: Record<string, 1>;
  /** Grows with every counted gift: clients drop a score older than the one they show. */
  @Prop({ default: 0 }) version!: number;
  /** The last score-event slot taken (see BattleScores): one live:battle:score per slot. */
  @Prop({ default: 0 }) scoreSlot!: number;
  @Prop({ type: String, enum: [...BATTLE_END_REASONS, null], default: null }) endReason!: BattleEndReason | null;
  @Prop({ type: SchemaTypes.ObjectId, default: null }) forfeitedLiveId!: Types.ObjectId | null;
  /** The end waits for the window's gifts until then at most. */
  @Prop({ type: Date, default: null }) settleBy!: Date | null;
  @Prop({ type: Date, default: null }) endedAt!: Date | null;
  @Prop({ type: Date, default: null }) punishmentEndsAt!: Date | null;
  /** Set with the result; both null on a draw. */
  @Prop({ type: SchemaTypes.ObjectId, default: null }) winnerLiveId!: Types.ObjectId | null;
  @Prop({ type: String, default: null }) winnerHostId!: string | null;
  @Prop({ type: String, default: null }) winnerHostName!: string | null;
  @Prop({ type: String, default: null }) winnerHostAvatar!: string | null;
  @Prop({ default: false }) resultStored!: boolean;
  /** live:battle:ended was sent (a sweep sends it if the ender died first). */
  @Prop({ default: false }) announced!: boolean;
  createdAt!: Date;
  updatedAt!: Date;
}

export type BattleRecord = Battle & { _id: Types.ObjectId };
export const BattleSchema = SchemaFactory.createForClass(Battle);
BattleSchema.index({ blockKey: 1 }, { unique: true, sparse: true });
BattleSchema.index({ status: 1, endsAt: 1 });
BattleSchema.index({ liveIds: 1, startedAt: -1 });
BattleSchema.index({ status: 1, endedAt: -1, winnerHostId: 1 });
