import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Histogram } from 'prom-client';
import { METRIC } from '../metrics/metrics';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { DomainEvents } from '../common/domain-events';
import { AppConfig, GiftFaultPoint } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { StreamsService } from '../streams/streams.service';
import { WalletService } from '../wallet/wallet.service';
import { toGiftEventView } from './dto/gift-result.view';
import { GiftCombosService } from './gift-combos.service';
import { GiftLeaderboardService, RankChange } from './gift-leaderboard.service';
import { GiftFailure, GiftOutcome, GiftSent, SettlementSteps } from './schemas/gift-sent.schema';

export type GiftRecord = GiftSent & { _id: Types.ObjectId };

/** Values gathered along the way; a step done before a crash leaves its value to be read again. */
interface Gathered {
  senderCoins?: number;
  liveStats?: { diamonds: number; giftCount: number };
  rank?: RankChange;
}

/**
 * Exactly-once settlement of a recorded gift (SPEC invariant 3). Each effect is one conditional
 * update on its target document that also records the gift's id there, so running a step again
 * (after a crash) changes nothing; the step is then ticked on the gift. Order: accepted by the
 * live (running, sender not removed) -> sender debited (enough coins, else the gift fails with
 * no coin moved) -> receiver credited -> live totals -> sender's leaderboard entry -> settled ->
 * guard ids removed. One settler at a time: the request that recorded the gift, or the recovery
 * sweep once that settler's lease has run out.
 */
