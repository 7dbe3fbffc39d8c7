import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { InjectConnection } from '@nestjs/mongoose';
import Redis from 'ioredis';
import { Connection } from 'mongoose';
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
/** How long readiness waits for the database's answer to a ping. */
const DATABASE_PING_TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @InjectConnection() private readonly connection: Connection,
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
    const checks: HealthIndicatorFunction[] = [() => this.databaseCheck()];
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

  /**
   * A ping to the database. (Terminus's Mongoose "ping" only reads the connection's state, which
   * stays "connected" for seconds after the server is gone: readiness said up with the database dead.)
   */
  private async databaseCheck() {
    const indicator = this.indicators.check('database');
    try {
      if (!this.connection.db) throw new Error('Not connected to the database yet');
      await this.connection.db.command({ ping: 1 }, { timeoutMS: DATABASE_PING_TIMEOUT_MS });
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
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
