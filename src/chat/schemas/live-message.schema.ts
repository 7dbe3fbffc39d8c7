import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

export const MESSAGE_TYPES = ['comment', 'gift', 'system', 'join', 'leave'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Who sent a message, as they were when they sent it: history needs no join. */
@Schema({ _id: false })
export class MessageSender {
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true }) uid!: number;
  @Prop({ required: true }) name!: string;
  @Prop({ type: String, default: null }) avatar!: string | null;
}

/** One chat message in one live. Ordered by _id (creation order); deleted ones are kept but hidden. */
@Schema({ collection: 'live_messages', timestamps: { createdAt: true, updatedAt: false } })
export class LiveMessage {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ type: String, required: true, enum: MESSAGE_TYPES }) type!: MessageType;
  @Prop({ required: true }) text!: string;
  @Prop({ type: MessageSender, required: true }) sender!: MessageSender;
  @Prop({ type: String, default: null }) clientMessageId!: string | null;
  /**
   * `<liveId>:<senderId>:<clientMessageId>`, set only when the client gave an id. Its sparse unique
   * index makes retries idempotent; a compound sparse index would still index (and collide on)
   * messages without a client id, and partial indexes are not available everywhere.
   */
  @Prop({ type: String }) dedupeKey?: string;
  @Prop({ type: Date, default: null }) deletedAt!: Date | null;
  @Prop({ type: String, default: null }) deletedBy!: string | null;
  createdAt!: Date;
}

export type LiveMessageDocument = HydratedDocument<LiveMessage>;
export const LiveMessageSchema = SchemaFactory.createForClass(LiveMessage);
LiveMessageSchema.index({ dedupeKey: 1 }, { unique: true, sparse: true });
LiveMessageSchema.index({ liveId: 1, deletedAt: 1, _id: -1 });
