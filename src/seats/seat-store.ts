import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { DomainError } from '../common/errors';
import { isDuplicateKey } from '../common/mongo-errors';
import { SnapshotPart } from '../common/snapshot-part';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AudioChatUser, SeatRecord } from './schemas/audio-chat-user.schema';

/** Who sits on a seat: the snapshot copied into the seat document. */
export interface Occupant {
  userId: string;
  uid: number;
  name: string;
  avatar: string | null;
}

export const emptyKey = (index: number): string => `empty:${index}`;
export const moveKey = (userId: string, index: number): string => `moving:${userId}:${index}`;

const VACANT_FIELDS = { userId: null, uid: null, name: null, avatar: null, micOn: false, heldUntil: null };

/**
 * The seat documents and their atomic transitions. Every method is ONE conditional update: the
 * filter states what must still be true, the unique indexes do the rest. Callers read the result
 * (null = the condition no longer held) and never assume a value they read earlier.
 */
@Injectable()
export class SeatStore {
  constructor(
    @InjectModel(AudioChatUser.name) private readonly seats: Model<AudioChatUser>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the live's seats, the host on seat 0. Idempotent (a replayed event inserts nothing). */
  async create(liveId: string, count: number, host: Occupant): Promise<void> {
    const docs = Array.from({ length: count }, (_, index) =>
      index === 0
        ? { liveId, index, occupantKey: host.userId, ...occupantFields(host), micOn: true }
        : { liveId, index, occupantKey: emptyKey(index) },
    );
    try {
      await this.seats.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  get collectionName(): string {
    return this.seats.collection.collectionName;
  }

  list(liveId: string): Promise<SeatRecord[]> {
    return this.seats.find({ liveId }).sort({ index: 1 }).lean();
  }

  at(liveId: string, index: number): Promise<SeatRecord | null> {
    return this.seats.findOne({ liveId, index }).lean();
  }

  /** The seat the user sits on, if any (the occupantKey index makes it at most one). */
  of(liveId: string, userId: string): Promise<SeatRecord | null> {
    return this.seats.findOne({ liveId, occupantKey: userId }).lean();
  }

  /** The user's seat in the live (or null), as a part read with the live's document. */
  ofPart(liveId: string, userId: string): SnapshotPart<SeatRecord | null> {
    return {
      from: this.seats.collection.collectionName,
      pipeline: [{ $match: { liveId: new Types.ObjectId(liveId), occupantKey: userId } }, { $limit: 1 }],
      read: (docs) => (docs as SeatRecord[])[0] ?? null,
    };
  }

  /** Free, unlocked seats other than the host's, lowest index first: candidates, each taken with occupy(). */
  async vacantIndexes(liveId: string): Promise<number[]> {
    const now = Date.now();
    const isVacant = (seat: SeatRecord) =>
      seat.occupantKey === emptyKey(seat.index) ||
      (seat.userId === null && (seat.heldUntil?.getTime() ?? Infinity) < now);
    return (await this.list(liveId))
      .filter((seat) => seat.index > 0 && !seat.locked && isVacant(seat))
      .map((seat) => seat.index);
  }

  /**
   * Seats `occupant` if the seat is vacant and unlocked. null: it is not (taken, locked, held by a
   * move). The occupantKey unique index refuses a user who already sits elsewhere: ALREADY_ON_SEAT.
   */
  occupy(liveId: string, index: number, occupant: Occupant, fence?: number): Promise<SeatRecord | null> {
    return this.seatOrRefuse(
      { liveId, index, locked: false, ...vacant(index, new Date()), ...fencedAt(fence) },
      { occupantKey: occupant.userId, ...occupantFields(occupant), micOn: true, heldUntil: null },
    );
  }

  /** Frees the seat if `userId` still sits on it (and it is not fenced past `fence`). null: it was not freed. */
  vacate(seat: Pick<SeatRecord, '_id' | 'index'>, userId: string, fence?: number): Promise<SeatRecord | null> {
    return this.seats
      .findOneAndUpdate(
        { _id: seat._id, occupantKey: userId, ...fencedAt(fence) },
        { $set: { occupantKey: emptyKey(seat.index), ...VACANT_FIELDS }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      )
      .lean();
  }

  /** Frees seat `index` if `userId` sits on it. null: they do not. */
  vacateAt(liveId: string, index: number, userId: string): Promise<SeatRecord | null> {
    return this.seats
      .findOneAndUpdate(
        { liveId, index, occupantKey: userId },
        { $set: { occupantKey: emptyKey(index), ...VACANT_FIELDS }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      )
      .lean();
  }

  /**
   * A move in three conditional steps, each keeping both invariants (see SeatsService.moveOccupant):
   * 1. hold: the vacant target gets the key `moving:<user>:<index>`; it stays empty (no user on
   *    it), so the user still holds exactly one seat, and no one else can take it;
   * 2. the caller frees the source (vacate): now the user holds none for a moment;
   * 3. fill: the held target gets the user's own key; if the user sat down elsewhere meanwhile,
   *    the unique index refuses it (ALREADY_ON_SEAT) and the caller releases the hold.
   * A hold older than SEAT_MOVE_HOLD_MS (a crashed move) counts as vacant again.
   */
  hold(liveId: string, index: number, userId: string, fence?: number): Promise<SeatRecord | null> {
    return this.seatOrRefuse(
      { liveId, index, locked: false, ...vacant(index, new Date()), ...fencedAt(fence) },
      {
        occupantKey: moveKey(userId, index),
        ...VACANT_FIELDS,
        heldUntil: new Date(Date.now() + this.config.seats.moveHoldMs),
      },
    );
  }

  /** Step 3 of a move: seats the user on the seat their move holds, with the mic state they had. */
  fill(
    held: SeatRecord,
    occupant: Occupant,
    from: Pick<SeatRecord, 'micOn' | 'hostMuted'>,
  ): Promise<SeatRecord | null> {
    // A host mute follows the speaker, so moving is no way around it.
    const mute = from.hostMuted ? { hostMuted: true, micOn: false } : { micOn: from.micOn };
    return this.seatOrRefuse(
      { _id: held._id, occupantKey: moveKey(occupant.userId, held.index) },
      { occupantKey: occupant.userId, ...occupantFields(occupant), heldUntil: null, ...mute },
    );
  }

  async release(held: SeatRecord, userId: string): Promise<void> {
    await this.seats.updateOne(
      { _id: held._id, occupantKey: moveKey(userId, held.index) },
      { $set: { occupantKey: emptyKey(held.index), ...VACANT_FIELDS }, $inc: { version: 1 } },
    );
  }

  /** Sets flags on the seat if `condition` still holds. null: it does not. */
  update(
    liveId: string,
    index: number,
    condition: QueryFilter<AudioChatUser>,
    set: Partial<AudioChatUser>,
  ): Promise<SeatRecord | null> {
    return this.seats
      .findOneAndUpdate(
        { liveId, index, ...condition },
        { $set: set, $inc: { version: 1 } },
        { returnDocument: 'after' },
      )
      .lean();
  }

  /** Locks a vacant seat (a stale move hold is cleared with it). */
  lock(liveId: string, index: number, fence?: number): Promise<SeatRecord | null> {
    return this.update(
      liveId,
      index,
      { locked: false, ...vacant(index, new Date()), ...fencedAt(fence) },
      {
        locked: true,
        occupantKey: emptyKey(index),
        heldUntil: null,
      },
    );
  }

  /** Fences every seat of the live with `epoch` (a co-host lost the role). Idempotent. */
  async raiseModeratorEpoch(liveId: string, epoch: number): Promise<void> {
    await this.seats.updateMany({ liveId, moderatorEpoch: { $lt: epoch } }, { $set: { moderatorEpoch: epoch } });
  }

  /** Every seat that someone sits on or a move holds (to free them all at the end). */
  async taken(liveId: string): Promise<SeatRecord[]> {
    const seats = await this.list(liveId);
    return seats.filter((seat) => seat.occupantKey !== emptyKey(seat.index));
  }

  /** Frees a seat whatever holds it, if its key is still `key` (end of the live). */
  async clear(seat: SeatRecord): Promise<SeatRecord | null> {
    return this.seats
      .findOneAndUpdate(
        { _id: seat._id, occupantKey: seat.occupantKey },
        { $set: { occupantKey: emptyKey(seat.index), ...VACANT_FIELDS }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      )
      .lean();
  }

  private async seatOrRefuse(
    filter: QueryFilter<AudioChatUser>,
    set: Record<string, unknown>,
  ): Promise<SeatRecord | null> {
    try {
      return await this.seats
        .findOneAndUpdate(filter, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' })
        .lean();
    } catch (error) {
      if (isDuplicateKey(error, 'occupantKey')) {
        throw new DomainError('ALREADY_ON_SEAT', 'You already sit on a seat in this live; leave it or move instead.');
      }
      throw error;
    }
  }
}

/**
 * A moderator's seat write carries the live's `moderatorEpoch` its role check read: the seat
 * refuses it once fenced with a newer one. Seats not yet fenced (or from before the field) pass.
 */
export function fencedAt(epoch: number | undefined): QueryFilter<AudioChatUser> {
  return epoch === undefined ? {} : { moderatorEpoch: { $not: { $gt: epoch } } };
}

/** Vacant: nobody sits on it and no live move holds it. */
function vacant(index: number, now: Date): QueryFilter<AudioChatUser> {
  return { $or: [{ occupantKey: emptyKey(index) }, { userId: null, heldUntil: { $lt: now } }] };
}

function occupantFields(occupant: Occupant) {
  return { userId: occupant.userId, uid: occupant.uid, name: occupant.name, avatar: occupant.avatar };
}
