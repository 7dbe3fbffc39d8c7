import jwt from 'jsonwebtoken';
import { createLive, nextConnect, nextConnectError, RECONNECTING } from './support/live-fixtures';
import { lastSeen, roomEvents } from './support/room-events';
import { TcpSwitch } from './support/tcp-switch';
import { connectSocket, sleep, startTestApp, TestApp, TestSocket, userIds } from './support/test-app';

const MAX_EVENTS = 8;
const WINDOW_MS = 3000;

/**
 * Order and recovery on one instance: every room event carries seq (+1 per event, from 1) and
 * epoch; a client that missed some catches up with live:join { sinceSeq, epoch }. The client
 * reaches the app through a TCP switch, so a test can drop its connection while events happen.
 */
describe('recovery: numbered room events and catch-up by sinceSeq', () => {
  let t: TestApp;
  let net: TcpSwitch;
  const sockets: TestSocket[] = [];
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp({ RECOVERY_MAX_EVENTS: String(MAX_EVENTS), RECOVERY_WINDOW_MS: String(WINDOW_MS) });
    net = await TcpSwitch.start(t.url);
  });
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
    net.switchTo(t.url);
  });
  afterAll(async () => {
    await net.close();
    await t.close();
  });

  async function viewerIn(liveId: string, token: string, url = net.url): Promise<TestSocket> {
    const socket = await connectSocket(url, token, RECONNECTING);
    sockets.push(socket);
    const joined = await socket.request('live:join', { liveStreamId: liveId });
    expect(joined.ok).toBe(true);
    return socket;
  }

  const patch = (liveId: string, hostToken: string, title: string) =>
    t.http().patch(`/api/live/${liveId}`).set(auth(hostToken)).send({ title }).expect(200);

  /** Drops the socket's connection and waits until the server has seen it go. */
  async function drop(socket: TestSocket): Promise<void> {
    const gone = new Promise((resolve) => socket.raw.once('disconnect', resolve));
    net.cut();
    await gone;
    await sleep(100);
  }

  async function reconnect(socket: TestSocket): Promise<void> {
    const back = nextConnect(socket.raw);
    net.switchTo(t.url);
    await back;
  }

  it('numbers every room event from 1, gap-free, one argument each; live:ended carries the last seq', async () => {
    const [host, viewer] = userIds('seq', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer), t.url);
    const argCounts: number[] = [];
    socket.raw.onAny((...args: unknown[]) => argCounts.push(args.length));

    await patch(liveId, hostToken, 'one');
    await t.http().post(`/api/live/${liveId}/message`).set(auth(hostToken)).send({ text: 'two' }).expect(201);
    await patch(liveId, hostToken, 'three');
    await socket.waitFor('live:update', (p) => p.live.title === 'three');
    await t.http().post(`/api/live/${liveId}/end`).set(auth(hostToken)).expect(200);
    const ended = await socket.waitFor('live:ended', (p) => p.liveStreamId === liveId);

    const events = roomEvents(socket, liveId).filter((e) => e.event !== 'live:ended');
    expect(events.map((e) => e.payload.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.payload.epoch)).size).toBe(1);
    expect(ended).toMatchObject({ seq: events.length, epoch: events[0].payload.epoch });
    expect(argCounts.every((n) => n === 2)).toBe(true); // the event name and exactly one payload
  });

  it('gives what a dropped client missed, in order, once, by sinceSeq; what it must not miss is state', async () => {
    const [host, viewer] = userIds('catchup', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer));
    await patch(liveId, hostToken, 'seen');
    await socket.waitFor('live:update', (p) => p.live.title === 'seen');
    const seen = lastSeen(socket, liveId);

    await drop(socket);
    await patch(liveId, hostToken, 'missed one');
    await t.http().post(`/api/live/${liveId}/message`).set(auth(hostToken)).send({ text: 'missed two' }).expect(201);
    await t
      .http()
      .post(`/api/live/${liveId}/chat/mute`)
      .set(auth(hostToken))
      .send({ targetUserId: viewer })
      .expect(200);
    await reconnect(socket);

    const { data } = await socket.request('live:join', {
      liveStreamId: liveId,
      sinceSeq: seen.seq,
      epoch: seen.epoch,
    });
    expect(data.resync).toBeUndefined();
    expect(data.epoch).toBe(seen.epoch);
    expect(data.missed.map((m: any) => [m.event, m.data.seq])).toEqual(
      data.missed.map((m: any, i: number) => [m.event, seen.seq + 1 + i]),
    );
    expect(data.missed.map((m: any) => m.data.live?.title ?? m.data.text ?? m.data.action)).toEqual(
      expect.arrayContaining(['missed one', 'missed two', 'mute_chat']),
    );
    expect(data.seq).toBe(seen.seq + data.missed.length);
    // The mute notice went to the user while away: the snapshot carries it as state.
    expect(data.me.chatMutedUntil).toEqual(expect.any(String));
    expect(data.me.pendingSeatInvite).toBeNull();
    // Nothing missed arrives a second time as a live event.
    await sleep(200);
    expect(roomEvents(socket, liveId).filter((e) => e.payload.seq > seen.seq)).toEqual([]);
  });

  it('asks to resync past the kept events, past the window, ahead of the count or under another epoch', async () => {
    const [host, viewer] = userIds('resync', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer), t.url);
    // The join's own summary (live:viewers, batched per second) is in before the counting starts.
    await socket.waitFor('live:viewers', (p) => p.liveStreamId === liveId);
    await patch(liveId, hostToken, 'first');
    await socket.waitFor('live:update', (p) => p.live.title === 'first');
    const first = lastSeen(socket, liveId);
    for (let i = 0; i < MAX_EVENTS + 2; i++) await patch(liveId, hostToken, `busy ${i}`);
    const join = (extra: Record<string, unknown>) =>
      socket.request('live:join', { liveStreamId: liveId, ...extra }).then((ack) => ack.data);

    const tooOld = await join({ sinceSeq: first.seq });
    expect(tooOld).toMatchObject({ resync: true, live: { title: `busy ${MAX_EVENTS + 1}` } });
    expect(tooOld.missed).toBeUndefined();
    expect(await join({ sinceSeq: tooOld.seq + 5 })).toMatchObject({ resync: true });
    expect(await join({ sinceSeq: tooOld.seq - 1, epoch: 'another-epoch' })).toMatchObject({ resync: true });
    const recent = await join({ sinceSeq: tooOld.seq - 1, epoch: tooOld.epoch });
    expect(recent.missed).toHaveLength(1);

    await sleep(WINDOW_MS + 200);
    expect(await join({ sinceSeq: tooOld.seq - 1 })).toMatchObject({ resync: true });
    expect(await join({ sinceSeq: tooOld.seq })).toMatchObject({ missed: [] });
  });

  it('refuses sinceSeq that is not an integer >= 0 with 400', async () => {
    const [host, viewer] = userIds('badseq', 2);
    const liveId = await createLive(t.url, t.token(host));
    const socket = await connectSocket(t.url, t.token(viewer));
    sockets.push(socket);
    for (const sinceSeq of [-1, 1.5, '3', null]) {
      const ack = await socket.request('live:join', { liveStreamId: liveId, sinceSeq });
      expect(ack.error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('refuses a user kicked while away (REMOVED_FROM_LIVE, details.until) and sends nothing of that live', async () => {
    const [host, viewer] = userIds('rec-kick', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer));
    // The join's own summary (live:viewers, batched per second) is in before the counting starts.
    await socket.waitFor('live:viewers', (p) => p.liveStreamId === liveId);
    const seen = socket.received.length;

    await drop(socket);
    await t.http().post(`/api/live/${liveId}/kick`).set(auth(hostToken)).send({ targetUserId: viewer }).expect(200);
    await patch(liveId, hostToken, 'after the kick');
    await reconnect(socket);
    const ack = await socket.request('live:join', { liveStreamId: liveId, sinceSeq: 0 });
    await patch(liveId, hostToken, 'after the rejoin');
    await sleep(200);

    expect(ack).toMatchObject({ ok: false, error: { code: 'REMOVED_FROM_LIVE', details: { until: null } } });
    expect(roomEvents(socket, liveId).filter((_, i) => i >= seen)).toEqual([]);
    expect(socket.received.slice(seen).filter((e) => e.payload?.liveStreamId === liveId)).toEqual([]);
  });

  it('refuses a reconnecting socket whose token expired while it was away', async () => {
    const [host, viewer] = userIds('rec-exp', 2);
    const liveId = await createLive(t.url, t.token(host));
    const token = t.token({ sub: viewer, expiresInSeconds: 2 });
    const socket = await viewerIn(liveId, token);

    net.cut();
    const { exp } = jwt.decode(token) as { exp: number };
    await sleep(exp * 1000 - Date.now() + 200);
    const refused = nextConnectError(socket.raw);
    net.switchTo(t.url);

    expect((await refused).data?.code).toBe('UNAUTHENTICATED');
    expect(socket.raw.connected).toBe(false);
  });

  it('starts a new epoch when the count is lost (a restart without Redis): the client resyncs', async () => {
    const [host, viewer] = userIds('epoch', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer), t.url);
    await patch(liveId, hostToken, 'before the restart');
    await socket.waitFor('live:update', (p) => p.live.title === 'before the restart');
    const seen = lastSeen(socket, liveId);

    const restarted = await startTestApp({ MONGODB_URI: t.config.mongodbUri! });
    try {
      const other = await restarted.connect(t.token(viewer));
      const { data } = await other.request('live:join', {
        liveStreamId: liveId,
        sinceSeq: seen.seq,
        epoch: seen.epoch,
      });
      expect(data.epoch).not.toBe(seen.epoch);
      expect(data).toMatchObject({ resync: true, live: { title: 'before the restart' } });
    } finally {
      await restarted.close();
    }
  });
});
