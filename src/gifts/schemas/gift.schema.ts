import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const ANIMATION_TYPES = ['svga', 'lottie', 'none'] as const;
export type AnimationType = (typeof ANIMATION_TYPES)[number];

@Schema({ _id: false })
export class GiftAnimation {
  @Prop({ type: String, required: true, enum: ANIMATION_TYPES, default: 'none' }) type!: AnimationType;
  @Prop({ type: String, default: null }) url!: string | null;
}

/** A gift of the catalog: what it costs the sender and what it earns the receiver. */
@Schema({ collection: 'gifts', timestamps: true })
export class Gift {
  /** Stable key (e.g. 'rose'): the seed upserts by it, so seeding twice creates nothing new. */
  @Prop({ required: true }) key!: string;
  @Prop({ required: true }) name!: string;
  @Prop({ required: true, min: 1 }) priceCoins!: number;
  @Prop({ required: true, min: 0 }) diamondValue!: number;
  @Prop({ required: true }) category!: string;
  @Prop({ required: true, default: 0 }) sortOrder!: number;
  @Prop({ type: String, default: null }) iconUrl!: string | null;
  @Prop({ type: GiftAnimation, default: () => ({ type: 'none', url: null }) }) animation!: GiftAnimation;
  @Prop({ required: true, default: true }) active!: boolean;
}

export const GiftSchema = SchemaFactory.createForClass(Gift);
GiftSchema.index({ key: 1 }, { unique: true });
GiftSchema.index({ active: 1, sortOrder: 1, priceCoins: 1 });
