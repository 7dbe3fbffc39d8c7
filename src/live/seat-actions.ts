import { AuthUser } from '../auth/auth-user';
import { DomainError } from '../common/errors';
import { SeatTicketsService } from '../seats/seat-tickets.service';
import { SeatsService } from '../seats/seats.service';
import { HostActionDto } from './dto/host-action.dto';
import { SeatUpdateDto } from './dto/seat-update.dto';

/**
 * Maps the socket's seat actions to the same service calls the REST routes make (one line each),
 * so the gateway's switch stays short. Missing fields are a VALIDATION_FAILED naming them.
 */
export class SeatActions {
  constructor(
    private readonly seats: SeatsService,
    private readonly tickets: SeatTicketsService,
  ) {}

  /** live:seat:update */
  update(user: AuthUser, body: SeatUpdateDto): Promise<unknown> {
    const { liveStreamId: liveId, seatIndex } = body;
    const index = () => required(seatIndex, 'seatIndex', body.action);
    switch (body.action) {
      case 'take':
        return this.seats.take(liveId, user, index());
      case 'leave':
        return this.seats.leave(liveId, user, seatIndex);
      case 'move':
        return this.seats.move(liveId, user, index());
      case 'mic_on':
      case 'mic_off':
        return this.seats.setMic(liveId, user, body.action === 'mic_on', seatIndex);
      case 'request':
        return this.tickets.request(liveId, user, seatIndex);
      case 'cancel_request':
        return this.tickets.cancelRequest(liveId, user);
      case 'accept_invite':
        return this.tickets.acceptInvite(liveId, user);
      case 'decline_invite':
        return this.tickets.declineInvite(liveId, user);
    }
  }

  /** The seat actions of live:host:action; undefined for an action that is not a seat action. */
  hostAction(user: AuthUser, body: HostActionDto): Promise<unknown> | undefined {
    const { liveStreamId: liveId, targetUserId, targetSeatIndex } = body;
    const target = () => required(targetUserId, 'targetUserId', body.action);
    const index = () => required(targetSeatIndex, 'targetSeatIndex', body.action);
    switch (body.action) {
      case 'invite_to_seat':
        return this.tickets.invite(liveId, user, target(), targetSeatIndex);
      case 'accept_request':
        return this.tickets.acceptRequest(liveId, user, target(), targetSeatIndex);
      case 'reject_request':
        return this.tickets.rejectRequest(liveId, user, target());
      case 'remove_from_seat':
        return this.seats.remove(
          liveId,
          user,
          targetSeatIndex !== undefined ? { index: targetSeatIndex, userId: targetUserId } : { userId: target() },
        );
      case 'mute_seat':
        return this.seats.mute(liveId, user, index());
      case 'unmute_seat':
        return this.seats.unmute(liveId, user, index());
      case 'lock_seat':
        return this.seats.lock(liveId, user, index());
      case 'unlock_seat':
        return this.seats.unlock(liveId, user, index());
      case 'move_speaker':
        return this.seats.moveSpeaker(liveId, user, target(), index());
      case 'set_seat_mode':
        return this.seats.setSeatMode(liveId, user, required(body.seatMode, 'seatMode', body.action));
      default:
        return undefined;
    }
  }
}

function required<T>(value: T | undefined, field: string, action: string): T {
  if (value === undefined) throw new DomainError('VALIDATION_FAILED', `${field} is required for '${action}'.`);
  return value;
}
