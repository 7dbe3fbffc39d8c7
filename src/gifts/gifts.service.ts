import { RateLimits } from '../common/rate-limit';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainError } from '../common/errors';
import { awaitOrTakeOver } from '../common/lease';
import { isDuplicateKey } from '../common/mongo-errors';
import { keysetFilter, keysetPage, Page, PageQuery } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { roleIn } from '../streams/live-roles';
import { removedFromLive, StreamsService } from '../streams/streams.service';
import { ViewersService } from '../viewers/viewers.service';
import { GifterPeriod } from './dto/gifters.query';
import { periodStart } from '../common/utc-period';
import { GiftEventView, GifterView, GiftResultView, toGiftEventView, toGiftResultView } from './dto/gift-result.view';
import { SendGiftDto } from './dto/send-gift.dto';
import { CatalogGift, GiftCatalogService, sendable } from './gift-catalog.service';
import { GiftLeaderboardService } from './gift-leaderboard.service';
import { GIFT_RECEIVER_POLICY, GiftReceiverPolicy } from './gift-receiver.policy';
import { GiftRecord, GiftSettlementService } from './gift-settlement.service';
import { GiftSent } from './schemas/gift-sent.schema';

const REPEAT_WAIT_MAX_MS = 10_000;

type LiveRecord = Awaited<ReturnType<StreamsService['findLive']>>;

/** Sending gifts (REST and socket share `send`), and the lists built from sent gifts. */
/** The rate-limit bucket of gift sends, keyed per live and sender. */
const GIFT_RATE_BUCKET = 'gifts';

