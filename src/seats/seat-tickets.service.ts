import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { SnapshotPart } from '../common/snapshot-part';
import { upsertWithRetry } from '../common/mongo-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { assertTargetable } from '../streams/live-roles';
import { SeatInviteView, SeatRequestView, SeatView, TicketStatus, toInviteView, toRequestView } from './dto/seat.view';
import { SeatTicket, TicketKind, TicketRecord } from './schemas/seat-ticket.schema';
import { assertNotHostSeat, assertRequestMode, assertSeatIndex, moderatorIds } from './seat-rules';
import { LiveRecord } from '../streams/schemas/live-stream.schema';
import { Moderator, occupantOf, SeatsService } from './seats.service';

/**
 * Seat requests (a viewer applies in `request` mode; the host or a co-host accepts or rejects)
 * and invitations (the host or a co-host invites; the user accepts or declines). Each pending one
 * is a SeatTicket with an expiry; accepting consumes it atomically (findOneAndDelete), so two
 * moderators accepting the same request seat the user once.
 */
@Injectable()
export class SeatTicketsService {
  constructor(
    @InjectModel(SeatTicket.name) private readonly tickets: Model<SeatTicket>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly seats: SeatsService,
    private readonly events: DomainEvents,
  ) {}

  // ---- requests -----------------------------------------------------------------------------------

  async request(liveId: string, user: AuthUser, seatIndex?: number): Promise<SeatRequestView> {
    const live = await this.seats.seatLive(liveId, user.userId);
    assertRequestMode(live);
    if (seatIndex !== undefined) {
      assertSeatIndex(live, seatIndex);
      assertNotHostSeat(live, seatIndex, user.userId);
    }
    await this.seats.assertInLive(live, user.userId);
    await this.seats.assertNotSeated(liveId, user.userId);
    const ticket = await this.open(live, 'request', {
      ...occupantOf(user),
      seatIndex: seatIndex ?? null,
      actorId: user.userId,
    });
    return this.announceRequest(live, ticket, 'pending');
  }

  async cancelRequest(liveId: string, user: AuthUser): Promise<SeatRequestView> {
    const live = await this.seats.seatLive(liveId, user.userId);
    const ticket = await this.consume(liveId, 'request', user.userId);
    return this.announceRequest(live, ticket, 'cancelled');
  }

  /** Pending requests, oldest first (host and co-hosts). Expired ones are deleted on the way. */
  async listRequests(liveId: string, actor: AuthUser): Promise<SeatRequestView[]> {
    await this.seats.moderatorLive(liveId, actor.userId);
    const now = new Date();
    await this.tickets.deleteMany({ liveId, expiresAt: { $lte: now } });
    const pending = await this.tickets
      .find({ liveId, kind: 'request', expiresAt: { $gt: now } })
      .sort({ createdAt: 1 })
      .lean();
    return pending.map(toRequestView);
  }

  /** Seats the requester on `seatIndex`, else the seat they asked for, else the first free one. */
  async acceptRequest(liveId: string, actor: AuthUser, userId: string, seatIndex?: number): Promise<SeatView> {
    const live = await this.seats.moderatorLive(liveId, actor.userId);
    const ticket = await this.consume(liveId, 'request', userId);
    const seat = await this.seatOrRestore(live, ticket, seatIndex ?? ticket.seatIndex, actor.userId, {
      live,
      actorId: actor.userId,
    });
    this.announceRequest(live, ticket, 'accepted');
    return seat;
  }

  async rejectRequest(liveId: string, actor: AuthUser, userId: string): Promise<SeatRequestView> {
    const live = await this.seats.moderatorLive(liveId, actor.userId);
    const ticket = await this.consume(liveId, 'request', userId);
    return this.announceRequest(live, ticket, 'rejected');
  }

  // ---- invitations -------------------------------------------------------------------------------------

  async invite(liveId: string, actor: AuthUser, targetUserId: string, seatIndex?: number): Promise<SeatInviteView> {
    const live = await this.seats.moderatorLive(liveId, actor.userId);
    assertTargetable(live, actor.userId, targetUserId);
    if (live.removedUserIds.includes(targetUserId)) {
      throw new DomainError('REMOVED_FROM_LIVE', 'That user was removed from this live.');
    }
    if (seatIndex !== undefined) {
      assertSeatIndex(live, seatIndex);
      assertNotHostSeat(live, seatIndex, targetUserId);
    }
    await this.seats.assertInLive(live, targetUserId);
    await this.seats.assertNotSeated(liveId, targetUserId);
    const ticket = await this.open(live, 'invite', {
      userId: targetUserId,
      uid: null,
      name: null,
      avatar: null,
      seatIndex: seatIndex ?? null,
      actorId: actor.userId,
    });
    return this.announceInvite(ticket, 'pending');
  }

