import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

/**
 * One live's activity in one UTC minute. Every instance adds what it saw (`$inc` upserts), so the
 * document is the sum over instances; `viewers` is the most viewers any of them saw at once.
 */
@Schema({ collection: 'live_minutes', timestamps: false })
export class LiveMinute {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  /** The minute's start. */
  @Prop({ required: true }) minute!: Date;
  @Prop({ default: 0 }) viewers!: number;
  @Prop({ default: 0 }) joins!: number;
  @Prop({ default: 0 }) leaves!: number;
  @Prop({ default: 0 }) messages!: number;
  /** Gift items (a gift of 5 roses counts 5). */
  @Prop({ default: 0 }) gifts!: number;
  @Prop({ default: 0 }) diamonds!: number;
}

export type LiveMinuteDocument = HydratedDocument<LiveMinute>;
export const LiveMinuteSchema = SchemaFactory.createForClass(LiveMinute);
LiveMinuteSchema.index({ liveId: 1, minute: 1 }, { unique: true });
