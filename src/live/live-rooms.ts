import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import type { Socket } from 'socket.io';
import { AuthUser } from '../auth/auth-user';
import { BattlesService } from '../battles/battles.service';
import { ConnectionsService } from '../battles/connections.service';
import { toConnectionView } from '../battles/dto/connection.view';
import { ChatMutesService } from '../chat/chat-mutes.service';
import { ChatService } from '../chat/chat.service';
import { GiftLeaderboardService } from '../gifts/gift-leaderboard.service';
import { SeatTicketsService } from '../seats/seat-tickets.service';
import { SeatsService } from '../seats/seats.service';
import { roleIn } from '../streams/live-roles';
import { StreamsService } from '../streams/streams.service';
import { ViewerView } from '../viewers/dto/viewer.view';
import { ViewersService } from '../viewers/viewers.service';
import { LiveJoinAck, LiveSnapshot } from './client-events';
import { JoinLiveDto } from './dto/join-live.dto';
import { LiveBroadcaster } from './live-broadcaster';
import { acceptsFrames, liveFramesRoom, liveRoom, liveRooms } from './rooms';

/** How many top gifters the join snapshot carries. */
const SNAPSHOT_TOP_GIFTERS = 10;

/** A socket entering and leaving a live's room. */
@Injectable()
export class LiveRooms {
  constructor(
    private readonly broadcaster: LiveBroadcaster,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly chat: ChatService,
    private readonly chatMutes: ChatMutesService,
    private readonly seats: SeatsService,
    private readonly tickets: SeatTicketsService,
    private readonly leaderboard: GiftLeaderboardService,
    private readonly connections: ConnectionsService,
    private readonly battles: BattlesService,
  ) {}

  /**
   * Subscribes the socket first, then passes the live's gate (running, user not removed), so no
   * event falls between the subscription and the snapshot. The order also closes the race with a
   * kick or an end: their write comes before they unsubscribe the room, so either the gate sees the
   * write and the socket leaves, or the write (and its unsubscription) comes after this subscription.
   * The room's count is read before the snapshot: the snapshot may already hold later events.
   * A socket that accepts frames joins the live's frames room instead of its room (see rooms.ts).
   */
  async join(socket: Socket, user: AuthUser, body: JoinLiveDto): Promise<LiveJoinAck> {
    const liveId = body.liveStreamId;
    const room = acceptsFrames(socket.handshake) ? liveFramesRoom(liveId) : liveRoom(liveId);
    await socket.join(room);
    try {
      const live = await this.streams.requireActiveLive(liveId, user.userId);
      await this.viewers.joinLive(live, user);
      const catchup = await this.broadcaster.catchUp(liveId, body.sinceSeq, body.epoch);
      const [view, recentMessages, seats, topGifters, chatMutedUntil, pendingSeatInvite, link] = await Promise.all([
        this.streams.get(liveId),
        this.chat.recent(liveId),
        this.seats.snapshot({ id: liveId, liveType: live.liveType }),
        this.leaderboard.top(liveId, { limit: SNAPSHOT_TOP_GIFTERS }),
        this.chatMutes.mutedUntil(liveId, user.userId),
        this.tickets.pendingInvite(liveId, user.userId),
        this.linkOf(live.connectionId),
      ]);
      const role = roleIn(view, user.userId);
      return {
        live: view,
        viewerCount: view.stats.viewerCount,
        role: role === 'member' ? 'viewer' : role,
        recentMessages,
        seats,
        topGifters: topGifters.items,
        ...link,
        me: { chatMutedUntil, pendingSeatInvite },
        ...catchup,
      } as LiveJoinAck;
    } catch (error) {
      await socket.leave(room);
      throw error;
    }
  }

  /** The live's connection (from the link on its document: nothing to read when it has none) and its battle. */
  private async linkOf(connectionId: Types.ObjectId | undefined): Promise<Pick<LiveSnapshot, 'connection' | 'battle'>> {
    const connection = await this.connections.snapshotOf(connectionId);
    return {
      connection: connection && toConnectionView(connection),
      battle: await this.battles.snapshotOf(connection),
    };
  }

  async leave(socket: Socket, user: AuthUser, liveId: string): Promise<ViewerView | null> {
    await Promise.all(liveRooms(liveId).map((room) => socket.leave(room)));
    return this.viewers.leave(liveId, user);
  }
}
