import request from 'supertest';
import { mintToken } from '../src/auth/mint-token';
import { AppProcess } from './support/app-process';
import { createLive, nextConnect, RECONNECTING } from './support/live-fixtures';
import { lastSeen } from './support/room-events';
import { RedisServer } from './support/redis-server';
import { TcpSwitch } from './support/tcp-switch';
import { connectSocket, databaseUri, sleep, TEST_SECRET, TestSocket, userIds } from './support/test-app';

const HOST_GRACE_MS = 2500;
const SWEEP_INTERVAL_MS = 250;

/**
 * Two app processes on one database and one redis-server: the Socket.IO Redis Streams adapter
 * carries broadcasts and recovery sessions between them; the sweeps run on both.
 */
describe('several instances on Redis', () => {
  let redis: RedisServer;
  let a: AppProcess;
  let b: AppProcess;
  const sockets: TestSocket[] = [];
  const token = (sub: string) => mintToken(TEST_SECRET, { sub });

  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = {
      MONGODB_URI: databaseUri(),
      REDIS_URL: redis.url,
      HOST_GRACE_MS: String(HOST_GRACE_MS),
      SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
    };
    [a, b] = await Promise.all([AppProcess.start(env), AppProcess.start(env)]);
  }, 120_000);
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  async function connect(url: string, sub: string, options: Record<string, unknown> = {}): Promise<TestSocket> {
    const socket = await connectSocket(url, token(sub), options);
    sockets.push(socket);
    return socket;
  }

  /** A live whose host keeps a socket in its room (on A), so the host-timeout sweep leaves it alone. */
  async function hostedLive(host: string): Promise<string> {
    const liveId = await createLive(a.url, token(host));
    const hostSocket = await connect(a.url, host);
    expect((await hostSocket.request('live:join', { liveStreamId: liveId })).ok).toBe(true);
    return liveId;
  }

  async function viewerIn(
    url: string,
    sub: string,
    liveId: string,
    options: Record<string, unknown> = {},
  ): Promise<TestSocket> {
    const socket = await connect(url, sub, options);
    const joined = await socket.request('live:join', { liveStreamId: liveId });
    expect(joined.ok).toBe(true);
    return socket;
  }

  const patch = (url: string, liveId: string, host: string, title: string) =>
    request(url)
      .patch(`/api/live/${liveId}`)
      .set('Authorization', `Bearer ${token(host)}`)
      .send({ title })
      .expect(200);
  const kick = (url: string, liveId: string, host: string, targetUserId: string) =>
    request(url)
      .post(`/api/live/${liveId}/kick`)
      .set('Authorization', `Bearer ${token(host)}`)
      .send({ targetUserId })
      .expect(200);

  it('delivers live:created to clients of both instances', async () => {
    const [host, onA, onB] = userIds('mi-created', 3);
    const [socketA, socketB] = await Promise.all([connect(a.url, onA), connect(b.url, onB)]);
    const liveId = await createLive(a.url, token(host));
    await socketA.waitFor('live:created', (p) => p.liveStreamId === liveId);
    await socketB.waitFor('live:created', (p) => p.liveStreamId === liveId);
  });

  it('relays a live update and a kick made through A to a viewer connected to B', async () => {
    const [host, viewer] = userIds('mi-kick', 2);
    const liveId = await hostedLive(host);
    const socket = await viewerIn(b.url, viewer, liveId);

    await patch(a.url, liveId, host, 'changed on A');
    await socket.waitFor('live:update', (p) => p.live.title === 'changed on A');
    await kick(a.url, liveId, host, viewer);
    await socket.waitFor('live:kicked', (p) => p.liveStreamId === liveId);

    // The kick also took B's socket out of the room: later room events do not reach it.
    await patch(a.url, liveId, host, 'after the kick');
    await sleep(300);
    expect(socket.events('live:update').map((p) => p.live.title)).toEqual(['changed on A']);
  });

  it('shows a viewer who joins through B to a viewer on A', async () => {
    const [host, watcher, newcomer] = userIds('mi-join', 3);
    const liveId = await hostedLive(host);
    const socketA = await viewerIn(a.url, watcher, liveId);
    await viewerIn(b.url, newcomer, liveId);
    const notice = await socketA.waitFor('live:viewer:joined', (p) => p.viewer.userId === newcomer);
    expect(notice).toMatchObject({ liveStreamId: liveId, viewerCount: 2 });
  });

  it('enforces a ban made through A on B: sockets cut, reconnects refused, requests refused', async () => {
    const [host, user, adminId] = userIds('mi-ban', 3);
    const admin = mintToken(TEST_SECRET, { sub: adminId, admin: true });
    const liveId = await hostedLive(host);
    const onB = await viewerIn(b.url, user, liveId);
    const alsoOnA = await connect(a.url, user);
    const cut = new Promise((resolve) => onB.raw.once('disconnect', resolve));
    await request(a.url)
      .post('/api/admin/bans')
      .set('Authorization', `Bearer ${admin}`)
      .send({ userId: user })
      .expect(200);
    expect(await onB.waitFor('auth:banned')).toMatchObject({ code: 'BANNED', until: null });
    await cut;
    // B noted the ban from A, for its handshakes in flight (see SocketAuth.noteBan).
    const notices = (await request(b.url).get('/metrics').expect(200)).text;
    expect(notices).toMatch(/^live_ban_notices_total\{origin="peer"\} 1$/m);
    expect(alsoOnA.raw.connected).toBe(false);
    const refused = await connectSocket(b.url, token(user)).then(
      () => null,
      (error: Error & { data?: { code: string } }) => error.data?.code,
    );
    expect(refused).toBe('BANNED');
    const rest = await request(b.url)
      .post(`/api/live/${liveId}/join`)
      .set('Authorization', `Bearer ${token(user)}`);
    expect([rest.status, rest.body.code]).toEqual([403, 'BANNED']);
    await request(b.url).delete(`/api/admin/bans/${user}`).set('Authorization', `Bearer ${admin}`).expect(200);
    await viewerIn(a.url, user, liveId);
  });

  it('ends a live whose host went away exactly once, with both instances sweeping', async () => {
    const [host, onA, onB] = userIds('mi-sweep', 3);
    const liveId = await createLive(a.url, token(host)); // the host never connects a socket
    const [socketA, socketB] = await Promise.all([connect(a.url, onA), connect(b.url, onB)]);

    for (const socket of [socketA, socketB]) {
      expect(
        await socket.waitFor('live:ended', (p) => p.liveStreamId === liveId, HOST_GRACE_MS + 10_000),
      ).toMatchObject({
        reason: 'host_timeout',
      });
    }
    await sleep(SWEEP_INTERVAL_MS * 6); // several more sweeps on both instances
    for (const socket of [socketA, socketB]) {
      expect(socket.events('live:ended').filter((p) => p.liveStreamId === liveId)).toHaveLength(1);
    }
    for (const app of [a, b]) {
      const metrics = (await request(app.url).get('/metrics')).text;
      expect(metrics).toMatch(/live_sweep_runs_total\{sweep="host_timeout",outcome="ok"\} [1-9]/);
    }
  });

  it('lets a client that dropped on A catch up on B by sinceSeq: the count is the same on every instance', async () => {
    const [host, viewer] = userIds('mi-move', 2);
    const liveId = await hostedLive(host);
    const net = await TcpSwitch.start(a.url);
    try {
      const socket = await viewerIn(net.url, viewer, liveId, RECONNECTING);
      await patch(b.url, liveId, host, 'seen');
      await socket.waitFor('live:update', (p) => p.live.title === 'seen');
      const seen = lastSeen(socket, liveId);

      net.cut();
      await sleep(300);
      await patch(a.url, liveId, host, 'missed on A');
      await patch(b.url, liveId, host, 'missed on B');
      await request(b.url)
        .post(`/api/live/${liveId}/chat/mute`)
        .set('Authorization', `Bearer ${token(host)}`)
        .send({ targetUserId: viewer })
        .expect(200);
      const back = nextConnect(socket.raw);
      net.switchTo(b.url);
      await back;

      const { data } = await socket.request('live:join', {
        liveStreamId: liveId,
        sinceSeq: seen.seq,
        epoch: seen.epoch,
      });
      expect(data.epoch).toBe(seen.epoch);
      expect(data.missed.map((m: any) => m.data.seq)).toEqual(
        data.missed.map((_: unknown, i: number) => seen.seq + 1 + i),
      );
      const updates = data.missed.filter((m: any) => m.event === 'live:update').map((m: any) => m.data.live.title);
      expect(updates).toEqual(['missed on A', 'missed on B']);
      expect(data.missed.map((m: any) => m.data.action)).toContain('mute_chat');
      expect(data.me.chatMutedUntil).toEqual(expect.any(String));
    } finally {
      await net.close();
    }
  });

  // Last two: the first kills instance A, the second stops Redis.
  it('lets a client whose instance was killed reconnect to the other and catch up by sinceSeq', async () => {
    const [host, viewer] = userIds('mi-killed', 2);
    const liveId = await createLive(b.url, token(host));
    const hostSocket = await viewerIn(b.url, host, liveId);
    const net = await TcpSwitch.start(a.url);
    try {
      const socket = await viewerIn(net.url, viewer, liveId, RECONNECTING);
      await patch(b.url, liveId, host, 'before the kill');
      await socket.waitFor('live:update', (p) => p.live.title === 'before the kill');
      const seen = lastSeen(socket, liveId);

      await a.kill();
      await patch(b.url, liveId, host, 'while A was down');
      const back = nextConnect(socket.raw);
      net.switchTo(b.url);
      await back;

      const { data } = await socket.request('live:join', {
        liveStreamId: liveId,
        sinceSeq: seen.seq,
        epoch: seen.epoch,
      });
      expect(data.missed.map((m: any) => [m.event, m.data.live?.title])).toContainEqual([
        'live:update',
        'while A was down',
      ]);
      expect(data.resync).toBeUndefined();
      await patch(b.url, liveId, host, 'after the rejoin');
      const next = await socket.waitFor('live:update', (p) => p.live.title === 'after the rejoin');
      expect(next.seq).toBe(data.seq + 1);
      expect(hostSocket.raw.connected).toBe(true);
    } finally {
      await net.close();
    }
  });

  it('still delivers events while Redis is down, answers catch-ups with resync and reports not ready', async () => {
    const [host, viewer] = userIds('mi-noredis', 2);
    const liveId = await createLive(b.url, token(host));
    const hostSocket = await viewerIn(b.url, host, liveId);
    const socket = await viewerIn(b.url, viewer, liveId);
    await patch(b.url, liveId, host, 'with Redis');
    await socket.waitFor('live:update', (p) => p.live.title === 'with Redis');
    const seen = lastSeen(socket, liveId);

    await redis.stop();
    await patch(b.url, liveId, host, 'without Redis');
    const delivered = await socket.waitFor('live:update', (p) => p.live.title === 'without Redis');
    expect(delivered.epoch).not.toBe(seen.epoch); // numbered locally: clients see the count changed
    const { data } = await socket.request('live:join', { liveStreamId: liveId, sinceSeq: seen.seq, epoch: seen.epoch });
    expect(data).toMatchObject({ resync: true, live: { title: 'without Redis' } });
    const ready = await request(b.url).get('/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { checks: { redis: { status: 'down' } } },
    });
    expect(hostSocket.raw.connected).toBe(true);
  });
});
