import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { DomainError } from '../common/errors';
import { SnapshotPart } from '../common/snapshot-part';
import { upsertWithRetry } from '../common/mongo-errors';
import { keysetFilter, keysetPage, Page, PageQuery } from '../common/pagination';
import { BanView, MyBanView } from './dto/ban.dto';
import { Ban } from './schemas/ban.schema';

type BanRecord = Ban & { _id: Types.ObjectId };

/** In force: permanent, or ending later than now. */
const inForce = (): QueryFilter<Ban> => ({ $or: [{ until: null }, { until: { $gt: new Date() } }] });

/**
 * Owns the app-wide bans. The read that every authenticated request and socket handshake pays is
 * `activeBan`: one indexed find by user id. Nothing here is cached: a ban counts from its write.
 */
@Injectable()
export class BansService {
  constructor(@InjectModel(Ban.name) private readonly bans: Model<Ban>) {}

  /** The user's ban in force, or null. */
  async activeBan(userId: string): Promise<BanRecord | null> {
    return this.bans.findOne({ userId, ...inForce() }, { until: 1, reason: 1 }).lean();
  }

  /** Throws 403 BANNED with `details.until` while the user is banned. */
  async assertNotBanned(userId: string): Promise<void> {
    refuseIfBanned(await this.activeBan(userId));
  }

  /** The user's ban in force (or null), as a part read with a live's document (see BanCheckedInGate). */
  activeBanPart(userId: string): SnapshotPart<BanRecord | null> {
    const part = this.activeBansPart([userId]);
    return { ...part, read: (docs) => part.read(docs).get(userId) ?? null };
  }

  /** The bans in force of those of these users who are banned, by user, as a part read with a live's document. */
  activeBansPart(userIds: string[]): SnapshotPart<Map<string, BanRecord>> {
    return {
      from: this.bans.collection.collectionName,
      pipeline: [{ $match: { userId: { $in: userIds }, ...inForce() } }, { $project: { userId: 1, until: 1 } }],
      read: (docs) => new Map((docs as BanRecord[]).map((ban) => [ban.userId, ban])),
    };
  }

  /** The caller's own standing (answered even while banned). */
  async standing(userId: string): Promise<MyBanView> {
    const ban = await this.activeBan(userId);
    return { banned: ban !== null, until: ban?.until?.toISOString() ?? null, reason: ban?.reason ?? null };
  }

  /** Bans (or bans again, with the new end) a user. */
  async write(userId: string, input: { until: Date | null; reason: string | null; actorId: string }): Promise<BanView> {
    const ban = await upsertWithRetry(() =>
      this.bans
        .findOneAndUpdate(
          { userId },
          { $set: { until: input.until, reason: input.reason, actorId: input.actorId } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean(),
    );
    return toBanView(ban!);
  }

  /** Lifts the user's ban; false when none was in force. */
  async remove(userId: string): Promise<boolean> {
    const removed = await this.bans.findOneAndDelete({ userId }, { projection: { until: 1 } }).lean();
    return removed !== null && (removed.until === null || removed.until > new Date());
  }

  /** Bans in force, newest first. */
  async list(query: PageQuery): Promise<Page<BanView>> {
    const docs = await this.bans
      .find({ ...inForce(), ...keysetFilter('createdAt', 'date', query.cursor) })
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toBanView, (ban) => ban.createdAt);
  }
}

/** Throws 403 BANNED with `details.until` when there is a ban in force. */
export function refuseIfBanned(ban: Pick<BanRecord, 'until'> | null): void {
  if (ban) throw bannedError(ban.until);
}

export function bannedError(until: Date | null): DomainError {
  return new DomainError('BANNED', 'You are banned from this app; GET /api/me/ban says until when.', {
    until: until?.toISOString() ?? null,
  });
}

function toBanView(ban: BanRecord): BanView {
  return {
    id: ban._id.toString(),
    userId: ban.userId,
    until: ban.until?.toISOString() ?? null,
    reason: ban.reason ?? null,
    actorId: ban.actorId,
    createdAt: ban.createdAt.toISOString(),
  };
}
