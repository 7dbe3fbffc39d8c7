import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

export const REPORT_TARGET_TYPES = ['live', 'message', 'user'] as const;
export type ReportTargetType = (typeof REPORT_TARGET_TYPES)[number];
export const REPORT_REASONS = [
  'spam',
  'harassment',
  'hate',
  'sexual',
  'violence',
  'self_harm',
  'scam',
  'minor_safety',
  'other',
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const REPORT_STATUSES = ['open', 'resolved'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const REPORT_ACTIONS = [
  'dismiss',
  'delete_message',
  'kick',
  'ban_from_live',
  'ban_from_app',
  'end_live',
] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

@Schema({ _id: false })
export class Resolution {
  @Prop({ type: String, required: true, enum: REPORT_ACTIONS }) action!: ReportAction;
  @Prop({ type: Number, default: null }) durationMs!: number | null;
  @Prop({ type: String, default: null }) note!: string | null;
  @Prop({ required: true }) actorId!: string;
  @Prop({ required: true }) at!: Date;
  /** 'applied', or the code of the refusal the action met (e.g. LIVE_ENDED): the decision stands either way. */
  @Prop({ required: true }) result!: string;
}

/**
 * A user's report of a live, a message or a user. `openKey` exists only while the report is open:
 * its unique index keeps one open report per reporter and target.
 */
@Schema({ collection: 'reports', timestamps: true })
export class Report {
  @Prop({ required: true }) reporterId!: string;
  @Prop({ type: String, required: true, enum: REPORT_TARGET_TYPES }) targetType!: ReportTargetType;
  @Prop({ required: true }) targetId!: string;
  /** The live it happened in (the live itself, the message's live, or the one given for a user). */
  @Prop({ type: SchemaTypes.ObjectId, default: null }) liveId!: Types.ObjectId | null;
  /** Whom the report is about: the user, the message's sender, the live's host. */
  @Prop({ required: true }) targetUserId!: string;
  /** The reported message's text as it was (it may be deleted since). */
  @Prop({ type: String, default: null }) targetText!: string | null;
  @Prop({ type: String, required: true, enum: REPORT_REASONS }) reason!: ReportReason;
  @Prop({ type: String, default: null }) text!: string | null;
  @Prop({ type: String, required: true, enum: REPORT_STATUSES, default: 'open' }) status!: ReportStatus;
  @Prop({ type: String }) openKey?: string;
  @Prop({ type: Resolution, default: null }) resolution!: Resolution | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export type ReportDocument = HydratedDocument<Report>;
export const ReportSchema = SchemaFactory.createForClass(Report);
ReportSchema.index({ openKey: 1 }, { unique: true, sparse: true });
ReportSchema.index({ status: 1, createdAt: -1, _id: -1 });
ReportSchema.index({ targetType: 1, targetId: 1 });
