/**
 * bench:memory: server memory per idle authenticated socket, the app vs a bare Socket.IO server
 * with the same clients in the same run. Per server: (RSS after a full GC with N sockets, each in
 * its user room and one live room, minus RSS after a full GC with none) / N. Each server is its own
 * process. Both first serve a warm-up round as large as the measured one
 * (connect, join, disconnect), so what an instance grows once under that load (compiled code, the
 * database driver's connection pool, hash tables, heap pages) is in the baseline, not in the figure.
 * Env: BENCH_SOCKETS (2000), BENCH_WORKERS (4 client processes), BENCH_WARMUP (BENCH_SOCKETS),
 * BENCH_SETTLE_MS (12000: longer than the per-socket event rate window, SOCKET_EVENT_RATE_WINDOW_MS,
 * so the sockets are idle and the limiter's counters from their live:join have expired).
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { benchToken, createLive, startEmbeddedDatabase } from './support/bench-app';
import { ClientPool } from './support/client-pool';
import type { MemorySample } from './support/memory-server';
import { machineLine, printTable, round, runBench, sleep } from './support/report';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 2000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const WARMUP = Number(process.env.BENCH_WARMUP ?? SOCKETS);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 12_000);

type Target = 'bare' | 'app';

interface Result {
  target: Target;
  before: MemorySample;
  after: MemorySample;
}

async function main(): Promise<void> {
  console.log(
    `memory: ${SOCKETS} idle sockets (user room + one live room), ${WORKERS} client processes, ` +
      `settle ${SETTLE_MS} ms; ${machineLine()}`,
  );
  const db = await startEmbeddedDatabase();
  const pool = ClientPool.start(WORKERS);
  try {
    const results: Result[] = [];
    for (const target of ['bare', 'app'] as const) {
      results.push(await measureTarget(target, pool, `${db.uri}/bench_memory_${Date.now()}`));
    }
    print(results);
  } finally {
    await pool.close();
    await db.stop();
  }
}

async function measureTarget(target: Target, pool: ClientPool, mongodbUri: string): Promise<Result> {
  const server = fork(join(__dirname, 'support', 'memory-server.ts'), [target, mongodbUri], {
    // queryObjects is marked experimental in Node 20: its warning would only clutter the table.
    execArgv: ['--no-warnings', '-r', 'ts-node/register/transpile-only'],
  });
  try {
    const url = (await answer<{ url: string }>(server, undefined, 'ready')).url;
    const liveId = target === 'app' ? await createLive(url, 'memory-host') : 'bench';
    const tokens = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => benchToken(`memory-${prefix}-${i}`));

    await connect(pool, url, tokens('warmup', WARMUP), liveId);
    await pool.disconnect();
    await sleep(SETTLE_MS);
    const before = (await answer<{ sample: MemorySample }>(server, { type: 'measure' }, 'measured')).sample;

    await connect(pool, url, tokens('viewer', SOCKETS), liveId);
    await sleep(SETTLE_MS);
    const after = (await answer<{ sample: MemorySample }>(server, { type: 'measure' }, 'measured')).sample;
    if (after.sockets !== SOCKETS)
      throw new Error(`${target}: ${after.sockets} sockets connected, ${SOCKETS} expected`);
    await pool.disconnect();
    console.error(target, JSON.stringify({ before, after }));
    return { target, before, after };
  } finally {
    server.kill();
  }
}

async function connect(pool: ClientPool, url: string, tokens: string[], liveId: string): Promise<void> {
  const failures = await pool.connect(url, tokens, liveId);
  if (failures) throw new Error(`${failures} of ${tokens.length} sockets failed to connect or join`);
}

function answer<T>(child: ChildProcess, command: object | undefined, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the server exited (code ${code})`));
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (command) child.send(command);
  });
}

const MB = 1024 * 1024;
const perSocketKb = (after: number, before: number) => (after - before) / SOCKETS / 1024;

function print(results: Result[]): void {
  printTable(
    'Server memory per idle socket (after a full GC)',
    results.map(({ target, before, after }) => ({
      server: target === 'app' ? 'app (auth, user room, live:join)' : 'bare Socket.IO (user room, live room)',
      sockets: after.sockets,
      'RSS before MB': round(before.rss / MB, 1),
      'RSS after MB': round(after.rss / MB, 1),
      'RSS KB/socket': round(perSocketKb(after.rss, before.rss), 1),
      'heap KB/socket': round(perSocketKb(after.heapUsed, before.heapUsed), 1),
      'external KB/socket': round(perSocketKb(after.external, before.external), 1),
    })),
  );
  const [bare, app] = results;
  const ratio = perSocketKb(app.after.rss, app.before.rss) / perSocketKb(bare.after.rss, bare.before.rss);
  console.log(`\napp / bare Socket.IO, RSS per socket: ${round(ratio, 2)}x`);
}

runBench(main);
