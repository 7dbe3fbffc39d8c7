import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicSweep, Sweeper } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { BattleScores } from './battle-scores';
import { BattlesService } from './battles.service';
import { ConnectionsService } from './connections.service';

/**
 * Every BATTLE_SWEEP_INTERVAL_MS, on every instance: ends the battles whose time is up (the
 * instance that started one also has a timer for it), finishes ends a crash left, expires
 * invitations. All of it is conditional updates, so instances may sweep at once.
 */
@Injectable()
export class BattleSweeper extends Sweeper {
  protected readonly sweeps: PeriodicSweep[];
  // A crash may have left battles to end and invitations to expire.
  protected readonly runAtBoot = true;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    battles: BattlesService,
    scores: BattleScores,
    connections: ConnectionsService,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    super();
    const every = config.battles.sweepIntervalMs;
    this.sweeps = [
      new PeriodicSweep(
        'battles',
        every,
        async () => {
          scores.prune();
          return battles.sweep();
        },
        sweepRuns,
      ),
      new PeriodicSweep('connection_invites', every, () => connections.expireOverdue(), sweepRuns),
    ];
  }
}
