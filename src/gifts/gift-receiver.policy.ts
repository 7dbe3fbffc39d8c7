import { Inject, Injectable } from '@nestjs/common';
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

/** Seat occupancy as gifts need it (SeatsService, wired in GiftsModule). */
export interface SeatOccupancy {
  isSeated(liveId: string, userId: string): Promise<boolean>;
}
export const SEAT_OCCUPANCY = Symbol('SEAT_OCCUPANCY');

/** The host by default; co-hosts; in party and audio lives, seated speakers. */
@Injectable()
export class LiveRolesReceiverPolicy implements GiftReceiverPolicy {
  constructor(@Inject(SEAT_OCCUPANCY) private readonly seats: SeatOccupancy) {}

  async canReceive(live: LiveLike, userId: string): Promise<boolean> {
    if (live.removedUserIds?.includes(userId)) return false;
    if (roleIn(live, userId) !== 'member') return true;
    return this.isSeatedSpeaker(live, userId);
  }

  async isSeatedSpeaker(live: LiveLike, userId: string): Promise<boolean> {
    if (live.liveType === 'live') return false;
    return this.seats.isSeated(live._id.toString(), userId);
  }
}
