import mongoose, { Connection, Types } from 'mongoose';
import type { Response } from 'supertest';
import { LiveGateway } from '../src/live/live.gateway';
import { userRoom } from '../src/live/rooms';
import { BansService } from '../src/moderation/bans.service';
import { auth, credit, giftByKey, newKey } from './support/gift-fixtures';
import { eventually, sleep, startTestApp, TestApp, TestSocket, userIds } from './support/test-app';

const ROUNDS = 5;
/** A socket cut by the ban never answers; its calls give up after this. */
const ACK_MS = 1500;

/**
 * Nothing of a banned user is accepted after the ban: their joins, messages and gifts, over REST
 * and over two sockets, race an admin's ban. What was accepted by the time the ban answered is all
 * there ever is of theirs; and of two admins resolving one report at once, one resolution stands.
 */
describe('bans and resolutions under races', () => {
  let t: TestApp;
  let db: Connection;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({
      CHAT_RATE_BURST_POINTS: '100000',
      CHAT_RATE_SUSTAINED_POINTS: '100000',
      GIFT_RATE_POINTS: '100000',
    });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
    admin = t.token({ sub: `race-admin-${newKey().slice(0, 6)}`, admin: true });
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(auth(token)).send(body);
  /** Sends the request now (supertest sends only once awaited). */
  const fire = (request: PromiseLike<Response>): Promise<unknown> => Promise.resolve(request).catch(() => undefined);

  /** What of the user the database holds as accepted: visible messages, gifts not failed, open visits. */
  async function acceptedOf(userId: string, liveIds: string[]) {
    const lives = liveIds.map((id) => new Types.ObjectId(id));
    const [messages, gifts, visits] = await Promise.all([
      db
        .collection('live_messages')
        .find({ liveId: { $in: lives }, 'sender.userId': userId, deletedAt: null })
        .project({ _id: 1 })
        .toArray(),
      db
        .collection('gifts_sent')
        .find({ senderId: userId, state: { $ne: 'failed' } })
        .project({ _id: 1 })
        .toArray(),
      db.collection('live_viewers').countDocuments({ liveId: { $in: lives }, userId, status: 'active' }),
    ]);
    return { messages: messages.map((m) => m._id.toString()), gifts: gifts.map((g) => g._id.toString()), visits };
  }

  async function round(i: number): Promise<void> {
    const [hostId, otherHostId, userId] = userIds(`banrace${i}`, 3);
    const [host, otherHost, user] = [hostId, otherHostId, userId].map((id) => t.token(id));
    const live = (await post('/api/live/create', host, { liveType: 'party', title: `race ${i}` }).expect(201)).body.id;
    const other = (await post('/api/live/create', otherHost, { liveType: 'live', title: `other ${i}` }).expect(201))
      .body.id;
    await post(`/api/live/${live}/join`, user).expect(200);
    const rose = await giftByKey(t, 'rose');
    await credit(t, userId, 200 * rose.priceCoins);
    const sockets: TestSocket[] = [await t.connect(user), await t.connect(user)];
    for (const socket of sockets) expect((await socket.request('live:join', { liveStreamId: live })).ok).toBe(true);

    const gift = (liveId: string) => ({ giftId: rose.id, count: 1, idempotencyKey: newKey(), liveStreamId: liveId });
    const calls: (() => Promise<unknown>)[] = [
      () => fire(post(`/api/live/${other}/join`, user)),
      () => fire(post(`/api/live/${live}/join`, user)),
      () => fire(post(`/api/live/${live}/message`, user, { text: 'rest' })),
      () => fire(post(`/api/live/${live}/gifts`, user, gift(live))),
      () => fire(post(`/api/live/${live}/seats/3/join`, user)),
      () => sockets[0].request('live:message:send', { liveStreamId: live, text: 'socket' }, ACK_MS).catch(() => 0),
      () => sockets[1].request('live:gift:send', gift(live), ACK_MS).catch(() => 0),
      () => sockets[0].request('live:join', { liveStreamId: other }, ACK_MS).catch(() => 0),
    ];
    // The calls land around the ban: some before its write, some with it, some after.
    const storm = Array.from({ length: 24 }, (_, n) => sleep(n % 4).then(calls[n % calls.length]));
    const ban = sleep(2).then(() => post('/api/admin/bans', admin, { userId, durationMs: 600_000 }));
    const banned = await ban;
    expect(banned.status).toBe(200);
    const atBan = await acceptedOf(userId, [live, other]);
    await Promise.all(storm);
    const after = await acceptedOf(userId, [live, other]);
    accepted.messages += atBan.messages.length;
    accepted.gifts += atBan.gifts.length;

    expect(atBan.visits).toBe(0);
    expect(after.visits).toBe(0);
    // Anything of theirs still standing was already there when the ban answered.
    expect(after.messages.filter((id) => !atBan.messages.includes(id))).toEqual([]);
    expect(after.gifts.filter((id) => !atBan.gifts.includes(id))).toEqual([]);
    // Their sockets are gone everywhere; the live counts match the records.
    expect(await t.app.get(LiveGateway).server.in(userRoom(userId)).fetchSockets()).toEqual([]);
    for (const id of [live, other]) {
      const doc = await db.collection('live_streams').findOne({ _id: new Types.ObjectId(id) });
      const active = await db.collection('live_viewers').countDocuments({ liveId: doc!._id, status: 'active' });
      expect(doc!.stats.viewerCount).toBe(active);
      expect(doc!.removedUserIds).toContain(userId);
    }
    const seats = await db.collection('audio_chat_users').countDocuments({ userId });
    expect(seats).toBe(0);
    expect((await post(`/api/live/${live}/message`, user, { text: 'late' })).body.code).toBe('BANNED');
    sockets.forEach((s) => s.close());
  }

  const accepted = { messages: 0, gifts: 0 };

  it(`accepts nothing of a banned user after the ban, in ${ROUNDS} rounds`, async () => {
    for (let i = 0; i < ROUNDS; i++) await round(i);
    // The race was real: some of their calls got in before the ban.
    expect(accepted.messages).toBeGreaterThan(0);
    expect(accepted.gifts).toBeGreaterThan(0);
  }, 120_000);

  it('cuts a socket whose handshake read the ban before its write and connected after it', async () => {
    const [userId] = userIds('banhandshake', 1);
    const bans = t.app.get(BansService);
    const read = bans.activeBan.bind(bans);
    let banned!: () => void;
    const banWritten = new Promise<void>((resolve) => (banned = resolve));
    // A slow database: the handshake's read answers (not banned) only once the ban is written and answered.
    const slowRead = jest.spyOn(bans, 'activeBan').mockImplementationOnce(async (id) => {
      const ban = await read(id);
      await banWritten;
      return ban;
    });
    try {
      const connecting = t.connect(t.token(userId));
      await eventually(async () => slowRead.mock.calls.length === 1, 10_000, 5);
      await post('/api/admin/bans', admin, { userId, durationMs: 600_000 }).expect(200);
      banned();
      const socket = await connecting;
      const cut = await socket.waitFor('auth:banned');
      expect(cut.code).toBe('BANNED');
      await eventually(async () => !socket.raw.connected);
      expect(await t.app.get(LiveGateway).server.in(userRoom(userId)).fetchSockets()).toEqual([]);
    } finally {
      slowRead.mockRestore();
    }
  });

  it('ends a live its host creates while being banned', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [hostId] = userIds(`bancreate${i}`, 1);
      const host = t.token(hostId);
      const creates = Array.from({ length: 3 }, (_, n) =>
        sleep(n).then(() => post('/api/live/create', host, { liveType: 'live', title: 'racing' })),
      );
      await sleep(1);
      await post('/api/admin/bans', admin, { userId: hostId }).expect(200);
      const answers = await Promise.all(creates);
      for (const answer of answers) expect([201, 403, 409]).toContain(answer.status);
      const running = await db.collection('live_streams').countDocuments({ hostId, status: 'live' });
      expect(running).toBe(0);
    }
  }, 60_000);

  it('keeps one resolution when admins resolve one report at once', async () => {
    for (let i = 0; i < 3; i++) {
      const [hostId, reporterId] = userIds(`resolve${i}`, 2);
      const live = (await post('/api/live/create', t.token(hostId), { liveType: 'live', title: 'r' }).expect(201)).body;
      const report = await post('/api/reports', t.token(reporterId), {
        targetType: 'live',
        targetId: live.id,
        reason: 'spam',
      }).expect(201);
      const admins = [0, 1].map((n) => t.token({ sub: `resolver-${i}-${n}`, admin: true }));
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          post(`/api/admin/reports/${report.body.id}/resolve`, admins[n % 2], {
            action: n % 3 === 0 ? 'end_live' : 'dismiss',
          }),
        ),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won).toHaveLength(1);
      expect(answers.filter((a) => a.status !== 200).map((a) => a.body.code)).toEqual(
        Array(9).fill('REPORT_ALREADY_RESOLVED'),
      );
      const stored = await db.collection('reports').findOne({ _id: new Types.ObjectId(report.body.id) });
      expect(stored!.resolution).toMatchObject({ action: won[0].body.resolution.action, result: 'applied' });
      const liveNow = await t.http().get(`/api/live/${live.id}`);
      expect(liveNow.body.status).toBe(won[0].body.resolution.action === 'end_live' ? 'ended' : 'live');
      await sleep(50); // the audit entry is written by a listener
      const audit = await db
        .collection('audit_log')
        .countDocuments({ action: 'resolve_report', targetId: report.body.id });
      expect(audit).toBe(1);
    }
  });
});
