import { Inject, Logger, OnApplicationShutdown, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import type { Server, Socket } from 'socket.io';
import { AuthUser } from '../auth/auth-user';
import { ChatMutesService } from '../chat/chat-mutes.service';
import { ChatService } from '../chat/chat.service';
import { MessageView } from '../chat/dto/message.view';
import { AuthFailures } from '../auth/auth-failures';
import { TokenVerifier } from '../auth/token-verifier';
import { WsGuard } from '../auth/ws.guard';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { createValidationPipe } from '../common/validation';
import { SeatTicketsService } from '../seats/seat-tickets.service';
import { SeatsService } from '../seats/seats.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { GiftResultView } from '../gifts/dto/gift-result.view';
import { GiftLeaderboardService } from '../gifts/gift-leaderboard.service';
import { GiftsService } from '../gifts/gifts.service';
import { LiveView } from '../streams/dto/live.view';
import { roleIn } from '../streams/live-roles';
import { LiveType } from '../streams/schemas/live-stream.schema';
import { StreamsService } from '../streams/streams.service';
import { ViewerView } from '../viewers/dto/viewer.view';
import { ViewersService } from '../viewers/viewers.service';
import { collectOnScrape, METRIC } from '../metrics/metrics';
import { LiveSnapshot, ServerEventName, ServerEventPayload, ServerToClientEvents } from './client-events';
import { GiftSendDto } from './dto/gift-send.dto';
import { HostActionDto } from './dto/host-action.dto';
import { LiveRefDto } from './dto/live-ref.dto';
import { LiveUpdateDto } from './dto/live-update.dto';
import { SeatUpdateDto } from './dto/seat-update.dto';
import { SendMessageEventDto } from './dto/send-message-event.dto';
import { LIVE_ROOM_PREFIX, liveRoom, userRoom } from './rooms';
import { SeatActions } from './seat-actions';
import { guardSessionRecovery } from './recovery-guard';
import { socketAuthMiddleware } from './socket-auth.middleware';
import { ViewerNotices } from './viewer-notices';
import { WsAckInterceptor } from './ws-ack.interceptor';

/** Largest delay setTimeout accepts; later expiries are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** gifts: how many top gifters the live:join snapshot carries. */
const SNAPSHOT_TOP_GIFTERS = 10;

type LiveServer = Server<Record<string, never>, ServerToClientEvents>;

/**
 * The one Socket.IO gateway. It authenticates connections, answers client events by calling the
 * same service methods as REST, and relays domain events to rooms. It never writes to the database.
 */
@WebSocketGateway({ transports: ['websocket', 'polling'] })
@UseGuards(WsGuard)
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown {
  private readonly logger = new Logger('LiveGateway');
  @WebSocketServer() server!: LiveServer;
  private readonly viewerNotices: ViewerNotices;
  private readonly seatActions: SeatActions;
  private presenceTimer?: NodeJS.Timeout;
  // Kept off socket.data: recovery (Redis adapter) serializes socket.data into the stored session.
  private readonly expiryTimers = new WeakMap<Socket, NodeJS.Timeout>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly verifier: TokenVerifier,
    private readonly authFailures: AuthFailures,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly chat: ChatService,
    private readonly chatMutes: ChatMutesService,
    private readonly seats: SeatsService,
    seatTickets: SeatTicketsService,
    private readonly gifts: GiftsService,
    private readonly giftLeaderboard: GiftLeaderboardService,
    @InjectMetric(METRIC.eventsEmitted) private readonly eventsEmitted: Counter<string>,
    @InjectMetric(METRIC.connectedSockets) private readonly connectedSockets: Gauge<string>,
  ) {
    this.viewerNotices = new ViewerNotices(
      (room, event, payload) => this.relay(room, event, payload),
      config.socket.viewerBatchMs,
    );
    this.seatActions = new SeatActions(seats, seatTickets);
  }

  afterInit(server: LiveServer): void {
    // Runs on every handshake, and again on connection-state recovery (skipMiddlewares: false).
    server.use(socketAuthMiddleware(this.verifier, this.authFailures));
    guardSessionRecovery(server.of('/').adapter as never, (session) => this.mayRecover(session));
    this.viewerNotices.start();
    collectOnScrape(this.connectedSockets, () => this.connectedSockets.set(server.of('/').sockets.size));
    this.presenceTimer = setInterval(() => void this.touchPresentUsers(), this.config.presence.touchIntervalMs);
    this.presenceTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.presenceTimer);
    this.viewerNotices.stop();
  }

  handleConnection(socket: Socket): void {
    const user = socket.data.user as AuthUser;
    void socket.join(userRoom(user.userId));
    this.disconnectAtExpiry(socket, user);
  }

  handleDisconnect(socket: Socket): void {
    // Presence is not dropped here: the user may reconnect; the sweep marks them left after the timeout.
    clearTimeout(this.expiryTimers.get(socket));
  }

  // ---- client -> server -------------------------------------------------------------------

  @SubscribeMessage('live:join')
  async join(@ConnectedSocket() socket: Socket, @MessageBody() body: LiveRefDto): Promise<LiveSnapshot> {
    const user = socket.data.user as AuthUser;
    const room = liveRoom(body.liveStreamId);
    // Subscribe first, then pass the live's gate (running, user not removed), so no event falls
    // between the subscription and the snapshot. The order also closes the race with a kick or an
    // end: their write comes before they unsubscribe the room, so either this read sees the write
    // and leaves, or the write (and its unsubscription) comes after this subscription.
    await socket.join(room);
    try {
      const live = await this.streams.requireActiveLive(body.liveStreamId, user.userId);
      await this.viewers.joinLive(live, user);
      return await this.snapshot(body.liveStreamId, live.liveType, user);
    } catch (error) {
      await socket.leave(room);
      throw error;
    }
  }

  @SubscribeMessage('live:leave')
  async leave(@ConnectedSocket() socket: Socket, @MessageBody() body: LiveRefDto): Promise<ViewerView | null> {
    await socket.leave(liveRoom(body.liveStreamId));
    return this.viewers.leave(body.liveStreamId, socket.data.user as AuthUser);
  }

  @SubscribeMessage('live:update')
  update(@ConnectedSocket() socket: Socket, @MessageBody() body: LiveUpdateDto): Promise<LiveView> {
    return this.streams.update(body.liveStreamId, socket.data.user as AuthUser, body.updateData);
  }

  @SubscribeMessage('live:host:action')
  hostAction(@ConnectedSocket() socket: Socket, @MessageBody() body: HostActionDto): Promise<unknown> {
    const user = socket.data.user as AuthUser;
    const { liveStreamId: liveId, action } = body;
    const target = () => {
      if (!body.targetUserId) throw new DomainError('VALIDATION_FAILED', `targetUserId is required for '${action}'.`);
      return body.targetUserId;
    };
    switch (action) {
      case 'kick':
        return this.streams.kick(liveId, user, target());
      case 'add_cohost':
        return this.streams.addCoHost(liveId, user, target());
      case 'remove_cohost':
        return this.streams.removeCoHost(liveId, user, target());
      case 'end':
        return this.streams.end(liveId, user);
      // chat
      case 'mute_chat':
        return this.chatMutes.mute(liveId, user, target(), body.durationMs);
      case 'unmute_chat':
        return this.chatMutes.unmute(liveId, user, target());
      // seats: invite_to_seat, accept_request, reject_request, remove_from_seat, mute_seat,
      // unmute_seat, lock_seat, unlock_seat, move_speaker, set_seat_mode
      default:
        return (
          this.seatActions.hostAction(user, body) ??
          Promise.reject(new DomainError('UNKNOWN_ACTION', `Unknown action '${action}'.`))
        );
    }
  }

  // chat
  @SubscribeMessage('live:message:send')
  sendMessage(@ConnectedSocket() socket: Socket, @MessageBody() body: SendMessageEventDto): Promise<MessageView> {
    const { liveStreamId, ...message } = body;
    return this.chat.send(liveStreamId, socket.data.user as AuthUser, message);
  }

  // seats: the speaker's own seat actions
  @SubscribeMessage('live:seat:update')
  seatUpdate(@ConnectedSocket() socket: Socket, @MessageBody() body: SeatUpdateDto): Promise<unknown> {
    return this.seatActions.update(socket.data.user as AuthUser, body);
  }

  // gifts
  @SubscribeMessage('live:gift:send')
  sendGift(@ConnectedSocket() socket: Socket, @MessageBody() body: GiftSendDto): Promise<GiftResultView> {
    const { liveStreamId, ...gift } = body;
    return this.gifts.send(liveStreamId, socket.data.user as AuthUser, gift);
  }

  // ---- domain events -> clients ------------------------------------------------------------

  @OnDomainEvent('live.created')
  onLiveCreated({ live }: DomainEventMap['live.created']): void {
    this.relay(null, 'live:created', { liveStreamId: live.id, live });
  }

  @OnDomainEvent('live.ended')
  onLiveEnded({ live, reason }: DomainEventMap['live.ended']): void {
    this.relay(null, 'live:ended', { liveStreamId: live.id, live, reason });
    this.server.in(liveRoom(live.id)).socketsLeave(liveRoom(live.id));
  }

  @OnDomainEvent('live.updated')
  onLiveUpdated({ live, changes, actorId }: DomainEventMap['live.updated']): void {
    this.relay(liveRoom(live.id), 'live:update', { liveStreamId: live.id, live, changes, actorId });
  }

  @OnDomainEvent('live.host_action')
  onHostAction({ liveId, action, actorId, targetUserId }: DomainEventMap['live.host_action']): void {
    this.relay(liveRoom(liveId), 'live:host:action', { liveStreamId: liveId, action, actorId, targetUserId });
  }

  @OnDomainEvent('live.user_kicked')
  onUserKicked({ liveId, userId, actorId }: DomainEventMap['live.user_kicked']): void {
    this.relay(userRoom(userId), 'live:kicked', { liveStreamId: liveId, actorId });
    this.server.in(userRoom(userId)).socketsLeave(liveRoom(liveId));
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
  onChatMessage({ liveId, message }: DomainEventMap['chat.message']): void {
    this.relay(liveRoom(liveId), 'live:message', message);
  }

  @OnDomainEvent('chat.message_deleted')
  onChatMessageDeleted({ liveId, messageId, actorId }: DomainEventMap['chat.message_deleted']): void {
    this.relay(liveRoom(liveId), 'live:message:deleted', { liveStreamId: liveId, messageId, actorId });
  }

  @OnDomainEvent('chat.user_muted')
  onChatUserMuted({ liveId, userId, actorId, until }: DomainEventMap['chat.user_muted']): void {
    this.relay(userRoom(userId), 'live:chat:muted', { liveStreamId: liveId, muted: until !== null, until, actorId });
  }

  // ---- seats: domain events -> clients -----------------------------------------------------------

  @OnDomainEvent('seat.updated')
  onSeatUpdated({
    liveId,
    seat,
    change,
    actorId,
    previousUserId,
    dropToAudience,
  }: DomainEventMap['seat.updated']): void {
    const room = liveRoom(liveId);
    const lost = previousUserId !== null && previousUserId !== seat.userId ? previousUserId : null;
    const base = { liveStreamId: liveId, seatIndex: seat.seatIndex, seat };
    this.relay(room, 'live:seat:update', {
      ...base,
      action: change,
      version: seat.version,
      actorId,
      previousUserId: lost,
      dropToAudience,
    });
    if (lost) this.relay(room, 'live:seat:left', { ...base, userId: lost, action: change, dropToAudience });
    if (seat.userId && (change === 'take' || change === 'move_in')) {
      this.relay(room, 'live:seat:joined', { ...base, userId: seat.userId, action: change });
    }
  }

  @OnDomainEvent('seat.request')
  onSeatRequest({ liveId, request, status, moderatorIds }: DomainEventMap['seat.request']): void {
    const rooms = [...moderatorIds, request.userId].map(userRoom);
    this.relay(rooms, 'live:seat:request', { liveStreamId: liveId, status, request });
  }

  @OnDomainEvent('seat.invite')
  onSeatInvite({ liveId, invite, status }: DomainEventMap['seat.invite']): void {
    this.relay([userRoom(invite.userId), userRoom(invite.actorId)], 'live:seat:invite', {
      liveStreamId: liveId,
      status,
      invite,
    });
  }

  // gifts: the chat module adds the gift-type live:message in its own reaction to gift.settled
  @OnDomainEvent('gift.settled')
  onGiftSettled({ liveId, gift, liveDiamonds, liveGiftCount, senderRank }: DomainEventMap['gift.settled']): void {
    this.relay(liveRoom(liveId), 'live:gift', {
      ...gift,
      liveStreamId: liveId,
      liveDiamonds,
      liveGiftCount,
      senderRank,
    });
  }

  // ---- emit helper and recovery (issue 7) ---------------------------------------------------

  /**
   * Every relayed event goes through here: one broadcast to a room (or to everyone when `room` is
   * null), counted by event name. Room broadcasts are what connection-state recovery replays.
   */
  private relay<E extends ServerEventName>(
    room: string | string[] | null,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    const target = room === null ? this.server : this.server.to(room);
    (target.emit as (event: E, payload: ServerEventPayload<E>) => boolean)(event, payload);
    this.eventsEmitted.inc({ event });
  }

  /**
   * A dropped client recovers its session (rooms and missed events) only while the token it had is
   * still valid and every live it was in is still open to it: a user kicked, or a live ended, while
   * the client was away gets a fresh connection and nothing replayed from that live.
   */
  private async mayRecover({ rooms, data }: { rooms: string[]; data: { user?: AuthUser } }): Promise<boolean> {
    const user = data.user;
    if (!user || (user.exp !== undefined && user.exp * 1000 <= Date.now())) return false;
    const liveIds = rooms
      .filter((room) => room.startsWith(LIVE_ROOM_PREFIX))
      .map((room) => room.slice(LIVE_ROOM_PREFIX.length));
    const open = await Promise.all(
      liveIds.map((liveId) =>
        this.streams.requireActiveLive(liveId, user.userId).then(
          () => true,
          () => false,
        ),
      ),
    );
    return open.every(Boolean);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** What a joiner needs to draw the room. The reads are independent: they run at once. */
  private async snapshot(liveId: string, liveType: LiveType, user: AuthUser): Promise<LiveSnapshot> {
    const [live, recentMessages, seats, topGifters] = await Promise.all([
      this.streams.get(liveId),
      this.chat.recent(liveId),
      this.seats.snapshot({ id: liveId, liveType }),
      this.giftLeaderboard.top(liveId, { limit: SNAPSHOT_TOP_GIFTERS }),
    ]);
    const role = roleIn(live, user.userId);
    return {
      live,
      viewerCount: live.stats.viewerCount,
      role: role === 'member' ? 'viewer' : role,
      recentMessages,
      seats,
      topGifters: topGifters.items,
    };
  }

  /** Users with a socket in a live's room on this instance stay present (viewer and host). */
  private async touchPresentUsers(): Promise<void> {
    const rooms = this.server.of('/').adapter.rooms;
    const sockets = this.server.of('/').sockets;
    const work: Promise<void>[] = [];
    for (const [room, socketIds] of rooms) {
      if (!room.startsWith(LIVE_ROOM_PREFIX)) continue;
      const liveId = room.slice(LIVE_ROOM_PREFIX.length);
      const userIds = [
        ...new Set([...socketIds].map((id) => (sockets.get(id)?.data.user as AuthUser | undefined)?.userId)),
      ].filter((id): id is string => Boolean(id));
      work.push(this.viewers.touch(liveId, userIds), this.streams.touchHost(liveId, userIds));
    }
    const failures = (await Promise.allSettled(work)).filter((r) => r.status === 'rejected');
    if (failures.length) this.logger.warn({ failures: failures.length }, 'presence touch failed for some lives');
  }

  private disconnectAtExpiry(socket: Socket, user: AuthUser): void {
    if (user.exp === undefined) return;
    const delay = user.exp * 1000 - Date.now();
    const timer = setTimeout(
      () => {
        if (user.exp! * 1000 > Date.now()) return this.disconnectAtExpiry(socket, user);
        socket.emit('auth:expired', {
          code: 'TOKEN_EXPIRED',
          message: 'Your access token expired; reconnect with a new one.',
        });
        socket.disconnect(true);
      },
      Math.min(Math.max(delay, 0), MAX_TIMER_MS),
    );
    this.expiryTimers.set(socket, timer);
  }
}
