import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

export const LEAVE_REASONS = ['left', 'kicked', 'timeout', 'live_ended'] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];

/** One user's presence in one live, kept across re-joins (watch time accumulates). */
@Schema({ collection: 'live_viewers', timestamps: true })
export class LiveViewer {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true }) uid!: number;
  @Prop({ required: true }) name!: string;
  @Prop({ type: String, default: null }) avatar!: string | null;
  @Prop({ type: String, required: true, enum: ['active', 'left'] }) status!: 'active' | 'left';
  /** Identifies the current visit, so a close or a count applies to the visit it was meant for. */
  @Prop({ type: SchemaTypes.ObjectId, required: true }) sessionId!: Types.ObjectId;
  /** True once this visit is counted in the live's viewerCount: whoever closes it counts it out. */
  @Prop({ required: true, default: false }) counted!: boolean;
  @Prop({ required: true }) firstJoinedAt!: Date;
  @Prop({ required: true }) joinedAt!: Date;
  @Prop({ required: true }) lastSeenAt!: Date;
  @Prop({ type: Date, default: null }) leftAt!: Date | null;
  @Prop({ type: String, enum: [...LEAVE_REASONS, null], default: null }) leaveReason!: LeaveReason | null;
  /** Watch time of closed visits; the open visit adds now - joinedAt. */
  @Prop({ required: true, default: 0 }) watchMs!: number;
}

export type LiveViewerDocument = HydratedDocument<LiveViewer>;
export const LiveViewerSchema = SchemaFactory.createForClass(LiveViewer);
LiveViewerSchema.index({ liveId: 1, userId: 1 }, { unique: true });
/** Keeps RTC uids unique within a live (derived uids can collide). */
LiveViewerSchema.index({ liveId: 1, uid: 1 }, { unique: true });
LiveViewerSchema.index({ liveId: 1, status: 1, joinedAt: -1 });
LiveViewerSchema.index({ status: 1, lastSeenAt: 1 });
LiveViewerSchema.index({ userId: 1, status: 1 });
