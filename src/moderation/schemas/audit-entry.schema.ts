import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

/** One moderator or admin action: who did what to whom, where, when, why, and what came of it. */
@Schema({ collection: 'audit_log', timestamps: { createdAt: true, updatedAt: false } })
export class AuditEntry {
  @Prop({ required: true }) actorId!: string;
  /** e.g. kick, mute_chat, add_cohost, seat_lock, delete_message, ban_from_app, unban, resolve_report. */
  @Prop({ required: true }) action!: string;
  @Prop({ type: String, required: true }) targetType!: 'user' | 'live' | 'message' | 'seat' | 'report';
  @Prop({ required: true }) targetId!: string;
  @Prop({ type: SchemaTypes.ObjectId, default: null }) liveId!: Types.ObjectId | null;
  @Prop({ type: String, default: null }) reason!: string | null;
  /** What came of it: 'applied', an end time, a resolution's outcome. */
  @Prop({ type: Object, default: {} }) result!: Record<string, unknown>;
  createdAt!: Date;
}

export type AuditEntryDocument = HydratedDocument<AuditEntry>;
export const AuditEntrySchema = SchemaFactory.createForClass(AuditEntry);
AuditEntrySchema.index({ createdAt: -1, _id: -1 });
AuditEntrySchema.index({ liveId: 1, createdAt: -1, _id: -1 });
