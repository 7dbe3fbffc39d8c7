import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The running combo of one sender, gift and receiver in one live (for the client's animation). */
@Schema({ collection: 'gift_combos' })
export class GiftComboRun {
  /** `<liveId>:<senderId>:<giftId>:<receiverId>` */
  @Prop({ required: true }) key!: string;
  @Prop({ required: true }) comboId!: string;
  @Prop({ required: true }) comboCount!: number;
  @Prop({ required: true }) lastAt!: Date;
}

export const GiftComboRunSchema = SchemaFactory.createForClass(GiftComboRun);
GiftComboRunSchema.index({ key: 1 }, { unique: true });
