import { ClientPool } from './client-pool';
import { percentile, round, sleep } from './report';

export type FanoutResult = {
  target: string;
  'events/s': number;
  sent: number;
  'source errors': number;
  'delivered %': number | string;
  'deliveries/s': number | string;
  'p50 ms': number | string;
  'p99 ms': number | string;
};

/**
 * Sends `rate` events per second for `seconds` through `fire` (each carries its send time in the
 * title), waits for the deliveries to drain, and reports what the pool's clients received.
 */
export async function runFanout(
  target: string,
  pool: ClientPool,
  clients: number,
  rate: number,
  seconds: number,
  fire: (title: string) => Promise<boolean>,
): Promise<FanoutResult> {
  await pool.listen('live:update');
  const total = rate * seconds;
  const interval = 1000 / rate;
  const started = Date.now();
  const sends: Promise<boolean>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + i * interval - Date.now();
    if (wait > 0) await sleep(wait);
    sends.push(fire(`bench ${Date.now()} ${i}`).catch(() => false));
  }
  const errors = (await Promise.all(sends)).filter((ok) => !ok).length;
  // Drain: wait until nothing new arrives for a second (at most 15 s).
  let last = -1;
  for (let waited = 0; waited < 15_000; waited += 1000) {
    await sleep(1000);
    const { deliveries } = await pool.collect();
    if (deliveries === last) break;
    last = deliveries;
  }
  const { deliveries, latencies, lastAt } = await pool.collect();
  const expected = (total - errors) * clients;
  return {
    target,
    'events/s': rate,
    sent: total,
    'source errors': errors,
    'delivered %': round((100 * deliveries) / Math.max(expected, 1), 1),
    'deliveries/s': round(deliveries / ((lastAt - started) / 1000)),
    'p50 ms': round(percentile(latencies, 50)),
    'p99 ms': round(percentile(latencies, 99)),
  };
}

/** Fires one event through an HTTP request; true when it answered 2xx. */
export function httpFire(url: string, method: string, headers: Record<string, string> = {}) {
  return async (title: string): Promise<boolean> => {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ title }),
    });
    await res.arrayBuffer();
    return res.ok;
  };
}
