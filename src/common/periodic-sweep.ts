import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Counter } from 'prom-client';

/**
 * One background sweep: runs `work` every `intervalMs`, never twice at once on this instance, and
 * counts each run by name and outcome (live_sweep_runs_total). A failed run is logged and retried
 * at the next interval. Sweeps are conditional updates, so other instances may run them too.
 */
export class PeriodicSweep {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<number>,
    private readonly runs: Counter<string>,
  ) {
    this.logger = new Logger(`Sweep:${name}`);
  }

  start({ runNow = false } = {}): void {
    if (runNow) void this.run();
    this.timer = setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for a run in progress, so none outlives the database connection. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run; returns how many items it handled (0 when another run is still going). */
  run(): Promise<number> {
    if (this.running) return Promise.resolve(0);
    this.running = this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(): Promise<number> {
    try {
      const handled = await this.work();
      this.runs.inc({ sweep: this.name, outcome: 'ok' });
      if (handled) this.logger.log({ handled }, 'sweep handled items');
      return handled;
    } catch (error) {
      this.runs.inc({ sweep: this.name, outcome: 'error' });
      this.logger.error({ err: error }, 'sweep failed; retrying next interval');
      return 0;
    }
  }
}

/**
 * A provider that runs its sweeps for the app's lifetime: started at boot (the first run at once
 * when `runAtBoot`, for work a crash may have left), stopped before shutdown so that no run
 * outlives the database connection.
 */
export abstract class Sweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly sweeps: PeriodicSweep[];
  protected readonly runAtBoot: boolean = false;

  onApplicationBootstrap(): void {
    for (const sweep of this.sweeps) sweep.start({ runNow: this.runAtBoot });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.sweeps.map((sweep) => sweep.stop()));
  }
}
