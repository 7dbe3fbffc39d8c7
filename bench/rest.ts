/**
 * bench:rest: autocannon on the REST hot paths with real tokens, against the app as its own
 * process (so the load generator does not share its event loop). Loopback only; exits by itself.
 * Env: BENCH_SECONDS (5 per route), BENCH_CONNECTIONS (20).
 */
import { AppProcess } from '../test/support/app-process';
import { BENCH_ENV, benchToken, createLive, startEmbeddedDatabase } from './support/bench-app';
import { load } from './support/load';
import { machineLine, printTable } from './support/report';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

async function main(): Promise<void> {
  console.log(`REST: ${CONNECTIONS} connections per route; ${machineLine()}`);
  const db = await startEmbeddedDatabase();
  // Chat limits raised so one host posting at full speed measures the path, not the limiter (which still runs).
  const app = await AppProcess.start({
    ...BENCH_ENV,
    MONGODB_URI: `${db.uri}/bench_rest_${Date.now()}`,
    CHAT_RATE_BURST_POINTS: '100000000',
    CHAT_RATE_SUSTAINED_POINTS: '100000000',
  });
  try {
    const host = benchToken('rest-host');
    const liveIds = await Promise.all(Array.from({ length: 20 }, (_, i) => createLive(app.url, `rest-host-${i}`)));
    const viewerTokens = Array.from({ length: 5000 }, (_, i) => benchToken(`rest-viewer-${i}`));
    let next = 0;
    const rows = [
      await load({
        name: 'GET /api/health/live (no auth, no db)',
        url: `${app.url}/api/health/live`,
        connections: CONNECTIONS,
      }),
      await load({
        name: 'GET /api/live/active (20 lives)',
        url: `${app.url}/api/live/active`,
        headers: () => ({ authorization: `Bearer ${host}` }),
        connections: CONNECTIONS,
      }),
      await load({
        name: 'POST /api/live/:id/join (5000 users rotating)',
        url: `${app.url}/api/live/${liveIds[0]}/join`,
        method: 'POST',
        body: '{}',
        headers: () => ({ authorization: `Bearer ${viewerTokens[next++ % viewerTokens.length]}` }),
        connections: CONNECTIONS,
      }),
      await load({
        name: 'POST /api/live/:id/message (host, 1 live)',
        url: `${app.url}/api/live/${liveIds[0]}/message`,
        method: 'POST',
        body: JSON.stringify({ text: 'hello from the bench' }),
        headers: () => ({ authorization: `Bearer ${benchToken('rest-host-0')}` }),
        connections: CONNECTIONS,
      }),
    ];
    printTable('REST (app process + embedded single-lock database)', rows);
  } finally {
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
