/**
 * bench:platform: bare Fastify serving one JSON route vs the app's GET /api/health/live (same JSON
 * shape; the app adds Nest, helmet, CORS, request ids, guards and pino-http). Express is not
 * installed, so the Fastify-vs-Express figure is not re-measured here. Each server is its own process.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { BENCH_ENV, startEmbeddedDatabase } from './support/bench-app';
import { load } from './support/load';
import { machineLine, printTable } from './support/report';

async function main(): Promise<void> {
  console.log(`platform: 50 connections; ${machineLine()}`);
  const port = await freePort();
  const bare = fork(join(__dirname, 'support', 'bare-fastify.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, PORT: String(port) },
  });
  await new Promise((resolve) => bare.once('message', resolve));
  const db = await startEmbeddedDatabase();
  const app = await AppProcess.start({ ...BENCH_ENV, MONGODB_URI: `${db.uri}/bench_platform` });
  try {
    const rows = [
      await load({ name: 'bare Fastify GET /health', url: `http://127.0.0.1:${port}/health`, connections: 50 }),
      await load({ name: 'app GET /api/health/live', url: `${app.url}/api/health/live`, connections: 50 }),
    ];
    printTable('HTTP platform (one JSON route, no database)', rows);
  } finally {
    bare.kill();
    await app.stop();
    await db.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
