import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicSweep, Sweeper } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { StreamsService } from './streams.service';

/**
 * Finishes the reactions a request awaited but did not see finish (they failed, or the process
 * died): at start-up and on the sweep interval, for lives pending longer than
 * REACTION_REPAIR_AFTER_MS. A live never set up is ended; an end's or a kick's reactions run
 * again. Idempotent, so safe on several instances.
 */
@Injectable()
export class PendingReactionsSweeper extends Sweeper {
  readonly sweep: PeriodicSweep;
  protected readonly sweeps: PeriodicSweep[];
  protected readonly runAtBoot = true;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    streams: StreamsService,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    super();
    this.sweep = new PeriodicSweep(
      'pending_reactions',
      config.presence.sweepIntervalMs,
      () => streams.repairPendingReactions(new Date(Date.now() - config.reactions.repairAfterMs)),
      sweepRuns,
    );
    this.sweeps = [this.sweep];
  }
}
