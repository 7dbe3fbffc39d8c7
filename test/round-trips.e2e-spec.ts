import { auth, credit, giftByKey, newKey } from './support/gift-fixtures';
import { countRoundTrips, RoundTrips } from './support/round-trips';
import { startTestApp, TestApp, userIds } from './support/test-app';

/**
 * Round trips are the cost of a hot path: each database command is ~0.3-0.5 ms of CPU on the
 * embedded server and 0.2-1 ms of latency on a networked MongoDB. These are the budgets per
 * action, counted at the driver on a warm app (sweeps quiet), deferred writes included.
 */
/** The app-wide ban check: the one read the auth guard adds to every authenticated request. */
const BAN_CHECK = 1;

const BUDGETS = {
  'REST join, first visit': 2 + BAN_CHECK,
  'REST join, already in': 1 + BAN_CHECK,
  'chat message': 2 + BAN_CHECK,
  'seat take': 2 + BAN_CHECK,
  'seat leave': 2 + BAN_CHECK,
  leave: 2 + BAN_CHECK,
  'gift send, settled': 10 + BAN_CHECK,
  'live details': 1,
  'active list, cached': 0,
  'socket live:join with snapshot': 5,
} as const;

describe('round trips per action', () => {
  let t: TestApp;
  const measured: Record<string, RoundTrips> = {};

  beforeAll(async () => {
    t = await startTestApp({ GIFT_RATE_POINTS: '1000', SWEEP_INTERVAL_MS: '600000', GIFT_SWEEP_INTERVAL_MS: '600000' });
  });
  afterAll(async () => {
    console.log(
      Object.entries(measured)
        .map(([action, r]) => `${action}: ${r.total}  ${JSON.stringify(r.byCommand)}`)
        .join('\n'),
    );
    await t.close();
  });

  const post = (path: string, token: string, body: Record<string, unknown> = {}) =>
    t.http().post(path).set(auth(token)).send(body);

  async function measure(action: keyof typeof BUDGETS, run: () => Promise<unknown>, settle?: () => Promise<unknown>) {
    measured[action] = await countRoundTrips(t.app, run, settle);
    return measured[action];
  }

  it('keeps every hot path within its budget', async () => {
    const [host, viewer, sender, joiner] = userIds('rt', 4);
    const [hostToken, viewerToken, senderToken] = [host, viewer, sender].map((u) => t.token(u));
    const live = await post('/api/live/create', hostToken, { liveType: 'party', title: 'budgets' });
    const liveId = live.body.id as string;
    const rose = await giftByKey(t, 'rose');
    await post(`/api/live/${liveId}/join`, senderToken).expect(200);
    await credit(t, sender, 100);
    // Warm up the paths once (first-time collection creation and compiled models are not the action's cost).
    await post(`/api/live/${liveId}/gifts`, senderToken, { giftId: rose.id, count: 1, idempotencyKey: newKey() });
    await t.http().get('/api/live/active');

    await measure('REST join, first visit', () => post(`/api/live/${liveId}/join`, viewerToken).expect(200));
    await measure('REST join, already in', () => post(`/api/live/${liveId}/join`, viewerToken).expect(200));
    await measure('chat message', () => post(`/api/live/${liveId}/message`, viewerToken, { text: 'hi' }).expect(201));
    await measure('seat take', () => post(`/api/live/${liveId}/seats/2/join`, viewerToken).expect(201));
    await measure('seat leave', () => post(`/api/live/${liveId}/seats/2/leave`, viewerToken).expect(200));
    await measure('leave', () => post(`/api/live/${liveId}/leave`, viewerToken).expect(200));
    await measure('gift send, settled', () =>
      post(`/api/live/${liveId}/gifts`, senderToken, { giftId: rose.id, count: 1, idempotencyKey: newKey() }).expect(
        201,
      ),
    );
    await measure('live details', () => t.http().get(`/api/live/${liveId}`).expect(200));
    await t.http().get('/api/live/active').expect(200);
    await measure('active list, cached', () => t.http().get('/api/live/active').expect(200));
    const socket = await t.connect(t.token(joiner));
    await measure('socket live:join with snapshot', async () => {
      const ack = await socket.request('live:join', { liveStreamId: liveId });
      expect(ack.ok).toBe(true);
    });

    const over = Object.entries(BUDGETS)
      .filter(([action, budget]) => measured[action].total > budget)
      .map(([action, budget]) => ({ action, budget, ...measured[action] }));
    expect(over).toEqual([]);
  });
});
