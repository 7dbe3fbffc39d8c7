import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { ChatMutesService } from '../chat/chat-mutes.service';
import { DomainError } from '../common/errors';
import { SeatTicketsService } from '../seats/seat-tickets.service';
import { SeatsService } from '../seats/seats.service';
import { StreamsService } from '../streams/streams.service';
import { HostAction, HostActionDto } from './dto/host-action.dto';
import { SeatUpdateAction, SeatUpdateDto } from './dto/seat-update.dto';

type Handler<B> = (user: AuthUser, body: B) => Promise<unknown>;

/**
 * The socket's action events as tables: each action is the same service call its REST route makes.
 * A field an action needs but the payload left out is a VALIDATION_FAILED naming it.
 */
@Injectable()
export class LiveActions {
  private readonly hostActions: Record<HostAction, Handler<HostActionDto>>;
  private readonly seatActions: Record<SeatUpdateAction, Handler<SeatUpdateDto>>;

  constructor(streams: StreamsService, chatMutes: ChatMutesService, seats: SeatsService, tickets: SeatTicketsService) {
    const target = (b: HostActionDto) => required(b.targetUserId, 'targetUserId', b.action);
    const targetSeat = (b: HostActionDto) => required(b.targetSeatIndex, 'targetSeatIndex', b.action);
    this.hostActions = {
      kick: (user, b) => streams.kick(b.liveStreamId, user, target(b), b.durationMs),
      add_cohost: (user, b) => streams.addCoHost(b.liveStreamId, user, target(b)),
      remove_cohost: (user, b) => streams.removeCoHost(b.liveStreamId, user, target(b)),
      end: (user, b) => streams.end(b.liveStreamId, user),
      // chat
      mute_chat: (user, b) => chatMutes.mute(b.liveStreamId, user, target(b), b.durationMs),
      unmute_chat: (user, b) => chatMutes.unmute(b.liveStreamId, user, target(b)),
      // seats
      invite_to_seat: (user, b) => tickets.invite(b.liveStreamId, user, target(b), b.targetSeatIndex),
      accept_request: (user, b) => tickets.acceptRequest(b.liveStreamId, user, target(b), b.targetSeatIndex),
      reject_request: (user, b) => tickets.rejectRequest(b.liveStreamId, user, target(b)),
      remove_from_seat: (user, b) =>
        seats.remove(
          b.liveStreamId,
          user,
          b.targetSeatIndex !== undefined
            ? { index: b.targetSeatIndex, userId: b.targetUserId }
            : { userId: target(b) },
        ),
      mute_seat: (user, b) => seats.mute(b.liveStreamId, user, targetSeat(b)),
      unmute_seat: (user, b) => seats.unmute(b.liveStreamId, user, targetSeat(b)),
      lock_seat: (user, b) => seats.lock(b.liveStreamId, user, targetSeat(b)),
      unlock_seat: (user, b) => seats.unlock(b.liveStreamId, user, targetSeat(b)),
      move_speaker: (user, b) => seats.moveSpeaker(b.liveStreamId, user, target(b), targetSeat(b)),
      set_seat_mode: (user, b) => seats.setSeatMode(b.liveStreamId, user, required(b.seatMode, 'seatMode', b.action)),
    };
    const seatIndex = (b: SeatUpdateDto) => required(b.seatIndex, 'seatIndex', b.action);
    this.seatActions = {
      take: (user, b) => seats.take(b.liveStreamId, user, seatIndex(b)),
      leave: (user, b) => seats.leave(b.liveStreamId, user, b.seatIndex),
      move: (user, b) => seats.move(b.liveStreamId, user, seatIndex(b)),
      mic_on: (user, b) => seats.setMic(b.liveStreamId, user, true, b.seatIndex),
      mic_off: (user, b) => seats.setMic(b.liveStreamId, user, false, b.seatIndex),
      request: (user, b) => tickets.request(b.liveStreamId, user, b.seatIndex),
      cancel_request: (user, b) => tickets.cancelRequest(b.liveStreamId, user),
      accept_invite: (user, b) => tickets.acceptInvite(b.liveStreamId, user),
      decline_invite: (user, b) => tickets.declineInvite(b.liveStreamId, user),
    };
  }

  /** live:host:action, by the host or a co-host. */
  hostAction(user: AuthUser, body: HostActionDto): Promise<unknown> {
    return this.hostActions[body.action](user, body);
  }

  /** live:seat:update, by the user on (or asking for) a seat. */
  seatUpdate(user: AuthUser, body: SeatUpdateDto): Promise<unknown> {
    return this.seatActions[body.action](user, body);
  }
}

/** The field an action needs, or VALIDATION_FAILED naming it. */
export function required<T>(value: T | undefined, field: string, action: string): T {
  if (value === undefined) throw new DomainError('VALIDATION_FAILED', `${field} is required for '${action}'.`);
  return value;
}
