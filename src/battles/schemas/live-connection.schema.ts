import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';
import { LIVE_TYPES, LiveType } from '../../streams/schemas/live-stream.schema';

/** What clients see. `pending`: invited, not answered yet; `connected`: both lives linked. */
export const CONNECTION_STATUSES = ['pending', 'connected', 'rejected', 'expired', 'ended'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
/**
 * Never shown: `claiming` while the invitation takes its claims on both lives (nobody can answer
 * it yet), `aborted` when it could not take them or a live ended meanwhile.
 */
type StoredConnectionStatus = ConnectionStatus | 'claiming' | 'aborted';
export const CONNECTION_END_REASONS = ['host_ended', 'live_ended'] as const;
export type ConnectionEndReason = (typeof CONNECTION_END_REASONS)[number];
/** Statuses that hold both lives' claims. */
export const OPEN_CONNECTION = ['claiming', 'pending', 'connected'] as const;

/** One of the two lives, with what a client needs to show and watch it. */
@Schema({ _id: false })
export class ConnectedLive {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) hostId!: string;
  @Prop({ required: true }) hostUid!: number;
  @Prop({ required: true }) hostName!: string;
  @Prop({ type: String, default: null }) hostAvatar!: string | null;
  @Prop({ required: true }) streamingChannel!: string;
  @Prop({ required: true }) callId!: string;
}

/** Two running lives linked by their hosts: an invitation first, then the connection itself. */
@Schema({ collection: 'live_connections', timestamps: true })
export class LiveConnection {
  @Prop({ type: String, required: true, enum: LIVE_TYPES }) liveType!: LiveType;
  @Prop({ type: ConnectedLive, required: true }) inviter!: ConnectedLive;
  @Prop({ type: ConnectedLive, required: true }) invitee!: ConnectedLive;
  /** [inviter's live, invitee's live]. */
  @Prop({ type: [SchemaTypes.ObjectId], required: true }) liveIds!: Types.ObjectId[];
  @Prop({ type: String, required: true }) status!: StoredConnectionStatus;
  /** A pending invitation expires then (CONNECTION_INVITE_TTL_MS). */
  @Prop({ required: true }) expiresAt!: Date;
  @Prop({ type: Date, default: null }) connectedAt!: Date | null;
  @Prop({ type: Date, default: null }) endedAt!: Date | null;
  @Prop({ type: String, default: null }) endedBy!: string | null;
  @Prop({ type: String, enum: [...CONNECTION_END_REASONS, null], default: null })
  endReason!: ConnectionEndReason | null;
  /** The connection's latest battle: running, or ended (its punishment period may still run). */
  @Prop({ type: SchemaTypes.ObjectId, default: null }) battleId!: Types.ObjectId | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const LiveConnectionSchema = SchemaFactory.createForClass(LiveConnection);
LiveConnectionSchema.index({ status: 1, expiresAt: 1 });

/**
 * One connection per live: a live's claim names the connection that holds it, from the
 * invitation until the connection is over. Unique per live, so two invitations racing for a live
 * cannot both take it.
 */
@Schema({ collection: 'live_connection_claims' })
export class ConnectionClaim {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ type: SchemaTypes.ObjectId, required: true }) connectionId!: Types.ObjectId;
}

export const ConnectionClaimSchema = SchemaFactory.createForClass(ConnectionClaim);
ConnectionClaimSchema.index({ liveId: 1 }, { unique: true });
