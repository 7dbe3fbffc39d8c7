/**
 * Chat fan-out benchmark: N viewer sockets in one live, messages posted at R per second through
 * the real path (HTTP, JWT, validation, database, domain event, gateway, Socket.IO), then the same
 * messages broadcast by a bare Socket.IO server to the same client harness, as the baseline.
 *
 *   npm run bench:chat -- --viewers 1000 --rate 20 --seconds 10 --workers 2
 *   (or BENCH_VIEWERS, BENCH_RATE, BENCH_SECONDS, BENCH_WORKERS)
 *   npm run bench:chat:frames: the same with --frames (the app's viewers accept live:frame), 200 msg/s
 *
 * With --frames the app's viewers connect with `auth: { frames: true }` and unpack each live:frame;
 * the bare server's viewers get single events (bare Socket.IO has no frames).
 *
 * The app runs on 127.0.0.1 against the embedded database in memory; the clients run in worker
 * processes so the harness is not what limits the figures. The run exits by itself.
 */
import { ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io, Socket } from 'socket.io-client';
import { createApp } from '../src/app.factory';
import { mintToken } from '../src/auth/mint-token';
import { loadConfig } from '../src/config/app-config';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { startProfile } from './support/cpu-profile';

const SECRET = 'bench-secret-0123456789abcdef';
const CONNECT_BATCH = 50;
const DRAIN_MS = 5000;
const HARD_LIMIT_MS = 10 * 60_000;

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
const now = () => performance.timeOrigin + performance.now();

// ---- worker: holds a share of the viewer sockets and records delivery latency ----------------

type WorkerCommand =
  | { cmd: 'connect'; url: string; liveStreamId: string; users: string[]; withTokens: boolean; frames: boolean }
  | { cmd: 'report' }
  | { cmd: 'disconnect' };

async function runWorker(): Promise<void> {
  let sockets: Socket[] = [];
  let latencies: number[] = [];
  let lastDeliveryAt = 0;
  const reply = (message: unknown) => process.send!(message);

  process.on('message', async (command: WorkerCommand) => {
    if (command.cmd === 'connect') {
      latencies = [];
      for (let i = 0; i < command.users.length; i += CONNECT_BATCH) {
        const batch = command.users.slice(i, i + CONNECT_BATCH).map(async (user) => {
          const auth = command.withTokens ? { token: mintToken(SECRET, { sub: user }), frames: command.frames } : {};
          const socket = io(command.url, { transports: ['websocket'], auth, forceNew: true, reconnection: false });
          const received = (message: { text: string }) => {
            latencies.push(now() - Number(message.text.split(' ')[2]));
            lastDeliveryAt = now();
          };
          socket.on('live:message', received);
          socket.on('live:frame', (frame: { events: { event: string; data: { text: string } }[] }) => {
            for (const { event, data } of frame.events) if (event === 'live:message') received(data);
          });
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', resolve);
            socket.once('connect_error', reject);
          });
          const ack = await socket.timeout(30_000).emitWithAck('live:join', { liveStreamId: command.liveStreamId });
          if (!ack?.ok) throw new Error(`live:join refused: ${JSON.stringify(ack)}`);
          return socket;
        });
        sockets.push(...(await Promise.all(batch)));
      }
      reply({ type: 'connected' });
    } else if (command.cmd === 'report') {
      reply({ type: 'report', latencies, lastDeliveryAt });
    } else {
      sockets.forEach((s) => s.disconnect());
      sockets = [];
      reply({ type: 'disconnected' });
    }
  });
  reply({ type: 'up' });
}

// ---- coordinator -------------------------------------------------------------------------------

interface Options {
  viewers: number;
  rate: number;
  seconds: number;
  workers: number;
  /** The app's viewers accept live:frame. */
  frames: boolean;
}

