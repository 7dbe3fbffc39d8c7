import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  MongooseHealthIndicator,
} from '@nestjs/terminus';
import Redis from 'ioredis';
import { Public } from '../auth/public.decorator';
import { REDIS_CLIENT } from '../common/redis.provider';

const LIVE: HealthCheckResult = Object.freeze({ status: 'ok', info: {}, error: {}, details: {} });

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(REDIS_CLIENT) private readonly redis?: Redis,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @HealthCheck()
  live(): HealthCheckResult {
    // What terminus answers for no indicators, without its per-request work: the process answers.
    return LIVE;
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer' })
  @HealthCheck()
  ready() {
    const checks: HealthIndicatorFunction[] = [() => this.mongoose.pingCheck('database', { timeout: 2000 })];
    if (this.redis) checks.push(() => this.redisCheck());
    return this.health.check(checks);
  }

  private async redisCheck() {
    const indicator = this.indicators.check('redis');
    try {
      // A client that is not connected would queue the ping until Redis is back: answer now instead.
      if (this.redis!.status !== 'ready') throw new Error(`Redis connection is ${this.redis!.status}`);
      await this.redis!.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
