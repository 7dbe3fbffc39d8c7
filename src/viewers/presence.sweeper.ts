import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from './viewers.service';

/**
 * Presence sweeps (SPEC invariant 6): viewers not seen for the idle timeout are marked left; lives
 * whose host has not been seen for the grace period end with `host_timeout`. Every step is a
 * conditional update, so any number of instances can run the sweep at once.
 */
@Injectable()
export class PresenceSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PresenceSweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    @InjectMetric(METRIC.sweepRuns) private readonly sweepRuns: Counter<string>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.presence.sweepIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const closed = await this.counted('idle_viewers', () =>
        this.viewers.closeIdleVisits(new Date(now - this.config.presence.viewerIdleTimeoutMs)),
      );
      const ended = await this.counted('host_timeout', () =>
        this.streams.endLivesOfAbsentHosts(new Date(now - this.config.presence.hostGraceMs)),
      );
      if (closed || ended) this.logger.log({ idleViewersClosed: closed, livesEnded: ended }, 'presence sweep');
    } catch (error) {
      this.logger.error({ err: error }, 'presence sweep failed; retrying next interval');
    } finally {
      this.running = false;
    }
  }

  /** Runs one sweep step and counts the run by name and outcome (metric live_sweep_runs_total). */
  private async counted<T>(sweep: string, step: () => Promise<T>): Promise<T> {
    try {
      const result = await step();
      this.sweepRuns.inc({ sweep, outcome: 'ok' });
      return result;
    } catch (error) {
      this.sweepRuns.inc({ sweep, outcome: 'error' });
      throw error;
    }
  }
}
