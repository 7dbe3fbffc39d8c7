import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

export const LIVE_TYPES = ['live', 'party', 'audio'] as const;
export type LiveType = (typeof LIVE_TYPES)[number];
export const SEAT_MODES = ['free', 'request'] as const;
export type SeatMode = (typeof SEAT_MODES)[number];
/**
 * `setup_failed`: the live's set-up reactions (its seats) failed, so it was ended right away;
 * `host_banned`: its host was banned from the app.
 */
export const END_REASONS = ['host_ended', 'host_timeout', 'admin', 'setup_failed', 'host_banned'] as const;
export type EndReason = (typeof END_REASONS)[number];
export type LiveStatus = 'live' | 'ended';

@Schema({ _id: false })
export class LiveSettings {
  @Prop({ required: true, default: 0 }) seatCount!: number;
  @Prop({ type: String, required: true, enum: SEAT_MODES, default: 'free' }) seatMode!: SeatMode;
  @Prop({ required: true, default: true }) chatEnabled!: boolean;
  /** Least time between two messages of one viewer (0: off); hosts and co-hosts are exempt. */
  @Prop({ default: 0 }) slowModeMs?: number;
  /** Masked in this live's messages, beside the app-wide list. */
  @Prop({ type: [String], default: [] }) blockedWords?: string[];
}

@Schema({ _id: false })
export class LiveStats {
  @Prop({ default: 0 }) viewerCount!: number;
  @Prop({ default: 0 }) peakViewerCount!: number;
  @Prop({ default: 0 }) uniqueViewerCount!: number;
  @Prop({ default: 0 }) diamonds!: number;
  @Prop({ default: 0 }) giftCount!: number;
  @Prop({ default: 0 }) messageCount!: number;
}

/** A kick whose reactions (viewer record closed, seat freed) have not been seen to finish. */
@Schema({ _id: false })
export class PendingKick {
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true }) actorId!: string;
  @Prop({ required: true }) at!: Date;
}

/**
 * When a removal from the live ends. A user in `removedUserIds` without an entry here is removed
 * for the rest of the live. `byBan`: written by an app-wide ban, lifted with it.
 */
@Schema({ _id: false })
export class Removal {
  @Prop({ required: true }) userId!: string;
  @Prop({ type: Date, default: null }) until!: Date | null;
  @Prop({ default: false }) byBan!: boolean;
}

/**
 * A live. This document is the serialization point for the live's life: joins, seats, messages
 * and gifts pass a conditional check on `status` and `removedUserIds` here.
 */
@Schema({ collection: 'live_streams', timestamps: true })
export class LiveStream {
  @Prop({ required: true }) hostId!: string;
  @Prop({ required: true }) hostUid!: number;
  @Prop({ required: true }) hostName!: string;
  @Prop({ type: String, default: null }) hostAvatar!: string | null;
  @Prop({ type: String, required: true, enum: LIVE_TYPES }) liveType!: LiveType;
  @Prop({ required: true }) title!: string;
  @Prop({ type: String, default: null }) coverUrl!: string | null;
  @Prop({ required: true }) streamingChannel!: string;
  @Prop({ required: true }) callId!: string;
  @Prop({ type: String, required: true, enum: ['live', 'ended'], default: 'live' }) status!: LiveStatus;
  @Prop({ required: true }) startedAt!: Date;
  @Prop({ type: Date, default: null }) endedAt!: Date | null;
  @Prop({ type: String, enum: [...END_REASONS, null], default: null }) endReason!: EndReason | null;
  @Prop({ type: [String], default: [] }) coHostIds!: string[];
  /**
   * Grows each time a co-host loses the role. Seat writes of moderators carry the value their
   * role check read, and the seats (fenced with the new value before the removal answers)
   * refuse an older one: the role check and the seat write act as one step.
   */
  @Prop({ default: 0 }) moderatorEpoch!: number;
  /** Kicked users: refused everywhere in this live, for the rest of it or until their removal ends. */
  @Prop({ type: [String], default: [] }) removedUserIds!: string[];
  /** The end of each timed removal (a kick with a duration, an app-wide ban). */
  @Prop({ type: [Removal], default: [] }) removals!: Removal[];
  @Prop({ type: LiveSettings, required: true }) settings!: LiveSettings;
  @Prop({ type: LiveStats, default: () => ({}) }) stats!: LiveStats;
  /** Last time the host was seen (socket in the room, or REST heartbeat); drives host_timeout. */
  @Prop({ required: true }) hostSeenAt!: Date;
  /**
   * Set only while live and unset at the end. Sparse unique indexes on them give "one active live
   * per host" and "a channel is used by one active live" without partial indexes.
   */
  @Prop({ type: String }) activeHostId?: string;
  @Prop({ type: String }) activeChannel?: string;
  /**
   * Guards of gifts in flight (see StreamsService.acceptGift): accepted while the live ran and
   * added to its totals (common/guards: one key each). Each stays until its gift is finished and
   * no settler of it can write any more.
   */
  @Prop({ type: SchemaTypes.Mixed }) guards?: Record<string, 1>;
  /**
   * Links kept by the battles module (through StreamsService): the live's pending or running
   * connection to another live (read by the join snapshot), and its battle from just before the
   * battle starts until its result is stored (read when a gift is accepted: only then can a gift
   * score, so a live without a battle pays nothing for battles).
   */
  @Prop({ type: SchemaTypes.ObjectId }) connectionId?: Types.ObjectId;
  @Prop({ type: SchemaTypes.ObjectId }) battleId?: Types.ObjectId;
  // Reactions a request awaits but has not seen finish; the pending-reactions sweep finishes them.
  /** From creation until the set-up reactions are in: a live left so is ended, never opened. */
  @Prop({ type: Boolean }) pendingSetup?: boolean;
  /** From the end until its reactions (viewers closed, seats freed) are in. */
  @Prop({ type: Boolean }) pendingEnd?: boolean;
  @Prop({ type: [PendingKick], default: [] }) pendingKicks!: PendingKick[];
  createdAt!: Date;
  updatedAt!: Date;
}

export type LiveStreamDocument = HydratedDocument<LiveStream>;
/** A live's document as read (lean). */
export type LiveRecord = LiveStream & { _id: Types.ObjectId };
export const LiveStreamSchema = SchemaFactory.createForClass(LiveStream);
LiveStreamSchema.index({ activeHostId: 1 }, { unique: true, sparse: true });
LiveStreamSchema.index({ activeChannel: 1 }, { unique: true, sparse: true });
LiveStreamSchema.index({ status: 1, 'stats.viewerCount': -1, _id: -1 });
LiveStreamSchema.index({ status: 1, hostSeenAt: 1 });
LiveStreamSchema.index({ hostId: 1, startedAt: -1 });
LiveStreamSchema.index({ pendingSetup: 1, createdAt: 1 });
LiveStreamSchema.index({ pendingEnd: 1, endedAt: 1 });
LiveStreamSchema.index({ 'pendingKicks.at': 1 });
// The gift recovery sweep finds the guards no later write removed (almost every live holds none).
LiveStreamSchema.index({ guards: 1 });
