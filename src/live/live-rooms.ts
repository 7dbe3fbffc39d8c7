import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import type { Socket } from 'socket.io';
import { AuthUser } from '../auth/auth-user';
import { BattlesService } from '../battles/battles.service';
import { ConnectionsService } from '../battles/connections.service';
import { toConnectionView } from '../battles/dto/connection.view';
import { ChatMutesService } from '../chat/chat-mutes.service';
import { GroupCommit } from '../common/group-commit';
import { SeatTicketsService } from '../seats/seat-tickets.service';
import { roleIn } from '../streams/live-roles';
import { LiveRecord } from '../streams/schemas/live-stream.schema';
import { toLiveView } from '../streams/dto/live.view';
import { ViewerView } from '../viewers/dto/viewer.view';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from '../viewers/viewers.service';
import { LiveJoinAck, LiveSnapshot } from './client-events';
import { JoinLiveDto } from './dto/join-live.dto';
import { LiveBroadcaster } from './live-broadcaster';
import { LiveSnapshots } from './live-snapshots';
import { acceptsFrames, liveFramesRoom, liveRoom, liveRooms } from './rooms';

/** A joiner's gate as read before the subscription: the live, and when their chat mute ends. */
interface JoinGate {
  live: LiveRecord;
  chatMutedUntil: string | null;
}

/** A socket entering and leaving a live's room. */
@Injectable()
export class LiveRooms {
  /**
   * The live's document with the joiner's mute, for the gate before the subscription. The joiners
   * of a live that come while one such read is in flight are read together after it (a group
   * commit: each read is issued after its joiners came, so none sees a gate older than its join).
   */
  private readonly gateReads = new GroupCommit<string, JoinGate>(
    async (liveId, userId) => (await this.readJoinGates(liveId, [userId]))[0],
    (liveId, userIds) => this.readJoinGates(liveId, userIds),
  );

  constructor(
    private readonly broadcaster: LiveBroadcaster,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly chatMutes: ChatMutesService,
    private readonly tickets: SeatTicketsService,
    private readonly snapshots: LiveSnapshots,
    private readonly connections: ConnectionsService,
    private readonly battles: BattlesService,
  ) {}

  /**
   * Reads the live's gate (running, user not removed), with the joiner's mute, before subscribing,
   * so a user removed or a live ended before this join never enters the room, not even for the
   * moment a refusal takes.
   * Then subscribes the socket, then passes the gate again (the count-in), so no event falls
   * between the subscription and the snapshot. The order also closes the race with a
   * kick or an end: their write comes before they unsubscribe the room, so either the gate sees the
   * write and the socket leaves, or the write (and its unsubscription) comes after this subscription.
   * The room's count is read before the snapshot: the snapshot may already hold later events.
   * A socket that accepts frames joins the live's frames room instead of its room (see rooms.ts).
   */
  async join(socket: Socket, user: AuthUser, body: JoinLiveDto): Promise<LiveJoinAck> {
    const liveId = body.liveStreamId;
    const room = acceptsFrames(socket.handshake) ? liveFramesRoom(liveId) : liveRoom(liveId);
    // The socket's ban was read at its handshake.
    const { live: gate, chatMutedUntil } = await this.gateReads.run(liveId, user.userId);
    await this.streams.admit(gate, user.userId);
    await socket.join(room);
    try {
      // The join passes the live's gate after this subscription (its count-in, or a read when already in).
      const { live } = await this.viewers.enter(liveId, user);
      const view = toLiveView(live);
      const catchup = await this.broadcaster.catchUp(liveId, body.sinceSeq, body.epoch);
      const [shared, link] = await Promise.all([this.snapshots.of(view), this.linkOf(live.connectionId)]);
      const role = roleIn(view, user.userId);
      return {
        live: view,
        viewerCount: view.stats.viewerCount,
        role: role === 'member' ? 'viewer' : role,
        recentMessages: shared.recentMessages,
        seats: shared.seats,
        topGifters: shared.topGifters,
        ...link,
        me: { chatMutedUntil, pendingSeatInvite: this.tickets.inviteOf(shared.invites, user.userId) },
        ...catchup,
      } as LiveJoinAck;
    } catch (error) {
      await socket.leave(room);
      throw error;
    }
  }

  private async readJoinGates(liveId: string, userIds: string[]): Promise<JoinGate[]> {
    const { live, parts } = await this.streams.readLiveWith(liveId, {
      mutes: this.chatMutes.mutedUntilsPart(liveId, userIds),
    });
    return userIds.map((userId) => ({ live, chatMutedUntil: parts.mutes.get(userId) ?? null }));
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
