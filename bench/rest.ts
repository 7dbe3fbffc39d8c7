/**
 * bench:rest: autocannon on the REST hot paths with real tokens, against the app as its own
 * process (so the load generator does not share its event loop). Loopback only; exits by itself.
 * The gift route: 200 joined, funded senders rotating, each request a new gift (its own key) of
 * one rose to the host.
 * Env: BENCH_SECONDS (5 per route), BENCH_CONNECTIONS (20).
 */
import { AppProcess } from '../test/support/app-process';
import { mintToken } from '../src/auth/mint-token';
import { BENCH_ENV, BENCH_SECRET, benchToken, createLive, startEmbeddedDatabase } from './support/bench-app';
import { load } from './support/load';
import { machineLine, printTable, runBench } from './support/report';

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
    GIFT_RATE_POINTS: '100000000',
  });
  try {
    const host = benchToken('rest-host');
    const liveIds = await Promise.all(Array.from({ length: 20 }, (_, i) => createLive(app.url, `rest-host-${i}`)));
    const viewerTokens = Array.from({ length: 5000 }, (_, i) => benchToken(`rest-viewer-${i}`));
    let next = 0;
    const giftLive = liveIds[1];
    const senderTokens = Array.from({ length: 200 }, (_, i) => benchToken(`rest-sender-${i}`));
    await fundSenders(app.url, giftLive, senderTokens);
    const rose = await giftId(app.url, 'rose');
    let nextSender = 0;
    let nextKey = 0;
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
      await load({
        name: 'POST /api/live/:id/gifts (200 senders rotating)',
        url: `${app.url}/api/live/${giftLive}/gifts`,
        method: 'POST',
        body: () => JSON.stringify({ giftId: rose, count: 1, idempotencyKey: `bench-${process.pid}-${nextKey++}` }),
        headers: () => ({ authorization: `Bearer ${senderTokens[nextSender++ % senderTokens.length]}` }),
        connections: CONNECTIONS,
      }),
    ];
    printTable('REST (app process + embedded single-lock database)', rows);
  } finally {
    await app.stop();
    await db.stop();
  }
}

/** Every sender joins the live and gets coins for far more gifts than a run sends. */
async function fundSenders(url: string, liveId: string, tokens: string[]): Promise<void> {
  const admin = mintToken(BENCH_SECRET, { sub: 'rest-admin', admin: true });
  await Promise.all(
    tokens.map(async (token, i) => {
      const joined = await fetch(`${url}/api/live/${liveId}/join`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const credited = await fetch(`${url}/api/wallet/credit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: `rest-sender-${i}`, coins: 1_000_000, purchaseRef: `bench-${i}` }),
      });
      if (!joined.ok || !credited.ok) throw new Error(`sender ${i}: join ${joined.status}, credit ${credited.status}`);
    }),
  );
}

async function giftId(url: string, key: string): Promise<string> {
  const { items } = (await (await fetch(`${url}/api/live/gifts/all`)).json()) as {
    items: { id: string; key: string }[];
  };
  return items.find((gift) => gift.key === key)!.id;
}

runBench(main);
