import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { mintToken } from '../src/auth/mint-token';
import { checkLedger } from '../src/cli/ledger-check';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { auth, giftsInFlight, guardsIn, newKey } from './support/gift-fixtures';
import { TEST_SECRET, eventually, userIds } from './support/test-app';

const ROOT = join(__dirname, '..');
const token = (sub: string, admin = false) => mintToken(TEST_SECRET, { sub, admin });

interface AppProcess {
  url: string;
  child: ChildProcess;
  exitCode: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** Runs the real app (src/main.ts) as a child process on the given database (and waits until it serves). */
async function startApp(
  mongodbUri: string,
  extraEnv: Record<string, string> = {},
  { waitReady = true } = {},
): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: 'error',
      MONGODB_URI: mongodbUri,
      GIFT_LEASE_MS: '500',
      GIFT_SWEEP_INTERVAL_MS: '200',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exitCode = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;
  if (!waitReady) return { url, child, exitCode };
  await eventually(async () => (await fetch(`${url}/api/health/live`).catch(() => undefined))?.ok, 60_000, 250);
  return { url, child, exitCode };
}

async function stopApp(app: AppProcess | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  await app.exitCode;
}

describe('gift settlement survives a crash', () => {
  let database: EmbeddedDatabase;
  let running: AppProcess | undefined;
  let db: Connection | undefined;

  beforeAll(async () => {
    database = await EmbeddedDatabase.start({ cacheDir: join(ROOT, 'data') });
  });
  afterEach(async () => {
    await stopApp(running);
    await db?.close();
  });
  afterAll(() => database.stop());

  /** A live whose sender has 1000 coins, and a crown (299) sent until the process dies at `faultPoint`. */
  async function crashWhileSending(
    faultPoint: string,
    coins = 1000,
    env: Record<string, string> = {},
    uri = `${database.uri}/crash_${randomBytes(4).toString('hex')}`,
  ) {
    db = await mongoose.createConnection(uri).asPromise();
    const [hostId, senderId] = userIds(faultPoint, 2);
    running = await startApp(uri, { GIFT_FAULT_POINT: faultPoint, ...env });
    const http = () => request(running!.url);
    const live = await http()
      .post('/api/live/create')
      .set(auth(token(hostId)))
      .send({ liveType: 'live', title: 'crash' })
      .expect(201);
    await http()
      .post(`/api/live/${live.body.id}/join`)
      .set(auth(token(senderId)))
      .send({})
      .expect(200);
    await http()
      .post('/api/wallet/credit')
      .set(auth(token('admin', true)))
      .send({ userId: senderId, coins, purchaseRef: `p-${faultPoint}` })
      .expect(200);
    const crown = (await http().get('/api/live/gifts/all')).body.items.find((g: { key: string }) => g.key === 'crown');
    const gift = { giftId: crown.id, count: 1, idempotencyKey: newKey() };

    await expect(
      http()
        .post(`/api/live/${live.body.id}/gifts`)
        .set(auth(token(senderId)))
        .send(gift),
    ).rejects.toThrow();
    expect(await running.exitCode).toBe(1);
    return { uri, liveId: live.body.id as string, hostId, senderId, gift };
  }

  const coinsOf = async (userId: string) => (await db!.collection('wallets').findOne({ userId }))?.coins ?? 0;
  const diamondsOf = async (userId: string) => (await db!.collection('wallets').findOne({ userId }))?.diamonds ?? 0;

  /** Which effects of a gift left their guard: the live accepted it, the sender's and the host's wallets moved. */
  async function guardsOf(
    giftId: string,
    { liveId, senderId, hostId }: { liveId: string; senderId: string; hostId: string },
  ) {
    const refsOf = (userId: string) => guardsIn(db!, 'wallets', { userId });
    return {
      accepted: (await guardsIn(db!, 'live_streams', { _id: new mongoose.Types.ObjectId(liveId) })).includes(giftId),
      debited: (await refsOf(senderId)).includes(`gift:${giftId}`),
      credited: (await refsOf(hostId)).includes(`gift:${giftId}`),
    };
  }

  async function restartAndExpectSettled({
    uri,
    liveId,
    hostId,
    senderId,
    gift,
  }: Awaited<ReturnType<typeof crashWhileSending>>) {
    running = await startApp(uri);
    const settled = await eventually(async () => {
      const doc = await db!.collection('gifts_sent').findOne({ senderId });
      return doc?.state === 'settled' && (await giftsInFlight(db!)) === 0 ? doc : undefined;
    }, 30_000);

    expect(await coinsOf(senderId)).toBe(1000 - 299);
    expect(await diamondsOf(hostId)).toBe(299);
    const live = await request(running.url).get(`/api/live/${liveId}`).expect(200);
    expect(live.body.stats).toMatchObject({ diamonds: 299, giftCount: 1 });

    const retry = await request(running.url)
      .post(`/api/live/${liveId}/gifts`)
      .set(auth(token(senderId)))
      .send(gift);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: settled._id.toString(), state: 'settled', liveDiamonds: 299 });
    expect(await coinsOf(senderId)).toBe(1000 - 299);
    expect((await checkLedger(db!)).problems).toEqual([]);
  }

  it('finishes a gift whose process died after the debit and before the credit', async () => {
    const crashed = await crashWhileSending('after_debit');
    const gift = await db!.collection('gifts_sent').findOne({ senderId: crashed.senderId });
    expect(gift).toMatchObject({ state: 'pending' });
    const guards = await guardsOf(gift!._id.toString(), crashed);
    expect(guards).toEqual({ accepted: false, debited: true, credited: false }); // the live accepts after the debit
    expect(await coinsOf(crashed.senderId)).toBe(1000 - 299);
    expect(await diamondsOf(crashed.hostId)).toBe(0);
    expect((await checkLedger(db!)).ok).toBe(false); // the books show the half-done gift

    await restartAndExpectSettled(crashed);

    const cli = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/ledger-check.ts'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, MONGODB_URI: crashed.uri },
      },
    );
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: true, problems: [] });
  });

  it('finishes a gift whose process died right after recording it, before the debit', async () => {
    const crashed = await crashWhileSending('after_record');
    const gift = await db!.collection('gifts_sent').findOne({ senderId: crashed.senderId });
    expect(gift).toMatchObject({ state: 'pending' });
    expect(await guardsOf(gift!._id.toString(), crashed)).toEqual({ accepted: false, debited: false, credited: false });
    expect(await coinsOf(crashed.senderId)).toBe(1000);

    await restartAndExpectSettled(crashed);
  });

  it('refunds a paid gift whose live ended before it accepted it, through two crashes', async () => {
    // The survivor sweeps only at boot: the gift is taken over by the retries below, not by a sweep.
    const uri = `${database.uri}/crash_${randomBytes(4).toString('hex')}`;
    const survivor = await startApp(uri, { GIFT_SWEEP_INTERVAL_MS: '600000' });
    let refuser: AppProcess | undefined;
    try {
      const crashed = await crashWhileSending('after_debit', 1000, {}, uri);
      await request(survivor.url)
        .post(`/api/live/${crashed.liveId}/end`)
        .set(auth(token(crashed.hostId)))
        .expect(200);
      const retry = () =>
        request(survivor.url)
          .post(`/api/live/${crashed.liveId}/gifts`)
          .set(auth(token(crashed.senderId)))
          .send(crashed.gift);

      // The boot sweep of another instance takes it over, finds the live ended, notes the refusal on
      // the record and dies before the refund.
      refuser = await startApp(uri, { GIFT_FAULT_POINT: 'after_refusal' }, { waitReady: false });
      expect(await refuser.exitCode).toBe(1);
      const noted = await db!.collection('gifts_sent').findOne({ senderId: crashed.senderId });
      expect(noted).toMatchObject({ state: 'pending', failure: 'LIVE_ENDED' });
      expect(await coinsOf(crashed.senderId)).toBe(1000 - 299);

      // The next takeover refunds without asking the live again, and the gift fails.
      const answer = await retry();
      expect([answer.status, answer.body.code]).toEqual([409, 'LIVE_ENDED']);
      expect(await coinsOf(crashed.senderId)).toBe(1000);
      expect(await diamondsOf(crashed.hostId)).toBe(0);
      const failed = await eventually(async () => {
        const doc = await db!.collection('gifts_sent').findOne({ _id: noted!._id });
        return doc?.state === 'failed' && (await giftsInFlight(db!)) === 0 ? doc : undefined;
      });
      expect(failed.failure).toBe('LIVE_ENDED');
      expect([(await retry()).status, await coinsOf(crashed.senderId)]).toEqual([409, 1000]);
      const report = await checkLedger(db!);
      expect(report.problems).toEqual([]);
      expect(report.totals.coinsDebited).toBe(0);
    } finally {
      await stopApp(refuser);
      await stopApp(survivor);
    }
  }, 150_000);

  it('fails a recorded gift whose coins were spent before the sweep could debit it, moving nothing', async () => {
    // A second instance is already up on the same database when the first dies, so it spends the
    // coins while the crashed settler's lease still holds the gift (whatever a restart would cost).
    const uri = `${database.uri}/crash_${randomBytes(4).toString('hex')}`;
    const survivor = await startApp(uri);
    try {
      const crashed = await crashWhileSending('after_record', 299, { GIFT_LEASE_MS: '15000' }, uri);
      const other = { ...crashed.gift, idempotencyKey: newKey() };
      const spent = await request(survivor.url)
        .post(`/api/live/${crashed.liveId}/gifts`)
        .set(auth(token(crashed.senderId)))
        .send(other);
      expect(spent.status).toBe(201);
      expect(await coinsOf(crashed.senderId)).toBe(0);

      const failed = await eventually(async () => {
        const doc = await db!
          .collection('gifts_sent')
          .findOne({ senderId: crashed.senderId, idempotencyKey: crashed.gift.idempotencyKey });
        return doc?.state === 'failed' && (await giftsInFlight(db!)) === 0 ? doc : undefined;
      }, 45_000);
      expect(failed.failure).toBe('INSUFFICIENT_BALANCE');
      const retry = await request(survivor.url)
        .post(`/api/live/${crashed.liveId}/gifts`)
        .set(auth(token(crashed.senderId)))
        .send(crashed.gift);
      expect([retry.status, retry.body.code]).toEqual([402, 'INSUFFICIENT_BALANCE']);
      expect(await diamondsOf(crashed.hostId)).toBe(299);
      expect((await checkLedger(db!)).problems).toEqual([]);
    } finally {
      await stopApp(survivor);
    }
  }, 150_000);
});
