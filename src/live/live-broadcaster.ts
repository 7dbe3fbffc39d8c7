import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { Server } from 'socket.io';
import type { AuthUser } from '../auth/auth-user';
import { METRIC } from '../metrics/metrics';
import type { ServerEventName, ServerEventPayload, ServerToClientEvents } from './client-events';
import { Catchup, ROOM_LOG, RoomLog } from './room-log/room-log';
import { ADMIN_ROOM, LIVE_ROOM_PREFIX, liveRoom, userRoom } from './rooms';

type LiveServer = Server<Record<string, never>, ServerToClientEvents>;

/**
 * The one road from the server to clients, with one argument per event. Events to a live's room
 * are numbered and kept by the room log (seq, epoch) so clients can notice gaps and catch up;
 * notices to users and to everyone carry no number.
 */
@Injectable()
export class LiveBroadcaster implements OnApplicationShutdown {
  private server!: LiveServer;

  constructor(
    @Inject(ROOM_LOG) private readonly log: RoomLog,
    @InjectMetric(METRIC.eventsEmitted) private readonly eventsEmitted: Counter<string>,
  ) {}

  attach(server: LiveServer): void {
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.log.close();
  }

  /** To everyone in the live's room, numbered. */
  async toLive<E extends ServerEventName>(liveId: string, event: E, payload: ServerEventPayload<E>): Promise<void> {
    // The payload types leave `seq` and `epoch` out: this is the one place that adds them.
    const stamped = await this.log.append(liveId, event, payload);
    this.emit(this.server.to(liveRoom(liveId)), event, stamped);
  }

  /** To every socket of these users, on any instance. */
  toUsers<E extends ServerEventName>(userIds: string[], event: E, payload: ServerEventPayload<E>): void {
    this.emit(this.server.to(userIds.map(userRoom)), event, payload);
  }

  toEveryone<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    this.emit(this.server, event, payload);
  }

  /** The live's end, to everyone with the room's last number; the room empties and its log goes. */
  async liveEnded(liveId: string, payload: ServerEventPayload<'live:ended'>): Promise<void> {
    const { epoch, seq } = await this.log.catchUp(liveId);
    this.emit(this.server, 'live:ended', { ...payload, epoch, seq });
    this.server.in(liveRoom(liveId)).socketsLeave(liveRoom(liveId));
    await this.log.forget(liveId);
  }

  /** To the admins watching the operator console (sockets that sent admin:watch), on any instance. */
  toAdmins<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    this.emit(this.server.to(ADMIN_ROOM), event, payload);
  }

  /**
   * Disconnects every socket of a user, on every instance, and returns once no instance reports
   * one left (each instance handles the disconnection before it answers the count, in the order
   * the adapter delivers them). Gives up after `attempts` rounds, or when an instance does not answer.
   */
  async disconnectUser(userId: string, attempts = 5): Promise<boolean> {
    const sockets = this.server.in(userRoom(userId));
    for (let i = 0; i < attempts; i++) {
      sockets.disconnectSockets(true);
      if ((await sockets.fetchSockets()).length === 0) return true;
    }
    return false;
  }

  /** Unsubscribes every socket of a user from a live's room, on every instance. */
  removeFromLive(userId: string, liveId: string): void {
    this.server.in(userRoom(userId)).socketsLeave(liveRoom(liveId));
  }

  /** The users with a socket in each live's room on this instance (who is present here). */
  localLiveMembers(): Map<string, string[]> {
    const { rooms } = this.server.of('/').adapter;
    const sockets = this.server.of('/').sockets;
    const members = new Map<string, string[]>();
    for (const [room, socketIds] of rooms) {
      if (!room.startsWith(LIVE_ROOM_PREFIX)) continue;
      const userIds = new Set<string>();
      for (const id of socketIds) {
        const userId = (sockets.get(id)?.data.user as AuthUser | undefined)?.userId;
        if (userId) userIds.add(userId);
      }
      members.set(room.slice(LIVE_ROOM_PREFIX.length), [...userIds]);
    }
    return members;
  }

  /** Sockets connected to this instance. */
  connectedSockets(): number {
    return this.server?.of('/').sockets.size ?? 0;
  }

  catchUp(liveId: string, sinceSeq?: number, epoch?: string): Promise<Catchup> {
    return this.log.catchUp(liveId, sinceSeq, epoch);
  }

  /** Exactly one argument per event: the payload. */
  private emit(target: { emit: unknown }, event: ServerEventName, payload: object): void {
    (target.emit as (event: string, payload: object) => boolean).call(target, event, payload);
    this.eventsEmitted.inc({ event });
  }
}
