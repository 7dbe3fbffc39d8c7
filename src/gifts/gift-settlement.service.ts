import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Histogram } from 'prom-client';
import { METRIC } from '../metrics/metrics';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { BattleScores } from '../battles/battle-scores';
import { LEASE_EXPIRED, leaseEnd, withinLease } from '../common/lease';
import { DomainEvents } from '../common/domain-events';
import { AppConfig, GiftFaultPoint } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { StreamsService } from '../streams/streams.service';
import { Booking, WalletService } from '../wallet/wallet.service';
import { toGiftEventView } from './dto/gift-result.view';
import { GiftLeaderboardService, Standing } from './gift-leaderboard.service';
import { GiftCombo, GiftFailure, GiftOutcome, GiftSent } from './schemas/gift-sent.schema';

export type GiftRecord = GiftSent & { _id: Types.ObjectId };

/**
 * Documents per collection whose guards one sweep reads. Every sender's only gift leaves its guards
 * to the sweep (no later write removes them), so it takes many at once: one command per
 * collection either way.
 */
const LEFTOVER_DOCUMENTS_PER_SWEEP = 1_000;

/** Values gathered along the way; a step that another settler did leaves its value to be read again. */
interface Gathered {
  senderCoins?: number;
  liveStats?: { diamonds: number; giftCount: number };
  standing?: Standing;
}

/** The record after a settler's run, whether this settler finished it within its own lease, and the battle that may have scored it. */
interface Run {
  gift: GiftRecord;
  finishedHere: boolean;
  battleId?: string | null;
}

/**
 * Exactly-once settlement of a recorded gift, without transactions. The argument:
 * - Each effect (sender debited, accepted and counted by the live, receiver credited, sender's
 *   leaderboard entry; or, when the live refused a paid gift, the refund) is one conditional
 *   update on its target document that also leaves the gift's id there as a guard, so running it
 *   again changes nothing while the guard is there. Running every effect again is therefore safe,
 *   and a takeover simply runs them all (a refusal is noted on the record before its refund).
 * - One settler at a time holds the gift's lease: the request that recorded it, then whoever
 *   claims it once the lease is over by the database's clock (a crash, or a settler paused too long).
 * - A lease is not a lock: a paused settler can wake up after a takeover. Every write a settler
 *   makes, effects and its own record's state alike, matches only while its lease runs by the
 *   database's clock (`withinLease`), so a late settler can no longer change anything.
 * - Guards are removed only when no settler can write any more: after the settler that marked the
 *   gift settled or failed within its lease (every earlier settler's lease ended before it
 *   claimed), by this instance's next write to each document that holds one (common/guards: no
 *   command of their own), or, when no such write comes (a lone gift, a crash), by the sweep once
 *   the last lease is over (it finds them on the documents that hold them). From then on the
 *   gift's state guards it.
 * The ledger entry of each wallet movement is written once (unique per wallet and reference).
 * A battle between the gift's live and another scores it the same way (BattleScores.scoreGift).
 */
