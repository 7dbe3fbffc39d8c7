import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { GiftSettlementService } from './gift-settlement.service';

/**
 * Recovery sweep (SPEC invariant 3): at start-up and on an interval, finishes the gifts a crash
 * left unsettled (or settled with their guard ids still in place). Safe on several instances.
 */
@Injectable()
export class GiftRecoverySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GiftRecoverySweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settlement: GiftSettlementService,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.gifts.sweepIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const recovered = await this.settlement.recoverAbandoned();
      if (recovered) this.logger.log({ recovered }, 'unsettled gifts finished');
    } catch (error) {
      this.logger.error({ err: error }, 'gift recovery sweep failed; retrying next interval');
    } finally {
      this.running = false;
    }
  }
}
