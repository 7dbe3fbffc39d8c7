import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicSweep, Sweeper } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { GiftCombosService } from './gift-combos.service';

/** Deletes expired combos every GIFT_SWEEP_INTERVAL_MS, so gift_combos does not grow for ever. */
@Injectable()
export class GiftComboSweeper extends Sweeper {
  readonly sweep: PeriodicSweep;
  protected readonly sweeps: PeriodicSweep[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    combos: GiftCombosService,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    super();
    this.sweep = new PeriodicSweep('gift_combos', config.gifts.sweepIntervalMs, () => combos.pruneExpired(), sweepRuns);
    this.sweeps = [this.sweep];
  }
}
