import mongoose, { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { mintToken } from '../src/auth/mint-token';
import { checkLedger } from '../src/cli/ledger-check';
import { AppProcess } from './support/app-process';
import { RedisServer } from './support/redis-server';
import { connectSocket, databaseUri, eventually, sleep, TEST_SECRET, TestSocket, userIds } from './support/test-app';
import { giftsInFlight } from './support/gift-fixtures';

const SENDERS = 20;
const GIFTS_PER_SENDER = 10;
const BATTLE_MS = 9_000;
/** Gifts leave in batches of 10 every 250 ms: 40 per second. */
const BATCH = 10;
const BATCH_EVERY_MS = 250;

/**
 * A battle between two lives on two app instances joined by Redis, under a storm of gifts to both
 * lives through both instances, with retries of the same keys and senders running out of coins.
 */
describe('a battle under a gift storm, on two instances', () => {
  let redis: RedisServer;
  let apps: AppProcess[];
  let db: Connection;
  const token = (sub: string, admin = false) => mintToken(TEST_SECRET, { sub, name: sub, admin });

  beforeAll(async () => {
    redis = await RedisServer.start();
    const uri = databaseUri();
    const env = {
      MONGODB_URI: uri,
      REDIS_URL: redis.url,
      BATTLE_DURATION_MIN_MS: '1000',
      BATTLE_SWEEP_INTERVAL_MS: '200',
      BATTLE_SETTLE_WAIT_MS: '5000',
      GIFT_RATE_POINTS: '100000',
    };
    apps = await Promise.all([AppProcess.start(env), AppProcess.start(env)]);
    db = await mongoose.createConnection(uri).asPromise();
  }, 120_000);
  afterAll(async () => {
    await Promise.all((apps ?? []).map((app) => app.stop()));
    await redis?.stop();
    await db?.close();
  });

  async function call(app: AppProcess, path: string, sub: string, body?: unknown, admin = false) {
    const res = await fetch(`${app.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(sub, admin)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  it('counts each gift settled in the window once for its side, and sends at most 4 score events a second to each room', async () => {
    const [a, b] = apps;
    const [hostA, hostB, ...fans] = userIds('storm', SENDERS + 2);
    const liveA = (await call(a, '/api/live/create', hostA, { liveType: 'live', title: 'A' })).body.id as string;
    const liveB = (await call(b, '/api/live/create', hostB, { liveType: 'live', title: 'B' })).body.id as string;
    // Each live's room watched through both instances.
    const observers: { liveId: string; socket: TestSocket }[] = [];
    for (const liveId of [liveA, liveB]) {
      for (const app of apps) {
        const socket = await connectSocket(app.url, token(`watch-${randomUUID().slice(0, 8)}`));
        expect((await socket.request('live:join', { liveStreamId: liveId })).ok).toBe(true);
        observers.push({ liveId, socket });
      }
    }
    const catalog = (await call(a, '/api/live/gifts/all', hostA)).body.items as {
      key: string;
      id: string;
      priceCoins: number;
    }[];
    const kinds = ['rose', 'heart', 'lollipop'].map((key) => catalog.find((g) => g.key === key)!);

    // Senders: half in each live; every fourth one can pay for only half of their gifts.
    const plan = fans.flatMap((fan, i) =>
      Array.from({ length: GIFTS_PER_SENDER }, (_, n) => ({
        fan,
        liveId: i % 2 === 0 ? liveA : liveB,
        gift: kinds[(i + n) % kinds.length],
        key: randomUUID(),
      })),
    );
    for (const [i, fan] of fans.entries()) {
      const mine = plan.filter((p) => p.fan === fan);
      expect((await call(apps[i % 2], `/api/live/${mine[0].liveId}/join`, fan, {})).status).toBe(200);
      const cost = mine.reduce((sum, p) => sum + p.gift.priceCoins, 0);
      const coins = i % 4 === 3 ? Math.floor(cost / 2) : cost;
      const credited = await call(
        a,
        '/api/wallet/credit',
        'admin',
        { userId: fan, coins, purchaseRef: `p-${fan}` },
        true,
      );
      expect(credited.status).toBe(200);
    }

    const invited = await call(a, `/api/live/${liveA}/connections`, hostA, { targetLiveId: liveB });
    expect((await call(b, `/api/live/${liveB}/connections/${invited.body.id}/accept`, hostB, {})).status).toBe(200);
    const battle = (await call(a, `/api/live/${liveA}/battles`, hostA, { durationMs: BATTLE_MS })).body;
    expect(battle.status).toBe('running');

    // The storm: 40 gifts a second through both instances; every fifth one also sent again at once
    // (same key) through the other instance, as a client retrying after a timeout would.
    const send = (app: AppProcess, p: (typeof plan)[number]) =>
      call(app, `/api/live/${p.liveId}/gifts`, p.fan, { giftId: p.gift.id, count: 1, idempotencyKey: p.key });
    const sending: Promise<{ status: number; body: any }>[] = [];
    for (let i = 0; i < plan.length; i += BATCH) {
      plan.slice(i, i + BATCH).forEach((p, j) => {
        sending.push(send(apps[(i + j) % 2], p));
        if ((i + j) % 5 === 0) sending.push(send(apps[(i + j + 1) % 2], p));
      });
      await sleep(BATCH_EVERY_MS);
    }
    const answers = await Promise.all(sending);
    expect(answers.filter((r) => ![201, 402].includes(r.status))).toEqual([]);

    const results = await Promise.all(
      observers.map(({ socket }) => socket.waitFor('live:battle:ended', (p) => p.battle.id === battle.id, 30_000)),
    );
    const result = results[0].battle;
    for (const r of results) expect(r.battle).toEqual(result);

    // Retries after the end answer what the first sends answered, and move nothing.
    const retries = await Promise.all(plan.map((p, i) => send(apps[i % 2], p)));
    expect(retries.filter((r) => ![201, 402].includes(r.status))).toEqual([]);
    await eventually(async () => (await giftsInFlight(db)) === 0, 30_000);

    const gifts = await db
      .collection('gifts_sent')
      .find({ liveId: { $in: [liveA, liveB].map((id) => new mongoose.Types.ObjectId(id)) } })
      .toArray();
    // A sender short of coins may be refused before the gift is recorded: those never count either.
    expect(gifts.length).toBeGreaterThan(plan.length / 2);
    expect(gifts.filter((g) => g.state === 'failed').every((g) => g.failure === 'INSUFFICIENT_BALANCE')).toBe(true);
    expect(gifts.some((g) => g.state === 'failed')).toBe(true);
    const window = (g: any) =>
      g.createdAt >= new Date(result.startedAt) && g.createdAt < new Date(result.endsAt) && g.state === 'settled';
    for (const side of result.sides) {
      const counted = gifts.filter((g) => g.liveId.toString() === side.liveId && window(g));
      expect(side.score).toBe(counted.reduce((sum, g) => sum + g.diamonds, 0));
    }
    expect(gifts.filter(window).length).toBeGreaterThan(0);

    // Score events: each room at most 4 in any second (by the server's stamp), the same ones on both instances.
    for (const liveId of [liveA, liveB]) {
      const [onA, onB] = observers.filter((o) => o.liveId === liveId).map((o) => o.socket);
      const scores = onA
        .events('live:battle:score')
        .filter((p) => p.battleId === battle.id && p.liveStreamId === liveId);
      expect(scores.length).toBeGreaterThan(1);
      const seqs = (s: TestSocket) =>
        s
          .events('live:battle:score')
          .filter((p) => p.battleId === battle.id && p.liveStreamId === liveId)
          .map((p) => p.seq)
          .sort((x, y) => x - y);
      // The same events, numbered the same, through either instance (their arrival order may differ a little).
      expect(seqs(onB)).toEqual(seqs(onA));
      const stamps = scores.map((p) => Date.parse(p.at)).sort((x, y) => x - y);
      const busiest = Math.max(...stamps.map((at) => stamps.filter((s) => s >= at && s < at + 1000).length));
      expect(busiest).toBeLessThanOrEqual(4);
    }
    observers.forEach(({ socket }) => socket.close());

    const report = await checkLedger(db);
    expect(report.problems).toEqual([]);
  }, 120_000);
});
