import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { DomainError } from '../common/errors';
import { withinLease } from '../common/lease';
import { isDuplicateKey } from '../common/mongo-errors';
import { groupBy } from '../common/group-by';
import { GuardRemovals, guardIdsOf, HOLDING_GUARDS, setGuard, unguarded, unsetGuards } from '../common/guards';
import { decodeCursor, encodeCursor, Page, PageQuery } from '../common/pagination';
import { SnapshotPart } from '../common/snapshot-part';
import { GifterView } from './dto/gift-result.view';
import { GiftSender } from './schemas/gift-sender.schema';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { GiftCombo, GiftSent } from './schemas/gift-sent.schema';

type GiftSenderRecord = GiftSender & { _id: Types.ObjectId };

export interface RankChange {
  rank: number;
  changed: boolean;
  totalDiamonds: number;
}

/** What adding a gift to its sender's entry gave: the sender's rank and the gift's combo. */
export interface Standing {
  rank: RankChange;
  combo: GiftCombo;
}

type LeaderboardGift = GiftSent & { _id: Types.ObjectId };

/** The two ways a gift lands on its sender's entry: it continues the running combo, or starts one. */
type ComboCase = 'continues' | 'starts';

/** At most this many entries' last combo are remembered per instance (to try the likely case first). */
const REMEMBERED_COMBOS = 10_000;
/** Rounds of both cases before the entry is read to see why neither matched. */
const ROUNDS = 5;

/**
 * Owns GiftSender: each sender's totals per live, the live's gifter ranking, and the sender's
 * running combo there (the same gift to the same receiver within the combo window continues it;
 * another gift or receiver starts a new one), kept on the entry so a gift updates both in one command.
 */
