import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { AnyBulkWriteOperation, Model, Types } from 'mongoose';
import type { Counter } from 'prom-client';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { PeriodicSweep } from '../common/periodic-sweep';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { LiveMinute } from './schemas/live-minute.schema';

type Counts = Pick<LiveMinute, 'viewers' | 'joins' | 'leaves' | 'messages' | 'gifts' | 'diamonds'>;

const MINUTE_MS = 60_000;

/**
 * Per-live statistics over time, at a cost that does not grow with the audience: the domain events
 * this instance publishes are added up in memory per live and minute, and flushed every
 * STATS_FLUSH_INTERVAL_MS (a minute by default) as one bulk write of `$inc` upserts. A crash loses
 * at most what was not flushed yet; an ended live is flushed at once.
 */
@Injectable()
export class StatsRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private pending = new Map<string, Counts>();
  private readonly flushing: PeriodicSweep;

  constructor(
    @InjectModel(LiveMinute.name) private readonly minutes: Model<LiveMinute>,
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectMetric(METRIC.sweepRuns) sweepRuns: Counter<string>,
  ) {
    this.flushing = new PeriodicSweep('stats_flush', config.stats.flushIntervalMs, () => this.flush(), sweepRuns);
  }

  onApplicationBootstrap(): void {
    this.flushing.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flushing.stop();
    await this.flush();
  }

  @OnDomainEvent('viewer.joined')
  onViewerJoined({ liveId, viewerCount }: DomainEventMap['viewer.joined']): void {
    const counts = this.counts(liveId);
    counts.joins++;
    counts.viewers = Math.max(counts.viewers, viewerCount);
  }

  @OnDomainEvent('viewer.left')
  onViewerLeft({ liveId, viewerCount }: DomainEventMap['viewer.left']): void {
    const counts = this.counts(liveId);
    counts.leaves++;
    counts.viewers = Math.max(counts.viewers, viewerCount);
  }

  @OnDomainEvent('chat.message')
  onChatMessage({ liveId, message }: DomainEventMap['chat.message']): void {
    if (message.type === 'comment') this.counts(liveId).messages++;
  }

  @OnDomainEvent('gift.settled')
  onGiftSettled({ liveId, gift }: DomainEventMap['gift.settled']): void {
    const counts = this.counts(liveId);
    counts.gifts += gift.count;
    counts.diamonds += gift.diamonds;
  }

  /** Its last minute is written with the end, not a flush later. */
  @OnDomainEvent('live.ended')
  async onLiveEnded({ live }: DomainEventMap['live.ended']): Promise<void> {
    await this.flush(live.id);
  }

  /** Writes what was counted (for one live, or all), one bulk write; returns how many minutes. */
  async flush(liveId?: string): Promise<number> {
    const taken = [...this.pending].filter(([key]) => !liveId || key.startsWith(`${liveId}:`));
    if (taken.length === 0) return 0;
    taken.forEach(([key]) => this.pending.delete(key));
    const writes: AnyBulkWriteOperation<LiveMinute>[] = taken.map(([key, counts]) => {
      const [id, minute] = key.split(':');
      const { viewers, ...added } = counts;
      return {
        updateOne: {
          filter: { liveId: new Types.ObjectId(id), minute: new Date(Number(minute)) },
          update: { $inc: added, $max: { viewers } },
          upsert: true,
        },
      };
    });
    try {
      await this.minutes.bulkWrite(writes, { ordered: false });
    } catch (error) {
      // Two instances creating the same minute at once: the loser's upsert fails on the unique
      // index; that minute exists now, so the failed writes (only those) apply as updates.
      const failed = ((error as { writeErrors?: { index: number; code: number }[] }).writeErrors ?? []).filter(
        (e) => e.code === 11000,
      );
      if (failed.length === 0) throw error;
      await this.minutes.bulkWrite(
        failed.map((e) => writes[e.index]),
        { ordered: false },
      );
    }
    return writes.length;
  }

  private counts(liveId: string): Counts {
    const key = `${liveId}:${Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS}`;
    let counts = this.pending.get(key);
    if (!counts) {
      counts = { viewers: 0, joins: 0, leaves: 0, messages: 0, gifts: 0, diamonds: 0 };
      this.pending.set(key, counts);
    }
    return counts;
  }
}