@Injectable()
export class GiftSettlementService {
  private readonly logger = new Logger('GiftSettlement');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(GiftSent.name) private readonly sent: Model<GiftSent>,
    private readonly streams: StreamsService,
    private readonly wallets: WalletService,
    private readonly leaderboard: GiftLeaderboardService,
    private readonly combos: GiftCombosService,
    private readonly events: DomainEvents,
    @InjectMetric(METRIC.giftSettlementLag) private readonly settlementLag: Histogram<string>,
  ) {}

  /** Runs what is left of the gift's settlement and returns its final record. */
  async settle(gift: GiftRecord): Promise<GiftRecord> {
    let current = gift;
    if (current.state === 'pending') current = await this.runSteps(current);
    if (!current.cleaned) await this.clean(current);
    return current;
  }

  /** Takes over a gift whose settler's lease ran out (a crash); null when someone else holds it. */
  async claimExpired(giftId: Types.ObjectId): Promise<GiftRecord | null> {
    const now = new Date();
    return this.sent
      .findOneAndUpdate(
        { _id: giftId, cleaned: false, leaseUntil: { $lt: now } },
        { $set: { leaseUntil: new Date(now.getTime() + this.config.gifts.leaseMs) } },
        { returnDocument: 'after' },
      )
      .lean();
  }

  /**
   * Finishes gifts whose settler's lease ran out (a crash left them half-done, or their guard ids
   * in place). Each is claimed by a conditional update first, so several instances can sweep.
   */
  async recoverAbandoned(limit = 100): Promise<number> {
    const abandoned = await this.sent
      .find({ cleaned: false, leaseUntil: { $lt: new Date() } }, { _id: 1 })
      .limit(limit)
      .lean();
    let recovered = 0;
    for (const { _id } of abandoned) {
      const claimed = await this.claimExpired(_id);
      if (!claimed) continue;
      await this.settle(claimed);
      recovered++;
    }
    return recovered;
  }

  /** Test-only crash switch (GIFT_FAULT_POINT, refused in production by the config). */
  crashIfFaultPoint(point: GiftFaultPoint): void {
    if (this.config.gifts.faultPoint !== point) return;
    this.logger.warn({ point }, 'GIFT_FAULT_POINT reached: exiting on purpose');
    process.exit(1);
  }

  private async runSteps(gift: GiftRecord): Promise<GiftRecord> {
    const giftId = gift._id.toString();
    const ref = `gift:${giftId}`;
    const liveId = gift.liveId.toString();
    const got: Gathered = {};

    if (!gift.steps.accepted) {
      const refusal = await this.streams.acceptGift(liveId, giftId, gift.senderId);
      if (refusal) return this.fail(gift, refusal);
      await this.tick(gift, 'accepted');
    }
    if (!gift.steps.debited) {
      const debit = await this.wallets.move({ userId: gift.senderId, ref, reason: 'gift_sent', coins: -gift.coins });
      if (debit.status === 'insufficient') return this.fail(gift, 'INSUFFICIENT_BALANCE');
      this.crashIfFaultPoint('after_debit');
      got.senderCoins = debit.coins;
      await this.tick(gift, 'debited');
    }
    if (!gift.steps.credited) {
      await this.wallets.move({ userId: gift.receiverId, ref, reason: 'gift_received', diamonds: gift.diamonds });
      await this.tick(gift, 'credited');
    }
    if (!gift.steps.counted) {
      got.liveStats =
        (await this.streams.countGift(liveId, giftId, { diamonds: gift.diamonds, giftCount: gift.count })) ?? undefined;
      await this.tick(gift, 'counted');
    }
    if (!gift.steps.ranked) {
      got.rank = (await this.leaderboard.add(gift)) ?? undefined;
      await this.tick(gift, 'ranked');
    }
    return this.markSettled(gift, await this.outcome(gift, got));
  }

  private async outcome(gift: GiftRecord, got: Gathered): Promise<GiftOutcome> {
    const liveStats = got.liveStats ?? (await this.streams.findLive(gift.liveId.toString())).stats;
    const rank = got.rank ?? (await this.leaderboard.standing(gift.liveId, gift.senderId));
    return {
      liveDiamonds: liveStats.diamonds,
      liveGiftCount: liveStats.giftCount,
      senderCoins: got.senderCoins ?? (await this.wallets.coinsOf(gift.senderId)),
      senderTotalDiamonds: rank.totalDiamonds,
      senderRank: rank.rank,
      rankChanged: rank.changed,
    };
  }

  private async markSettled(gift: GiftRecord, outcome: GiftOutcome): Promise<GiftRecord> {
    const combo = await this.combos.next(gift);
    const settled = await this.sent
      .findOneAndUpdate(
        { _id: gift._id, state: 'pending' },
        { $set: { state: 'settled', settledAt: new Date(), combo, outcome } },
        { returnDocument: 'after' },
      )
      .lean();
    if (!settled) return (await this.sent.findById(gift._id).lean())!;
    // From the gift's record to its settlement: grows when a crash leaves work to the recovery sweep.
    this.settlementLag.observe((settled.settledAt!.getTime() - settled.createdAt.getTime()) / 1000);
    this.events.emit('gift.settled', {
      liveId: settled.liveId.toString(),
      gift: toGiftEventView(settled),
      liveDiamonds: outcome.liveDiamonds,
      liveGiftCount: outcome.liveGiftCount,
      senderRank: outcome.rankChanged ? outcome.senderRank : null,
    });
    return settled;
  }

  private async fail(gift: GiftRecord, failure: GiftFailure): Promise<GiftRecord> {
    const failed = await this.sent
      .findOneAndUpdate(
        { _id: gift._id, state: 'pending' },
        { $set: { state: 'failed', failure } },
        { returnDocument: 'after' },
      )
      .lean();
    return failed ?? (await this.sent.findById(gift._id).lean())!;
  }

  private async tick(gift: GiftRecord, step: keyof SettlementSteps): Promise<void> {
    await this.sent.updateOne({ _id: gift._id, state: 'pending' }, { $set: { [`steps.${step}`]: true } });
  }

  /** Removes the gift's guard ids from the documents it touched: its state guards it from now on. */
  private async clean(gift: GiftRecord): Promise<void> {
    const giftId = gift._id.toString();
    if (gift.state === 'settled') {
      await this.wallets.forgetRef(gift.senderId, `gift:${giftId}`);
      await this.wallets.forgetRef(gift.receiverId, `gift:${giftId}`);
      await this.leaderboard.forget(gift.liveId, gift.senderId, giftId);
    } else {
      await this.streams.releaseGift(gift.liveId.toString(), giftId);
    }
    await this.sent.updateOne({ _id: gift._id }, { $set: { cleaned: true } });
  }
}
