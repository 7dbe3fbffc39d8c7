import jwt from 'jsonwebtoken';
import { createLive, nextConnect, nextConnectError, RECONNECTING } from './support/live-fixtures';
import { TcpSwitch } from './support/tcp-switch';
import { connectSocket, sleep, startTestApp, TestApp, TestSocket, userIds } from './support/test-app';

const RECOVERY_WINDOW_MS = 4000;

/**
 * Connection-state recovery on one instance. The client reaches the app through a TCP switch, so a
 * test can drop its connection (the server sees a transport close) and keep it away for as long as
 * it needs while events happen, then let it reconnect by itself.
 */
describe('recovery: a dropped client catches up on what it missed', () => {
  let t: TestApp;
  let net: TcpSwitch;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ SOCKET_RECOVERY_WINDOW_MS: String(RECOVERY_WINDOW_MS) });
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

  async function viewerIn(liveId: string, token: string): Promise<TestSocket> {
    const socket = await connectSocket(net.url, token, RECONNECTING);
    sockets.push(socket);
    const joined = await socket.request('live:join', { liveStreamId: liveId });
    expect(joined.ok).toBe(true);
    return socket;
  }

  const patch = (liveId: string, hostToken: string, title: string) =>
    t.http().patch(`/api/live/${liveId}`).set('Authorization', `Bearer ${hostToken}`).send({ title }).expect(200);

  it('replays missed room events and user-room notices in order, once, within the window', async () => {
    const [host, viewer] = userIds('rec', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer));

    net.cut();
    await sleep(200); // the server has seen the transport close
    expect(socket.raw.connected).toBe(false);
    await patch(liveId, hostToken, 'missed one');
    await patch(liveId, hostToken, 'missed two');
    await t
      .http()
      .post(`/api/live/${liveId}/chat/mute`)
      .set('Authorization', `Bearer ${hostToken}`)
      .send({ targetUserId: viewer })
      .expect(200);
    const before = socket.received.length;

    const back = nextConnect(socket.raw);
    net.switchTo(t.url);
    await back;
    await socket.waitFor('live:host:action', (p) => p.action === 'mute_chat');
    await sleep(300); // time for any duplicate to show up

    expect(socket.raw.recovered).toBe(true);
    const watched = new Set(['live:update', 'live:chat:muted', 'live:host:action']);
    const replayed = socket.received.slice(before).filter((e) => watched.has(e.event));
    expect(replayed.map((e) => [e.event, e.payload.live?.title ?? e.payload.action ?? e.payload.muted])).toEqual([
      ['live:update', 'missed one'],
      ['live:update', 'missed two'],
      ['live:chat:muted', true],
      ['live:host:action', 'mute_chat'],
    ]);
  });

  it('does not recover into a live the user was kicked from while away: nothing of it is replayed', async () => {
    const [host, viewer] = userIds('rec-kick', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer));

    net.cut();
    await sleep(200);
    await t
      .http()
      .post(`/api/live/${liveId}/kick`)
      .set('Authorization', `Bearer ${hostToken}`)
      .send({ targetUserId: viewer })
      .expect(200);
    await patch(liveId, hostToken, 'after the kick');
    const before = socket.received.length;
    const back = nextConnect(socket.raw);
    net.switchTo(t.url);
    await back;
    await sleep(300);

    expect(socket.raw.recovered).toBe(false);
    expect(socket.received.slice(before).filter((e) => e.payload?.liveStreamId === liveId)).toEqual([]);
    expect(await socket.request('live:join', { liveStreamId: liveId })).toMatchObject({
      ok: false,
      error: { code: 'REMOVED_FROM_LIVE' },
    });
  });

  it('refuses a recovering socket whose token expired while it was away', async () => {
    const [host, viewer] = userIds('rec-exp', 2);
    const liveId = await createLive(t.url, t.token(host));
    const token = t.token({ sub: viewer, expiresInSeconds: 2 });
    const socket = await viewerIn(liveId, token);

    net.cut();
    const { exp } = jwt.decode(token) as { exp: number };
    await sleep(exp * 1000 - Date.now() + 200); // now expired, still inside the recovery window
    const refused = nextConnectError(socket.raw);
    net.switchTo(t.url);

    expect((await refused).data?.code).toBe('UNAUTHENTICATED');
    expect(socket.raw.connected).toBe(false);
  });

  it('gives a fresh connection past the window; live:join then returns a fresh snapshot', async () => {
    const [host, viewer] = userIds('rec-late', 2);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const socket = await viewerIn(liveId, t.token(viewer));

    net.cut();
    await sleep(200);
    await patch(liveId, hostToken, 'while away for long');
    await sleep(RECOVERY_WINDOW_MS + 500);
    const back = nextConnect(socket.raw);
    net.switchTo(t.url);
    await back;

    expect(socket.raw.recovered).toBe(false);
    expect(socket.events('live:update')).toHaveLength(0);
    const rejoined = await socket.request('live:join', { liveStreamId: liveId });
    expect(rejoined).toMatchObject({
      ok: true,
      data: { live: { id: liveId, title: 'while away for long' }, role: 'viewer' },
    });
  });
});
