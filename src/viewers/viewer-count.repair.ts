import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ViewersService } from './viewers.service';

/**
 * The start-up sweep of the viewer counts: a crash between a visit's write and its count (or its
 * count-out) leaves a live's count off; at start-up every running live's count is set back to its
 * active visits.
 *
 * The recount is only exact when nothing else moves the counts while it runs: a join whose visit
 * is written but whose count-in is still in flight would be counted twice, and a count-out landing
 * between its read and its write would be lost. So it runs only when no other instance can be
 * serving, and before this one does anything that moves a count:
 * - only without REDIS_URL (one instance serves the audience; with REDIS_URL other instances may
 *   be serving, e.g. during a rolling restart, and the recount is skipped: stop every instance and
 *   start one alone without REDIS_URL, then the others as usual, to repair a count after a crash);
 * - in onModuleInit, so before any boot-time sweep (they start in onApplicationBootstrap) and
 *   before the app listens for requests or sockets.
 * Its writes are still conditional on the count it read, so it never overwrites a count that moved.
 */
@Injectable()
export class ViewerCountRepair implements OnModuleInit {
  private readonly logger = new Logger('ViewerCountRepair');

  constructor(
    private readonly viewers: ViewersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.redisUrl) {
      this.logger.log('viewer counts not recounted: with REDIS_URL another instance may be serving');
      return;
    }
    try {
      const repaired = await this.viewers.recountViewers();
      if (repaired) this.logger.log({ repaired }, 'viewer counts recounted from the active visits');
    } catch (error) {
      this.logger.error({ err: error }, 'recounting the viewer counts failed');
    }
  }
}