@Injectable()
export class GiftsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(GiftSent.name) private readonly sent: Model<GiftSent>,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly catalog: GiftCatalogService,
    private readonly settlement: GiftSettlementService,
    private readonly leaderboard: GiftLeaderboardService,
    @Inject(GIFT_RECEIVER_POLICY) private readonly receivers: GiftReceiverPolicy,
    private readonly rateLimits: RateLimits,
  ) {
    rateLimits.define(GIFT_RATE_BUCKET, [config.gifts.rateLimit]);
  }

  /**
   * Sends a gift: checks, records it with the sender's idempotency key, settles it. A repeated key
   * answers the first gift's final result (or its error) and moves no coin.
   */
  async send(liveId: string, user: AuthUser, dto: SendGiftDto): Promise<GiftResultView> {
    // No read of the key first: the insert below finds a repeat (its unique index). A refused send
    // still looks for a first gift under its key, which answers whatever happened since (an end,
    // a kick, a rate limit); the lookup costs only refusals.
    let checked: { live: LiveRecord; receiverId: string; gift: CatalogGift };
    try {
      checked = await this.check(liveId, user, dto);
      await this.rateLimits.consume(GIFT_RATE_BUCKET, `${liveId}:${user.userId}`);
    } catch (error) {
      // A banned sender gets no answer but BANNED, not even a repeat's.
      if (!(error instanceof DomainError) || error.code === 'BANNED') throw error;
      const earlier = await this.firstWithKey(user.userId, dto.idempotencyKey);
      if (earlier) return this.answerRepeat(earlier, liveId, dto);
      throw error;
    }
    const { live, receiverId, gift } = checked;
    const coins = gift.priceCoins * dto.count;

    let record: GiftRecord;
    try {
      record = (
        await this.sent.create({
          liveId: live._id,
          senderId: user.userId,
          senderName: user.name,
          senderAvatar: user.avatar,
          senderUid: user.uid,
          receiverId,
          idempotencyKey: dto.idempotencyKey,
          giftId: gift._id,
          giftName: gift.name,
          giftIconUrl: gift.iconUrl ?? null,
          animation: { type: gift.animation?.type ?? 'none', url: gift.animation?.url ?? null },
          count: dto.count,
          coins,
          diamonds: gift.diamondValue * dto.count,
          state: 'pending',
          leaseUntil: new Date(Date.now() + this.config.gifts.leaseMs),
        })
      ).toObject();
    } catch (error) {
      if (!isDuplicateKey(error, 'idempotencyKey')) throw error;
      // A retry, not a new gift: it gives its rate-limit point back (retries stay free).
      await this.rateLimits.refund(GIFT_RATE_BUCKET, `${liveId}:${user.userId}`);
      const first = await this.firstWithKey(user.userId, dto.idempotencyKey);
      return this.answerRepeat(first!, liveId, dto);
    }
    this.settlement.crashIfFaultPoint('after_record');
    const settled = await this.settlement.settle(record);
    // Still pending: this request's lease ran out on the way (a pause), and another settler finishes it.
    return this.answer(settled.state === 'pending' ? await this.waitForFinal(settled) : settled);
  }

  /** The live's gifters, most diamonds first (404 for an unknown live). */
  async topGifters(liveId: string, query: PageQuery): Promise<Page<GifterView>> {
    await this.streams.findLive(liveId);
    return this.leaderboard.top(liveId, query);
  }

  /** The live's latest settled gifts, newest first. */
  async recent(liveId: string, query: PageQuery): Promise<Page<GiftEventView>> {
    await this.streams.findLive(liveId);
    const filter: QueryFilter<GiftSent> = {
      liveId: new Types.ObjectId(liveId),
      state: 'settled',
      ...keysetFilter('settledAt', 'date', query.cursor),
    };
    const docs = await this.sent
      .find(filter)
      .sort({ settledAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toGiftEventView, (gift) => gift.settledAt);
  }

  /** Who gave a user the most diamonds this UTC day or week (from Monday): the profile ranking. */
  async giftersOf(userId: string, period: GifterPeriod, limit: number): Promise<Page<GifterView>> {
    const rows = await this.sent.aggregate<{
      _id: string;
      name: string;
      avatar: string | null;
      diamonds: number;
      coins: number;
      giftCount: number;
    }>([
      { $match: { receiverId: userId, state: 'settled', settledAt: { $gte: periodStart(period, new Date()) } } },
      {
        $group: {
          _id: '$senderId',
          name: { $last: '$senderName' },
          avatar: { $last: '$senderAvatar' },
          diamonds: { $sum: '$diamonds' },
          coins: { $sum: '$coins' },
          giftCount: { $sum: '$count' },
        },
      },
      { $sort: { diamonds: -1, _id: 1 } },
      { $limit: limit },
    ]);
    const items = rows.map((row, i) => ({
      rank: i + 1,
      userId: row._id,
      name: row.name,
      avatar: row.avatar ?? null,
      diamonds: row.diamonds,
      coins: row.coins,
      giftCount: row.giftCount,
    }));
    return { items, nextCursor: null };
  }

  /**
   * Who may send what to whom: the sender is not banned, the live runs and the sender is not
   * removed from it (one read with the live's document, see BanCheckedInGate), the sender is
   * in it, the receiver may receive, the gift is on sale. Every answer here is checked again by
   * the writes that follow (the live's acceptance gates the end and a kick).
   */
  private async check(
    liveId: string,
    user: AuthUser,
    dto: SendGiftDto,
  ): Promise<{ live: LiveRecord; receiverId: string; gift: CatalogGift }> {
    // One command: the live's document with the sender's ban and visit and the catalog entry.
    const { live, parts } = await this.streams.readGate(liveId, user.userId, {
      inLive: this.viewers.activeVisitPart(liveId, user.userId),
      entry: this.catalog.entryPart(dto.giftId),
    });
    if (!(await this.isInLive(live, user.userId, parts.inLive)))
      throw new DomainError('NOT_IN_LIVE', 'Join this live before sending gifts.');
    const receiverId = dto.receiverId ?? live.hostId;
    if (receiverId === user.userId) throw new DomainError('CANNOT_TARGET_SELF', 'You cannot send a gift to yourself.');
    if (!(await this.receivers.canReceive(live, receiverId))) {
      throw new DomainError(
        'INVALID_RECEIVER',
        'Gifts go to the host, a co-host or (party and audio lives) a seated speaker.',
        { receiverId },
      );
    }
    return { live, receiverId, gift: sendable(parts.entry, dto.giftId) };
  }

  private firstWithKey(senderId: string, idempotencyKey: string): Promise<GiftRecord | null> {
    return this.sent.findOne({ senderId, idempotencyKey }).lean();
  }

  /** Host, co-host, active viewer, or (when seats are wired) a seated speaker. */
  private async isInLive(live: LiveRecord, userId: string, activeViewer: boolean): Promise<boolean> {
    if (roleIn(live, userId) !== 'member') return true;
    if (activeViewer) return true;
    return this.receivers.isSeatedSpeaker(live, userId);
  }

  private async answerRepeat(first: GiftRecord, liveId: string, dto: SendGiftDto): Promise<GiftResultView> {
    const same =
      first.liveId.toString() === liveId &&
      first.giftId.toString() === dto.giftId &&
      first.count === dto.count &&
      (dto.receiverId === undefined || dto.receiverId === first.receiverId);
    if (!same) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This idempotencyKey was used for a different gift; make a new key per gift.',
        {
          giftSentId: first._id.toString(),
        },
      );
    }
    return this.answer(await this.waitForFinal(first));
  }

  /** A repeat waits for the first request's settlement, or takes it over if that settler died. */
  private async waitForFinal(gift: GiftRecord): Promise<GiftRecord> {
    const current = await awaitOrTakeOver(
      {
        read: async () => (await this.sent.findById(gift._id).lean())!,
        isFinal: (g) => g.state !== 'pending',
        claim: () => this.settlement.claimExpired(gift._id),
        finish: (claimed) => this.settlement.settle(claimed),
      },
      gift,
      Math.min(this.config.gifts.leaseMs, REPEAT_WAIT_MAX_MS),
    );
    if (current.state === 'pending') {
      throw new DomainError('GIFT_PENDING', 'This gift is still being settled; retry with the same idempotencyKey.', {
        giftSentId: gift._id.toString(),
      });
    }
    return current;
  }

  private answer(gift: GiftRecord): GiftResultView {
    if (gift.state === 'settled') return toGiftResultView(gift);
    if (gift.failure === 'INSUFFICIENT_BALANCE') throw insufficient(gift.coins);
    if (gift.failure === 'REMOVED_FROM_LIVE') throw removedFromLive();
    throw new DomainError('LIVE_ENDED', 'This live has ended.');
  }
}

function insufficient(required: number): DomainError {
  return new DomainError('INSUFFICIENT_BALANCE', `This gift costs ${required} coins; top up your wallet.`, {
    required,
  });
}
