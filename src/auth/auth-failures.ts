import { Inject, Injectable } from '@nestjs/common';
import { RateLimits } from '../common/rate-limit';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

const BUCKET = 'auth_failures';

/** Counts failed authentications per client address; past the limit the client gets 429 RATE_LIMITED. */
@Injectable()
export class AuthFailures {
  constructor(
    private readonly rateLimits: RateLimits,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    rateLimits.define(BUCKET, [config.jwt.failureLimit]);
  }

  /** Records one failure; throws RATE_LIMITED when the address has failed too often. */
  record(address: string | undefined): Promise<void> {
    return this.rateLimits.consume(BUCKET, address ?? 'unknown');
  }
}
