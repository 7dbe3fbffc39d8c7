import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicSweep, Sweeper } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { GiftSettlementService } from './gift-settlement.service';

/**
 * Recovery sweep (docs/money.md): at start-up and on an interval, finishes the gifts a crash
 * left unsettled (or settled with their guard ids still in place). Safe on several instances.
 */
@Injectable()
export class GiftRecoverySweeper extends Sweeper {
  protected readonly sweeps: PeriodicSweep[];
  protected readonly runAtBoot = true;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    settlement: GiftSettlementService,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    super();
    this.sweeps = [
      new PeriodicSweep('gift_recovery', config.gifts.sweepIntervalMs, () => settlement.recoverAbandoned(), sweepRuns),
    ];
  }
}
