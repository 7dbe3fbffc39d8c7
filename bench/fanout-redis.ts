/**
 * bench:fanout:redis: the fan-out bench across two app processes joined by the Socket.IO Redis
 * Streams adapter (a local redis-server): half the viewers on each instance, the PATCHes alternating
 * between them; a bare single Socket.IO server with the same clients in the same run for the ratio.
 * Env: BENCH_CLIENTS (1000), BENCH_RATES (20,50,100), BENCH_SECONDS (5), BENCH_WORKERS (4).
 */
import { AppProcess } from '../test/support/app-process';
import { RedisServer } from '../test/support/redis-server';
import { ratios } from './fanout';
import { BareServer } from './support/bare-server';
import { BENCH_ENV, benchToken, createLive, startEmbeddedDatabase } from './support/bench-app';
import { ClientPool } from './support/client-pool';
import { FanoutResult, httpFire, runFanout } from './support/fanout-runner';
import { machineLine, printTable, runBench } from './support/report';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const RATES = (process.env.BENCH_RATES ?? '20,50,100').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);

async function main(): Promise<void> {
  console.log(`fan-out on Redis: ${CLIENTS} clients over 2 instances, ${WORKERS} client processes; ${machineLine()}`);
  const db = await startEmbeddedDatabase();
  const redis = await RedisServer.start();
  const env = { ...BENCH_ENV, MONGODB_URI: `${db.uri}/bench_fanout_redis_${Date.now()}`, REDIS_URL: redis.url };
  const [a, b] = await Promise.all([AppProcess.start(env), AppProcess.start(env)]);
  const tokens = Array.from({ length: CLIENTS }, (_, i) => benchToken(`fan-viewer-${i}`));
  const results: FanoutResult[] = [];
  try {
    const host = benchToken('fan-host');
    const liveId = await createLive(a.url, 'fan-host');
    const live = await (
      await fetch(`${a.url}/api/live/${liveId}`, { headers: { authorization: `Bearer ${host}` } })
    ).json();

    const pool = ClientPool.start(WORKERS);
    const half = Math.ceil(CLIENTS / 2);
    const failed =
      (await pool.connect(a.url, tokens.slice(0, half), liveId)) +
      (await pool.connect(b.url, tokens.slice(half), liveId));
    if (failed) throw new Error(`${failed} clients could not connect and join`);
    const patches = [a, b].map((app) =>
      httpFire(`${app.url}/api/live/${liveId}`, 'PATCH', { authorization: `Bearer ${host}` }),
    );
    let turn = 0;
    const alternate = (title: string) => patches[turn++ % 2](title);
    for (const rate of RATES)
      results.push(
        await runFanout('2 instances + Redis (PATCH -> live:update)', pool, CLIENTS, rate, SECONDS, alternate),
      );
    await pool.close();

    const bare = await BareServer.start({ liveStreamId: liveId, live, changes: ['title'], actorId: 'fan-host' });
    const barePool = ClientPool.start(WORKERS);
    await barePool.connect(bare.url, tokens, liveId);
    const emit = httpFire(`${bare.url}/emit`, 'POST');
    for (const rate of RATES)
      results.push(await runFanout('bare Socket.IO (POST -> emit)', barePool, CLIENTS, rate, SECONDS, emit));
    await barePool.close();
    await bare.close();
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
    await db.stop();
  }
  printTable('Fan-out across two instances on Redis (embedded single-lock database)', results);
  printTable('Two instances on Redis vs bare Socket.IO (one process)', ratios(results));
}

runBench(main);
