import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import Redis from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RateLimiterUnion,
} from 'rate-limiter-flexible';
import { RateRule } from '../config/app-config';
import { DomainError } from './errors';
import { REDIS_CLIENT } from './redis.provider';

/**
 * Named rate-limit buckets (rate-limiter-flexible): in memory, or shared by every instance through
 * Redis when REDIS_URL is set. A bucket holds one or more rules (e.g. a burst and a sustained rate);
 * an action needs room in all of them. Modules define their buckets once, then `consume` per action.
 */
@Injectable()
export class RateLimits {
  private readonly logger = new Logger('RateLimits');
  private readonly buckets = new Map<string, { union: RateLimiterUnion; limiters: RateLimiterAbstract[] }>();

  constructor(@Optional() @Inject(REDIS_CLIENT) private readonly redis?: Redis | null) {}

  /** Defines (or redefines) a bucket. */
  define(bucket: string, rules: RateRule[]): void {
    const limiters = rules.map((rule, i) => this.limiter(`rl:${bucket}:${i}`, rule));
    this.buckets.set(bucket, { union: new RateLimiterUnion(...limiters), limiters });
  }

  /** Spends one point of `key` in `bucket`; throws 429 RATE_LIMITED with `details.retryAfterMs` when out. */
  async consume(bucket: string, key: string): Promise<void> {
    const union = this.buckets.get(bucket)?.union;
    if (!union) throw new Error(`Rate-limit bucket '${bucket}' is not defined`);
    try {
      await union.consume(key);
    } catch (rejection) {
      const results = Object.values(rejection as Record<string, unknown>);
      const limited = results.filter((r): r is RateLimiterRes => r instanceof RateLimiterRes);
      if (limited.length === 0) {
        // The store failed (the insurance limiter should have answered): let the action through.
        this.logger.warn({ bucket, err: results[0] }, 'rate limiter store failed; allowing');
        return;
      }
      const retryAfterMs = Math.max(...limited.map((r) => r.msBeforeNext));
      throw new DomainError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(retryAfterMs / 1000)} s.`, {
        retryAfterMs,
      });
    }
  }

  /**
   * Gives back the point a `consume` took, for an action that turned out not to be a new one (a
   * retry found its first attempt): best effort, a store failure keeps the point spent.
   */
  async refund(bucket: string, key: string): Promise<void> {
    const limiters = this.buckets.get(bucket)?.limiters ?? [];
    await Promise.all(
      limiters.map((limiter) =>
        limiter.reward(key, 1).catch((err: unknown) => this.logger.warn({ bucket, err }, 'rate limit refund failed')),
      ),
    );
  }

  private limiter(keyPrefix: string, rule: RateRule): RateLimiterAbstract {
    // The library counts in whole seconds (Redis EX), so windows round up.
    const options = { keyPrefix, points: rule.points, duration: Math.max(1, Math.ceil(rule.windowMs / 1000)) };
    if (!this.redis) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: this.redis,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }
}