function options(): Options {
  const arg = (name: string) => {
    const i = process.argv.lastIndexOf(`--${name}`); // the last one wins: npm run x -- --rate 50
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const num = (name: string, env: string, fallback: number) => {
    const value = Number(arg(name) ?? process.env[env] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  return {
    viewers: Math.floor(num('viewers', 'BENCH_VIEWERS', 1000)),
    rate: num('rate', 'BENCH_RATE', 20),
    seconds: num('seconds', 'BENCH_SECONDS', 10),
    workers: Math.floor(num('workers', 'BENCH_WORKERS', 2)),
    frames: process.argv.includes('--frames'),
  };
}

class Workers {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(count: number): Promise<Workers> {
    const children = Array.from({ length: count }, () =>
      fork(__filename, ['--worker'], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: 'inherit' }),
    );
    const workers = new Workers(children);
    await workers.all(() => undefined, 'up');
    return workers;
  }

  /** Sends each worker its command and waits for every answer of `type`. */
  all<T>(command: (index: number) => WorkerCommand | undefined, type: string): Promise<T[]> {
    return Promise.all(
      this.children.map(
        (child, i) =>
          new Promise<T>((resolve, reject) => {
            const onMessage = (message: { type: string }) => {
              if (message.type !== type) return;
              child.off('message', onMessage);
              resolve(message as T);
            };
            child.on('message', onMessage);
            child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
            const c = command(i);
            if (c) child.send(c);
          }),
      ),
    );
  }

  connect(url: string, liveStreamId: string, users: string[], withTokens: boolean, frames = false): Promise<unknown[]> {
    const share = (i: number) => users.filter((_, u) => u % this.children.length === i);
    return this.all((i) => ({ cmd: 'connect', url, liveStreamId, users: share(i), withTokens, frames }), 'connected');
  }

  report(): Promise<{ latencies: number[]; lastDeliveryAt: number }[]> {
    return this.all(() => ({ cmd: 'report' }), 'report');
  }

  disconnect(): Promise<unknown[]> {
    return this.all(() => ({ cmd: 'disconnect' }), 'disconnected');
  }

  stop(): void {
    this.children.forEach((c) => c.kill());
  }
}

interface PhaseResult {
  name: string;
  sent: number;
  failedSends: number;
  deliveries: number;
  expected: number;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

/** Sends `rate` messages per second for `seconds`, lets deliveries drain, and measures them. */
async function phase(
  name: string,
  opts: Options,
  workers: Workers,
  sendOne: (text: string) => Promise<boolean>,
): Promise<PhaseResult> {
  const total = Math.round(opts.rate * opts.seconds);
  const intervalMs = 1000 / opts.rate;
  const profile = await startProfile();
  const startedAt = now();
  const sends: Promise<boolean>[] = [];
  for (let seq = 0; seq < total; seq++) {
    const due = startedAt + seq * intervalMs;
    const wait = due - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(sendOne(`bench ${seq} ${now()}`));
  }
  const failedSends = (await Promise.all(sends)).filter((ok) => !ok).length;
  const expected = (total - failedSends) * opts.viewers;
  const drainUntil = now() + DRAIN_MS;
  let reports = await workers.report();
  while (reports.reduce((n, r) => n + r.latencies.length, 0) < expected && now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 250));
    reports = await workers.report();
  }
  await profile?.stop(name);
  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const lastDeliveryAt = Math.max(...reports.map((r) => r.lastDeliveryAt));
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    name,
    sent: total,
    failedSends,
    deliveries: latencies.length,
    expected,
    deliveriesPerSecond: latencies.length / ((lastDeliveryAt - startedAt) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1] ?? NaN,
  };
}

