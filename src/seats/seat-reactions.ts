import { Injectable } from '@nestjs/common';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from '../viewers/viewers.service';
import { SeatChange } from './dto/seat.view';
import { SeatStore } from './seat-store';
import { SeatTicketsService } from './seat-tickets.service';
import { SeatsService, Stage } from './seats.service';

/** How the seats follow the live's life: created with it, freed at its end, on a kick, on leaving. */
@Injectable()
export class SeatReactions {
  constructor(
    private readonly store: SeatStore,
    private readonly seats: SeatsService,
    private readonly tickets: SeatTicketsService,
    private readonly streams: StreamsService,
    viewers: ViewersService,
  ) {
    // A leave reads the leaver's stage with the live's document it reads anyway (see onViewerLeft).
    viewers.alsoReadOnLeave((facts, userId) =>
      facts.liveType === 'live' ? {} : this.seats.stageParts(facts.id, userId),
    );
  }

  /** Awaited by the create call: the seats exist when it returns, the host on seat 0. */
  @OnDomainEvent('live.created')
  async onLiveCreated({ live }: DomainEventMap['live.created']): Promise<void> {
    if (live.liveType === 'live') return;
    await this.store.create(live.id, live.settings.seatCount, {
      userId: live.hostId,
      uid: live.hostUid,
      name: live.hostName,
      avatar: live.hostAvatar,
    });
  }

  /** Awaited by the end: every seat is free when the end returns (clients drop seats on live:ended). */
  @OnDomainEvent('live.ended')
  async onLiveEnded({ live }: DomainEventMap['live.ended']): Promise<void> {
    if (live.liveType === 'live') return;
    await Promise.all((await this.store.taken(live.id)).map((seat) => this.store.clear(seat)));
    await this.tickets.dropAll(live.id);
  }

  /**
   * Awaited by the kick: the seats are fenced first (a kicked co-host's last seat actions cannot
   * land after it), then the kicked speaker is off seat (and told to drop to audience).
   */
  @OnDomainEvent('live.user_kicked')
  async onUserKicked({ liveId, userId, actorId, moderatorEpoch }: DomainEventMap['live.user_kicked']): Promise<void> {
    if (!(await this.hasSeats(liveId))) return;
    await this.store.raiseModeratorEpoch(liveId, moderatorEpoch);
    await this.leaveStage(liveId, userId, 'kicked', actorId);
  }

  /** Awaited by the removal of a co-host: seat actions their role allowed before cannot land after it. */
  @OnDomainEvent('live.cohost_removed')
  async onCoHostRemoved({ liveId, moderatorEpoch }: DomainEventMap['live.cohost_removed']): Promise<void> {
    await this.store.raiseModeratorEpoch(liveId, moderatorEpoch);
  }

  /** A speaker who leaves the live (or times out) leaves the seat. */
  @OnDomainEvent('viewer.left')
  async onViewerLeft({ liveId, userId, reason, alsoRead }: DomainEventMap['viewer.left']): Promise<void> {
    if (reason === 'live_ended' || !(await this.hasSeats(liveId))) return;
    const change = reason === 'kicked' ? 'kicked' : 'left_live';
    await this.leaveStage(liveId, userId, change, userId, alsoRead && stageIn(alsoRead));
  }

  /** Someone who sat down no longer needs their pending request or invitation. */
  @OnDomainEvent('seat.updated')
  async onSeatUpdated({ liveId, seat, change, heldTickets }: DomainEventMap['seat.updated']): Promise<void> {
    if ((change === 'take' || change === 'move_in') && seat.userId && heldTickets !== false)
      await this.tickets.dropTicketsOf(liveId, seat.userId);
  }

  /**
   * Frees the user's seat and drops their seat tickets, each only if they hold one: one read to
   * know, unless the leave read it already (see the constructor).
   */
  private async leaveStage(
    liveId: string,
    userId: string,
    change: SeatChange,
    actorId: string,
    stage?: Stage,
  ): Promise<void> {
    const { seat, heldTickets } = stage ?? (await this.seats.stageOf(liveId, userId));
    if (seat) await this.seats.freeSeat(seat, userId, change, actorId);
    if (heldTickets) await this.tickets.dropTicketsOf(liveId, userId);
  }

  /** A `live` (video) live has no seats and no seat tickets: nothing to free or drop (its type never changes). */
  private async hasSeats(liveId: string): Promise<boolean> {
    return (await this.streams.liveFacts(liveId)).liveType !== 'live';
  }
}

/** The leaver's stage as their leave read it (see the constructor), when it did. */
function stageIn(alsoRead: Record<string, unknown>): Stage | undefined {
  return 'seat' in alsoRead && 'heldTickets' in alsoRead ? (alsoRead as unknown as Stage) : undefined;
}
