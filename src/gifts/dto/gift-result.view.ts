import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../common/pagination';
import { GiftSent } from '../schemas/gift-sent.schema';
import { GiftAnimationView } from './gift.view';

export class GiftComboView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6b01', description: 'The id of the gift that started the combo' })
  comboId!: string;
  @ApiProperty({ type: 'integer', example: 3, description: 'Items sent in this combo so far, this gift included' })
  comboCount!: number;
}

export class GiftUserView {
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 67890, description: 'RTC uid' }) uid!: number;
  @ApiProperty({ example: 'Bob', nullable: true, type: String }) name!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
}

/** A settled gift, as the room sees it (live:gift, recent gifts). */
export class GiftEventView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7f' }) id!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a90' }) giftId!: string;
  @ApiProperty({ example: 'Crown' }) giftName!: string;
  @ApiProperty({ example: 'https://cdn.example.com/gifts/crown.png', nullable: true, type: String }) giftIconUrl!:
    string | null;
  @ApiProperty({ type: GiftAnimationView }) animation!: GiftAnimationView;
  @ApiProperty({ type: GiftUserView }) sender!: GiftUserView;
  @ApiProperty({ example: 'alice' }) receiverId!: string;
  @ApiProperty({ type: 'integer', example: 1 }) count!: number;
  @ApiProperty({ type: 'integer', example: 299, description: 'Coins paid (price x count)' }) coins!: number;
  @ApiProperty({ type: 'integer', example: 299, description: 'Diamonds earned by the receiver' }) diamonds!: number;
  @ApiProperty({ type: GiftComboView, nullable: true }) combo!: GiftComboView | null;
  @ApiProperty({ example: '2026-11-24T20:05:00.000Z' }) settledAt!: string;
}

/** The answer to a send: the gift and the totals it produced. A retried key answers the same. */
export class GiftResultView extends GiftEventView {
  @ApiProperty({ enum: ['settled'], example: 'settled' }) state!: 'settled';
  @ApiProperty({ type: 'integer', example: 5200, description: "The live's diamond total after this gift" })
  liveDiamonds!: number;
  @ApiProperty({ type: 'integer', example: 17, description: "The live's gift items after this gift" })
  liveGiftCount!: number;
  @ApiProperty({ type: 'integer', example: 701, description: "The sender's coins right after the debit" })
  senderCoins!: number;
  @ApiProperty({
    example: 2,
    nullable: true,
    type: 'integer',
    description: "The sender's rank among the live's gifters",
  })
  senderRank!: number | null;
  @ApiProperty({ example: true, description: 'Whether this gift changed the sender’s rank' }) rankChanged!: boolean;
}

export class RecentGiftPage extends PageMeta {
  @ApiProperty({ type: [GiftEventView] }) items!: GiftEventView[];
}

export class GifterView {
  @ApiProperty({ type: 'integer', example: 1 }) rank!: number;
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ example: 'Bob' }) name!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
  @ApiProperty({ type: 'integer', example: 1299, description: 'Diamonds given (the ranking key)' }) diamonds!: number;
  @ApiProperty({ type: 'integer', example: 1299 }) coins!: number;
  @ApiProperty({ type: 'integer', example: 12, description: 'Items sent' }) giftCount!: number;
}

export class GifterPage extends PageMeta {
  @ApiProperty({ type: [GifterView] }) items!: GifterView[];
}

type SentLike = GiftSent & { _id: { toString(): string } };

export function toGiftEventView(gift: SentLike): GiftEventView {
  return {
    id: gift._id.toString(),
    liveStreamId: gift.liveId.toString(),
    giftId: gift.giftId.toString(),
    giftName: gift.giftName,
    giftIconUrl: gift.giftIconUrl ?? null,
    animation: { type: gift.animation?.type ?? 'none', url: gift.animation?.url ?? null },
    sender: { userId: gift.senderId, uid: gift.senderUid, name: gift.senderName, avatar: gift.senderAvatar ?? null },
    receiverId: gift.receiverId,
    count: gift.count,
    coins: gift.coins,
    diamonds: gift.diamonds,
    combo: gift.combo ? { comboId: gift.combo.comboId, comboCount: gift.combo.comboCount } : null,
    settledAt: (gift.settledAt ?? gift.updatedAt).toISOString(),
  };
}

/** Only for a settled gift (its outcome is set). */
export function toGiftResultView(gift: SentLike): GiftResultView {
  const outcome = gift.outcome!;
  return {
    ...toGiftEventView(gift),
    state: 'settled',
    liveDiamonds: outcome.liveDiamonds,
    liveGiftCount: outcome.liveGiftCount,
    senderCoins: outcome.senderCoins,
    senderRank: outcome.senderRank,
    rankChanged: outcome.rankChanged,
  };
}
