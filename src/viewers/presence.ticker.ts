import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from './viewers.service';

/** The users with a socket in each live's room on this instance, by live id. */
export type PresentUsers = () => Map<string, string[]>;

/**
 * Keeps users present while they have a socket in a live's room: every PRESENCE_TOUCH_INTERVAL_MS
 * their viewer records (and the host's live) are marked seen, so the presence sweeps leave them be.
 * The socket layer says who is present; this decides what that means for the records.
 */
@Injectable()
export class PresenceTicker implements OnApplicationShutdown {
  private readonly logger = new Logger('PresenceTicker');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
  ) {}

  start(presentUsers: PresentUsers): void {
    this.timer = setInterval(() => void this.tick(presentUsers()), this.config.presence.touchIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(present: Map<string, string[]>): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [liveId, userIds] of present) {
      work.push(this.viewers.touch(liveId, userIds), this.streams.touchHost(liveId, userIds));
    }
    const failures = (await Promise.allSettled(work)).filter((r) => r.status === 'rejected');
    if (failures.length) this.logger.warn({ failures: failures.length }, 'presence touch failed for some lives');
  }
}
