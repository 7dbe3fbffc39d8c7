import { Global, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import Redis from 'ioredis';
import { DomainEvents } from './domain-events';
import { RateLimits } from './rate-limit';
import { REDIS_CLIENT, redisProvider } from './redis.provider';

@Global()
@Module({
  providers: [DomainEvents, redisProvider, RateLimits],
  exports: [DomainEvents, redisProvider, RateLimits],
})
export class CommonModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS_CLIENT) private readonly redis?: Redis | null) {}

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
