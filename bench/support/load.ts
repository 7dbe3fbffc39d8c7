import autocannon from 'autocannon';
import { round } from './report';

export interface LoadOptions {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  /** A header set per request (e.g. rotating real tokens); a fixed one otherwise. */
  headers?: () => Record<string, string>;
  /** A fixed body, or one made per request (e.g. a fresh idempotency key). */
  body?: string | (() => string);
  seconds?: number;
  connections?: number;
}

/** Runs autocannon against one route and returns a report row. */
export async function load(options: LoadOptions): Promise<Record<string, string | number>> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 20,
    duration: options.seconds ?? Number(process.env.BENCH_SECONDS ?? 5),
    requests: [
      {
        method: options.method ?? 'GET',
        ...(typeof options.body === 'string' && { body: options.body }),
        setupRequest: (request: Record<string, any>) => ({
          ...request,
          ...(typeof options.body === 'function' && { body: options.body() }),
          headers: { ...request.headers, 'content-type': 'application/json', ...(options.headers?.() ?? {}) },
        }),
      },
    ],
  });
  return {
    route: options.name,
    'req/s': round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    '2xx': result['2xx'],
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