@Injectable()
export class GiftSettlementService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('GiftSettlement');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(GiftSent.name) private readonly sent: Model<GiftSent>,
    private readonly streams: StreamsService,
    private readonly wallets: WalletService,
    private readonly leaderboard: GiftLeaderboardService,
    private readonly battleScores: BattleScores,
    private readonly events: DomainEvents,
    @InjectMetric(METRIC.giftSettlementLag) private readonly settlementLag: Histogram<string>,
  ) {}

  /**
   * Settles a pending gift whose lease the caller holds (`gift.leaseUntil`). Returns the record as
   * this settler left it: final, or still pending when its lease ran out on the way.
   */
  async settle(gift: GiftRecord): Promise<GiftRecord> {
    const run = await this.runSteps(gift);
    if (run.finishedHere) this.forgetGuardsSoon(run.gift, run.battleId);
    return run.gift;
  }

  /** A stopping instance removes the guards still waiting for a next write, one batch per collection (a crash leaves them to the sweep). */
  async beforeApplicationShutdown(): Promise<void> {
    try {
      await this.streams.forgetFinishedGifts();
      await this.wallets.forgetFinishedRefs();
      await this.leaderboard.forgetFinished();
    } catch (err) {
      // Left where they are: the recovery sweep finds them there once the gifts' leases are over.
      this.logger.warn({ err }, 'guard removal failed; left to the recovery sweep');
    }
  }

  /** Takes over a pending gift whose settler's lease is over; null when someone else holds it. */
  async claimExpired(giftId: Types.ObjectId): Promise<GiftRecord | null> {
    return this.sent
      .findOneAndUpdate(
        { _id: giftId, state: 'pending', ...LEASE_EXPIRED },
        { $set: { leaseUntil: leaseEnd(this.config.gifts.leaseMs) } },
        { returnDocument: 'after' },
      )
      .lean();
  }

  /**
   * Finishes gifts whose settler's lease is over: pending ones are claimed (a conditional update,
   * so several instances can sweep) and settled. Then removes the guards that finished gifts left
   * on the documents they touched and that no later write there removed (see cleanLeftovers).
   */
  async recoverAbandoned(limit = 100): Promise<number> {
    const abandoned = await this.sent
      .find({ state: 'pending', ...LEASE_EXPIRED }, { _id: 1 })
      .limit(limit)
      .lean();
    for (const gift of abandoned) {
      const claimed = await this.claimExpired(gift._id);
      if (claimed) await this.settle(claimed);
    }
    return abandoned.length + (await this.cleanLeftovers(LEFTOVER_DOCUMENTS_PER_SWEEP));
  }

  /**
   * Guards of finished gifts that no later write removed (a sender's only gift, an instance that
   * died): the documents that still hold a gift's guard name the gifts, and those that are
   * finished, with their last lease over, lose their guards (a gift in flight keeps them). A
   * finished gift is never written again, so this is safe at any time.
   */
  private async cleanLeftovers(limit: number): Promise<number> {
    const guarded = new Set([
      ...(await this.streams.guardedGiftIds(limit)),
      ...(await this.wallets.guardedRefs('gift:', limit)).map((ref) => ref.split(':')[1]),
      ...(await this.leaderboard.guardedGiftIds(limit)),
    ]);
    if (guarded.size === 0) return 0;
    const finished = await this.sent
      .find({ _id: { $in: [...guarded] }, state: { $ne: 'pending' }, ...LEASE_EXPIRED })
      .lean();
    await this.clean(finished);
    return finished.length;
  }

  /** Test-only crash switch (GIFT_FAULT_POINT, refused in production by the config). */
  crashIfFaultPoint(point: GiftFaultPoint): void {
    if (this.config.gifts.faultPoint !== point) return;
    this.logger.warn({ point }, 'GIFT_FAULT_POINT reached: exiting on purpose');
    process.exit(1);
  }

  private async runSteps(gift: GiftRecord): Promise<Run> {
    const giftId = gift._id.toString();
    const ref = `gift:${giftId}`;
    const liveId = gift.liveId.toString();
    const lease = gift.leaseUntil;
    const got: Gathered = {};

    // The ledger entries of the movements are written together, after the last one (one command).
    const bookings: Booking[] = [];
    const debit = await this.wallets.move(
      { userId: gift.senderId, ref, reason: 'gift_sent', coins: -gift.coins, leaseUntil: lease },
      bookings,
    );
    if (debit.status === 'lease_over') return this.leaseOver(gift);
    if (debit.status === 'insufficient') return this.fail(gift, 'INSUFFICIENT_BALANCE');
    this.crashIfFaultPoint('after_debit');
    got.senderCoins = debit.coins;
    // An earlier settler's refusal stands (its refund may be paid): the live is not asked again.
    if (gift.failure) return this.refund(gift, gift.failure, bookings);

    // Accepted and counted in one update, after the debit: the live's totals never hold a gift
    // that is not paid for. An end or a kick that won the race since the check refuses it: refunded.
    const acceptance = await this.streams.acceptGift(
      liveId,
      giftId,
      gift.senderId,
      { diamonds: gift.diamonds, giftCount: gift.count },
      lease,
    );
    if (!acceptance.accepted) {
      const { refusal } = acceptance;
      if (refusal === 'LEASE_OVER') {
        await this.wallets.bookAll(bookings);
        return this.leaseOver(gift);
      }
      return this.refund(gift, refusal, bookings);
    }
    got.liveStats = acceptance.stats;

    const credit = await this.wallets.move(
      { userId: gift.receiverId, ref, reason: 'gift_received', diamonds: gift.diamonds, leaseUntil: lease },
      bookings,
    );
    await this.wallets.bookAll(bookings);
    if (credit.status === 'lease_over') return this.leaseOver(gift);

    // Only a live in a battle pays this step: its document named the battle when it accepted the gift.
    if (acceptance.battleId) await this.battleScores.scoreGift(gift, acceptance.battleId, lease);
    // null: ranked by an earlier settler, or this lease is over; settling below tells which.
    got.standing = (await this.leaderboard.add(gift, lease)) ?? undefined;
    return { ...(await this.markSettled(gift, got)), battleId: acceptance.battleId };
  }

  /**
   * The live refused a gift already paid for. The refusal is noted on the record first, so that
   * every later settler refunds too rather than ask the live again (a timed removal may have ended
   * by then, and the coins may be back already); then the coins go back and the gift fails.
   */
  private async refund(gift: GiftRecord, refusal: GiftFailure, bookings: Booking[]): Promise<Run> {
    if (!gift.failure) {
      const noted = await this.sent
        .findOneAndUpdate(this.heldBy(gift), { $set: { failure: refusal } }, { returnDocument: 'after' })
        .lean();
      if (!noted) {
        await this.wallets.bookAll(bookings);
        return this.leaseOver(gift);
      }
      this.crashIfFaultPoint('after_refusal');
    }
    const back = await this.wallets.move(
      {
        userId: gift.senderId,
        ref: refundRef(gift),
        reason: 'gift_refunded',
        coins: gift.coins,
        leaseUntil: gift.leaseUntil,
      },
      bookings,
    );
    await this.wallets.bookAll(bookings);
    if (back.status === 'lease_over') return this.leaseOver(gift);
    return this.fail(gift, refusal);
  }

  private async outcome(gift: GiftRecord, got: Gathered): Promise<{ outcome: GiftOutcome; combo: GiftCombo }> {
    const liveStats = got.liveStats ?? (await this.streams.findLive(gift.liveId.toString())).stats;
    const { rank, combo } = got.standing ?? (await this.leaderboard.standing(gift));
    const outcome = {
      liveDiamonds: liveStats.diamonds,
      liveGiftCount: liveStats.giftCount,
      senderCoins: got.senderCoins ?? (await this.wallets.coinsOf(gift.senderId)),
      senderTotalDiamonds: rank.totalDiamonds,
      senderRank: rank.rank,
      rankChanged: rank.changed,
    };
    return { outcome, combo };
  }

  /**
   * Marks the gift settled, only while this settler's lease runs. Every effect was applied by now:
   * one that reported nothing was done by an earlier settler, or this lease ended, and then this
   * update does not match either (the database's clock only moves forward).
   */
  private async markSettled(gift: GiftRecord, got: Gathered): Promise<Run> {
    const { outcome, combo } = await this.outcome(gift, got);
    const settled = await this.sent
      .findOneAndUpdate(
        this.heldBy(gift),
        { $set: { state: 'settled', settledAt: new Date(), combo, outcome } },
        { returnDocument: 'after' },
      )
      .lean();
    if (!settled) return this.leaseOver(gift);
    // From the gift's record to its settlement: grows when a crash leaves work to the recovery sweep.
    this.settlementLag.observe((settled.settledAt!.getTime() - settled.createdAt.getTime()) / 1000);
    this.events.emit('gift.settled', {
      liveId: settled.liveId.toString(),
      gift: toGiftEventView(settled),
      liveDiamonds: outcome.liveDiamonds,
      liveGiftCount: outcome.liveGiftCount,
      senderRank: outcome.rankChanged ? outcome.senderRank : null,
    });
    return { gift: settled, finishedHere: true };
  }

  private async fail(gift: GiftRecord, failure: GiftFailure): Promise<Run> {
    const failed = await this.sent
      .findOneAndUpdate(this.heldBy(gift), { $set: { state: 'failed', failure } }, { returnDocument: 'after' })
      .lean();
    return failed ? { gift: failed, finishedHere: true } : this.leaseOver(gift);
  }

  /** This settler may no longer write: the record as another settler (or nobody yet) left it. */
  private async leaseOver(gift: GiftRecord): Promise<Run> {
    return { gift: (await this.sent.findById(gift._id).lean())!, finishedHere: false };
  }

  /** The gift's record, while it is pending and this settler's lease runs. */
  private heldBy(gift: GiftRecord): QueryFilter<GiftSent> {
    return { _id: gift._id, state: 'pending', leaseUntil: gift.leaseUntil, ...withinLease(gift.leaseUntil) };
  }

  /**
   * A gift this settler finished: each of its guards goes with this instance's next write to the
   * document that holds it (no command of its own). When none follows, the recovery sweep removes
   * it; a battle's guards, when the battle is unknown here (the sweep finishing another settler's
   * gift) or nothing follows, go with the battle's end.
   */
  private forgetGuardsSoon(gift: GiftRecord, battleId?: string | null): void {
    const guards = guardsLeftBy(gift);
    if (battleId && guards.live) this.battleScores.forgetGift(battleId, gift._id.toString());
    if (guards.live) this.streams.forgetGiftSoon(guards.live.liveId, guards.live.giftId);
    guards.wallets.forEach(({ userId, ref }) => this.wallets.forgetRefSoon(userId, ref));
    if (guards.entry) this.leaderboard.forgetSoon(gift);
  }

  /** Removes finished gifts' guards from the documents they touched, one command per collection for the whole batch. */
  private async clean(gifts: GiftRecord[]): Promise<void> {
    if (gifts.length === 0) return;
    const guards = gifts.map((gift) => ({ gift, ...guardsLeftBy(gift) }));
    await this.streams.forgetGifts(guards.flatMap(({ live }) => (live ? [live] : [])));
    await this.wallets.forgetRefs(guards.flatMap(({ wallets }) => wallets));
    await this.leaderboard.forgetAll(guards.flatMap(({ gift, entry }) => (entry ? [gift] : [])));
  }
}

/**
 * The guards a finished gift left: a settled one on its live, both wallets and the sender's
 * leaderboard entry; a refunded one on its sender's wallet only (the debit's and the refund's); one
 * refused for want of coins, none.
 */
function guardsLeftBy(gift: GiftRecord): {
  live?: { liveId: string; giftId: string };
  wallets: { userId: string; ref: string }[];
  entry: boolean;
} {
  const giftId = gift._id.toString();
  const ref = `gift:${giftId}`;
  if (gift.state === 'settled') {
    return {
      live: { liveId: gift.liveId.toString(), giftId },
      wallets: [
        { userId: gift.senderId, ref },
        { userId: gift.receiverId, ref },
      ],
      entry: true,
    };
  }
  if (gift.failure === 'INSUFFICIENT_BALANCE') return { wallets: [], entry: false };
  return {
    wallets: [
      { userId: gift.senderId, ref },
      { userId: gift.senderId, ref: refundRef(gift) },
    ],
    entry: false,
  };
}

/** The reference of a refused gift's refund in its sender's wallet and ledger. */
export function refundRef(gift: Pick<GiftRecord, '_id'>): string {
  return `gift:${gift._id.toString()}:refund`;
}
