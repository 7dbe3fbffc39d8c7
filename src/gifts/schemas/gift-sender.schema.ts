import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';

/** The sender's running combo in the live: one gift to one receiver, continued within the combo window. */
@Schema({ _id: false })
export class GiftSenderCombo {
  /** `<giftId>:<receiverId>` */
  @Prop({ required: true }) key!: string;
  /** The id of the gift that started it. */
  @Prop({ required: true }) id!: string;
  /** Items sent in it so far. */
  @Prop({ required: true }) count!: number;
  /** When its last gift was added. */
  @Prop({ required: true }) at!: Date;
}

/** One sender's totals in one live: the live's gifter leaderboard (GiftSender). */
@Schema({ collection: 'gift_senders', timestamps: true })
export class GiftSender {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) senderId!: string;
  @Prop({ required: true }) senderName!: string;
  @Prop({ type: String, default: null }) senderAvatar!: string | null;
  /** Diamonds given (the ranking key), coins spent, items sent. */
  @Prop({ required: true, default: 0 }) diamonds!: number;
  @Prop({ required: true, default: 0 }) coins!: number;
  @Prop({ required: true, default: 0 }) giftCount!: number;
  @Prop({ type: GiftSenderCombo, default: null }) combo!: GiftSenderCombo | null;
  /** Gifts added here whose settlement is not finished: the guards against adding one twice (common/guards). */
  @Prop({ type: SchemaTypes.Mixed }) guards?: Record<string, 1>;
}

export const GiftSenderSchema = SchemaFactory.createForClass(GiftSender);
GiftSenderSchema.index({ liveId: 1, senderId: 1 }, { unique: true });
GiftSenderSchema.index({ liveId: 1, diamonds: -1, _id: -1 });
// The gift recovery sweep finds the guards no later write removed (almost every entry holds none).
GiftSenderSchema.index({ guards: 1 });