async function benchmarkApp(opts: Options, workers: Workers, database: EmbeddedDatabase): Promise<PhaseResult> {
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    MONGODB_URI: `${database.uri}/bench_chat`,
    // One host posts every message: the limiter still runs on each one, it just never says no.
    CHAT_RATE_BURST_POINTS: '1000000',
    CHAT_RATE_SUSTAINED_POINTS: '1000000',
  });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  try {
    const hostToken = mintToken(SECRET, { sub: 'bench-host' });
    const headers = { Authorization: `Bearer ${hostToken}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${url}/api/live/create`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ liveType: 'live', title: 'bench' }),
    });
    const live = (await created.json()) as { id: string };
    const users = Array.from({ length: opts.viewers }, (_, i) => `bench-viewer-${i}`);
    const joinStart = now();
    await workers.connect(url, live.id, users, true, opts.frames);
    console.log(
      `app: ${opts.viewers} viewers joined (socket + viewer record) in ${((now() - joinStart) / 1000).toFixed(1)} s`,
    );
    const name = `app (REST -> DB -> event -> gateway${opts.frames ? ', viewers take live:frame' : ''})`;
    const result = await phase(name, opts, workers, async (text) => {
      const res = await fetch(`${url}/api/live/${live.id}/message`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text }),
      });
      await res.arrayBuffer();
      return res.status === 201;
    });
    await workers.disconnect();
    return result;
  } finally {
    await app.close();
  }
}

async function benchmarkBareSocketIo(opts: Options, workers: Workers): Promise<PhaseResult> {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'] });
  const room = 'live:baseline';
  server.on('connection', (socket) => {
    socket.on('live:join', async (_payload: unknown, ack: (answer: unknown) => void) => {
      await socket.join(room);
      ack({ ok: true });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  try {
    const users = Array.from({ length: opts.viewers }, (_, i) => `bench-viewer-${i}`);
    await workers.connect(url, 'baseline', users, false);
    const result = await phase('bare Socket.IO broadcast', opts, workers, async (text) => {
      // The same payload shape as the app's live:message.
      server.to(room).emit('live:message', {
        id: '665f1c2e8a1b2c3d4e5f6a90',
        liveStreamId: 'baseline',
        type: 'comment',
        text,
        sender: { userId: 'bench-host', uid: 1, name: 'bench-host', avatar: null },
        clientMessageId: null,
        createdAt: new Date().toISOString(),
        deletedAt: null,
      });
      return true;
    });
    await workers.disconnect();
    return result;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function print(opts: Options, results: PhaseResult[]): void {
  console.log(
    `\nChat fan-out: ${opts.viewers} viewers, ${opts.rate} msg/s for ${opts.seconds} s, ${opts.workers} client workers` +
      `${opts.frames ? ', app viewers accept live:frame' : ''}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  console.table(
    results.map((r) => ({
      phase: r.name,
      sent: r.sent,
      'failed sends': r.failedSends,
      deliveries: `${r.deliveries}/${r.expected}`,
      'deliveries/s': Math.round(r.deliveriesPerSecond),
      'p50 ms': r.p50.toFixed(1),
      'p99 ms': r.p99.toFixed(1),
      'max ms': r.max.toFixed(1),
    })),
  );
  const [app, bare] = results;
  console.log(
    `app / bare Socket.IO: deliveries/s ${(app.deliveriesPerSecond / bare.deliveriesPerSecond).toFixed(2)}x, ` +
      `p50 latency ${(app.p50 / bare.p50).toFixed(1)}x, p99 latency ${(app.p99 / bare.p99).toFixed(1)}x`,
  );
}

async function main(): Promise<void> {
  const opts = options();
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const hardStop = setTimeout(() => {
    console.error('benchmark took too long; stopping');
    process.exit(2);
  }, HARD_LIMIT_MS);
  hardStop.unref();
  const database = await EmbeddedDatabase.start({ cacheDir: join(__dirname, '..', 'data') });
  const workers = await Workers.start(opts.workers);
  try {
    const app = await benchmarkApp(opts, workers, database);
    const bare = await benchmarkBareSocketIo(opts, workers);
    print(opts, [app, bare]);
  } finally {
    workers.stop();
    await database.stop();
  }
  process.exit(0);
}

if (process.argv.includes('--worker')) {
  void runWorker();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
