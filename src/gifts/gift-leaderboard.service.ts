import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { DomainError } from '../common/errors';
import { withinLease } from '../common/lease';
import { isDuplicateKey } from '../common/mongo-errors';
import { groupBy } from '../common/group-by';
import { decodeCursor, encodeCursor, Page, PageQuery } from '../common/pagination';
import { SnapshotPart } from '../common/snapshot-part';
import { GifterView } from './dto/gift-result.view';
import { GiftSender } from './schemas/gift-sender.schema';
import { GiftSent } from './schemas/gift-sent.schema';

type GiftSenderRecord = GiftSender & { _id: Types.ObjectId };

export interface RankChange {
  rank: number;
  changed: boolean;
  totalDiamonds: number;
}

/** Owns GiftSender: each sender's totals per live, the live's gifter ranking. */
@Injectable()
export class GiftLeaderboardService {
  constructor(@InjectModel(GiftSender.name) private readonly senders: Model<GiftSender>) {}

  /**
   * Adds a gift to its sender's totals once (the gift id recorded in the same update guards it),
   * within the settler's lease. Returns the sender's rank before and after, or null when it was
   * already added or the lease is over.
   */
  async add(gift: GiftSent & { _id: Types.ObjectId }, leaseUntil: Date): Promise<RankChange | null> {
    const giftId = gift._id.toString();
    const key = { liveId: gift.liveId, senderId: gift.senderId };
    const apply = () =>
      this.senders
        .findOneAndUpdate(
          { ...key, appliedGiftIds: { $ne: giftId }, ...withinLease(leaseUntil) },
          {
            $inc: { diamonds: gift.diamonds, coins: gift.coins, giftCount: gift.count },
            $set: { senderName: gift.senderName, senderAvatar: gift.senderAvatar },
            $push: { appliedGiftIds: giftId },
          },
          { upsert: true, returnDocument: 'before', projection: { diamonds: 1 } },
        )
        .lean();
    // One upsert: the sender's first gift creates the entry. A duplicate key means the entry exists
    // and this update did not match it: either a concurrent first gift created it just now (apply
    // again), or the guard or the lease refused (the second attempt hits the key again: nothing applied).
    let before: { diamonds: number } | null = null;
    for (let attempt = 0; ; attempt++) {
      try {
        before = await apply();
        break;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        if (attempt === 1) return null;
      }
    }
    const previous = before?.diamonds ?? 0;
    const totalDiamonds = previous + gift.diamonds;
    const [rankBefore, rank] = await this.ranksOf(gift.liveId, gift.senderId, [previous, totalDiamonds]);
    return { rank, changed: previous === 0 || rank !== rankBefore, totalDiamonds };
  }

  /** The sender's current standing (for a gift whose leaderboard step ran before a crash). */
  async standing(liveId: Types.ObjectId, senderId: string): Promise<RankChange> {
    const doc = await this.senders.findOne({ liveId, senderId }, { diamonds: 1 }).lean();
    const totalDiamonds = doc?.diamonds ?? 0;
    return { rank: await this.rankOf(liveId, senderId, totalDiamonds), changed: false, totalDiamonds };
  }

  /** Drops finished gifts' guard ids, one command for all; call only when no settler of them can still write. */
  async forgetAll(gifts: Pick<GiftSent & { _id: Types.ObjectId }, '_id' | 'liveId' | 'senderId'>[]): Promise<void> {
    const byEntry = groupBy(
      gifts,
      (gift) => `${gift.liveId.toString()}/${gift.senderId}`,
      (gift) => gift._id.toString(),
    );
    if (byEntry.size === 0) return;
    await this.senders.bulkWrite(
      [...byEntry].map(([entry, ids]) => {
        const [liveId, senderId] = [entry.slice(0, entry.indexOf('/')), entry.slice(entry.indexOf('/') + 1)];
        return {
          updateOne: {
            filter: { liveId: new Types.ObjectId(liveId), senderId, appliedGiftIds: { $in: ids } },
            update: { $pullAll: { appliedGiftIds: ids } },
          },
        };
      }),
      { ordered: false },
    );
  }

  /** The live's gifters, most diamonds first. */
  /** The top gifters as a part of the live:join snapshot (the first page of `top`). */
  topPart(liveId: string, limit: number): SnapshotPart<GifterView[]> {
    return {
      from: this.senders.collection.collectionName,
      pipeline: [
        { $match: { liveId: new Types.ObjectId(liveId), diamonds: { $gt: 0 } } },
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
