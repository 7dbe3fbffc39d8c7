import { auth, credit, giftByKey, newKey } from './gift-fixtures';
import { countRoundTrips, RoundTrips, waitForQuiet } from './round-trips';
import { TestApp, userIds } from './test-app';

/** The hot paths whose database commands are counted (test/round-trips.e2e-spec.ts, bench:ops). */
export const ROUND_TRIP_ACTIONS = [
  'REST join, first visit',
  'REST join, already in',
  'chat message',
  'seat take',
  'seat leave',
  'leave',
  'leave, video live',
  'gift send, settled',
  'live details',
  'active list, cached',
  'socket live:join with snapshot',
] as const;
export type HotPath = (typeof ROUND_TRIP_ACTIONS)[number];

/** App settings for counting: sweeps and presence ticks quiet, so only the action's commands count. */
export const QUIET_ENV = {
  MONGODB_COMMAND_MONITORING: 'true',
  GIFT_RATE_POINTS: '1000',
  SWEEP_INTERVAL_MS: '600000',
  GIFT_SWEEP_INTERVAL_MS: '600000',
  PRESENCE_TOUCH_INTERVAL_MS: '600000',
  BATTLE_SWEEP_INTERVAL_MS: '600000',
};

/** Runs each hot path once on a warm app and counts its database commands. */
export async function measureHotPaths(t: TestApp): Promise<Record<HotPath, RoundTrips>> {
  const measured = {} as Record<HotPath, RoundTrips>;
  const post = (path: string, token: string, body: Record<string, unknown> = {}) =>
    t.http().post(path).set(auth(token)).send(body);
  // Until the app is quiet again: the reactions an action fires without awaiting them count too,
  // and any deferred write (a gift's guards have none: they go with the next write to their document).
  const measure = async (action: HotPath, run: () => Promise<unknown>, quietMs = 100) => {
    measured[action] = await countRoundTrips(t.app, run, () => waitForQuiet(t.app, quietMs));
  };
  const [host, viewer, sender, joiner, videoHost] = userIds('rt', 5);
  const [hostToken, viewerToken, senderToken] = [host, viewer, sender].map((u) => t.token(u));
  const live = await post('/api/live/create', hostToken, { liveType: 'party', title: 'budgets' });
  const liveId = live.body.id as string;
  const rose = await giftByKey(t, 'rose');
  await post(`/api/live/${liveId}/join`, senderToken).expect(200);
  await credit(t, sender, 100);
  // Warm up the paths once (first-time collection creation and compiled models are not the action's cost).
  await post(`/api/live/${liveId}/gifts`, senderToken, { giftId: rose.id, count: 1, idempotencyKey: newKey() });
  await t.http().get('/api/live/active');
  await waitForQuiet(t.app, 300);

  await measure('REST join, first visit', () => post(`/api/live/${liveId}/join`, viewerToken).expect(200));
  await measure('REST join, already in', () => post(`/api/live/${liveId}/join`, viewerToken).expect(200));
  await measure('chat message', () => post(`/api/live/${liveId}/message`, viewerToken, { text: 'hi' }).expect(201));
  await measure('seat take', () => post(`/api/live/${liveId}/seats/2/join`, viewerToken).expect(201));
  await measure('seat leave', () => post(`/api/live/${liveId}/seats/2/leave`, viewerToken).expect(200));
  await measure('leave', () => post(`/api/live/${liveId}/leave`, viewerToken).expect(200));
  // A `live` (video) live has no seats: its leave has no seat to free and no ticket to drop.
  const video = await post('/api/live/create', t.token(videoHost), { liveType: 'live', title: 'budgets, video' });
  await post(`/api/live/${video.body.id}/join`, viewerToken).expect(200);
  await waitForQuiet(t.app, 100);
  await measure('leave, video live', () => post(`/api/live/${video.body.id}/leave`, viewerToken).expect(200));
  await measure(
    'gift send, settled',
    () =>
      post(`/api/live/${liveId}/gifts`, senderToken, { giftId: rose.id, count: 1, idempotencyKey: newKey() }).expect(
        201,
      ),
    300,
  );
  await measure('live details', () => t.http().get(`/api/live/${liveId}`).expect(200));
  await t.http().get('/api/live/active').expect(200);
  await measure('active list, cached', () => t.http().get('/api/live/active').expect(200));
  const socket = await t.connect(t.token(joiner));
  await measure('socket live:join with snapshot', async () => {
    const ack = await socket.request('live:join', { liveStreamId: liveId });
    if (!ack.ok) throw new Error(`live:join refused: ${JSON.stringify(ack.error)}`);
  });

  socket.close();
  return measured;
}
