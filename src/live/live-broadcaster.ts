import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { Server } from 'socket.io';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import type { ServerEventName, ServerEventPayload, ServerToClientEvents } from './client-events';
import { RoomBatcher } from './room-batcher';
import { Catchup, LoggedEvent, ROOM_LOG, RoomLog } from './room-log/room-log';
import { writeEventsToRoom } from './room-write';
import { ADMIN_ROOM, liveFramesRoom, liveOfRoom, liveRoom, liveRooms, userRoom } from './rooms';

type LiveServer = Server<Record<string, never>, ServerToClientEvents>;

/**
 * The one road from the server to clients, with one argument per event. Events to a live's room
 * are numbered and kept by the room log (seq, epoch) so clients can notice gaps and catch up;
 * notices to users and to everyone carry no number.
 *
 * A big room (at least `bigRoom.minSockets` sockets here) that gets events faster than one per
 * `bigRoom.windowMs` has them sent together once per window (RoomBatcher): the sockets that accept
 * frames get one `live:frame` holding them all, the others get the same single events in a row,
 * written once per socket when this instance is alone (no Redis adapter). Either way each event is
 * encoded once for the whole room, whatever its size.
 */
@Injectable()
export class LiveBroadcaster implements OnApplicationShutdown {
  private server!: LiveServer;
  private readonly batcher?: RoomBatcher;
  private readonly bigRoomMinSockets: number;
  /** One instance, Socket.IO's in-memory adapter: a window's events can be written here directly. */
  private readonly aloneHere: boolean;

  constructor(
    @Inject(ROOM_LOG) private readonly log: RoomLog,
    @InjectMetric(METRIC.eventsEmitted) private readonly eventsEmitted: Counter<string>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { minSockets, windowMs } = config.socket.bigRoom;
    this.bigRoomMinSockets = minSockets;
    this.aloneHere = !config.redisUrl;
    if (windowMs > 0) this.batcher = new RoomBatcher(windowMs, (liveId, events) => this.sendRoomEvents(liveId, events));
  }

  attach(server: LiveServer): void {
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    this.batcher?.flushAll();
    await this.log.close();
  }

  /** To everyone in the live's room, numbered. */
  async toLive<E extends ServerEventName>(liveId: string, event: E, payload: ServerEventPayload<E>): Promise<void> {
    // The payload types leave `seq` and `epoch` out: this is the one place that adds them.
    const stamped = await this.log.append(liveId, event, payload);
    const numbered: LoggedEvent = { event, data: stamped as unknown as LoggedEvent['data'] };
    if (this.batcher && (this.batcher.isBusy(liveId) || this.isBigRoom(liveId))) this.batcher.push(liveId, numbered);
    else this.sendRoomEvents(liveId, [numbered]);
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
    this.batcher?.flush(liveId);
    const { epoch, seq } = await this.log.catchUp(liveId);
    this.emit(this.server, 'live:ended', { ...payload, epoch, seq });
    this.server.in(liveRooms(liveId)).socketsLeave(liveRooms(liveId));
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

  /**
   * Tells the other instances (none without the Redis adapter), in the adapter's one ordered
   * stream: a message sent before a broadcast is handled by each instance before that broadcast.
   */
  toOtherInstances(event: string, ...args: unknown[]): void {
    if (!this.aloneHere) this.server.serverSideEmit(event as never, ...(args as never[]));
  }

  /** Unsubscribes every socket of a user from a live's room, on every instance. */
  removeFromLive(userId: string, liveId: string): void {
    this.batcher?.flush(liveId);
    this.server.in(userRoom(userId)).socketsLeave(liveRooms(liveId));
  }

  /** The users with a socket in each live's room on this instance (who is present here). */
  localLiveMembers(): Map<string, string[]> {
    const { rooms } = this.server.of('/').adapter;
    const sockets = this.server.of('/').sockets;
    const members = new Map<string, Set<string>>();
    for (const [room, socketIds] of rooms) {
      const liveId = liveOfRoom(room);
      if (liveId === undefined) continue;
      let userIds = members.get(liveId);
      if (!userIds) members.set(liveId, (userIds = new Set()));
      for (const id of socketIds) {
        const userId = (sockets.get(id)?.data.user as AuthUser | undefined)?.userId;
        if (userId) userIds.add(userId);
      }
    }
    return new Map([...members].map(([liveId, userIds]) => [liveId, [...userIds]]));
  }

  /** Sockets connected to this instance. */
  connectedSockets(): number {
    return this.server?.of('/').sockets.size ?? 0;
  }

  catchUp(liveId: string, sinceSeq?: number, epoch?: string): Promise<Catchup> {
    return this.log.catchUp(liveId, sinceSeq, epoch);
  }

  private isBigRoom(liveId: string): boolean {
    const { rooms } = this.server.of('/').adapter;
    const size = (rooms.get(liveRoom(liveId))?.size ?? 0) + (rooms.get(liveFramesRoom(liveId))?.size ?? 0);
    return size >= this.bigRoomMinSockets;
  }

  /**
   * One room event to the live's whole audience; several (a window of a busy big room): one
   * live:frame to the sockets that accept frames, and the events in a row to the others.
   */
  private sendRoomEvents(liveId: string, events: LoggedEvent[]): void {
    if (events.length === 1) {
      const [{ event, data }] = events;
      this.emit(this.server.to(liveRooms(liveId)), event as ServerEventName, data);
      return;
    }
    const framesRoom = liveFramesRoom(liveId);
    if (!this.aloneHere || this.server.of('/').adapter.rooms.has(framesRoom)) {
      this.emit(this.server.to(framesRoom), 'live:frame', { events });
    }
    const room = liveRoom(liveId);
    if (this.aloneHere && writeEventsToRoom(this.server.of('/'), room, events)) {
      for (const { event } of events) this.eventsEmitted.inc({ event });
      return;
    }
    for (const { event, data } of events) this.emit(this.server.to(room), event as ServerEventName, data);
  }

  /** Exactly one argument per event: the payload. */
  private emit(target: { emit: unknown }, event: ServerEventName, payload: object): void {
    (target.emit as (event: string, payload: object) => boolean).call(target, event, payload);
    this.eventsEmitted.inc({ event });
  }
}
