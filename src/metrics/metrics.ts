import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';

/**
 * Names of the app's Prometheus metrics, served at /metrics with the default process metrics.
 * Inject one with `@InjectMetric(NAME) metric: Counter<string> | Gauge<string> | Histogram<string>`.
 */
export const METRIC = {
  /** Sockets connected to this instance (set when scraped). */
  connectedSockets: 'live_connected_sockets',
  /** Lives with status `live`, across all instances (read from the database when scraped). */
  activeLives: 'live_active_lives',
  /** Sum of the running lives' viewer counts, across all instances (database, when scraped). */
  activeViewers: 'live_active_viewers',
  /** Server -> client broadcasts by event name (one per room emit, not per receiving socket). */
  eventsEmitted: 'live_socket_events_emitted_total',
  /** REST latency by method, route pattern and status code. */
  httpDuration: 'live_http_request_duration_seconds',
  /** Sweep runs by sweep name and outcome (ok | error). */
  sweepRuns: 'live_sweep_runs_total',
  /**
   * Seconds from a gift's creation to its settlement (all effects applied). Observed by the gifts
   * module when it marks a gift settled, e.g. `lag.observe((settledAt - createdAt) / 1000)`.
   */
  giftSettlementLag: 'live_gift_settlement_lag_seconds',
  /** Reactions to domain events that failed, by event and listener (each one is also logged). */
  reactionFailures: 'live_reaction_failures_total',
  /** Bans this instance noted for its handshakes in flight, by origin (this instance | a peer). */
  banNotices: 'live_ban_notices_total',
} as const;

/** Label for requests that matched no route, so unknown URLs cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

export const metricProviders = [
  makeGaugeProvider({ name: METRIC.connectedSockets, help: 'Socket.IO clients connected to this instance' }),
  makeGaugeProvider({ name: METRIC.activeLives, help: 'Lives currently live (all instances)' }),
  makeGaugeProvider({ name: METRIC.activeViewers, help: 'Viewers in running lives (all instances)' }),
  makeCounterProvider({
    name: METRIC.eventsEmitted,
    help: 'Server -> client events emitted, one per broadcast',
    labelNames: ['event'],
  }),
  makeHistogramProvider({
    name: METRIC.httpDuration,
    help: 'REST request duration by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({
    name: METRIC.sweepRuns,
    help: 'Sweep runs by sweep and outcome',
    labelNames: ['sweep', 'outcome'],
  }),
  makeHistogramProvider({
    name: METRIC.giftSettlementLag,
    help: 'Seconds from a gift being recorded to being settled',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
  }),
  makeCounterProvider({
    name: METRIC.banNotices,
    help: 'Bans noted for socket handshakes in flight, by origin (local | peer)',
    labelNames: ['origin'],
  }),
  makeCounterProvider({
    name: METRIC.reactionFailures,
    help: 'Failed reactions to domain events, by event and listener',
    labelNames: ['event', 'listener'],
  }),
];

/**
 * Gives a gauge provider a collect() callback, run by prom-client on each scrape. The Nest
 * providers cannot take one (they have no access to services), so it is attached once they exist.
 */
export function collectOnScrape(gauge: Gauge<string>, collect: () => void | Promise<void>): void {
  (gauge as Gauge<string> & { collect?: () => void | Promise<void> }).collect = collect;
}
