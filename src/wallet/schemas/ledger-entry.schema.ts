import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const CURRENCIES = ['coins', 'diamonds'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const LEDGER_REASONS = ['purchase', 'gift_sent', 'gift_received', 'gift_refunded'] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/** One movement of one currency in one wallet. The books: a wallet equals the sum of its entries. */
@Schema({ collection: 'ledger_entries', timestamps: { createdAt: true, updatedAt: false } })
export class LedgerEntry {
  @Prop({ required: true }) userId!: string;
  @Prop({ type: String, required: true, enum: CURRENCIES }) currency!: Currency;
  /** Signed: negative for a debit. */
  @Prop({ required: true }) amount!: number;
  /** The balance right after; null only when a crash fell between the balance change and this entry. */
  @Prop({ type: Number, default: null }) balanceAfter!: number | null;
  @Prop({ type: String, required: true, enum: LEDGER_REASONS }) reason!: LedgerReason;
  /**
   * What caused it: `purchase:<purchaseRef>`, `gift:<giftSentId>`, or `gift:<giftSentId>:refund`
   * (the coins of a gift its live refused after the debit).
   */
  @Prop({ required: true }) reference!: string;
  createdAt!: Date;
}

export const LedgerEntrySchema = SchemaFactory.createForClass(LedgerEntry);
// Each movement is booked once per wallet and currency.
LedgerEntrySchema.index({ userId: 1, reference: 1, currency: 1 }, { unique: true });
LedgerEntrySchema.index({ userId: 1, createdAt: -1 });
