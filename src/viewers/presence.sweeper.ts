import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicSweep, Sweeper } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from './viewers.service';

/**
 * Presence sweeps (docs/contract.md, invariants): viewers not seen for the idle timeout are marked left; lives
 * whose host has not been seen for the grace period end with `host_timeout`. Every step is a
 * conditional update, so any number of instances can run the sweeps at once.
 */
@Injectable()
export class PresenceSweeper extends Sweeper {
  protected readonly sweeps: PeriodicSweep[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    streams: StreamsService,
    viewers: ViewersService,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    super();
    const { sweepIntervalMs, viewerIdleTimeoutMs, hostGraceMs } = config.presence;
    this.sweeps = [
      new PeriodicSweep(
        'idle_viewers',
        sweepIntervalMs,
        () => viewers.closeIdleVisits(new Date(Date.now() - viewerIdleTimeoutMs)),
        sweepRuns,
      ),
      new PeriodicSweep(
        'host_timeout',
        sweepIntervalMs,
        () => streams.endLivesOfAbsentHosts(new Date(Date.now() - hostGraceMs)),
        sweepRuns,
      ),
    ];
  }
}
