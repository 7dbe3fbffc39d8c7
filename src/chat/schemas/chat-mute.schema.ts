import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

/** A user's chat mute in one live: muted while `until` is in the future. One document per live and user. */
@Schema({ collection: 'chat_mutes', timestamps: true })
export class ChatMute {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true }) until!: Date;
  @Prop({ required: true }) mutedBy!: string;
}

export type ChatMuteDocument = HydratedDocument<ChatMute>;
export const ChatMuteSchema = SchemaFactory.createForClass(ChatMute);
ChatMuteSchema.index({ liveId: 1, userId: 1 }, { unique: true });
