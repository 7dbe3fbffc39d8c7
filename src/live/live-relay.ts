import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LiveBroadcaster } from './live-broadcaster';
import { ViewerNotices } from './viewer-notices';

/**
 * Domain events -> clients: which event each one becomes, and who receives it. The live's room
 * gets its events numbered (see LiveBroadcaster); notices meant for one user go to that user's
 * room, on any instance. A listener's failure is logged and counted by the event bus.
 */
@Injectable()
export class LiveRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveRelay');
  private readonly viewerNotices: ViewerNotices;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly to: LiveBroadcaster,
  ) {
    this.viewerNotices = new ViewerNotices((liveId, event, payload) => {
      this.to
        .toLive(liveId, event, payload)
        .catch((error: unknown) => this.logger.error({ err: error, event }, 'a viewer notice could not be sent'));
    }, config.socket.viewerBatchMs);
  }

  onApplicationBootstrap(): void {
    this.viewerNotices.start();
  }

  onApplicationShutdown(): void {
    this.viewerNotices.stop();
  }

  @OnDomainEvent('live.created')
  onLiveCreated({ live }: DomainEventMap['live.created']): void {
    this.to.toEveryone('live:created', { liveStreamId: live.id, live });
  }

  @OnDomainEvent('live.ended')
  onLiveEnded({ live, reason }: DomainEventMap['live.ended']): Promise<void> {
    return this.to.liveEnded(live.id, { liveStreamId: live.id, live, reason });
  }

  @OnDomainEvent('live.updated')
  onLiveUpdated({ live, changes, actorId }: DomainEventMap['live.updated']): Promise<void> {
    return this.to.toLive(live.id, 'live:update', { liveStreamId: live.id, live, changes, actorId });
  }

  @OnDomainEvent('live.host_action')
  onHostAction({ liveId, action, actorId, targetUserId }: DomainEventMap['live.host_action']): Promise<void> {
    return this.to.toLive(liveId, 'live:host:action', { liveStreamId: liveId, action, actorId, targetUserId });
  }

  @OnDomainEvent('live.user_kicked')
  onUserKicked({ liveId, userId, actorId }: DomainEventMap['live.user_kicked']): void {
    this.to.toUsers([userId], 'live:kicked', { liveStreamId: liveId, actorId });
    this.to.removeFromLive(userId, liveId);
  }

  @OnDomainEvent('viewer.joined')
  onViewerJoined({ liveId, viewer, viewerCount }: DomainEventMap['viewer.joined']): void {
    this.viewerNotices.joined(liveId, viewer, viewerCount);
  }

  @OnDomainEvent('viewer.left')
  onViewerLeft({ liveId, userId, reason, viewerCount }: DomainEventMap['viewer.left']): void {
    this.viewerNotices.left(liveId, userId, reason, viewerCount);
  }

  // chat
  @OnDomainEvent('chat.message')
  onChatMessage({ liveId, message }: DomainEventMap['chat.message']): Promise<void> {
    return this.to.toLive(liveId, 'live:message', message);
  }

  @OnDomainEvent('chat.message_deleted')
  onChatMessageDeleted({ liveId, messageId, actorId }: DomainEventMap['chat.message_deleted']): Promise<void> {
    return this.to.toLive(liveId, 'live:message:deleted', { liveStreamId: liveId, messageId, actorId });
  }

  @OnDomainEvent('chat.user_muted')
  onChatUserMuted({ liveId, userId, actorId, until }: DomainEventMap['chat.user_muted']): void {
    this.to.toUsers([userId], 'live:chat:muted', { liveStreamId: liveId, muted: until !== null, until, actorId });
  }

  // seats
  @OnDomainEvent('seat.updated')
  async onSeatUpdated({
    liveId,
    seat,
    change,
    actorId,
    previousUserId,
    dropToAudience,
  }: DomainEventMap['seat.updated']): Promise<void> {
    const lost = previousUserId !== null && previousUserId !== seat.userId ? previousUserId : null;
    const base = { liveStreamId: liveId, seatIndex: seat.seatIndex, seat };
    const sending = [
      this.to.toLive(liveId, 'live:seat:update', {
        ...base,
        action: change,
        version: seat.version,
        actorId,
        previousUserId: lost,
        dropToAudience,
      }),
    ];
    if (lost) {
      sending.push(this.to.toLive(liveId, 'live:seat:left', { ...base, userId: lost, action: change, dropToAudience }));
    }
    if (seat.userId && (change === 'take' || change === 'move_in')) {
      sending.push(this.to.toLive(liveId, 'live:seat:joined', { ...base, userId: seat.userId, action: change }));
    }
    await Promise.all(sending);
  }

  @OnDomainEvent('seat.request')
  onSeatRequest({ liveId, request, status, moderatorIds }: DomainEventMap['seat.request']): void {
    this.to.toUsers([...moderatorIds, request.userId], 'live:seat:request', { liveStreamId: liveId, status, request });
  }

  @OnDomainEvent('seat.invite')
  onSeatInvite({ liveId, invite, status }: DomainEventMap['seat.invite']): void {
    this.to.toUsers([invite.userId, invite.actorId], 'live:seat:invite', { liveStreamId: liveId, status, invite });
  }

  // gifts: the chat module adds the gift-type live:message in its own reaction to gift.settled
  @OnDomainEvent('gift.settled')
  onGiftSettled({
    liveId,
    gift,
    liveDiamonds,
    liveGiftCount,
    senderRank,
  }: DomainEventMap['gift.settled']): Promise<void> {
    return this.to.toLive(liveId, 'live:gift', {
      ...gift,
      liveStreamId: liveId,
      liveDiamonds,
      liveGiftCount,
      senderRank,
    });
  }

  // connections and battles: each of the two rooms gets its own copy, numbered in that room
  @OnDomainEvent('connection.updated')
  async onConnectionUpdated({ connection }: DomainEventMap['connection.updated']): Promise<void> {
    const liveIds = [connection.inviter.liveId, connection.invitee.liveId];
    await Promise.all(
      liveIds.map((id) => this.to.toLive(id, 'live:connection:update', { liveStreamId: id, connection })),
    );
  }

  @OnDomainEvent('connection.invited')
  onConnectionInvited({ connection }: DomainEventMap['connection.invited']): void {
    const { liveId, hostId } = connection.invitee;
    this.to.toUsers([hostId], 'live:connection:invite', { liveStreamId: liveId, connection });
  }

  @OnDomainEvent('battle.started')
  async onBattleStarted({ battle }: DomainEventMap['battle.started']): Promise<void> {
    await Promise.all(
      battle.sides.map(({ liveId }) => this.to.toLive(liveId, 'live:battle:started', { liveStreamId: liveId, battle })),
    );
  }

  @OnDomainEvent('battle.score')
  async onBattleScore({ battleId, liveIds, scores, version, at }: DomainEventMap['battle.score']): Promise<void> {
    await Promise.all(
      liveIds.map((id) => this.to.toLive(id, 'live:battle:score', { liveStreamId: id, battleId, version, scores, at })),
    );
  }

  @OnDomainEvent('battle.ended')
  async onBattleEnded({ battle }: DomainEventMap['battle.ended']): Promise<void> {
    await Promise.all(
      battle.sides.map(({ liveId }) => this.to.toLive(liveId, 'live:battle:ended', { liveStreamId: liveId, battle })),
    );
  }
}
