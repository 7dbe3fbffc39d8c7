import { UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { AuthUser } from '../auth/auth-user';
import { BattleView } from '../battles/dto/battle.view';
import { ConnectionView } from '../battles/dto/connection.view';
import { BAN_NOTICE, SocketAuth } from '../auth/socket-auth';
import { WsGuard } from '../auth/ws.guard';
import { ChatService } from '../chat/chat.service';
import { MessageView } from '../chat/dto/message.view';
import { createValidationPipe } from '../common/validation';
import { GiftResultView } from '../gifts/dto/gift-result.view';
import { GiftsService } from '../gifts/gifts.service';
import { LiveView } from '../streams/dto/live.view';
import { StreamsService } from '../streams/streams.service';
import { ViewerView } from '../viewers/dto/viewer.view';
import { PresenceTicker } from '../viewers/presence.ticker';
import { BattleActions } from './battle-actions';
import { LiveJoinAck, ServerToClientEvents } from './client-events';
import { BattleActionDto, ConnectionActionDto } from './dto/battle-actions.dto';
import { AdminWatchDto } from './dto/admin-watch.dto';
import { GiftSendDto } from './dto/gift-send.dto';
import { HostActionDto } from './dto/host-action.dto';
import { JoinLiveDto } from './dto/join-live.dto';
import { LiveRefDto } from './dto/live-ref.dto';
import { LiveUpdateDto } from './dto/live-update.dto';
import { SeatUpdateDto } from './dto/seat-update.dto';
import { SendMessageEventDto } from './dto/send-message-event.dto';
import { AdminFeed } from './admin-feed';
import { LiveActions } from './live-actions';
import { LiveBroadcaster } from './live-broadcaster';
import { LiveRooms } from './live-rooms';
import { userRoom } from './rooms';
import { WsAckInterceptor } from './ws-ack.interceptor';

/**
 * The one Socket.IO gateway, a transport: it authenticates connections and answers client events by
 * calling the same service methods as REST (acks through WsAckInterceptor). Server -> client
 * events go out through LiveBroadcaster (see LiveRelay); it never writes to the database itself.
 */
@WebSocketGateway({ transports: ['websocket', 'polling'] })
@UseGuards(WsGuard)
@UseInterceptors(WsAckInterceptor)
@UsePipes(createValidationPipe())
export class LiveGateway implements OnGatewayInit, OnGatewayConnection {
  @WebSocketServer() server!: Server<Record<string, never>, ServerToClientEvents>;

  constructor(
    private readonly auth: SocketAuth,
    private readonly broadcaster: LiveBroadcaster,
    private readonly presence: PresenceTicker,
    private readonly rooms: LiveRooms,
    private readonly actions: LiveActions,
    private readonly streams: StreamsService,
    private readonly chat: ChatService,
    private readonly gifts: GiftsService,
    private readonly battleActions: BattleActions,
    private readonly adminFeed: AdminFeed,
  ) {}

  afterInit(server: Server<Record<string, never>, ServerToClientEvents>): void {
    server.use(this.auth.handshake());
    (server as Server).on(BAN_NOTICE, (userId: string, until: string | null) =>
      this.auth.noteBan(userId, until, 'peer'),
    );
    this.auth.disconnectExpired(() => server.of('/').sockets.values() as Iterable<Socket>);
    this.broadcaster.attach(server);
    this.presence.start(() => this.broadcaster.localLiveMembers());
  }

  /**
   * Nothing happens at a disconnect: presence is not dropped, the user may reconnect; the sweep
   * marks them left after the timeout. Token expiry is watched by SocketAuth for all sockets.
   */
  handleConnection(socket: Socket): void {
    void socket.join(userRoom(userOf(socket).userId));
    this.auth.recheckBan(socket);
  }

  @SubscribeMessage('live:join')
  join(@ConnectedSocket() socket: Socket, @MessageBody() body: JoinLiveDto): Promise<LiveJoinAck> {
    return this.rooms.join(socket, userOf(socket), body);
  }

  @SubscribeMessage('live:leave')
  leave(@ConnectedSocket() socket: Socket, @MessageBody() body: LiveRefDto): Promise<ViewerView | null> {
    return this.rooms.leave(socket, userOf(socket), body.liveStreamId);
  }

  @SubscribeMessage('live:update')
  update(@ConnectedSocket() socket: Socket, @MessageBody() body: LiveUpdateDto): Promise<LiveView> {
    return this.streams.update(body.liveStreamId, userOf(socket), body.updateData);
  }

  @SubscribeMessage('live:host:action')
  hostAction(@ConnectedSocket() socket: Socket, @MessageBody() body: HostActionDto): Promise<unknown> {
    return this.actions.hostAction(userOf(socket), body);
  }

  @SubscribeMessage('live:seat:update')
  seatUpdate(@ConnectedSocket() socket: Socket, @MessageBody() body: SeatUpdateDto): Promise<unknown> {
    return this.actions.seatUpdate(userOf(socket), body);
  }

  @SubscribeMessage('live:message:send')
  sendMessage(@ConnectedSocket() socket: Socket, @MessageBody() body: SendMessageEventDto): Promise<MessageView> {
    const { liveStreamId, ...message } = body;
    return this.chat.send(liveStreamId, userOf(socket), message);
  }

  @SubscribeMessage('live:gift:send')
  sendGift(@ConnectedSocket() socket: Socket, @MessageBody() body: GiftSendDto): Promise<GiftResultView> {
    const { liveStreamId, ...gift } = body;
    return this.gifts.send(liveStreamId, userOf(socket), gift);
  }

  @SubscribeMessage('live:connection:action')
  connectionAction(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: ConnectionActionDto,
  ): Promise<ConnectionView> {
    return this.battleActions.connection(userOf(socket), body);
  }

  @SubscribeMessage('live:battle:action')
  battleAction(@ConnectedSocket() socket: Socket, @MessageBody() body: BattleActionDto): Promise<BattleView> {
    return this.battleActions.battle(userOf(socket), body);
  }

  @SubscribeMessage('admin:watch')
  adminWatch(@ConnectedSocket() socket: Socket, @MessageBody() _body: AdminWatchDto): Promise<{ watching: boolean }> {
    return this.adminFeed.watch(socket, userOf(socket));
  }
}

const userOf = (socket: Socket) => socket.data.user as AuthUser;
