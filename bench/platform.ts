/**
 * bench:platform: bare Fastify serving one JSON route vs the app's GET /api/health/live (same JSON
 * shape; the app adds Nest routing, the global guard, security headers, CORS, request ids, the
 * request log line and the latency histogram). The app logs at info (one line per request, written
 * to /dev/null), as in production; a second instance at LOG_LEVEL=silent shows what the line costs.
 * Each server is its own process; the targets take turns, BENCH_ROUNDS times (2), and the ratios
 * compare the sums over the rounds, so drift on a shared machine hits every target alike. Beside
 * req/s, each row gives the server process's CPU time per request (from /proc), which other work
 * on a shared machine disturbs much less than throughput.
 * Env: BENCH_SECONDS (5 per turn), BENCH_ROUNDS (2), BENCH_CONNECTIONS (50).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { BENCH_ENV, startEmbeddedDatabase } from './support/bench-app';
import { load } from './support/load';
import { cpuSeconds, machineLine, printTable, round, runBench } from './support/report';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function main(): Promise<void> {
  console.log(`platform: ${CONNECTIONS} connections, ${ROUNDS} rounds; ${machineLine()}`);
  const port = await freePort();
  const bare = fork(join(__dirname, 'support', 'bare-fastify.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, PORT: String(port) },
  });
  await new Promise((resolve) => bare.once('message', resolve));
  const db = await startEmbeddedDatabase();
  const env = { ...BENCH_ENV, MONGODB_URI: `${db.uri}/bench_platform` };
  const logged = await AppProcess.start({ ...env, LOG_LEVEL: 'info' }, undefined, { discardStdout: true });
  const silent = await AppProcess.start({ ...env, LOG_LEVEL: 'silent' });
  const targets = [
    { name: 'bare Fastify GET /health', url: `http://127.0.0.1:${port}/health`, pid: bare.pid! },
    { name: 'app GET /api/health/live, logs at info', url: `${logged.url}/api/health/live`, pid: logged.pid! },
    { name: 'app GET /api/health/live, logs silent', url: `${silent.url}/api/health/live`, pid: silent.pid! },
  ];
  try {
    const rows: Record<string, string | number>[] = [];
    const totals = targets.map(() => ({ rate: 0, cpu: 0, requests: 0 }));
    for (let r = 1; r <= ROUNDS; r++) {
      for (const [i, { name, url, pid }] of targets.entries()) {
        const cpuBefore = cpuSeconds(pid);
        const row = await load({ name, url, connections: CONNECTIONS });
        const cpu = cpuSeconds(pid) - cpuBefore;
        const requests = Number(row['2xx']) + Number(row['non-2xx']);
        totals[i].rate += Number(row['req/s']);
        totals[i].cpu += cpu;
        totals[i].requests += requests;
        rows.push({ round: r, ...row, 'server CPU µs/req': round((cpu / requests) * 1e6) });
      }
    }
    printTable('HTTP platform (one JSON route, no database)', rows);
    console.log('');
    const cpuPerRequest = totals.map((t) => t.cpu / t.requests);
    for (const [i, target] of targets.entries()) {
      if (i === 0) continue;
      console.log(
        `${target.name} / bare Fastify: req/s ${round(totals[i].rate / totals[0].rate, 2)}x, ` +
          `requests per CPU second ${round(cpuPerRequest[0] / cpuPerRequest[i], 2)}x`,
      );
    }
  } finally {
    bare.kill();
    await logged.stop();
    await silent.stop();
    await db.stop();
  }
}

runBench(main);
