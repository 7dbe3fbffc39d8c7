import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicSweep } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { GiftCombosService } from './gift-combos.service';

/** Deletes expired combos every GIFT_SWEEP_INTERVAL_MS, so gift_combos does not grow for ever. */
@Injectable()
export class GiftComboSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly sweep: PeriodicSweep;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    combos: GiftCombosService,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    this.sweep = new PeriodicSweep('gift_combos', config.gifts.sweepIntervalMs, () => combos.pruneExpired(), sweepRuns);
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweep.stop();
  }
}
