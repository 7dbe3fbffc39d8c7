import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { mintToken } from '../src/auth/mint-token';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { AppProcess } from './support/app-process';
import { TEST_SECRET, userIds } from './support/test-app';

const ROUNDS = 3;
const CREDITS_PER_ROUND = 10;
const MESSAGES_PER_ROUND = 5;
const GIFTS_PER_ROUND = 5;

const token = (sub: string, admin = false) => mintToken(TEST_SECRET, { sub, admin });

/** What the app acknowledged in one round, to be found again after every later crash. */
interface Acknowledged {
  credits: { userId: string; coins: number; reference: string }[];
  liveId: string;
  hostId: string;
  senderId: string;
  senderCoins: number;
  hostDiamonds: number;
  messageIds: string[];
  giftIds: string[];
}

/**
 * A write acknowledged to a client survives a crash of the app and its database together, on the
 * persistent embedded database too: acknowledged writes (admin credits, chat messages, gifts) made
 * right before the app and its database's JVM are SIGKILLed at once are all there after a restart
 * on the same data file. Several rounds, each checking every earlier round too.
 */
describe('the persistent embedded database keeps acknowledged writes through a crash of the app and database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-durability-'));
  let app: AppProcess | undefined;

  beforeAll(() => {
    // The classpath Maven resolved for this checkout (global setup), so each start skips Maven.
    const cached = join(__dirname, '..', 'data', 'embedded-db.classpath');
    if (existsSync(cached)) copyFileSync(cached, join(dataDir, 'embedded-db.classpath'));
  });
  afterAll(async () => {
    await app?.killProcessGroup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    AppProcess.start(
      {
        MONGODB_URI: '', // the embedded database, persistent, in DATA_DIR
        DATA_DIR: dataDir,
        CHAT_RATE_BURST_POINTS: '100000',
        CHAT_RATE_SUSTAINED_POINTS: '100000',
        GIFT_RATE_POINTS: '100000',
      },
      120_000,
      { processGroup: true },
    );

  const call = async (method: string, path: string, bearer: string, body?: unknown) => {
    const res = await fetch(`${app!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    return { status: res.status, body: json };
  };
  const ok = async (method: string, path: string, bearer: string, body?: unknown) => {
    const res = await call(method, path, bearer, body);
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  };

  /** A live with a joined, funded sender; then a burst of writes, all acknowledged, and nothing more. */
  async function writeRound(round: number): Promise<Acknowledged> {
    const [hostId, senderId, ...buyers] = userIds(`durable-${round}`, 2 + CREDITS_PER_ROUND);
    const admin = token('durable-admin', true);
    const live = await ok('POST', '/api/live/create', token(hostId), { liveType: 'live', title: `round ${round}` });
    await ok('POST', `/api/live/${live.id}/join`, token(senderId), {});
    await ok('POST', '/api/wallet/credit', admin, { userId: senderId, coins: 1000, purchaseRef: randomUUID() });
    const gift = ((await ok('GET', '/api/live/gifts/all', admin)).items as { id: string; key: string }[]).find(
      (g) => g.key === 'rose',
    )!;

    const credits = buyers.map((userId, i) => ({ userId, coins: 10 + i, reference: randomUUID() }));
    const [creditAcks, messages, gifts] = await Promise.all([
      Promise.all(
        credits.map((c) =>
          ok('POST', '/api/wallet/credit', admin, { userId: c.userId, coins: c.coins, purchaseRef: c.reference }),
        ),
      ),
      Promise.all(
        Array.from({ length: MESSAGES_PER_ROUND }, (_, i) =>
          ok('POST', `/api/live/${live.id}/message`, token(senderId), { text: `round ${round} message ${i}` }),
        ),
      ),
      Promise.all(
        Array.from({ length: GIFTS_PER_ROUND }, () =>
          ok('POST', `/api/live/${live.id}/gifts`, token(senderId), {
            giftId: gift.id,
            count: 1,
            idempotencyKey: randomUUID(),
          }),
        ),
      ),
    ]);
    // Every answer is an acknowledgement of a write that must survive.
    creditAcks.forEach((ack, i) => expect(ack.coins).toBe(credits[i].coins));
    gifts.forEach((g) => expect(g.state).toBe('settled'));
    const spent = gifts.reduce((sum, g) => sum + g.coins, 0);
    return {
      credits,
      liveId: live.id,
      hostId,
      senderId,
      senderCoins: 1000 - spent,
      hostDiamonds: gifts.reduce((sum, g) => sum + g.diamonds, 0),
      messageIds: messages.map((m) => m.id),
      giftIds: gifts.map((g) => g.id),
    };
  }

  /** Every write of the round, read back through the API; returns what is missing. */
  async function missingOf(round: Acknowledged): Promise<string[]> {
    const missing: string[] = [];
    for (const credit of round.credits) {
      const wallet = await ok('GET', '/api/wallet', token(credit.userId));
      const entry = wallet.recentEntries.find(
        (e: { reference: string }) => e.reference === `purchase:${credit.reference}`,
      );
      if (wallet.coins !== credit.coins || !entry) missing.push(`credit ${credit.reference} (${credit.userId})`);
    }
    const messages = await ok('GET', `/api/live/${round.liveId}/messages?limit=100`, token(round.hostId));
    const messageIds = new Set(messages.items.map((m: { id: string }) => m.id));
    missing.push(...round.messageIds.filter((id) => !messageIds.has(id)).map((id) => `message ${id}`));
    const gifts = await ok('GET', `/api/live/${round.liveId}/gifts/recent?limit=100`, token(round.hostId));
    const giftIds = new Set(gifts.items.map((g: { id: string }) => g.id));
    missing.push(...round.giftIds.filter((id) => !giftIds.has(id)).map((id) => `gift ${id}`));
    const sender = await ok('GET', '/api/wallet', token(round.senderId));
    if (sender.coins !== round.senderCoins) missing.push(`sender coins ${sender.coins} != ${round.senderCoins}`);
    const host = await ok('GET', '/api/wallet', token(round.hostId));
    if (host.diamonds !== round.hostDiamonds) missing.push(`host diamonds ${host.diamonds} != ${round.hostDiamonds}`);
    return missing;
  }

  it(`finds every acknowledged credit, message and gift after ${ROUNDS} SIGKILLs of the app with its database`, async () => {
    const rounds: Acknowledged[] = [];
    app = await start();
    for (let round = 1; round <= ROUNDS; round++) {
      rounds.push(await writeRound(round));
      await app.killProcessGroup(); // right after the last acknowledgement
      app = await start();
      const missing = (await Promise.all(rounds.map(missingOf))).flat();
      expect({ round, missing }).toEqual({ round, missing: [] });
    }
  }, 600_000);
});

/**
 * The database alone, SIGKILLed while 32 writers are in flight (so during commits and compactions):
 * after each restart every acknowledged write is there, and a many-document insert is there whole
 * or not at all (a commit never holds half a command).
 */
describe('the persistent embedded database killed in the middle of concurrent writes', () => {
  const KILLS = 4;
  const BATCH = 20; // documents per insertMany
  const BATCHES_PER_ROUND = 150; // acknowledged batches before the kill
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-kill-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged write and no half insertMany through ${KILLS} kills`, async () => {
    const options = { cacheDir: join(__dirname, '..', 'data'), dataFile: join(dataDir, 'db.mv') };
    const ackedBatches = new Set<number>();
    const ackedCounters = new Map<number, number>(); // counter id -> highest value acknowledged
    let nextBatch = 0;
    for (let round = 0; round <= KILLS; round++) {
      const database = await EmbeddedDatabase.start(options);
      const connection = mongoose.createConnection(`${database.uri}/durable`, { retryWrites: false });
      try {
        await connection.asPromise();
        const db = connection.getClient().db('durable');
        const docs = db.collection<{ _id: string; batch: number }>('docs');
        const counters = db.collection<{ _id: number; n: number }>('counters');

        const perBatch = new Map<number, number>();
        for (const doc of await docs.find().toArray()) perBatch.set(doc.batch, (perBatch.get(doc.batch) ?? 0) + 1);
        const stored = new Map((await counters.find().toArray()).map((c) => [c._id, c.n]));
        expect({
          round,
          missingBatches: [...ackedBatches].filter((b) => perBatch.get(b) !== BATCH),
          halfBatches: [...perBatch].filter(([, count]) => count !== BATCH),
          staleCounters: [...ackedCounters].filter(([id, n]) => (stored.get(id) ?? 0) < n),
        }).toEqual({ round, missingBatches: [], halfBatches: [], staleCounters: [] });
        if (round === KILLS) break;

        let ackedThisRound = 0;
        let killed: Promise<void> | undefined;
        const writer = async (w: number) => {
          try {
            while (!killed) {
              if (w % 2 === 0) {
                const batch = nextBatch++;
                await docs.insertMany(Array.from({ length: BATCH }, (_, i) => ({ _id: `${batch}-${i}`, batch })));
                ackedBatches.add(batch);
                if (++ackedThisRound === BATCHES_PER_ROUND) killed = database.kill(); // writers still in flight
              } else {
                // A few hot counters: concurrent increments of one document, each answered with its value.
                const id = w % 10;
                const after = await counters.findOneAndUpdate(
                  { _id: id },
                  { $inc: { n: 1 } },
                  { upsert: true, returnDocument: 'after' },
                );
                ackedCounters.set(id, Math.max(ackedCounters.get(id) ?? 0, after!.n));
              }
            }
          } catch (error) {
            if (!killed) throw error; // else the database was killed under this write: never acknowledged
          }
        };
        await Promise.all(Array.from({ length: 32 }, (_, w) => writer(w)));
        await killed;
      } finally {
        await connection.close(true).catch(() => undefined);
        await database.kill();
      }
    }
  }, 300_000);
});
