import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types, UpdateQuery } from 'mongoose';
import { isDuplicateKey } from '../common/mongo-errors';
import { ConnectionClaim, LiveConnection } from './schemas/live-connection.schema';

export type ConnectionRecord = LiveConnection & { _id: Types.ObjectId };

/** The connection documents and the per-live claims that keep one connection per live. */
@Injectable()
export class ConnectionStore {
  constructor(
    @InjectModel(LiveConnection.name) private readonly connections: Model<LiveConnection>,
    @InjectModel(ConnectionClaim.name) private readonly claims: Model<ConnectionClaim>,
  ) {}

  async create(doc: Omit<LiveConnection, 'createdAt' | 'updatedAt'>): Promise<ConnectionRecord> {
    return (await this.connections.create(doc)).toObject();
  }

  find(id: string | Types.ObjectId): Promise<ConnectionRecord | null> {
    return this.connections.findById(id).lean();
  }

  /** One conditional update: the connection as it is after, or null when `filter` did not match. */
  transition(
    id: string | Types.ObjectId,
    filter: QueryFilter<LiveConnection>,
    update: UpdateQuery<LiveConnection>,
  ): Promise<ConnectionRecord | null> {
    return this.connections.findOneAndUpdate({ _id: id, ...filter }, update, { returnDocument: 'after' }).lean();
  }

  /** Drops a connection that never became visible (its claims released first). */
  async discard(id: Types.ObjectId): Promise<void> {
    await this.connections.deleteOne({ _id: id, status: 'claiming' });
  }

  /** Takes the live's claim for the connection; when another connection holds it, that one's id (null if it just went). */
  async claim(
    liveId: Types.ObjectId,
    connectionId: Types.ObjectId,
  ): Promise<{ holderId: Types.ObjectId | null } | null> {
    try {
      await this.claims.create({ liveId, connectionId });
      return null;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const holder = await this.claims.findOne({ liveId }).lean();
      return { holderId: holder?.connectionId ?? null };
    }
  }

  /** The connection holding the live's claim, and the claim's holder id (it may name a connection gone). */
  async holderOf(liveId: string): Promise<{ holderId: Types.ObjectId; connection: ConnectionRecord | null } | null> {
    const claim = await this.claims.findOne({ liveId: new Types.ObjectId(liveId) }).lean();
    if (!claim) return null;
    return { holderId: claim.connectionId, connection: await this.find(claim.connectionId) };
  }

  /** Releases the connection's claims on these lives (only its own: a newer holder keeps its claim). */
  async release(connectionId: Types.ObjectId, liveIds: Types.ObjectId[]): Promise<void> {
    if (liveIds.length === 0) return;
    await this.claims.deleteMany({ liveId: { $in: liveIds }, connectionId });
  }

  /** Pending invitations past their expiry, and invitations whose inviter died while claiming. */
  overdue(now: Date, limit = 100): Promise<ConnectionRecord[]> {
    return this.connections
      .find({ status: { $in: ['pending', 'claiming'] }, expiresAt: { $lte: now } })
      .limit(limit)
      .lean();
  }
}
