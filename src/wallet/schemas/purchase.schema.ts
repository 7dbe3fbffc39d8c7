import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const PURCHASE_STATES = ['pending', 'applied'] as const;
export type PurchaseState = (typeof PURCHASE_STATES)[number];

/**
 * A verified purchase being credited: recorded first (one per user and purchaseRef), then applied
 * to the wallet under a lease, like a gift's settlement. Its record is what keeps a credit
 * idempotent forever, so the wallet's guard reference can be removed once it is applied.
 */
@Schema({ collection: 'purchases', timestamps: true })
export class Purchase {
  @Prop({ required: true }) userId!: string;
  @Prop({ required: true }) purchaseRef!: string;
  @Prop({ required: true }) coins!: number;
  @Prop({ type: String, required: true, enum: PURCHASE_STATES }) state!: PurchaseState;
  /** The crediting request owns the purchase until then; past it a retry or the sweep takes over. */
  @Prop({ required: true }) leaseUntil!: Date;
  /** True once the wallet's guard reference is removed. */
  @Prop({ default: false }) cleaned!: boolean;
  createdAt!: Date;
}

export const PurchaseSchema = SchemaFactory.createForClass(Purchase);
PurchaseSchema.index({ userId: 1, purchaseRef: 1 }, { unique: true });
PurchaseSchema.index({ cleaned: 1, leaseUntil: 1 });
