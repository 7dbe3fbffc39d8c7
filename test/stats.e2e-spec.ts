import { auth, credit, giftByKey, newKey } from './support/gift-fixtures';
import { eventually, startTestApp, TestApp, userIds } from './support/test-app';

/** Statistics over time: per live and minute, written in batches; a host's lives. */
describe('statistics over time', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ STATS_FLUSH_INTERVAL_MS: '100' });
  });
  afterAll(() => t.close());

  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(auth(token)).send(body);
  const get = (path: string, token: string) => t.http().get(path).set(auth(token));

  it("counts a live's joins, leaves, messages, gifts and diamonds per minute, with its viewers", async () => {
    const [hostId, a, b, stranger] = userIds('minutes', 4);
    const host = t.token(hostId);
    const live = await post('/api/live/create', host, { liveType: 'live', title: 'minutes' }).expect(201);
    const liveId: string = live.body.id;
    for (const id of [a, b]) await post(`/api/live/${liveId}/join`, t.token(id)).expect(200);
    for (const text of ['one', 'two', 'three'])
      await post(`/api/live/${liveId}/message`, t.token(a), { text }).expect(201);
    const rose = await giftByKey(t, 'rose');
    await credit(t, b, 10 * rose.priceCoins);
    await post(`/api/live/${liveId}/gifts`, t.token(b), {
      giftId: rose.id,
      count: 10,
      idempotencyKey: newKey(),
    }).expect(201);
    await post(`/api/live/${liveId}/leave`, t.token(a)).expect(200);

    const totals = await eventually(async () => {
      const timeline = await get(`/api/live/${liveId}/stats/timeline`, host).expect(200);
      const minutes: Record<string, number>[] = timeline.body.minutes;
      const sum = (field: string) => minutes.reduce((total, m) => total + m[field], 0);
      const totals = { joins: sum('joins'), leaves: sum('leaves'), messages: sum('messages'), gifts: sum('gifts') };
      return totals.leaves === 1 && totals.gifts === 10 && { ...totals, diamonds: sum('diamonds'), minutes };
    });
    expect(totals).toMatchObject({ joins: 2, leaves: 1, messages: 3, gifts: 10, diamonds: rose.diamondValue * 10 });
    expect(Math.max(...totals.minutes.map((m) => m.viewers))).toBe(2);
    expect(totals.minutes[0]).toEqual({
      minute: expect.stringMatching(/:00\.000Z$/),
      viewers: expect.any(Number),
      joins: expect.any(Number),
      leaves: expect.any(Number),
      messages: expect.any(Number),
      gifts: expect.any(Number),
      diamonds: expect.any(Number),
    });
    expect((await get(`/api/live/${liveId}/stats/timeline`, t.token(stranger))).body.code).toBe('NOT_HOST_OR_COHOST');
    const admin = t.token({ sub: 'stats-admin', admin: true });
    await get(`/api/live/${liveId}/stats/timeline`, admin).expect(200);
  });

  it("lists a host's lives with their totals, newest first, for the host and admins", async () => {
    const [hostId, other] = userIds('history', 2);
    const host = t.token(hostId);
    const ids: string[] = [];
    for (const title of ['first', 'second']) {
      const live = await post('/api/live/create', host, { liveType: 'live', title }).expect(201);
      ids.push(live.body.id);
      await post(`/api/live/${live.body.id}/end`, host).expect(200);
    }
    const page = await get(`/api/hosts/${hostId}/lives?limit=1`, host).expect(200);
    expect(page.body.items.map((l: { id: string }) => l.id)).toEqual([ids[1]]);
    expect(page.body.items[0].stats).toMatchObject({ viewerCount: 0, diamonds: 0 });
    const next = await get(`/api/hosts/${hostId}/lives?limit=1&cursor=${page.body.nextCursor}`, host).expect(200);
    expect(next.body.items.map((l: { id: string }) => l.id)).toEqual([ids[0]]);
    expect((await get(`/api/hosts/${hostId}/lives`, t.token(other))).body.code).toBe('FORBIDDEN');
    const admin = t.token({ sub: 'history-admin', admin: true });
    expect((await get(`/api/hosts/${hostId}/lives`, admin).expect(200)).body.items).toHaveLength(2);
  });
});
