import { Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RedisRoomLog } from './redis-room-log';
import { MemoryRoomLog, ROOM_LOG } from './room-log';

/** The room log: in Redis when REDIS_URL is set (shared by every instance), else in this process. */
export const roomLogProvider: Provider = {
  provide: ROOM_LOG,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => {
    if (!config.redisUrl) return new MemoryRoomLog(config.socket.recovery);
    // Its own connection, failing fast while Redis is away: events must not wait for it.
    const redis = new Redis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
    });
    redis.on('error', () => undefined); // reported by readiness; each failed command falls back
    return new RedisRoomLog(redis, config.socket.recovery);
  },
};