  /** Seats the invited caller on the seat offered, or the first free one (in either seat mode). */
  async acceptInvite(liveId: string, user: AuthUser): Promise<SeatView> {
    const live = await this.seats.seatLive(liveId, user.userId);
    const ticket = await this.consume(liveId, 'invite', user.userId);
    const seat = await this.seatOrRestore(live, { ...ticket, ...occupantOf(user) }, ticket.seatIndex, user.userId);
    this.announceInvite(ticket, 'accepted');
    return seat;
  }

  async declineInvite(liveId: string, user: AuthUser): Promise<SeatInviteView> {
    await this.seats.seatLive(liveId, user.userId);
    const ticket = await this.consume(liveId, 'invite', user.userId);
    return this.announceInvite(ticket, 'declined');
  }

  /** The user's pending, unexpired invitation to a seat of the live, or null (for the join snapshot). */
  async pendingInvite(liveId: string, userId: string): Promise<SeatInviteView | null> {
    const ticket = await this.tickets
      .findOne({ liveId, kind: 'invite', userId, expiresAt: { $gt: new Date() } })
      .lean();
    return ticket ? toInviteView(ticket) : null;
  }

  /**
   * The live's pending invitations as a part of the live:join snapshot (shared by joiners, each
   * picks their own with `inviteOf`).
   */
  invitesPart(liveId: string): SnapshotPart<TicketRecord[]> {
    return {
      from: this.tickets.collection.collectionName,
      pipeline: [{ $match: { liveId: new Types.ObjectId(liveId), kind: 'invite', expiresAt: { $gt: new Date() } } }],
      read: (docs) => docs as TicketRecord[],
    };
  }

  /** The user's unexpired invitation among the live's pending ones, or null. */
  inviteOf(invites: TicketRecord[], userId: string): SeatInviteView | null {
    const now = Date.now();
    const ticket = invites.find((invite) => invite.userId === userId && invite.expiresAt.getTime() > now);
    return ticket ? toInviteView(ticket) : null;
  }

  // ---- reactions -------------------------------------------------------------------------------------------

  /** Drops the user's pending tickets (they sat down, left the live or were kicked). */
  async dropTicketsOf(liveId: string, userId: string): Promise<void> {
    await this.tickets.deleteMany({ liveId, userId });
  }

  async dropAll(liveId: string): Promise<void> {
    await this.tickets.deleteMany({ liveId });
  }

  // ---- internals ------------------------------------------------------------------------------------------

  /** Creates or refreshes the pending ticket (asking again renews its expiry). */
  private async open(
    live: LiveRecord,
    kind: TicketKind,
    fields: Omit<SeatTicket, 'liveId' | 'kind' | 'expiresAt'>,
  ): Promise<TicketRecord> {
    const expiresAt = new Date(Date.now() + this.config.seats.ticketTtlMs);
    return (await upsertWithRetry(() =>
      this.tickets
        .findOneAndUpdate(
          { liveId: live._id, kind, userId: fields.userId },
          { $set: { ...fields, expiresAt } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean(),
    ))!;
  }

  /** Takes the pending, unexpired ticket out: exactly one caller gets it. */
  private async consume(liveId: string, kind: TicketKind, userId: string): Promise<TicketRecord> {
    const ticket = await this.tickets.findOneAndDelete({ liveId, kind, userId, expiresAt: { $gt: new Date() } }).lean();
    if (ticket) return ticket;
    throw kind === 'request'
      ? new DomainError('NO_PENDING_REQUEST', 'No pending seat request from that user (it may have expired).')
      : new DomainError('NO_PENDING_INVITE', 'No pending seat invitation for you (it may have expired).');
  }

  /** Seats the ticket's user; if that fails, the ticket goes back so it can be answered again. */
  private async seatOrRestore(
    live: LiveRecord,
    ticket: TicketRecord,
    seatIndex: number | null,
    actorId: string,
    moderator?: Moderator,
  ): Promise<SeatView> {
    try {
      return await this.seats.seatUser(
        live,
        { userId: ticket.userId, uid: ticket.uid!, name: ticket.name!, avatar: ticket.avatar },
        seatIndex,
        actorId,
        moderator,
      );
    } catch (error) {
      const { _id, ...fields } = ticket;
      await this.tickets
        .updateOne(
          { liveId: fields.liveId, kind: fields.kind, userId: fields.userId },
          { $setOnInsert: fields },
          { upsert: true },
        )
        .catch(() => undefined);
      throw error;
    }
  }

  private announceRequest(live: LiveRecord, ticket: TicketRecord, status: TicketStatus): SeatRequestView {
    const request = toRequestView(ticket);
    this.events.emit('seat.request', {
      liveId: request.liveStreamId,
      request,
      status,
      moderatorIds: moderatorIds(live),
    });
    return request;
  }

  private announceInvite(ticket: TicketRecord, status: TicketStatus): SeatInviteView {
    const invite = toInviteView(ticket);
    this.events.emit('seat.invite', { liveId: invite.liveStreamId, invite, status });
    return invite;
  }
}
