import mongoose, { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { mintToken } from '../src/auth/mint-token';
import { checkLedger } from '../src/cli/ledger-check';
import { AppProcess } from './support/app-process';
import { databaseUri, eventually, sleep, TEST_SECRET, userIds } from './support/test-app';
import { giftsInFlight } from './support/gift-fixtures';

const SENDERS = 8;
const GIFTS_PER_SENDER = 30;
const FREEZES = 3;

/**
 * A lease is not a lock: two instances on one database, gifts sent to A while A is frozen with
 * SIGSTOP past its settlers' lease, so B's recovery sweep (and retries) take the gifts over; then A
 * wakes up and carries on from where it stopped. Nothing may be applied twice.
 */
describe('gift settlement with a settler that wakes up late', () => {
  let a: AppProcess;
  let b: AppProcess;
  let db: Connection;
  const token = (sub: string, admin = false) => mintToken(TEST_SECRET, { sub, admin });

  beforeAll(async () => {
    const uri = databaseUri();
    const common = { MONGODB_URI: uri, GIFT_LEASE_MS: '1000', GIFT_RATE_POINTS: '100000' };
    a = await AppProcess.start({ ...common, GIFT_SWEEP_INTERVAL_MS: '60000' });
    b = await AppProcess.start({ ...common, GIFT_SWEEP_INTERVAL_MS: '200' });
    db = await mongoose.createConnection(uri).asPromise();
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.close();
  });

  async function call(url: string, path: string, sub: string, body: unknown, admin = false) {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(sub, admin)}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  it('applies every gift once while the first settler is frozen past its lease, again and again', async () => {
    const [hostId, ...senders] = userIds('fence', SENDERS + 1);
    const live = await call(a.url, '/api/live/create', hostId, { liveType: 'live', title: 'fencing' });
    expect(live.status).toBe(201);
    const liveId = live.body.id as string;
    const catalog = await (await fetch(`${a.url}/api/live/gifts/all`)).json();
    const rose = catalog.items.find((g: { key: string }) => g.key === 'rose');
    const startCoins = 20 * rose.priceCoins; // fewer coins than gifts: some must fail, none may overdraw
    for (const sender of senders) {
      expect((await call(a.url, `/api/live/${liveId}/join`, sender, {})).status).toBe(200);
      const credited = await call(
        a.url,
        '/api/wallet/credit',
        'admin',
        {
          userId: sender,
          coins: startCoins,
          purchaseRef: `p-${sender}`,
        },
        true,
      );
      expect(credited.status).toBe(200);
    }

    const sends = senders.flatMap((sender) =>
      Array.from({ length: GIFTS_PER_SENDER }, () => ({ sender, key: randomUUID() })),
    );
    const send = (url: string, { sender, key }: { sender: string; key: string }) =>
      call(url, `/api/live/${liveId}/gifts`, sender, { giftId: rose.id, count: 1, idempotencyKey: key });

    // The storm goes to A while A is frozen (longer than the lease) and resumed, several times.
    const storm = (async () => {
      const answers = [];
      for (let i = 0; i < sends.length; i += SENDERS) {
        answers.push(...(await Promise.all(sends.slice(i, i + SENDERS).map((s) => send(a.url, s)))));
      }
      return answers;
    })();
    for (let i = 0; i < FREEZES; i++) {
      await sleep(300);
      a.pause();
      await sleep(2000 + i * 500);
      a.resume();
    }
    const answers = await storm;
    // Settled (201), refused for coins (402), or still settling elsewhere when A woke up (409 GIFT_PENDING).
    expect(answers.filter((r) => ![201, 402, 409].includes(r.status))).toEqual([]);

    // Every gift ends settled or failed; retries with the same key (to B) return that same outcome.
    await eventually(async () => (await giftsInFlight(db)) === 0, 30_000);
    const retries = await Promise.all(sends.map((s) => send(b.url, s)));
    expect(retries.filter((r) => ![201, 402].includes(r.status))).toEqual([]);

    const gifts = await db
      .collection('gifts_sent')
      .find({ liveId: new mongoose.Types.ObjectId(liveId) })
      .toArray();
    expect(gifts.length).toBeGreaterThanOrEqual(SENDERS * 20); // some were refused before being recorded
    const settled = gifts.filter((g) => g.state === 'settled');
    expect(gifts.filter((g) => g.state === 'failed').every((g) => g.failure === 'INSUFFICIENT_BALANCE')).toBe(true);
    expect(settled.length).toBe(SENDERS * 20); // every coin spent, exactly once per gift
    for (const sender of senders) {
      const wallet = await db.collection('wallets').findOne({ userId: sender });
      const spent = settled.filter((g) => g.senderId === sender).reduce((sum, g) => sum + g.coins, 0);
      expect(wallet?.coins).toBe(startCoins - spent);
    }
    const host = await db.collection('wallets').findOne({ userId: hostId });
    expect(host?.diamonds).toBe(settled.reduce((sum, g) => sum + g.diamonds, 0));
    const liveNow = await (await fetch(`${b.url}/api/live/${liveId}`)).json();
    expect(liveNow.stats.giftCount).toBe(settled.length);

    // Books, live totals, leaderboards and guards, as `npm run ledger:check` reports them.
    const report = await checkLedger(db);
    expect(report.problems).toEqual([]);
    expect(report.totals.pendingGifts).toBe(0);
  }, 180_000);
});
