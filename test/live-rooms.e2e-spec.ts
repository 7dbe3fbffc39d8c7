import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import mongoose, { Connection, Model, Types } from 'mongoose';
import { LiveViewer } from '../src/viewers/schemas/live-viewer.schema';
import { bearer, createLive } from './support/factories';
import { eventually, startTestApp, TestApp, userIds } from './support/test-app';

describe('live rooms: streams and viewers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(bearer(token)).send(body);
  const getLive = async (id: string) => (await t.http().get(`/api/live/${id}`)).body;

  describe('create', () => {
    it('creates each live type with generated channel and call ids and seat defaults', async () => {
      const [a, b, c] = userIds('creator', 3);
      const { live } = await createLive(t, a, { liveType: 'live' });
      expect(live).toMatchObject({ hostId: a, liveType: 'live', status: 'live', settings: { seatCount: 0 } });
      expect(live.streamingChannel).toMatch(/^[a-z0-9_]{1,64}$/);
      expect(live.callId).toMatch(/^[a-z0-9_]{1,64}$/);
      expect((await createLive(t, b, { liveType: 'party' })).live.settings).toMatchObject({
        seatCount: 6,
        seatMode: 'free',
      });
      expect(
        (await createLive(t, c, { liveType: 'audio', seatCount: 12, seatMode: 'request' })).live.settings,
      ).toMatchObject({
        seatCount: 12,
        seatMode: 'request',
      });
    });

    it('answers a second live of the same host with 409 and the running live id', async () => {
      const [host] = userIds('twice', 1);
      const { live, hostToken } = await createLive(t, host);
      const res = await post('/api/live/create', hostToken, { liveType: 'live', title: 'again' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'LIVE_ALREADY_ACTIVE', details: { liveId: live.id } });
    });

    it('gives one live to a host creating 10 times at once', async () => {
      const [host] = userIds('racer', 1);
      const token = t.token(host);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => post('/api/live/create', token, { liveType: 'audio', title: 'race' })),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'LIVE_ALREADY_ACTIVE')).toBe(true);
      const active = await t.http().get('/api/live/active?limit=100');
      expect(active.body.items.filter((l: any) => l.hostId === host)).toHaveLength(1);
    });

    it('refuses a channel already used by an active live, and frees it at the end', async () => {
      const [a, b] = userIds('channel', 2);
      const channel = `chan_${a.replace(/-/g, '_')}`;
      const { live, hostToken } = await createLive(t, a, { streamingChannel: channel });
      const clash = await post('/api/live/create', t.token(b), {
        liveType: 'live',
        title: 'x',
        streamingChannel: channel,
      });
      expect(clash.status).toBe(409);
      expect(clash.body.code).toBe('CHANNEL_IN_USE');
      await post(`/api/live/${live.id}/end`, hostToken);
      expect(
        (await post('/api/live/create', t.token(b), { liveType: 'live', title: 'x', streamingChannel: channel }))
          .status,
      ).toBe(201);
    });

    it.each([
      [{ liveType: 'tv', title: 'x' }],
      [{ liveType: 'live' }],
      [{ liveType: 'live', title: '' }],
      [{ liveType: 'audio', title: 'x', seatCount: 17 }],
      [{ liveType: 'audio', title: 'x', seatCount: 1 }],
      [{ liveType: 'live', title: 'x', seatCount: 4 }],
      [{ liveType: 'live', title: 'x', streamingChannel: 'has space' }],
      [{ liveType: 'live', title: 'x', hostId: 'someone-else' }],
    ])('refuses a bad body %j with 400', async (body) => {
      const res = await post('/api/live/create', t.token(userIds('bad', 1)[0]), body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it("refuses an authorUid that is not the caller's uid with 403", async () => {
      const token = t.token({ sub: userIds('uid', 1)[0], uid: 42 });
      const res = await post('/api/live/create', token, { liveType: 'live', title: 'x', authorUid: 43 });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('IDENTITY_MISMATCH');
      expect((await post('/api/live/create', token, { liveType: 'live', title: 'x', authorUid: 42 })).status).toBe(201);
    });
  });

  describe('reads', () => {
    it('lists active lives most viewers first, paginated and filtered by type', async () => {
      const [h1, h2, v1, v2] = userIds('list', 4);
      const { live: quiet } = await createLive(t, h1, { liveType: 'party' });
      const { live: busy } = await createLive(t, h2, { liveType: 'party' });
      await post(`/api/live/${busy.id}/join`, t.token(v1));
      await post(`/api/live/${busy.id}/join`, t.token(v2));
      const items: any[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await t
          .http()
          .get(`/api/live/active?liveType=party&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(items.every((l) => l.liveType === 'party' && l.status === 'live')).toBe(true);
      expect(new Set(items.map((l) => l.id)).size).toBe(items.length);
      expect(items.findIndex((l) => l.id === busy.id)).toBeLessThan(items.findIndex((l) => l.id === quiet.id));
      const counts = items.map((l) => l.stats.viewerCount);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    });

    it('answers an unknown live with 404 and a malformed cursor with 400', async () => {
      const res = await t.http().get('/api/live/0123456789abcdef01234567');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('LIVE_NOT_FOUND');
      expect((await t.http().get('/api/live/active?cursor=garbage')).status).toBe(400);
      expect((await t.http().get('/api/live/active?limit=1000')).status).toBe(400);
    });
  });

  describe('join and leave', () => {
    it('counts 200 distinct users joining at once: current, peak and unique 200', async () => {
      const [host] = userIds('crowd-host', 1);
      const { live } = await createLive(t, host);
      const users = userIds('crowd', 200);
      const results = await Promise.all(users.map((u) => post(`/api/live/${live.id}/join`, t.token(u))));
      expect(results.every((r) => r.status === 200)).toBe(true);
      const after = await getLive(live.id);
      expect(after.stats).toMatchObject({ viewerCount: 200, peakViewerCount: 200, uniqueViewerCount: 200 });
      const listed = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: any = await t
          .http()
          .get(`/api/live/${live.id}/viewers?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
          .set(bearer(t.token(host)));
        page.body.items.forEach((v: any) => listed.add(v.userId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(listed.size).toBe(200);
    });

    it('counts one user joining 20 times at once once', async () => {
      const [host, viewer] = userIds('repeat', 2);
      const { live } = await createLive(t, host);
      const token = t.token({ sub: viewer, name: 'Repeat Viewer' });
      const results = await Promise.all(Array.from({ length: 20 }, () => post(`/api/live/${live.id}/join`, token)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect((await getLive(live.id)).stats).toMatchObject({ viewerCount: 1, uniqueViewerCount: 1 });
    });

    it('answers a re-join in one read, and still refreshes a visit seen long ago or under a new name', async () => {
      const [host, viewer] = userIds('rejoinfresh', 2);
      const { live } = await createLive(t, host);
      const visits = t.app.get<Model<LiveViewer>>(getModelToken(LiveViewer.name));
      const visit = async () => (await visits.findOne({ liveId: live.id, userId: viewer }).lean())!;
      await post(`/api/live/${live.id}/join`, t.token({ sub: viewer, name: 'First' })).expect(200);
      const seenAt = (await visit()).lastSeenAt;
      // Answered from the read: nothing written.
      const again = await post(`/api/live/${live.id}/join`, t.token({ sub: viewer, name: 'First' })).expect(200);
      expect(again.body).toMatchObject({ userId: viewer, name: 'First', status: 'active' });
      expect((await visit()).lastSeenAt).toEqual(seenAt);
      // A new name is written.
      const renamed = await post(`/api/live/${live.id}/join`, t.token({ sub: viewer, name: 'Second' })).expect(200);
      expect(renamed.body.name).toBe('Second');
      expect((await visit()).name).toBe('Second');
      // Presence seen longer ago than a touch interval is refreshed.
      const longAgo = new Date(Date.now() - 3_600_000);
      await visits.updateOne({ liveId: live.id, userId: viewer }, { $set: { lastSeenAt: longAgo } });
      await post(`/api/live/${live.id}/join`, t.token({ sub: viewer, name: 'Second' })).expect(200);
      expect((await visit()).lastSeenAt.getTime()).toBeGreaterThan(longAgo.getTime() + 3_000_000);
      expect((await getLive(live.id)).stats).toMatchObject({ viewerCount: 1, uniqueViewerCount: 1 });
    });

    it('does not count the host as a viewer', async () => {
      const [host] = userIds('self', 1);
      const { live, hostToken } = await createLive(t, host);
      const res = await post(`/api/live/${live.id}/join`, hostToken);
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('host');
      expect((await getLive(live.id)).stats.viewerCount).toBe(0);
    });

    it('keeps watch time across re-joins and counts a returning viewer as unique once', async () => {
      const [host, viewer] = userIds('rejoin', 2);
      const { live, hostToken } = await createLive(t, host);
      const token = t.token(viewer);
      await post(`/api/live/${live.id}/join`, token);
      await new Promise((r) => setTimeout(r, 30));
      const left = await post(`/api/live/${live.id}/leave`, token);
      expect(left.body).toMatchObject({ status: 'left', leaveReason: 'left' });
      const firstWatch = left.body.watchMs;
      expect(firstWatch).toBeGreaterThan(0);
      expect((await post(`/api/live/${live.id}/leave`, token)).status).toBe(200);
      await post(`/api/live/${live.id}/join`, token);
      await new Promise((r) => setTimeout(r, 30));
      const ended = await post(`/api/live/${live.id}/end`, hostToken);
      expect(ended.body.status).toBe('ended');
      const stats = await t.http().get(`/api/live/${live.id}/stats`).set(bearer(hostToken));
      expect(stats.body).toMatchObject({ uniqueViewers: 1, peakViewers: 1, currentViewers: 0 });
      expect(stats.body.totalWatchMs).toBeGreaterThan(firstWatch);
    });

    it("sums the watch time of a live's many visits, open ones up to now, in the database", async () => {
      const [host, ...viewers] = userIds('watch-sum', 61);
      const { live, hostToken } = await createLive(t, host);
      const tokens = viewers.map((id) => t.token(id));
      await Promise.all(tokens.map((token) => post(`/api/live/${live.id}/join`, token).expect(200)));
      await Promise.all(tokens.slice(0, 30).map((token) => post(`/api/live/${live.id}/leave`, token).expect(200)));
      await Promise.all(tokens.slice(0, 15).map((token) => post(`/api/live/${live.id}/join`, token).expect(200)));
      const visitsOf = async () => {
        const db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
        try {
          return await db
            .collection('live_viewers')
            .find({ liveId: new Types.ObjectId(live.id) })
            .toArray();
        } finally {
          await db.close();
        }
      };
      const visits = await visitsOf();
      expect(visits).toHaveLength(60);
      const expectedAt = (now: number) =>
        visits.reduce(
          (sum, v) => sum + v.watchMs + (v.status === 'active' ? Math.max(0, now - v.joinedAt.getTime()) : 0),
          0,
        );

      const before = Date.now();
      const open = await t.http().get(`/api/live/${live.id}/stats`).set(bearer(hostToken)).expect(200);
      const after = Date.now();
      expect(open.body.totalWatchMs).toBeGreaterThanOrEqual(expectedAt(before));
      expect(open.body.totalWatchMs).toBeLessThanOrEqual(expectedAt(after));

      await post(`/api/live/${live.id}/end`, hostToken).expect(200);
      const closed = await t.http().get(`/api/live/${live.id}/stats`).set(bearer(hostToken)).expect(200);
      const watched = await visitsOf();
      const total = watched.reduce((sum, v) => sum + v.watchMs, 0);
      expect(closed.body).toMatchObject({
        totalWatchMs: total,
        averageWatchMs: Math.round(total / 60),
        uniqueViewers: 60,
      });
    });

    it('refuses joins to an ended live with 409 LIVE_ENDED, and to an unknown one with 404', async () => {
      const [host, viewer] = userIds('ended', 2);
      const { live, hostToken } = await createLive(t, host);
      await post(`/api/live/${live.id}/end`, hostToken);
      const res = await post(`/api/live/${live.id}/join`, t.token(viewer));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('LIVE_ENDED');
      expect((await post('/api/live/0123456789abcdef01234567/join', t.token(viewer))).status).toBe(404);
      expect((await post('/api/live/xyz/join', t.token(viewer))).body.code).toBe('INVALID_ID');
    });

    it('accepts no join after an end that races 60 joins, and leaves the counters consistent', async () => {
      const [host] = userIds('race-end', 1);
      const { live, hostToken } = await createLive(t, host);
      const users = userIds('racing-viewer', 60);
      const joins = users.map((u) => post(`/api/live/${live.id}/join`, t.token(u)));
      const end = post(`/api/live/${live.id}/end`, hostToken);
      const [endRes, ...joinRes] = await Promise.all([end, ...joins]);
      expect(endRes.status).toBe(200);
      joinRes.forEach((r) => expect([200, 409]).toContain(r.status));
      const after = await getLive(live.id);
      expect(after.status).toBe('ended');
      expect(after.stats.viewerCount).toBe(0);
      const viewers = await t.http().get(`/api/live/${live.id}/viewers?limit=100`).set(bearer(hostToken));
      expect(viewers.body.items).toHaveLength(0);
      const late = await post(`/api/live/${live.id}/join`, t.token(users[0]));
      expect(late.status).toBe(409);
    });
  });

  describe('host and co-host actions', () => {
    it('lets the host end the live idempotently, and nobody else', async () => {
      const [host, other] = userIds('end', 2);
      const { live, hostToken } = await createLive(t, host);
      const refused = await post(`/api/live/${live.id}/end`, t.token(other));
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('NOT_HOST');
      const first = await post(`/api/live/${live.id}/end`, hostToken);
      const second = await post(`/api/live/${live.id}/end`, hostToken);
      expect(first.body).toMatchObject({ status: 'ended', endReason: 'host_ended' });
      expect(second.status).toBe(200);
      expect(second.body.endedAt).toBe(first.body.endedAt);
    });

    it('lets host and co-hosts update the live, names co-hosts by the host only', async () => {
      const [host, co, viewer] = userIds('cohost', 3);
      const { live, hostToken } = await createLive(t, host, { liveType: 'party' });
      expect((await post(`/api/live/${live.id}/cohosts`, t.token(viewer), { targetUserId: co })).body.code).toBe(
        'NOT_HOST',
      );
      const named = await post(`/api/live/${live.id}/cohosts`, hostToken, { targetUserId: co });
      expect(named.body.coHostIds).toEqual([co]);
      const updated = await t
        .http()
        .patch(`/api/live/${live.id}`)
        .set(bearer(t.token(co)))
        .send({ title: 'Renamed', chatEnabled: false });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ title: 'Renamed', settings: { chatEnabled: false } });
      const refused = await t
        .http()
        .patch(`/api/live/${live.id}`)
        .set(bearer(t.token(viewer)))
        .send({ title: 'Mine' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('NOT_HOST_OR_COHOST');
      expect((await t.http().patch(`/api/live/${live.id}`).set(bearer(hostToken)).send({})).status).toBe(400);
      const removed = await post(`/api/live/${live.id}/cohosts/remove`, hostToken, { targetUserId: co });
      expect(removed.body.coHostIds).toEqual([]);
      const stats = await t
        .http()
        .get(`/api/live/${live.id}/stats`)
        .set(bearer(t.token(viewer)));
      expect(stats.body.code).toBe('NOT_HOST_OR_COHOST');
    });

    it('removes a kicked user for the rest of the live: viewer closed, every way back refused', async () => {
      const [host, victim] = userIds('kick', 2);
      const { live, hostToken } = await createLive(t, host);
      const victimToken = t.token(victim);
      await post(`/api/live/${live.id}/join`, victimToken);
      const victimSocket = await t.connect(victimToken);
      await victimSocket.request('live:join', { liveStreamId: live.id });
      expect((await post(`/api/live/${live.id}/kick`, hostToken, { targetUserId: host })).body.code).toBe(
        'CANNOT_TARGET_HOST',
      );
      const kicked = await post(`/api/live/${live.id}/kick`, hostToken, { targetUserId: victim });
      expect(kicked.status).toBe(200);
      await victimSocket.waitFor('live:kicked', (p: any) => p.liveStreamId === live.id);
      expect((await getLive(live.id)).stats.viewerCount).toBe(0);
      const again = await post(`/api/live/${live.id}/join`, victimToken);
      expect(again.status).toBe(403);
      expect(again.body.code).toBe('REMOVED_FROM_LIVE');
      const viaSocket = await victimSocket.request('live:join', { liveStreamId: live.id });
      expect(viaSocket).toMatchObject({ ok: false, error: { code: 'REMOVED_FROM_LIVE' } });
      expect((await post(`/api/live/${live.id}/cohosts`, hostToken, { targetUserId: victim })).body.code).toBe(
        'REMOVED_FROM_LIVE',
      );
    });

    it('never lets a join racing a kick leave the kicked user counted', async () => {
      const [host, victim] = userIds('kick-race', 2);
      const { live, hostToken } = await createLive(t, host);
      const victimToken = t.token(victim);
      await Promise.all([
        ...Array.from({ length: 10 }, () => post(`/api/live/${live.id}/join`, victimToken)),
        post(`/api/live/${live.id}/kick`, hostToken, { targetUserId: victim }),
        ...Array.from({ length: 10 }, () => post(`/api/live/${live.id}/join`, victimToken)),
      ]);
      expect((await getLive(live.id)).stats.viewerCount).toBe(0);
      const viewers = await t.http().get(`/api/live/${live.id}/viewers`).set(bearer(hostToken));
      expect(viewers.body.items).toHaveLength(0);
    });
    it('counts a viewer out once when their 20 leaves race a kick, among other leaves and stayers', async () => {
      const [host, victim, ...others] = userIds('leave-race', 17);
      const { live, hostToken } = await createLive(t, host);
      const [victimToken, ...otherTokens] = [victim, ...others].map((userId) => t.token(userId));
      for (const token of [victimToken, ...otherTokens]) await post(`/api/live/${live.id}/join`, token).expect(200);
      const [leavers, stayers] = [otherTokens.slice(0, 10), otherTokens.slice(10)];
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, () => post(`/api/live/${live.id}/leave`, victimToken)),
        post(`/api/live/${live.id}/kick`, hostToken, { targetUserId: victim }),
        ...Array.from({ length: 10 }, () => post(`/api/live/${live.id}/leave`, victimToken)),
        ...leavers.map((token) => post(`/api/live/${live.id}/leave`, token)),
      ]);
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
      // A leave that lost its close to another's gives its count-out back: no viewer counted out twice.
      expect((await getLive(live.id)).stats.viewerCount).toBe(stayers.length);
      const viewers = await t.http().get(`/api/live/${live.id}/viewers`).set(bearer(hostToken));
      expect(viewers.body.items).toHaveLength(stayers.length);
    });
    it("gives a leave's count-out back when another instance closed the visit first", async () => {
      const [host, viewer, stayer] = userIds('leave-late', 3);
      const { live } = await createLive(t, host);
      const [viewerToken, stayerToken] = [viewer, stayer].map((userId) => t.token(userId));
      for (const token of [viewerToken, stayerToken]) await post(`/api/live/${live.id}/join`, token).expect(200);
      // What another instance's sweep or kick does: it closes the visit and counts it out. This
      // instance still holds the visit as open, so its leave counts out with its close, which then
      // finds the visit closed.
      const connection = t.app.get<Connection>(getConnectionToken());
      const liveId = new Types.ObjectId(live.id);
      await connection
        .collection('live_viewers')
        .updateOne(
          { liveId, userId: viewer },
          { $set: { status: 'left', leaveReason: 'timeout', leftAt: new Date() } },
        );
      await connection.collection('live_streams').updateOne({ _id: liveId }, { $inc: { 'stats.viewerCount': -1 } });

      const left = await post(`/api/live/${live.id}/leave`, viewerToken).expect(200);
      expect(left.body).toMatchObject({ status: 'left', leaveReason: 'timeout' });
      expect((await getLive(live.id)).stats.viewerCount).toBe(1);
    });
  });

  describe('socket paths', () => {
    it('admits a burst of socket joins each on its own gate: a muted joiner sees their mute, a removed one is refused', async () => {
      const [host, muted, removed, ...others] = userIds('socket-burst', 33);
      const { live, hostToken } = await createLive(t, host);
      expect((await post(`/api/live/${live.id}/chat/mute`, hostToken, { targetUserId: muted })).status).toBe(200);
      expect((await post(`/api/live/${live.id}/kick`, hostToken, { targetUserId: removed })).status).toBe(200);
      const joiners = [...others, muted, removed];
      const sockets = await Promise.all(joiners.map((userId) => t.connect(t.token(userId))));
      try {
        // All at once: the gates are read, the visits opened and counted in, in groups.
        const acks = await Promise.all(sockets.map((socket) => socket.request('live:join', { liveStreamId: live.id })));
        const byUser = new Map(joiners.map((userId, i) => [userId, acks[i]]));
        for (const userId of others) {
          expect(byUser.get(userId)).toMatchObject({ ok: true, data: { me: { chatMutedUntil: null } } });
        }
        expect(byUser.get(muted)).toMatchObject({ ok: true, data: { me: { chatMutedUntil: expect.any(String) } } });
        expect(byUser.get(removed)).toMatchObject({ ok: false, error: { code: 'REMOVED_FROM_LIVE' } });
        const admitted = others.length + 1;
        expect((await getLive(live.id)).stats).toMatchObject({
          viewerCount: admitted,
          uniqueViewerCount: admitted,
          peakViewerCount: admitted,
        });
        const visits = await t.app
          .get<Model<LiveViewer>>(getModelToken(LiveViewer.name))
          .find({ liveId: live.id, status: 'active' })
          .lean();
        expect(visits.map((visit) => visit.userId).sort()).toEqual([...others, muted].sort());
      } finally {
        sockets.forEach((socket) => socket.close());
      }
    });

    it('joins over the socket with a snapshot, and relays viewer, update, host action and end events', async () => {
      const [host, viewer, co] = userIds('sock', 3);
      const { live, hostToken } = await createLive(t, host, { liveType: 'audio' });
      const hostSocket = await t.connect(hostToken);
      const hostJoin = await hostSocket.request('live:join', { liveStreamId: live.id });
      expect(hostJoin).toMatchObject({ ok: true, data: { role: 'host', live: { id: live.id } } });
      const everyone = await t.connect(t.token(userIds('bystander', 1)[0]));

      const viewerSocket = await t.connect(t.token({ sub: viewer, name: 'Vee' }));
      const snapshot = await viewerSocket.request('live:join', { liveStreamId: live.id });
      expect(snapshot).toMatchObject({ ok: true, data: { role: 'viewer', viewerCount: 1, live: { id: live.id } } });
      await hostSocket.waitFor('live:viewer:joined', (p: any) => p.viewer.userId === viewer && p.viewerCount === 1);
      await hostSocket.waitFor('live:viewers', (p: any) => p.joined.some((u: any) => u.userId === viewer));

      const updated = await hostSocket.request('live:update', {
        liveStreamId: live.id,
        updateType: 'title',
        updateData: { title: 'Via socket' },
      });
      expect(updated).toMatchObject({ ok: true, data: { title: 'Via socket' } });
      await viewerSocket.waitFor('live:update', (p: any) => p.live.title === 'Via socket');

      const denied = await viewerSocket.request('live:update', {
        liveStreamId: live.id,
        updateType: 'title',
        updateData: { title: 'Nope' },
      });
      expect(denied).toMatchObject({ ok: false, error: { code: 'NOT_HOST_OR_COHOST' } });

      const named = await hostSocket.request('live:host:action', {
        liveStreamId: live.id,
        action: 'add_cohost',
        targetUserId: co,
      });
      expect(named.ok).toBe(true);
      await viewerSocket.waitFor('live:host:action', (p: any) => p.action === 'add_cohost' && p.targetUserId === co);

      expect(await viewerSocket.request('live:leave', { liveStreamId: live.id })).toMatchObject({
        ok: true,
        data: { status: 'left' },
      });
      await hostSocket.waitFor('live:viewer:left', (p: any) => p.userId === viewer && p.reason === 'left');

      const ended = await hostSocket.request('live:host:action', { liveStreamId: live.id, action: 'end' });
      expect(ended).toMatchObject({ ok: true, data: { status: 'ended' } });
      await everyone.waitFor('live:ended', (p: any) => p.liveStreamId === live.id && p.reason === 'host_ended');
    });

    it('answers bad socket payloads through the ack with the same codes as REST', async () => {
      const socket = await t.connect(t.token(userIds('bad-sock', 1)[0]));
      expect(await socket.request('live:join', { liveStreamId: 'nope' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(await socket.request('live:join', { liveStreamId: '0123456789abcdef01234567' })).toMatchObject({
        ok: false,
        error: { code: 'LIVE_NOT_FOUND' },
      });
      expect(await socket.request('live:join', { liveStreamId: '0123456789abcdef01234567', extra: 1 })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(
        await socket.request('live:host:action', { liveStreamId: '0123456789abcdef01234567', action: 'explode' }),
      ).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    });

    it('broadcasts live:created to every connected client', async () => {
      const watcher = await t.connect(t.token(userIds('watcher', 1)[0]));
      const { live } = await createLive(t, userIds('announcer', 1)[0]);
      await watcher.waitFor('live:created', (p: any) => p.liveStreamId === live.id);
    });
  });
});

describe('presence sweeps', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      VIEWER_IDLE_TIMEOUT_MS: '800',
      HOST_GRACE_MS: '1500',
      SWEEP_INTERVAL_MS: '200',
      PRESENCE_TOUCH_INTERVAL_MS: '100',
    });
  });
  afterAll(() => t.close());

  it('keeps a viewer with a socket present, and marks them left after their socket drops', async () => {
    const [host, viewer] = userIds('presence', 2);
    const { live, hostToken } = await createLive(t, host);
    const hostSocket = await t.connect(hostToken);
    await hostSocket.request('live:join', { liveStreamId: live.id });
    const viewerSocket = await t.connect(t.token(viewer));
    await viewerSocket.request('live:join', { liveStreamId: live.id });
    await new Promise((r) => setTimeout(r, 1500)); // longer than the idle timeout: the socket keeps them
    expect((await t.http().get(`/api/live/${live.id}`)).body.stats.viewerCount).toBe(1);
    viewerSocket.close();
    const left = await hostSocket.waitFor('live:viewer:left', (p: any) => p.userId === viewer, 5000);
    expect(left.reason).toBe('timeout');
    expect((await t.http().get(`/api/live/${live.id}`)).body.stats.viewerCount).toBe(0);
  });

  it('keeps a socket-less viewer present with REST heartbeats', async () => {
    const [host, viewer] = userIds('heartbeat', 2);
    const { live, hostToken } = await createLive(t, host);
    const hostSocket = await t.connect(hostToken);
    await hostSocket.request('live:join', { liveStreamId: live.id });
    const token = t.token(viewer);
    await t.http().post(`/api/live/${live.id}/join`).set(bearer(token));
    for (let i = 0; i < 6; i++) {
      expect((await t.http().post(`/api/live/${live.id}/heartbeat`).set(bearer(token))).status).toBe(204);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect((await t.http().get(`/api/live/${live.id}`)).body.stats.viewerCount).toBe(1);
    const stranger = await t
      .http()
      .post(`/api/live/${live.id}/heartbeat`)
      .set(bearer(t.token(userIds('stranger', 1)[0])));
    expect(stranger.body.code).toBe('NOT_IN_LIVE');
  });

  it('ends a live whose host socket is gone past the grace period, and tells connected clients', async () => {
    const [host] = userIds('absent-host', 1);
    const { live, hostToken } = await createLive(t, host);
    const hostSocket = await t.connect(hostToken);
    await hostSocket.request('live:join', { liveStreamId: live.id });
    const bystander = await t.connect(t.token(userIds('onlooker', 1)[0]));
    await new Promise((r) => setTimeout(r, 2000)); // past the grace period, but the socket keeps the host present
    expect((await t.http().get(`/api/live/${live.id}`)).body.status).toBe('live');
    hostSocket.close();
    const ended = await bystander.waitFor('live:ended', (p: any) => p.liveStreamId === live.id, 6000);
    expect(ended.reason).toBe('host_timeout');
    const after = await eventually(async () => {
      const res = await t.http().get(`/api/live/${live.id}`);
      return res.body.status === 'ended' && res.body;
    });
    expect(after.endReason).toBe('host_timeout');
  });
});
