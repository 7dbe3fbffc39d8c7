import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { AuthUser, isAdmin } from '../auth/auth-user';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { AdminLiveCounts } from './events/moderation.events';
import { LiveBroadcaster } from './live-broadcaster';
import { ADMIN_ROOM } from './rooms';

/**
 * The operator console's live counts: what the domain events already carry (viewer counts, gift
 * totals, messages) is folded per live in memory and sent to the admin room at most once per batch
 * window. No database work, and one emit per window whatever the audience.
 */
@Injectable()
export class AdminFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private pending = new Map<string, AdminLiveCounts>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly to: LiveBroadcaster,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.flush(), this.config.socket.viewerBatchMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** admin:watch: an admin's socket joins the admin room. */
  async watch(socket: Socket, user: AuthUser): Promise<{ watching: boolean }> {
    if (!isAdmin(user))
      throw new DomainError('ADMIN_ONLY', "Watching the console needs a token with the 'admin' role.");
    await socket.join(ADMIN_ROOM);
    return { watching: true };
  }

  @OnDomainEvent('viewer.joined')
  onViewerJoined({ liveId, viewerCount }: DomainEventMap['viewer.joined']): void {
    this.counts(liveId).viewerCount = viewerCount;
  }

  @OnDomainEvent('viewer.left')
  onViewerLeft({ liveId, viewerCount }: DomainEventMap['viewer.left']): void {
    this.counts(liveId).viewerCount = viewerCount;
  }

  @OnDomainEvent('chat.message')
  onChatMessage({ liveId, message }: DomainEventMap['chat.message']): void {
    if (message.type !== 'comment') return;
    const counts = this.counts(liveId);
    counts.newMessages = (counts.newMessages ?? 0) + 1;
  }

  @OnDomainEvent('gift.settled')
  onGiftSettled({ liveId, liveDiamonds, liveGiftCount }: DomainEventMap['gift.settled']): void {
    const counts = this.counts(liveId);
    counts.diamonds = Math.max(counts.diamonds ?? 0, liveDiamonds);
    counts.giftCount = Math.max(counts.giftCount ?? 0, liveGiftCount);
  }

  private counts(liveId: string): AdminLiveCounts {
    let counts = this.pending.get(liveId);
    if (!counts) this.pending.set(liveId, (counts = { liveStreamId: liveId }));
    return counts;
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const lives = [...this.pending.values()];
    this.pending = new Map();
    this.to.toAdmins('admin:live:stats', { lives });
  }
}
