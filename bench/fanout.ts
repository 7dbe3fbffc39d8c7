/**
 * bench:fanout: the gateway relaying live:update (source: PATCH /api/live/:id) to N viewer sockets
 * at several rates, against a bare Socket.IO server broadcasting the same payload, with the same
 * client harness (clients spread over worker processes). Loopback only; exits by itself.
 * Env: BENCH_CLIENTS (1000), BENCH_RATES (20,50,100), BENCH_SECONDS (5), BENCH_WORKERS (4).
 */
import { DomainEvents } from '../src/common/domain-events';
import { BareServer } from './support/bare-server';
import { benchToken, createLive, startBenchApp, startEmbeddedDatabase } from './support/bench-app';
import { ClientPool } from './support/client-pool';
import { FanoutResult, httpFire, runFanout } from './support/fanout-runner';
import { machineLine, printTable, round, runBench } from './support/report';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const RATES = (process.env.BENCH_RATES ?? '20,50,100').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);

async function main(): Promise<void> {
  console.log(`fan-out: ${CLIENTS} clients in ${WORKERS} worker processes, ${SECONDS} s per rate; ${machineLine()}`);
  const db = await startEmbeddedDatabase();
  const app = await startBenchApp(`${db.uri}/bench_fanout_${Date.now()}`);
  const tokens = Array.from({ length: CLIENTS }, (_, i) => benchToken(`fan-viewer-${i}`));
  const results: FanoutResult[] = [];
  try {
    const liveId = await createLive(app.url, 'fan-host');
    const live = await (
      await fetch(`${app.url}/api/live/${liveId}`, { headers: { authorization: `Bearer ${benchToken('fan-host')}` } })
    ).json();

    const appPool = ClientPool.start(WORKERS);
    const failed = await appPool.connect(app.url, tokens, liveId);
    if (failed) throw new Error(`${failed} clients could not connect and join the app`);
    const patch = httpFire(`${app.url}/api/live/${liveId}`, 'PATCH', {
      authorization: `Bearer ${benchToken('fan-host')}`,
    });
    for (const rate of RATES)
      results.push(await runFanout('gateway (PATCH -> live:update)', appPool, CLIENTS, rate, SECONDS, patch));
    // The relay alone: the domain event the PATCH publishes, without HTTP, auth, validation and the database.
    const events = app.app.get(DomainEvents);
    const relay = async (title: string) => {
      events.emit('live.updated', { live: { ...live, title }, changes: ['title'], actorId: 'fan-host' });
      return true;
    };
    for (const rate of RATES)
      results.push(await runFanout('gateway relay only (domain event)', appPool, CLIENTS, rate, SECONDS, relay));
    await appPool.close();

    const bare = await BareServer.start({ liveStreamId: liveId, live, changes: ['title'], actorId: 'fan-host' });
    const barePool = ClientPool.start(WORKERS);
    await barePool.connect(bare.url, tokens, liveId);
    const emit = httpFire(`${bare.url}/emit`, 'POST');
    for (const rate of RATES)
      results.push(await runFanout('bare Socket.IO (POST -> emit)', barePool, CLIENTS, rate, SECONDS, emit));
    const direct = async (title: string) => {
      bare.emit(title);
      return true;
    };
    for (const rate of RATES)
      results.push(await runFanout('bare Socket.IO emit only', barePool, CLIENTS, rate, SECONDS, direct));
    await barePool.close();
    await bare.close();
  } finally {
    await app.close();
    await db.stop();
  }
  printTable('Fan-out (embedded single-lock database behind the gateway)', results);
  printTable('Gateway vs bare Socket.IO', ratios(results));
}

/** Each gateway variant against the bare variant it mirrors (PATCH vs POST trigger, relay vs emit). */
export function ratios(results: FanoutResult[]): Record<string, string | number>[] {
  const pairs: [string, string][] = [
    ['gateway (', 'bare Socket.IO (POST'],
    ['2 instances', 'bare Socket.IO (POST'],
    ['gateway relay only', 'bare Socket.IO emit only'],
  ];
  return pairs.flatMap(([gatewayPrefix, barePrefix]) =>
    results
      .filter((r) => r.target.startsWith(gatewayPrefix))
      .map((g) => {
        const b = results.find((r) => r.target.startsWith(barePrefix) && r['events/s'] === g['events/s'])!;
        return {
          comparison: `${g.target} vs ${b.target}`,
          'events/s': g['events/s'],
          'deliveries/s ratio %': round((100 * Number(g['deliveries/s'])) / Number(b['deliveries/s']), 1),
          'p99 gateway ms': g['p99 ms'],
          'p99 bare ms': b['p99 ms'],
        };
      }),
  );
}

if (require.main === module) {
  runBench(main);
}
