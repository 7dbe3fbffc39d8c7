import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * An app-wide ban: one document per user, in force while `until` is null (permanent) or in the
 * future. Lifting it deletes the document; its history is in the audit log.
 */
@Schema({ collection: 'bans', timestamps: true })
export class Ban {
  @Prop({ required: true }) userId!: string;
  @Prop({ type: Date, default: null }) until!: Date | null;
  @Prop({ type: String, default: null }) reason!: string | null;
  @Prop({ required: true }) actorId!: string;
  createdAt!: Date;
  updatedAt!: Date;
}

export type BanDocument = HydratedDocument<Ban>;
export const BanSchema = SchemaFactory.createForClass(Ban);
BanSchema.index({ userId: 1 }, { unique: true });
BanSchema.index({ createdAt: -1, _id: -1 });
