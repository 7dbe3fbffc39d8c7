import { Inject, Injectable, Optional } from '@nestjs/common';
import { roleIn } from '../streams/live-roles';
import type { LiveStream } from '../streams/schemas/live-stream.schema';

type LiveLike = Pick<LiveStream, 'hostId' | 'coHostIds' | 'removedUserIds' | 'liveType'> & {
  _id: { toString(): string };
};

/** Who may receive a gift in a live (and, with the same rule, who counts as on stage). */
export interface GiftReceiverPolicy {
  canReceive(live: LiveLike, userId: string): Promise<boolean>;
  /** A speaker on a seat of a party or audio live (also counts as present for sending). */
  isSeatedSpeaker(live: LiveLike, userId: string): Promise<boolean>;
}
export const GIFT_RECEIVER_POLICY = Symbol('GIFT_RECEIVER_POLICY');

/**
 * EXTENSION POINT for the seats module: provide SEAT_OCCUPANCY (e.g.
 * `{ provide: SEAT_OCCUPANCY, useExisting: SeatsService }` in GiftsModule) and seated speakers of
 * party and audio lives can receive gifts, and count as present senders. Without it, only the
 * host and co-hosts receive.
 */
export interface SeatOccupancy {
  isSeated(liveId: string, userId: string): Promise<boolean>;
}
export const SEAT_OCCUPANCY = Symbol('SEAT_OCCUPANCY');

/** The host by default; co-hosts; in party and audio lives, seated speakers (when seats are wired). */
@Injectable()
export class LiveRolesReceiverPolicy implements GiftReceiverPolicy {
  constructor(@Optional() @Inject(SEAT_OCCUPANCY) private readonly seats?: SeatOccupancy) {}

  async canReceive(live: LiveLike, userId: string): Promise<boolean> {
    if (live.removedUserIds?.includes(userId)) return false;
    if (roleIn(live, userId) !== 'member') return true;
    return this.isSeatedSpeaker(live, userId);
  }

  async isSeatedSpeaker(live: LiveLike, userId: string): Promise<boolean> {
    if (live.liveType === 'live' || !this.seats) return false;
    return this.seats.isSeated(live._id.toString(), userId);
  }
}
