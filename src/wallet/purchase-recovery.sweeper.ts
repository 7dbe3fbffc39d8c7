import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicSweep, Sweeper } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { WalletService } from './wallet.service';

/** Finishes purchases whose crediting request died, on the gift recovery interval. Safe on several instances. */
@Injectable()
export class PurchaseRecoverySweeper extends Sweeper {
  protected readonly sweeps: PeriodicSweep[];
  protected readonly runAtBoot = true;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    wallets: WalletService,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    super();
    this.sweeps = [
      new PeriodicSweep('purchase_recovery', config.gifts.sweepIntervalMs, () => wallets.recoverPurchases(), sweepRuns),
    ];
  }
}
