import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { mintToken } from '../../src/auth/mint-token';
import { loadConfig } from '../../src/config/app-config';
import { EmbeddedDatabase } from '../../src/database/embedded-database';

export const BENCH_SECRET = 'bench-secret-0123456789abcdef';

/** Environment of every bench app: quiet logs, presence long enough that nothing times out mid-run. */
export const BENCH_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  JWT_SECRET: BENCH_SECRET,
  LOG_LEVEL: 'silent',
  HOST_GRACE_MS: '3600000',
  VIEWER_IDLE_TIMEOUT_MS: '3600000',
  SWEEP_INTERVAL_MS: '3600000',
};

export const benchToken = (sub: string) => mintToken(BENCH_SECRET, { sub });

export interface BenchApp {
  url: string;
  app: NestFastifyApplication;
  close: () => Promise<void>;
}

/**
 * The embedded database, started once per bench run: in memory, or on the durable file store (the
 * mode `npm start` uses) when BENCH_DB_FILE names a data file (e.g. /tmp/bench.mv, a fresh one).
 */
export async function startEmbeddedDatabase(): Promise<EmbeddedDatabase> {
  const cacheDir = join(__dirname, '..', '..', 'data');
  mkdirSync(cacheDir, { recursive: true });
  const dataFile = process.env.BENCH_DB_FILE || undefined;
  if (dataFile) console.log(`database: embedded, durable file store ${dataFile}`);
  return EmbeddedDatabase.start({ cacheDir, dataFile });
}

/** The real app (createApp) in this process on a loopback port, against `mongodbUri`. */
export async function startBenchApp(mongodbUri: string, env: Record<string, string> = {}): Promise<BenchApp> {
  const app = await createApp(loadConfig({ ...BENCH_ENV, PORT: '0', MONGODB_URI: mongodbUri, ...env }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  return { url, app, close: () => app.close() };
}

/** Creates a live through the REST API and returns its id. */
export async function createLive(url: string, host: string): Promise<string> {
  const res = await fetch(`${url}/api/live/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${benchToken(host)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ liveType: 'live', title: 'bench' }),
  });
  if (res.status !== 201) throw new Error(`create live: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
