import { DomainError } from '../common/errors';
import { roleIn } from '../streams/live-roles';
import { LiveStream } from '../streams/schemas/live-stream.schema';

/** The parts of a live the seat rules read. Pure rules, unit-tested in seat-rules.spec.ts. */
export type SeatLive = Pick<LiveStream, 'liveType' | 'hostId' | 'coHostIds' | 'settings'>;

/** Seats exist in party and audio lives only. */
export function assertHasSeats(live: Pick<SeatLive, 'liveType'>): void {
  if (live.liveType === 'live') {
    throw new DomainError('WRONG_LIVE_TYPE', "Seats exist only in 'party' and 'audio' lives.");
  }
}

export function assertSeatIndex(
  live: { settings: { seatCount: number } } | { seatCount: number },
  index: number,
): void {
  const seatCount = 'settings' in live ? live.settings.seatCount : live.seatCount;
  if (!Number.isInteger(index) || index < 0 || index >= seatCount) {
    throw new DomainError('INVALID_SEAT_INDEX', `This live has seats 0..${seatCount - 1}.`, {
      seatCount,
    });
  }
}

/** Seat 0 is the host's: nobody else sits there, and it is never locked. */
export function assertNotHostSeat(live: Pick<SeatLive, 'hostId'>, index: number, userId?: string): void {
  if (index === 0 && userId !== live.hostId) {
    throw new DomainError('HOST_SEAT', "Seat 0 is the host's seat.");
  }
}

/** In `request` mode a viewer asks for a seat; the host and co-hosts sit down directly. */
export function assertMayTakeDirectly(live: SeatLive, userId: string): void {
  if (live.settings.seatMode === 'request' && roleIn(live, userId) === 'member') {
    throw new DomainError(
      'SEAT_MODE',
      "Seats are on request in this live: apply with 'request' and wait for the host.",
      {
        seatMode: 'request',
      },
    );
  }
}

/** Requests exist in `request` mode only: in `free` mode the user takes a free seat directly. */
export function assertRequestMode(live: SeatLive): void {
  if (live.settings.seatMode !== 'request') {
    throw new DomainError('SEAT_MODE', 'Seats are free in this live: take a free seat directly.', { seatMode: 'free' });
  }
}

/** Who receives seat requests: the host and the co-hosts. */
export function moderatorIds(live: SeatLive): string[] {
  return [live.hostId, ...(live.coHostIds ?? [])];
}
