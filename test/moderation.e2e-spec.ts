import mongoose, { Connection, Types } from 'mongoose';
import { auth, credit, giftByKey, newKey } from './support/gift-fixtures';
import { connectSocket, eventually, sleep, startTestApp, TestApp, userIds } from './support/test-app';

/** Reports, bans (per live and app-wide), slow mode, blocked words and the audit log, over REST and socket. */
describe('trust and safety', () => {
  let t: TestApp;
  let db: Connection;
  let admin: string;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp({ STATS_FLUSH_INTERVAL_MS: '100' });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
    [adminId] = userIds('admin', 1);
    admin = t.token({ sub: adminId, admin: true });
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(auth(token)).send(body);
  const get = (path: string, token: string) => t.http().get(path).set(auth(token));
  const del = (path: string, token: string) => t.http().delete(path).set(auth(token));

  /** A running live with a joined viewer. */
  async function scene(prefix: string, liveType = 'live') {
    const [hostId, viewerId, otherId] = userIds(prefix, 3);
    const [host, viewer, other] = [hostId, viewerId, otherId].map((id) => t.token(id));
    const live = await post('/api/live/create', host, { liveType, title: prefix }).expect(201);
    await post(`/api/live/${live.body.id}/join`, viewer).expect(200);
    return { liveId: live.body.id as string, hostId, viewerId, otherId, host, viewer, other };
  }

  describe('reports', () => {
    it('files a report; a second open one on the same target answers 200 with the first', async () => {
      const s = await scene('rep');
      const message = await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'rude words' }).expect(201);
      const first = await post('/api/reports', s.host, {
        targetType: 'message',
        targetId: message.body.id,
        reason: 'harassment',
        text: 'insults',
      }).expect(201);
      expect(first.body).toMatchObject({
        status: 'open',
        targetType: 'message',
        liveId: s.liveId,
        targetUserId: s.viewerId,
        targetText: 'rude words',
        resolution: null,
      });
      const again = await post('/api/reports', s.host, {
        targetType: 'message',
        targetId: message.body.id,
        reason: 'spam',
      }).expect(200);
      expect(again.body.id).toBe(first.body.id);
      // Another reporter gets a report of their own, and never sees the first reporter.
      const other = await post('/api/reports', s.other, {
        targetType: 'message',
        targetId: message.body.id,
        reason: 'spam',
      }).expect(201);
      expect(other.body.id).not.toBe(first.body.id);
      expect(JSON.stringify(other.body)).not.toContain(s.hostId);
    });

    it('answers 404 for an unknown target, 400 for oneself or a malformed id', async () => {
      const s = await scene('rep404');
      const unknown = new Types.ObjectId().toString();
      const cases: [object, number, string][] = [
        [{ targetType: 'live', targetId: unknown }, 404, 'LIVE_NOT_FOUND'],
        [{ targetType: 'message', targetId: unknown }, 404, 'MESSAGE_NOT_FOUND'],
        [{ targetType: 'user', targetId: 'nobody-ever' }, 404, 'USER_NOT_FOUND'],
        [{ targetType: 'user', targetId: s.otherId, liveId: s.liveId }, 404, 'USER_NOT_FOUND'],
        [{ targetType: 'user', targetId: s.viewerId }, 400, 'CANNOT_TARGET_SELF'],
        [{ targetType: 'live', targetId: 'not-an-id' }, 400, 'INVALID_ID'],
        [{ targetType: 'live', targetId: s.liveId, reason: 'boring' }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [body, status, code] of cases) {
        const res = await post('/api/reports', s.viewer, { reason: 'spam', ...body });
        expect([res.status, res.body.code]).toEqual([status, code]);
      }
      // Reporting one's own live is reporting oneself.
      const own = await post('/api/reports', s.host, { targetType: 'live', targetId: s.liveId, reason: 'spam' });
      expect(own.body.code).toBe('CANNOT_TARGET_SELF');
      await post('/api/reports', s.other, { targetType: 'user', targetId: s.viewerId, reason: 'scam' }).expect(201);
    });

    it('lists the queue for admins only, by status and target', async () => {
      const s = await scene('queue');
      const report = await post('/api/reports', s.viewer, { targetType: 'live', targetId: s.liveId, reason: 'spam' });
      expect((await get('/api/admin/reports', s.viewer)).body.code).toBe('ADMIN_ONLY');
      const open = await get(`/api/admin/reports?targetId=${s.liveId}`, admin).expect(200);
      expect(open.body.items.map((r: { id: string }) => r.id)).toEqual([report.body.id]);
      await post(`/api/admin/reports/${report.body.id}/resolve`, admin, { action: 'dismiss', note: 'fine' }).expect(
        200,
      );
      expect((await get(`/api/admin/reports?targetId=${s.liveId}`, admin)).body.items).toEqual([]);
      const resolved = await get(`/api/admin/reports?status=resolved&targetType=live&targetId=${s.liveId}`, admin);
      expect(resolved.body.items[0]).toMatchObject({
        status: 'resolved',
        resolution: { action: 'dismiss', note: 'fine', actorId: adminId, result: 'applied' },
      });
    });

    it('resolves once: 409 REPORT_ALREADY_RESOLVED after, 404 for an unknown report, 400 for an action that does not fit', async () => {
      const s = await scene('once');
      const report = await post('/api/reports', s.viewer, { targetType: 'live', targetId: s.liveId, reason: 'spam' });
      const wrong = await post(`/api/admin/reports/${report.body.id}/resolve`, admin, { action: 'delete_message' });
      expect([wrong.status, wrong.body.code]).toEqual([400, 'ACTION_NOT_APPLICABLE']);
      const kickHost = await post(`/api/admin/reports/${report.body.id}/resolve`, admin, { action: 'kick' });
      expect(kickHost.body.code).toBe('ACTION_NOT_APPLICABLE');
      await post(`/api/admin/reports/${report.body.id}/resolve`, admin, { action: 'dismiss' }).expect(200);
      const twice = await post(`/api/admin/reports/${report.body.id}/resolve`, admin, { action: 'dismiss' });
      expect([twice.status, twice.body.code]).toEqual([409, 'REPORT_ALREADY_RESOLVED']);
      const unknown = await post(`/api/admin/reports/${new Types.ObjectId()}/resolve`, admin, { action: 'dismiss' });
      expect([unknown.status, unknown.body.code]).toEqual([404, 'REPORT_NOT_FOUND']);
      const notAdmin = await post(`/api/admin/reports/${report.body.id}/resolve`, s.viewer, { action: 'dismiss' });
      expect(notAdmin.body.code).toBe('ADMIN_ONLY');
    });

    it('deletes a reported message: the room hears it', async () => {
      const s = await scene('delmsg');
      const socket = await t.connect(s.other);
      await post(`/api/live/${s.liveId}/join`, s.other).expect(200);
      expect((await socket.request('live:join', { liveStreamId: s.liveId })).ok).toBe(true);
      const message = await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'spam spam' }).expect(201);
      const report = await post('/api/reports', s.other, {
        targetType: 'message',
        targetId: message.body.id,
        reason: 'spam',
      });
      const resolved = await post(`/api/admin/reports/${report.body.id}/resolve`, admin, {
        action: 'delete_message',
      }).expect(200);
      expect(resolved.body.resolution.result).toBe('applied');
      await socket.waitFor('live:message:deleted', (e: { messageId: string }) => e.messageId === message.body.id);
      const history = await get(`/api/live/${s.liveId}/messages`, s.other).expect(200);
      expect(history.body.items.map((m: { id: string }) => m.id)).not.toContain(message.body.id);
      socket.close();
    });

    it('kicks for a while from the live: REMOVED_FROM_LIVE with details.until, then back in', async () => {
      const s = await scene('kickrep');
      const report = await post('/api/reports', s.host, {
        targetType: 'user',
        targetId: s.viewerId,
        liveId: s.liveId,
        reason: 'spam',
      });
      await post(`/api/admin/reports/${report.body.id}/resolve`, admin, { action: 'kick', durationMs: 1500 }).expect(
        200,
      );
      const refused = await post(`/api/live/${s.liveId}/join`, s.viewer);
      expect([refused.status, refused.body.code]).toEqual([403, 'REMOVED_FROM_LIVE']);
      expect(Date.parse(refused.body.details.until)).toBeGreaterThan(Date.now());
      const removed = await get(`/api/live/${s.liveId}/bans`, s.host).expect(200);
      expect(removed.body).toEqual([{ userId: s.viewerId, until: refused.body.details.until, byBan: false }]);
      expect((await get(`/api/live/${s.liveId}/bans`, s.other)).body.code).toBe('NOT_HOST_OR_COHOST');
      await get(`/api/live/${s.liveId}/bans`, admin).expect(200);
      await eventually(async () => (await post(`/api/live/${s.liveId}/join`, s.viewer)).status === 200, 10_000, 200);
      expect((await get(`/api/live/${s.liveId}/bans`, s.host).expect(200)).body).toEqual([]);
    });

    it('bans from the live for the rest of it, and ends a live', async () => {
      const s = await scene('endrep');
      const message = await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'bad' }).expect(201);
      const byMessage = await post('/api/reports', s.other, {
        targetType: 'message',
        targetId: message.body.id,
        reason: 'hate',
      });
      await post(`/api/admin/reports/${byMessage.body.id}/resolve`, admin, { action: 'ban_from_live' }).expect(200);
      const refused = await post(`/api/live/${s.liveId}/join`, s.viewer);
      expect(refused.body).toMatchObject({ code: 'REMOVED_FROM_LIVE', details: { until: null } });
      const byLive = await post('/api/reports', s.other, {
        targetType: 'live',
        targetId: s.liveId,
        reason: 'violence',
      });
      await post(`/api/admin/reports/${byLive.body.id}/resolve`, admin, { action: 'end_live' }).expect(200);
      expect((await t.http().get(`/api/live/${s.liveId}`)).body).toMatchObject({ status: 'ended', endReason: 'admin' });
    });
  });

  describe('a kick with a duration', () => {
    it('over REST and socket, refuses the user until it ends, on every path', async () => {
      const s = await scene('timedkick', 'party');
      await post(`/api/live/${s.liveId}/kick`, s.host, { targetUserId: s.viewerId, durationMs: 1200 }).expect(200);
      const socket = await t.connect(s.viewer);
      const join = await socket.request('live:join', { liveStreamId: s.liveId });
      expect(join.error).toMatchObject({ code: 'REMOVED_FROM_LIVE', details: { until: expect.any(String) } });
      expect((await post(`/api/live/${s.liveId}/seats/2/join`, s.viewer)).body.code).toBe('REMOVED_FROM_LIVE');
      expect((await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'hi' })).body.code).toBe(
        'REMOVED_FROM_LIVE',
      );
      await sleep(1300);
      expect((await socket.request('live:join', { liveStreamId: s.liveId })).ok).toBe(true);
      // The socket's host action carries durationMs too; left out, the removal lasts the rest of the live.
      const host = await t.connect(s.host);
      const kicked = await host.request('live:host:action', {
        liveStreamId: s.liveId,
        action: 'kick',
        targetUserId: s.viewerId,
      });
      expect(kicked.ok).toBe(true);
      await socket.waitFor('live:kicked');
      const refused = await socket.request('live:join', { liveStreamId: s.liveId });
      expect(refused.error).toMatchObject({ code: 'REMOVED_FROM_LIVE', details: { until: null } });
      const tooLong = await post(`/api/live/${s.liveId}/kick`, s.host, {
        targetUserId: s.otherId,
        durationMs: 40 * 86_400_000,
      });
      expect(tooLong.body.code).toBe('VALIDATION_FAILED');
      socket.close();
      host.close();
    });
  });

  describe('app-wide bans', () => {
    it('refuses every authenticated route with 403 BANNED and details.until, but GET /api/me/ban', async () => {
      const s = await scene('ban');
      expect((await get('/api/me/ban', s.viewer).expect(200)).body).toEqual({
        banned: false,
        until: null,
        reason: null,
      });
      const ban = await post('/api/admin/bans', admin, {
        userId: s.viewerId,
        durationMs: 3_600_000,
        reason: 'spam',
      }).expect(200);
      expect(ban.body).toMatchObject({ userId: s.viewerId, reason: 'spam', actorId: adminId });
      for (const res of [
        await post(`/api/live/${s.liveId}/join`, s.viewer),
        await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'hi' }),
        await get('/api/wallet', s.viewer),
        await post('/api/live/create', s.viewer, { liveType: 'live', title: 'mine' }),
        await post('/api/reports', s.viewer, { targetType: 'live', targetId: s.liveId, reason: 'spam' }),
      ]) {
        expect([res.status, res.body.code, res.body.details]).toEqual([403, 'BANNED', { until: ban.body.until }]);
      }
      expect((await get('/api/me/ban', s.viewer).expect(200)).body).toEqual({
        banned: true,
        until: ban.body.until,
        reason: 'spam',
      });
      // Public routes stay open; the viewer left the live.
      const live = await t.http().get(`/api/live/${s.liveId}`).expect(200);
      expect(live.body.stats.viewerCount).toBe(0);
      const listed = await get('/api/admin/bans', admin).expect(200);
      expect(listed.body.items.map((b: { userId: string }) => b.userId)).toContain(s.viewerId);
      expect((await get('/api/admin/bans', s.host)).body.code).toBe('ADMIN_ONLY');
      expect((await post('/api/admin/bans', admin, { userId: adminId })).body.code).toBe('CANNOT_TARGET_SELF');

      const lifted = await del(`/api/admin/bans/${s.viewerId}`, admin).expect(200);
      expect(lifted.body).toEqual({ userId: s.viewerId, banned: false, lifted: true });
      expect((await del(`/api/admin/bans/${s.viewerId}`, admin).expect(200)).body.lifted).toBe(false);
      await post(`/api/live/${s.liveId}/join`, s.viewer).expect(200);
    });

    it('refuses a banned user on the routes that read the ban with their gate, in a live the ban never touched', async () => {
      // A live created after the ban holds no removal of the user: only the ban read in each route's
      // gate (BanCheckedInGate) can refuse them there, and it must answer BANNED.
      const [bannedId, hostId] = userIds('ingate', 2);
      const banned = t.token(bannedId);
      const party = (
        await post('/api/live/create', t.token(hostId), { liveType: 'party', title: 'in gate' }).expect(201)
      ).body.id;
      await post(`/api/live/${party}/join`, banned).expect(200);
      await credit(t, bannedId, 100);
      const rose = await giftByKey(t, 'rose');
      const ban = await post('/api/admin/bans', admin, { userId: bannedId, durationMs: 3_600_000 }).expect(200);
      const fresh = (
        await post('/api/live/create', t.token(userIds('ingate-host', 1)[0]), {
          liveType: 'party',
          title: 'after the ban',
        }).expect(201)
      ).body.id;
      for (const res of [
        await post(`/api/live/${fresh}/join`, banned),
        await post(`/api/live/${fresh}/message`, banned, { text: 'hi', clientMessageId: 'c1' }),
        await post(`/api/live/${fresh}/gifts`, banned, { giftId: rose.id, count: 1, idempotencyKey: newKey() }),
        await post(`/api/live/${fresh}/seats/2/join`, banned),
        await post(`/api/live/${fresh}/seats/2/leave`, banned),
      ]) {
        expect([res.status, res.body.code, res.body.details]).toEqual([403, 'BANNED', { until: ban.body.until }]);
      }
    });

    it('takes a banned co-host out of the live, role and all', async () => {
      const s = await scene('bancohost', 'party');
      await post(`/api/live/${s.liveId}/cohosts`, s.host, { targetUserId: s.viewerId }).expect(200);
      await post(`/api/live/${s.liveId}/seats/2/join`, s.viewer).expect(201);
      await post('/api/admin/bans', admin, { userId: s.viewerId, durationMs: 60_000 }).expect(200);
      const live = await t.http().get(`/api/live/${s.liveId}`).expect(200);
      expect(live.body.coHostIds).toEqual([]);
      const seats = await get(`/api/live/${s.liveId}/seats`, s.host).expect(200);
      expect(seats.body.map((seat: { userId: string | null }) => seat.userId)).not.toContain(s.viewerId);
      const removed = await get(`/api/live/${s.liveId}/bans`, s.host).expect(200);
      expect(removed.body).toEqual([{ userId: s.viewerId, until: expect.any(String), byBan: true }]);
      await del(`/api/admin/bans/${s.viewerId}`, admin).expect(200);
      expect((await get(`/api/live/${s.liveId}/bans`, s.host).expect(200)).body).toEqual([]);
    });

    it('ends by itself when its time is over', async () => {
      const s = await scene('banshort');
      await post('/api/admin/bans', admin, { userId: s.viewerId, durationMs: 1200 }).expect(200);
      expect((await post(`/api/live/${s.liveId}/join`, s.viewer)).body.code).toBe('BANNED');
      await sleep(1300);
      await post(`/api/live/${s.liveId}/join`, s.viewer).expect(200);
      await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'back' }).expect(201);
    });

    it('cuts connected sockets (auth:banned), refuses new ones (connect_error BANNED), ends their live', async () => {
      const s = await scene('bansock');
      const viewerSocket = await t.connect(s.viewer);
      const second = await t.connect(s.viewer);
      expect((await viewerSocket.request('live:join', { liveStreamId: s.liveId })).ok).toBe(true);
      const hostSocket = await t.connect(s.host);
      const disconnected = new Promise((resolve) => viewerSocket.raw.once('disconnect', resolve));
      await post('/api/admin/bans', admin, { userId: s.hostId }).expect(200);
      await post('/api/admin/bans', admin, { userId: s.viewerId }).expect(200);
      const notice = await viewerSocket.waitFor('auth:banned');
      expect(notice).toEqual({ code: 'BANNED', message: expect.any(String), until: null });
      await disconnected;
      expect(second.raw.connected).toBe(false);
      await hostSocket.waitFor('auth:banned');
      expect((await t.http().get(`/api/live/${s.liveId}`)).body).toMatchObject({
        status: 'ended',
        endReason: 'host_banned',
      });
      const refused = await connectSocket(t.url, s.viewer).then(
        () => null,
        (error: Error & { data?: { code: string; details?: { until: unknown } } }) => error.data,
      );
      expect(refused).toEqual({ code: 'BANNED', details: { until: null } });
      await del(`/api/admin/bans/${s.viewerId}`, admin).expect(200);
      (await t.connect(s.viewer)).close();
    });
  });

  describe('slow mode and blocked words', () => {
    it('refuses a second message within slowModeMs with 429 SLOW_MODE and retryAfterMs; hosts are exempt', async () => {
      const s = await scene('slow');
      const bad = await t.http().patch(`/api/live/${s.liveId}`).set(auth(s.host)).send({ slowModeMs: 500 });
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      const tooSlow = await t.http().patch(`/api/live/${s.liveId}`).set(auth(s.host)).send({ slowModeMs: 120_001 });
      expect(tooSlow.body.code).toBe('VALIDATION_FAILED');
      const set = await t.http().patch(`/api/live/${s.liveId}`).set(auth(s.host)).send({ slowModeMs: 10_000 });
      expect(set.body.settings.slowModeMs).toBe(10_000);
      await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'one' }).expect(201);
      const second = await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'two' });
      expect([second.status, second.body.code]).toEqual([429, 'SLOW_MODE']);
      expect(second.body.details.retryAfterMs).toBeGreaterThan(0);
      expect(second.body.details.retryAfterMs).toBeLessThanOrEqual(10_000);
      const socket = await t.connect(s.viewer);
      const overSocket = await socket.request('live:message:send', { liveStreamId: s.liveId, text: 'three' });
      expect(overSocket.error).toMatchObject({ code: 'SLOW_MODE', details: { retryAfterMs: expect.any(Number) } });
      for (const text of ['host one', 'host two'])
        await post(`/api/live/${s.liveId}/message`, s.host, { text }).expect(201);
      await t.http().patch(`/api/live/${s.liveId}`).set(auth(s.host)).send({ slowModeMs: 0 }).expect(200);
      await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'free again' }).expect(201);
      socket.close();
    });

    it("masks the live's own blocked words beside the app-wide list", async () => {
      const s = await scene('words');
      const set = await t
        .http()
        .patch(`/api/live/${s.liveId}`)
        .set(auth(s.host))
        .send({ blockedWords: ['Spoiler', 'ending'] })
        .expect(200);
      expect(set.body.settings.blockedWords).toEqual(['spoiler', 'ending']);
      const sent = await post(`/api/live/${s.liveId}/message`, s.viewer, { text: 'SPOILER: the ending is sad' });
      expect(sent.body.text).toBe('***: the *** is sad');
    });
  });

  describe('audit log', () => {
    it("records moderator and admin actions: the live's for its host, all for admins", async () => {
      const s = await scene('audit', 'party');
      await post(`/api/live/${s.liveId}/join`, s.other).expect(200);
      await post(`/api/live/${s.liveId}/cohosts`, s.host, { targetUserId: s.otherId }).expect(200);
      await post(`/api/live/${s.liveId}/chat/mute`, s.host, { targetUserId: s.viewerId, durationMs: 60_000 }).expect(
        200,
      );
      await post(`/api/live/${s.liveId}/seats/3/lock`, s.host).expect(200);
      await post(`/api/live/${s.liveId}/kick`, s.other, { targetUserId: s.viewerId, durationMs: 60_000 }).expect(200);
      await post('/api/admin/bans', admin, { userId: s.viewerId, durationMs: 60_000, reason: 'spam' }).expect(200);
      await del(`/api/admin/bans/${s.viewerId}`, admin).expect(200);

      const entries = await eventually(async () => {
        const page = await get(`/api/live/${s.liveId}/audit`, s.host).expect(200);
        return page.body.items.length >= 4 && page.body.items;
      });
      const actions = entries.map((e: { action: string; actorId: string; targetId: string }) => [
        e.action,
        e.actorId,
        e.targetId,
      ]);
      expect(actions).toEqual(
        expect.arrayContaining([
          ['kick', s.otherId, s.viewerId],
          ['seat_lock', s.hostId, '3'],
          ['mute_chat', s.hostId, s.viewerId],
          ['add_cohost', s.hostId, s.otherId],
        ]),
      );
      const kick = entries.find((e: { action: string }) => e.action === 'kick');
      expect(kick.result.until).toEqual(expect.any(String));
      expect((await get(`/api/live/${s.liveId}/audit`, s.other)).body.code).toBe('NOT_HOST');
      const all = await eventually(async () => {
        const page = await get(`/api/admin/audit?targetId=${s.viewerId}`, admin).expect(200);
        return page.body.items.some((e: { action: string }) => e.action === 'unban') && page.body.items;
      });
      expect(all.find((e: { action: string }) => e.action === 'ban_from_app')).toMatchObject({
        actorId: adminId,
        reason: 'spam',
        result: { until: expect.any(String) },
      });
      expect((await get('/api/admin/audit', s.host)).body.code).toBe('ADMIN_ONLY');
    });
  });

  describe('the console feed', () => {
    it('sends admin:live:stats to admins who watch; others are refused', async () => {
      const s = await scene('feed');
      const viewerSocket = await t.connect(s.viewer);
      expect((await viewerSocket.request('admin:watch', {})).error.code).toBe('ADMIN_ONLY');
      const console = await t.connect(admin);
      expect((await console.request('admin:watch', {})).data).toEqual({ watching: true });
      await post(`/api/live/${s.liveId}/join`, s.other).expect(200);
      const stats = await console.waitFor(
        'admin:live:stats',
        (e: { lives: { liveStreamId: string; viewerCount?: number }[] }) =>
          e.lives.some((l) => l.liveStreamId === s.liveId && l.viewerCount === 2),
      );
      expect(stats.lives.length).toBeGreaterThan(0);
      const rose = await giftByKey(t, 'rose');
      await credit(t, s.otherId, 100);
      await post(`/api/live/${s.liveId}/gifts`, s.other, {
        giftId: rose.id,
        count: 1,
        idempotencyKey: newKey(),
      }).expect(201);
      await console.waitFor('admin:live:stats', (e: { lives: { liveStreamId: string; diamonds?: number }[] }) =>
        e.lives.some((l) => l.liveStreamId === s.liveId && (l.diamonds ?? 0) > 0),
      );
      viewerSocket.close();
      console.close();
    });
  });

  it('uses the stored bans collection by user id', async () => {
    expect(await db.collection('bans').indexExists('userId_1')).toBe(true);
  });
});
