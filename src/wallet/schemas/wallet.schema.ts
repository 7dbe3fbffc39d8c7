import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/**
 * A user's coins (bought, spent on gifts) and diamonds (earned from gifts). Balances change only
 * through WalletService.move: one conditional update that also records the movement's reference
 * in `guards`, so a movement is applied once even when a crash makes it run again.
 */
@Schema({ collection: 'wallets', timestamps: true })
export class Wallet {
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true, default: 0 }) coins!: number;
  @Prop({ required: true, default: 0 }) diamonds!: number;
  /**
   * References of movements applied here whose gift or purchase is not finished yet. Each is removed
   * once no holder of that movement's lease can write any more; the gift's or purchase's own record
   * guards it from then on, so they are only movements in flight (common/guards: one key each).
   */
  @Prop({ type: SchemaTypes.Mixed }) guards?: Record<string, 1>;
}

export const WalletSchema = SchemaFactory.createForClass(Wallet);
WalletSchema.index({ userId: 1 }, { unique: true });
// The gift recovery sweep finds the guards no later write removed (almost every wallet holds none).
WalletSchema.index({ guards: 1 });
