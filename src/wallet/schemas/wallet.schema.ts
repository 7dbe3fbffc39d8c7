import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A user's coins (bought, spent on gifts) and diamonds (earned from gifts). Balances change only
 * through WalletService.move: one conditional update that also records the movement's reference
 * in `appliedRefs`, so a movement is applied once even when a crash makes it run again.
 */
@Schema({ collection: 'wallets', timestamps: true })
export class Wallet {
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true, default: 0 }) coins!: number;
  @Prop({ required: true, default: 0 }) diamonds!: number;
  /**
   * References applied here. Gift references are removed once their gift is settled (the gift's
   * own state guards it from then on); purchase references stay, so a credit is idempotent forever.
   */
  @Prop({ type: [String], default: [] }) appliedRefs!: string[];
}

export const WalletSchema = SchemaFactory.createForClass(Wallet);
WalletSchema.index({ userId: 1 }, { unique: true });
