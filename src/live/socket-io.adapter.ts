import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { MAX_PAYLOAD_BYTES } from '../common/payload-limits';
import { AppConfig } from '../config/app-config';

/**
 * Socket.IO server options in one place: connection state recovery (middlewares run again on
 * recovery, so an expired token is refused), CORS from config, the packet size limit (the same
 * 64 KB as a REST body), and the Redis Streams adapter when REDIS_URL is set, so several
 * instances serve one audience and recovery works across them.
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
      connectionStateRecovery: {
        maxDisconnectionDuration: this.config.socket.recoveryWindowMs,
        skipMiddlewares: false,
      },
    });
    if (this.config.redisUrl) {
      this.redis = new Redis(this.config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
      // Sessions of dropped clients are stored in Redis (sio:session:<pid>, expiring with the
      // recovery window), so a client can recover on any instance.
      server.adapter(createAdapter(this.redis));
      this.logger.log('Socket.IO uses the Redis Streams adapter');
    }
    return server;
  }

  async dispose(): Promise<void> {
    // QUIT after the queued commands, so sessions persisted by a graceful shutdown reach Redis.
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
