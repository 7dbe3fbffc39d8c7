import { ApiProperty } from '@nestjs/swagger';
import { ANIMATION_TYPES, AnimationType, Gift } from '../schemas/gift.schema';

export class GiftAnimationView {
  @ApiProperty({ enum: ANIMATION_TYPES, example: 'svga' }) type!: AnimationType;
  @ApiProperty({ example: 'https://cdn.example.com/gifts/crown.svga', nullable: true, type: String }) url!:
    string | null;
}

export class GiftView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a90' }) id!: string;
  @ApiProperty({ example: 'crown' }) key!: string;
  @ApiProperty({ example: 'Crown' }) name!: string;
  @ApiProperty({ type: 'integer', example: 299, description: 'Coins the sender pays per item' }) priceCoins!: number;
  @ApiProperty({ type: 'integer', example: 299, description: 'Diamonds the receiver earns per item' })
  diamondValue!: number;
  @ApiProperty({ example: 'premium' }) category!: string;
  @ApiProperty({ type: 'integer', example: 110 }) sortOrder!: number;
  @ApiProperty({ example: 'https://cdn.example.com/gifts/crown.png', nullable: true, type: String }) iconUrl!:
    string | null;
  @ApiProperty({ type: GiftAnimationView }) animation!: GiftAnimationView;
  @ApiProperty({ example: true }) active!: boolean;
}

export class GiftCatalogView {
  @ApiProperty({ type: [GiftView], description: 'Active gifts in panel order (sortOrder, then price)' })
  items!: GiftView[];
  @ApiProperty({ type: [String], example: ['classic', 'premium', 'luxury'], description: 'Panel tabs, in order' })
  categories!: string[];
}

export function toGiftView(gift: Gift & { _id: { toString(): string } }): GiftView {
  return {
    id: gift._id.toString(),
    key: gift.key,
    name: gift.name,
    priceCoins: gift.priceCoins,
    diamondValue: gift.diamondValue,
    category: gift.category,
    sortOrder: gift.sortOrder,
    iconUrl: gift.iconUrl ?? null,
    animation: { type: gift.animation?.type ?? 'none', url: gift.animation?.url ?? null },
    active: gift.active,
  };
}
