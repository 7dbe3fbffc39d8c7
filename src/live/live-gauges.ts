import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { collectOnScrape, METRIC } from '../metrics/metrics';
import { StreamsService } from '../streams/streams.service';
import { LiveBroadcaster } from './live-broadcaster';

/** Fills the lives, viewers and sockets gauges when /metrics is scraped (no per-event work). */
@Injectable()
export class LiveGauges implements OnModuleInit {
  constructor(
    private readonly streams: StreamsService,
    @InjectMetric(METRIC.activeLives) private readonly lives: Gauge<string>,
    @InjectMetric(METRIC.activeViewers) private readonly viewers: Gauge<string>,
    @InjectMetric(METRIC.connectedSockets) private readonly sockets: Gauge<string>,
    private readonly broadcaster: LiveBroadcaster,
  ) {}

  onModuleInit(): void {
    // One aggregation serves both gauges of a scrape.
    let pending: Promise<{ lives: number; viewers: number }> | undefined;
    const totals = () =>
      (pending ??= this.streams.liveTotals().finally(() => setImmediate(() => (pending = undefined))));
    collectOnScrape(this.lives, async () => this.lives.set((await totals()).lives));
    collectOnScrape(this.viewers, async () => this.viewers.set((await totals()).viewers));
    collectOnScrape(this.sockets, () => this.sockets.set(this.broadcaster.connectedSockets()));
  }
}