@Injectable()
export class GiftLeaderboardService {
  /** The last combo this instance saw per entry: which of the two cases a gift most likely is. */
  private readonly lastCombos = new Map<string, { key: string; at: number }>();
  /** Guards of gifts finished here, by entry: removed by the entry's next update here (see add). */
  private readonly finishedGuards = new GuardRemovals();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(GiftSender.name) private readonly senders: Model<GiftSender>,
  ) {}

  /**
   * Adds a gift to its sender's totals and combo once (the gift id recorded in the same update
   * guards it), within the settler's lease. Returns the sender's rank before and after and the
   * gift's combo, or null when it was already added or the lease is over.
   */
  async add(gift: LeaderboardGift, leaseUntil: Date): Promise<Standing | null> {
    const giftId = gift._id.toString();
    const entry = { liveId: gift.liveId, senderId: gift.senderId };
    const comboKey = comboKeyOf(gift);
    const now = new Date();
    const cutoff = new Date(now.getTime() - this.config.gifts.comboWindowMs);
    const remembered = this.lastCombos.get(entryKey(gift));
    const order: ComboCase[] =
      remembered?.key === comboKey && remembered.at >= cutoff.getTime()
        ? ['continues', 'starts']
        : ['starts', 'continues'];
    const notYet = { ...entry, ...unguarded(giftId), ...withinLease(leaseUntil) };
    // Guards of this entry's gifts finished here since its last update go with this one.
    const finishedIds = this.finishedGuards.pendingFor(entryKey(gift));
    const finished = unsetGuards(finishedIds);
    const totals = { diamonds: gift.diamonds, coins: gift.coins, giftCount: gift.count };
    const names = { senderName: gift.senderName, senderAvatar: gift.senderAvatar };

    const attempt = async (which: ComboCase): Promise<{ before: GiftSenderRecord | null; combo: GiftCombo } | null> => {
      if (which === 'continues') {
        const before = await this.senders
          .findOneAndUpdate(
            { ...notYet, 'combo.key': comboKey, 'combo.at': { $gte: cutoff } },
            {
              $inc: { ...totals, 'combo.count': gift.count },
              $set: { ...names, 'combo.at': now, ...setGuard(giftId) },
              ...finished,
            },
            { returnDocument: 'before', projection: { diamonds: 1, combo: 1 } },
          )
          .lean<GiftSenderRecord>();
        return before && { before, combo: { comboId: before.combo!.id, comboCount: before.combo!.count + gift.count } };
      }
      try {
        // The sender's first gift here creates the entry (upsert).
        const before = await this.senders
          .findOneAndUpdate(
            { ...notYet, $or: [{ 'combo.key': { $ne: comboKey } }, { 'combo.at': { $not: { $gte: cutoff } } }] },
            {
              $inc: totals,
              $set: { ...names, combo: { key: comboKey, id: giftId, count: gift.count, at: now }, ...setGuard(giftId) },
              ...finished,
            },
            { upsert: true, returnDocument: 'before', projection: { diamonds: 1 } },
          )
          .lean<GiftSenderRecord>();
        return { before, combo: { comboId: giftId, comboCount: gift.count } };
      } catch (error) {
        // The entry exists and did not match: added already, the lease is over, or the combo continues.
        if (!isDuplicateKey(error)) throw error;
        return null;
      }
    };

    for (let round = 0; round < ROUNDS; round++) {
      for (const which of order) {
        const added = await attempt(which);
        if (!added) continue;
        this.finishedGuards.removed(entryKey(gift), finishedIds);
        this.remember(entryKey(gift), comboKey, now);
        const previous = added.before?.diamonds ?? 0;
        const totalDiamonds = previous + gift.diamonds;
        const [rankBefore, rank] = await this.ranksOf(gift.liveId, gift.senderId, [previous, totalDiamonds]);
        return { rank: { rank, changed: previous === 0 || rank !== rankBefore, totalDiamonds }, combo: added.combo };
      }
      // Neither case matched. Already added, or this lease is over: nothing to do (settling tells
      // which). Otherwise a concurrent gift of the sender moved the combo between the two: again.
      const open = await this.senders.findOne(notYet, { _id: 1 }).lean();
      if (!open) return null;
    }
    throw new Error(`gift ${giftId}: the sender's leaderboard entry kept changing; left to a takeover`);
  }

  /** The sender's current standing and the gift's combo as the entry shows it (for a gift added before a crash). */
  async standing(gift: LeaderboardGift): Promise<Standing> {
    const doc = await this.senders
      .findOne({ liveId: gift.liveId, senderId: gift.senderId }, { diamonds: 1, combo: 1 })
      .lean<GiftSenderRecord>();
    const totalDiamonds = doc?.diamonds ?? 0;
    const rank = await this.rankOf(gift.liveId, gift.senderId, totalDiamonds);
    const combo =
      doc?.combo?.key === comboKeyOf(gift)
        ? { comboId: doc.combo.id, comboCount: doc.combo.count }
        : { comboId: gift._id.toString(), comboCount: gift.count };
    return { rank: { rank, changed: false, totalDiamonds }, combo };
  }

  /** Ids of gifts whose guard some entries still hold (at most `limit` entries read): for the recovery sweep. */
  async guardedGiftIds(limit: number): Promise<string[]> {
    const entries = await this.senders.find(HOLDING_GUARDS, { guards: 1 }).limit(limit).lean();
    return entries.flatMap(guardIdsOf);
  }

  /** A finished gift's guard goes with this instance's next update of the sender's entry (or the recovery sweep). */
  forgetSoon(gift: Pick<LeaderboardGift, '_id' | 'liveId' | 'senderId'>): void {
    this.finishedGuards.add(entryKey(gift), gift._id.toString());
  }

  /** Writes the guard removals still waiting for a next update (a stopping instance's last batch). */
  async forgetFinished(): Promise<void> {
    const waiting = this.finishedGuards.drain();
    await this.forgetByEntry(waiting);
  }

  /** Drops finished gifts' guard ids, one command for all; call only when no settler of them can still write. */
  async forgetAll(gifts: Pick<LeaderboardGift, '_id' | 'liveId' | 'senderId'>[]): Promise<void> {
    await this.forgetByEntry(
      groupBy(
        gifts,
        (gift) => entryKey(gift),
        (gift) => gift._id.toString(),
      ),
    );
  }

  /** The live's gifters, most diamonds first. */
  /** The top gifters as a part of the live:join snapshot (the first page of `top`). */
  topPart(liveId: string, limit: number): SnapshotPart<GifterView[]> {
    return {
      from: this.senders.collection.collectionName,
      pipeline: [
        { $match: { liveId: new Types.ObjectId(liveId), diamonds: { $gt: 0 } } },
        // Sorted on copies: inside a $lookup the embedded server sorts its stored documents while
        // gifts update their diamonds, and its sort then fails ("Comparison method violates its
        // general contract"), failing the whole join. The projection copies the values first.
        { $project: { senderId: 1, senderName: 1, senderAvatar: 1, diamonds: 1, coins: 1, giftCount: 1 } },
        { $sort: { diamonds: -1, _id: -1 } },
        { $limit: limit },
      ],
      read: (docs) => (docs as GiftSenderRecord[]).map((doc, i) => toGifterView(doc, i + 1)),
    };
  }

  async top(liveId: string, query: PageQuery): Promise<Page<GifterView>> {
    const filter: QueryFilter<GiftSender> = { liveId: new Types.ObjectId(liveId), diamonds: { $gt: 0 } };
    const cursor = decodeCursor<{ v: number; id: string; r: number }>(query.cursor);
    if (
      query.cursor &&
      (!cursor ||
        typeof cursor.v !== 'number' ||
        typeof cursor.r !== 'number' ||
        !Types.ObjectId.isValid(String(cursor.id)))
    ) {
      throw new DomainError('VALIDATION_FAILED', 'cursor is not a cursor this list gave out.');
    }
    if (cursor) {
      filter.$or = [
        { diamonds: { $lt: cursor.v } },
        { diamonds: cursor.v, _id: { $lt: new Types.ObjectId(cursor.id) } },
      ];
    }
    const docs = await this.senders
      .find(filter)
      .sort({ diamonds: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    const firstRank = cursor ? cursor.r + 1 : 1;
    const items = docs.slice(0, query.limit).map((doc, i) => toGifterView(doc, firstRank + i));
    const last = docs.length > query.limit ? docs[query.limit - 1] : undefined;
    return {
      items,
      nextCursor: last
        ? encodeCursor({ v: last.diamonds, id: last._id.toString(), r: firstRank + query.limit - 1 })
        : null,
    };
  }

  private async forgetByEntry(byEntry: Map<string, string[]>): Promise<void> {
    if (byEntry.size === 0) return;
    await this.senders.bulkWrite(
      [...byEntry].map(([entry, ids]) => {
        const [liveId, senderId] = [entry.slice(0, entry.indexOf('/')), entry.slice(entry.indexOf('/') + 1)];
        return { updateOne: { filter: { liveId: new Types.ObjectId(liveId), senderId }, update: unsetGuards(ids) } };
      }),
      { ordered: false },
    );
  }

  private remember(entry: string, key: string, at: Date): void {
    if (this.lastCombos.size >= REMEMBERED_COMBOS) this.lastCombos.clear();
    this.lastCombos.set(entry, { key, at: at.getTime() });
  }

  /** 1 + the number of other gifters with strictly more diamonds (ties share a rank). */
  private async rankOf(liveId: Types.ObjectId, senderId: string, diamonds: number): Promise<number> {
    return (await this.ranksOf(liveId, senderId, [diamonds]))[0];
  }

  /** The ranks the sender would have with each of these totals, counted in one aggregation. */
  private async ranksOf(liveId: Types.ObjectId, senderId: string, totals: number[]): Promise<number[]> {
    const counts = Object.fromEntries(
      totals.map((total, i) => [`above${i}`, { $sum: { $cond: [{ $gt: ['$diamonds', total] }, 1, 0] } }]),
    );
    const [row] = await this.senders.aggregate<Record<string, number>>([
      { $match: { liveId, senderId: { $ne: senderId }, diamonds: { $gt: Math.min(...totals) } } },
      { $group: { _id: null, ...counts } },
    ]);
    return totals.map((_, i) => 1 + (row?.[`above${i}`] ?? 0));
  }
}

function toGifterView(doc: GiftSenderRecord, rank: number): GifterView {
  return {
    rank,
    userId: doc.senderId,
    name: doc.senderName,
    avatar: doc.senderAvatar ?? null,
    diamonds: doc.diamonds,
    coins: doc.coins,
    giftCount: doc.giftCount,
  };
}

function entryKey(gift: Pick<GiftSent, 'liveId' | 'senderId'>): string {
  return `${gift.liveId.toString()}/${gift.senderId}`;
}

/** A combo runs for one gift to one receiver. */
function comboKeyOf(gift: Pick<GiftSent, 'giftId' | 'receiverId'>): string {
  return `${gift.giftId.toString()}:${gift.receiverId}`;
}
