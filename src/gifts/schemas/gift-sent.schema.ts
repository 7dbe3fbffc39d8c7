import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { GiftAnimation } from './gift.schema';

export const GIFT_STATES = ['pending', 'settled', 'failed'] as const;
export type GiftState = (typeof GIFT_STATES)[number];
export const GIFT_FAILURES = ['INSUFFICIENT_BALANCE', 'LIVE_ENDED', 'REMOVED_FROM_LIVE'] as const;
export type GiftFailure = (typeof GIFT_FAILURES)[number];

/** Which effects of a gift are in. Each is applied once to its target, then ticked here. */
@Schema({ _id: false })
export class SettlementSteps {
  @Prop({ default: false }) accepted!: boolean;
  @Prop({ default: false }) debited!: boolean;
  @Prop({ default: false }) credited!: boolean;
  @Prop({ default: false }) counted!: boolean;
  @Prop({ default: false }) ranked!: boolean;
}

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
  @Prop({ type: Types.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) senderId!: string;
  @Prop({ required: true }) senderUid!: number;
  @Prop({ required: true }) senderName!: string;
  @Prop({ type: String, default: null }) senderAvatar!: string | null;
  @Prop({ required: true }) receiverId!: string;
  @Prop({ required: true }) idempotencyKey!: string;
  @Prop({ type: Types.ObjectId, required: true }) giftId!: Types.ObjectId;
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
  @Prop({ type: SettlementSteps, default: () => ({}) }) steps!: SettlementSteps;
  /** The settler owns the gift until then; past it the recovery sweep may take it over. */
  @Prop({ required: true }) leaseUntil!: Date;
  /** True once the markers left on wallets and the leaderboard are removed (after settle/fail). */
  @Prop({ default: false }) cleaned!: boolean;
  @Prop({ type: GiftCombo, default: null }) combo!: GiftCombo | null;
  @Prop({ type: GiftOutcome, default: null }) outcome!: GiftOutcome | null;
  @Prop({ type: Date, default: null }) settledAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const GiftSentSchema = SchemaFactory.createForClass(GiftSent);
// A key names one gift per sender: retries find the first one.
GiftSentSchema.index({ senderId: 1, idempotencyKey: 1 }, { unique: true });
GiftSentSchema.index({ cleaned: 1, leaseUntil: 1 });
GiftSentSchema.index({ liveId: 1, state: 1, settledAt: -1 });
GiftSentSchema.index({ receiverId: 1, state: 1, settledAt: -1 });
