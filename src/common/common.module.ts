import { Global, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import Redis from 'ioredis';
import { DomainEvents } from './domain-events';
import { REDIS_CLIENT, redisProvider } from './redis.provider';

@Global()
@Module({ providers: [DomainEvents, redisProvider], exports: [DomainEvents, redisProvider] })
export class CommonModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS_CLIENT) private readonly redis?: Redis | null) {}

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
