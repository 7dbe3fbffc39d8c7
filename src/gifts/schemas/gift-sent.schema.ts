import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';
import { GiftAnimation } from './gift.schema';

export const GIFT_STATES = ['pending', 'settled', 'failed'] as const;
export type GiftState = (typeof GIFT_STATES)[number];
export const GIFT_FAILURES = ['INSUFFICIENT_BALANCE', 'LIVE_ENDED', 'REMOVED_FROM_LIVE'] as const;
export type GiftFailure = (typeof GIFT_FAILURES)[number];

@Schema({ _id: false })
export class GiftCombo {
  @Prop({ required: true }) comboId!: string;
  /** Items sent in the combo so far, this gift included. */
  @Prop({ required: true }) comboCount!: number;
}

/** What the settlement produced: kept so a retried key answers exactly the same. */
@Schema({ _id: false })
export class GiftOutcome {
  @Prop({ required: true }) liveDiamonds!: number;
  @Prop({ required: true }) liveGiftCount!: number;
  @Prop({ required: true }) senderCoins!: number;
  @Prop({ required: true }) senderTotalDiamonds!: number;
  @Prop({ type: Number, default: null }) senderRank!: number | null;
  @Prop({ required: true }) rankChanged!: boolean;
}

/**
 * One gift transaction (GiftSent). Recorded first, with the sender's idempotency key, then
 * settled effect by effect (see GiftSettlement); the recovery sweep finishes what a crash left.
 */
@Schema({ collection: 'gifts_sent', timestamps: true })
export class GiftSent {
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) senderId!: string;
  @Prop({ required: true }) senderUid!: number;
  @Prop({ required: true }) senderName!: string;
  @Prop({ type: String, default: null }) senderAvatar!: string | null;
  @Prop({ required: true }) receiverId!: string;
  @Prop({ required: true }) idempotencyKey!: string;
  @Prop({ type: SchemaTypes.ObjectId, required: true }) giftId!: Types.ObjectId;
  @Prop({ required: true }) giftName!: string;
  @Prop({ type: String, default: null }) giftIconUrl!: string | null;
  @Prop({ type: GiftAnimation, required: true }) animation!: GiftAnimation;
  @Prop({ required: true }) count!: number;
  /** Coins taken from the sender (price x count). */
  @Prop({ required: true }) coins!: number;
  /** Diamonds given to the receiver (diamond value x count). */
  @Prop({ required: true }) diamonds!: number;
  @Prop({ type: String, required: true, enum: GIFT_STATES }) state!: GiftState;
  @Prop({ type: String, enum: [...GIFT_FAILURES, null], default: null }) failure!: GiftFailure | null;
  /**
   * The settler's lease: it may write for this gift only until then, by the database's clock;
   * past it a retry or the recovery sweep may take the gift over (see GiftSettlementService).
   */
  @Prop({ required: true }) leaseUntil!: Date;
  @Prop({ type: GiftCombo, default: null }) combo!: GiftCombo | null;
  @Prop({ type: GiftOutcome, default: null }) outcome!: GiftOutcome | null;
  @Prop({ type: Date, default: null }) settledAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const GiftSentSchema = SchemaFactory.createForClass(GiftSent);
// A key names one gift per sender: retries find the first one.
GiftSentSchema.index({ senderId: 1, idempotencyKey: 1 }, { unique: true });
// The recovery sweep: pending gifts whose lease is over.
GiftSentSchema.index({ state: 1, leaseUntil: 1 });
GiftSentSchema.index({ liveId: 1, state: 1, settledAt: -1 });
GiftSentSchema.index({ receiverId: 1, state: 1, settledAt: -1 });
