import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { LiveGateway } from '../src/live/live.gateway';
import { liveRoom } from '../src/live/rooms';
import { auth } from './support/gift-fixtures';
import { sleep, startTestApp, TestApp, TestSocket, userIds } from './support/test-app';

const ROUNDS = 20;
const CALLS = 20;

/**
 * A removed user gets nothing back in that live: an active viewer with two sockets fires joins,
 * chat and seat calls over the socket and REST while the host kicks them (or ends the live).
 * Afterwards neither socket is in the live's room or receives its events, and every call is refused.
 */
describe('a socket join racing a kick or an end', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CHAT_RATE_BURST_POINTS: '100000', CHAT_RATE_SUSTAINED_POINTS: '100000' });
  });
  afterAll(() => t.close());

  const post = (path: string, token: string, body: Record<string, unknown> = {}) =>
    t.http().post(path).set(auth(token)).send(body);

  /** The user's sockets that are still subscribed to the live's room, by the server's own account. */
  async function subscribed(liveId: string, sockets: TestSocket[]): Promise<string[]> {
    const inRoom = await t.app.get(LiveGateway).server.in(liveRoom(liveId)).fetchSockets();
    const ids = new Set(inRoom.map((s) => s.id));
    return sockets.map((s) => s.raw.id!).filter((id) => ids.has(id));
  }

  async function round(i: number, by: 'kick' | 'end'): Promise<void> {
    const [hostId, viewerId] = userIds(`race${i}`, 2);
    const [hostToken, viewerToken] = [t.token(hostId), t.token(viewerId)];
    const created = await post('/api/live/create', hostToken, { liveType: 'party', title: `race ${i}`, seatCount: 4 });
    expect(created.status).toBe(201);
    const liveId = created.body.id as string;
    const host = await t.connect(hostToken);
    expect((await host.request('live:join', { liveStreamId: liveId })).ok).toBe(true);
    const sockets = [await t.connect(viewerToken), await t.connect(viewerToken)];
    for (const socket of sockets) expect((await socket.request('live:join', { liveStreamId: liveId })).ok).toBe(true);

    const join = (socket: TestSocket) => () => socket.request('live:join', { liveStreamId: liveId });
    const calls: (() => Promise<unknown>)[] = [
      ...sockets.flatMap((socket) => Array(6).fill(join(socket))),
      () => sockets[0].request('live:message:send', { liveStreamId: liveId, text: 'hi' }),
      () => sockets[1].request('live:seat:update', { liveStreamId: liveId, seatIndex: 2, action: 'take' }),
      () => post(`/api/live/${liveId}/join`, viewerToken),
      () => post(`/api/live/${liveId}/message`, viewerToken, { text: 'hello' }),
      () => post(`/api/live/${liveId}/seats/3/join`, viewerToken),
    ];
    // The calls land around the removal: some just before it, some with it, some just after.
    const storm = calls.flatMap((call, n) => [sleep(n % 3).then(call), ...(n < CALLS - calls.length ? [call()] : [])]);
    const removal =
      by === 'kick'
        ? sleep(1).then(() => post(`/api/live/${liveId}/kick`, hostToken, { targetUserId: viewerId }))
        : sleep(1).then(() => post(`/api/live/${liveId}/end`, hostToken));
    const [removed] = await Promise.all([removal, ...storm]);
    expect((removed as { status: number }).status).toBe(200);

    expect(await subscribed(liveId, sockets)).toEqual([]);
    const refusal = by === 'kick' ? 'REMOVED_FROM_LIVE' : 'LIVE_ENDED';
    if (by === 'kick') {
      // The host's own events reach the host's socket, and none of the removed user's sockets.
      const seen = sockets.map((s) => s.received.length);
      const text = `check ${i}`;
      expect((await post(`/api/live/${liveId}/message`, hostToken, { text })).status).toBe(201);
      expect((await post(`/api/live/${liveId}/seats/1/lock`, hostToken)).status).toBe(200);
      await host.waitFor('live:message', (m: { text: string }) => m.text === text);
      await host.waitFor(
        'live:seat:update',
        (e: { seatIndex: number; action: string }) => e.seatIndex === 1 && e.action === 'lock',
      );
      await sleep(50); // let anything a leaked subscription would get arrive
      const leaked = sockets.flatMap((s, n) =>
        s.received.slice(seen[n]).filter((r) => (r.payload as { liveStreamId?: string })?.liveStreamId === liveId),
      );
      expect(leaked).toEqual([]);
    }
    for (const socket of sockets) {
      const ack = await socket.request('live:join', { liveStreamId: liveId });
      expect(ack.error?.code).toBe(refusal);
    }
    expect((await post(`/api/live/${liveId}/join`, viewerToken)).body.code).toBe(refusal);
    expect((await post(`/api/live/${liveId}/message`, viewerToken, { text: 'again' })).body.code).toBe(refusal);
    expect(await subscribed(liveId, sockets)).toEqual([]);
    [host, ...sockets].forEach((s) => s.close());
  }

  it('counts a burst of joins exactly while some of the joiners are kicked (their count-ins went in together)', async () => {
    for (let round = 0; round < 5; round++) {
      const [hostId, ...joiners] = userIds(`burst${round}`, 31);
      const hostToken = t.token(hostId);
      const created = await post('/api/live/create', hostToken, { liveType: 'party', title: `burst ${round}` });
      const liveId = created.body.id as string;
      const kicked = joiners.filter((_, n) => n % 6 === 0);
      const joins = joiners.map((id, n) => sleep(n % 3).then(() => post(`/api/live/${liveId}/join`, t.token(id))));
      const kicks = kicked.map((id, n) =>
        sleep(1 + (n % 2)).then(() => post(`/api/live/${liveId}/kick`, hostToken, { targetUserId: id })),
      );
      const [joined, kickAnswers] = await Promise.all([Promise.all(joins), Promise.all(kicks)]);
      expect(kickAnswers.map((r) => r.status)).toEqual(kicked.map(() => 200));
      // Every join of someone not kicked got in; a kicked one either got in before the kick or was refused.
      joined.forEach((res, n) => {
        if (kicked.includes(joiners[n])) expect([200, 403]).toContain(res.status);
        else expect(res.status).toBe(200);
      });
      const visits = await t.app
        .get<Connection>(getConnectionToken())
        .collection('live_viewers')
        .find({ liveId: new Types.ObjectId(liveId), status: 'active' })
        .toArray();
      expect(visits.map((v) => v.userId).sort()).toEqual(joiners.filter((id) => !kicked.includes(id)).sort());
      const { stats } = (await t.http().get(`/api/live/${liveId}`)).body;
      expect(stats.viewerCount).toBe(visits.length);
    }
  }, 60_000);

  it(`leaves a kicked viewer subscribed to nothing, in ${ROUNDS} rounds`, async () => {
    for (let i = 0; i < ROUNDS; i++) await round(i, 'kick');
  }, 180_000);

  it(`leaves a viewer of an ended live subscribed to nothing, in ${ROUNDS} rounds`, async () => {
    for (let i = 0; i < ROUNDS; i++) await round(i, 'end');
  }, 180_000);
});
