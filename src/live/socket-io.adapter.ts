import { INestApplicationContext, Logger } from '@nestjs/common';
import type { WsMessageHandler } from '@nestjs/common/interfaces';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions } from 'socket.io';
import { MAX_PAYLOAD_BYTES } from '../common/payload-limits';
import { AppConfig } from '../config/app-config';

/**
 * Socket.IO server options in one place: CORS from config, the packet size limit (the same 64 KB
 * as a REST body), and the Redis Streams adapter when REDIS_URL is set, so several instances serve
 * one audience. Socket.IO's connection-state recovery stays off: it appends an offset argument to
 * every broadcast (which some client libraries, the Dart one among them, hand to handlers as a
 * List) and does not survive the loss of an instance. Clients catch up by seq instead (RoomLog).
 */
export class SocketIoAdapter extends IoAdapter {
  private readonly logger = new Logger('SocketIoAdapter');
  private redis?: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      cors: { origin: this.config.corsOrigins, credentials: true },
      // A packet over the limit closes the connection (Socket.IO's rule; there is no ack to answer).
      maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    });
    if (this.config.redisUrl) {
      this.redis = new Redis(this.config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
      const redis = this.redis;
      const create = createAdapter(redis) as unknown as (nsp: unknown) => PublishingAdapter;
      server.adapter(function (nsp: unknown) {
        return publishWithDeadline(create(nsp), redis);
      } as never);
      this.logger.log('Socket.IO uses the Redis Streams adapter');
    }
    return server;
  }

  /**
   * One listener per socket for all its client events. Nest's adapter binds an rxjs pipeline per
   * socket and per handler (fromEvent, mergeMap, takeUntil on a shared disconnect stream: about
   * 30 KB of closures and subscribers for an idle socket with this gateway's seven handlers), for the
   * same contract: the handler's result, unless null, answers through the event's ack (or is
   * emitted when it names an `event`). An answer after a disconnect goes nowhere, as before.
   */
  bindMessageHandlers(
    socket: ClientSocket,
    handlers: WsMessageHandler[],
    transform: (result: unknown) => Observable<unknown>,
  ): void {
    socket.onAny((event: string, ...args: unknown[]) => {
      const handler = handlers.find((candidate) => candidate.message === event);
      if (!handler) return;
      // What Nest's fromEvent hands mapPayload: the arguments, or the only one.
      const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
      transform(handler.callback(data, ack)).subscribe({
        next: (response) => {
          if (response === null || response === undefined) return;
          const { event: reply, data: replyData } = response as { event?: string; data?: unknown };
          if (reply) socket.emit(reply, replyData);
          else if (!handler.isAckHandledManually && typeof ack === 'function') ack(response);
        },
        error: (error: unknown) =>
          this.logger.error({ err: error, event, socketId: socket.id }, 'socket handler failed'),
      });
    });
  }

  async dispose(): Promise<void> {
    // QUIT after the queued commands, so broadcasts already queued reach Redis.
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/** What the dispatcher uses of a socket (Nest's adapter types it with its own copy of socket.io). */
interface ClientSocket {
  id: string;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

/** How long a broadcast waits for Redis before it is delivered on this instance anyway. */
const PUBLISH_DEADLINE_MS = 250;

interface PublishingAdapter {
  publishAndReturnOffset(message: unknown): Promise<string>;
}

/**
 * The cluster adapter delivers a broadcast to this instance's sockets only after publishing it to
 * Redis, and its client queues commands while Redis is away, so one Redis outage would stop every
 * event. Publishing gets a deadline instead: past it (or at once when Redis is not connected) the
 * event is delivered here and the other instances miss it; clients notice the gap by seq.
 */
function publishWithDeadline(adapter: PublishingAdapter, redis: Redis): PublishingAdapter {
  const publish = adapter.publishAndReturnOffset.bind(adapter);
  adapter.publishAndReturnOffset = (message) => {
    if (redis.status !== 'ready') return Promise.reject(new Error('Redis is not connected'));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer in time')), PUBLISH_DEADLINE_MS);
    });
    return Promise.race([publish(message), deadline]).finally(() => clearTimeout(timer));
  };
  return adapter;
}
