import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { ApiErrors } from '../common/api-errors.decorator';
import { DomainError } from '../common/errors';
import { REDIS_CLIENT } from '../common/redis.provider';

/** Terminus's answer: each indicator's state under `info` (up) and `error` (down), all under `details`. */
const HEALTH_OK = {
  description: 'Every dependency answers',
  schema: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok'], example: 'ok' },
      info: { type: 'object', additionalProperties: true, example: { database: { status: 'up' } } },
      error: { type: 'object', additionalProperties: true, example: {} },
      details: { type: 'object', additionalProperties: true, example: { database: { status: 'up' } } },
    },
  },
};

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
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse(HEALTH_OK)
  live(): HealthCheckResult {
    // What terminus answers for no indicators, without its per-request work: the process answers.
    return LIVE;
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer' })
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse(HEALTH_OK)
  @ApiErrors('SERVICE_UNAVAILABLE')
  async ready(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.mongoose.pingCheck('database', { timeout: 2000 })];
    if (this.redis) checks.push(() => this.redisCheck());
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // A decided answer in the API's error shape, naming what is down; not a bug to log.
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new DomainError('SERVICE_UNAVAILABLE', `Not ready: ${down.join(', ')} down.`, { checks: result.details });
    }
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
