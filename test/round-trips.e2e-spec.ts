import { auth } from './support/gift-fixtures';
import { HotPath, measureHotPaths, QUIET_ENV } from './support/round-trip-scenario';
import { countRoundTrips, waitForQuiet } from './support/round-trips';
import { startTestApp, TestApp, userIds } from './support/test-app';

/**
 * Round trips are the cost of a hot path: each database command is ~0.3-0.5 ms of CPU on the
 * embedded server and 0.2-1 ms of latency on a networked MongoDB. Counted at the driver on a warm
 * app (sweeps quiet), deferred writes and unawaited reactions included. CEILINGS are what each action costs today: a change
 * that adds a command fails here. Lower a ceiling whenever a change reaches below it; where the
 * hot paths are headed is in docs/benchmarks.md ("Round trips"), and `npm run bench:ops` prints
 * the table.
 */
/**
 * The app-wide ban check: the one read the auth guard adds to an authenticated REST request. Chat,
 * seat take and leave, gift and a join when already in read the ban in their gate's own
 * aggregation instead (BanCheckedInGate): 0. A first visit reads it on its own (it starts with a write, not a read).
 */
const BAN_CHECK = 1;
const BAN_IN_GATE = 0;

const CEILINGS: Record<HotPath, number> = {
  'REST join, first visit': 2 + BAN_CHECK,
  'REST join, already in': 1 + BAN_IN_GATE,
  'chat message': 3 + BAN_IN_GATE,
  'seat take': 2 + BAN_IN_GATE,
  'seat leave': 2 + BAN_IN_GATE,
  leave: 3 + BAN_CHECK,
  'leave, video live': 2 + BAN_CHECK,
  'gift send, settled': 13 + BAN_IN_GATE,
  'live details': 1,
  'active list, cached': 0,
  'socket live:join with snapshot': 4,
};

describe('round trips per action', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(QUIET_ENV);
  });
  afterAll(() => t.close());

  it('keeps every hot path within its ceiling of database commands', async () => {
    const measured = await measureHotPaths(t);
    const over = Object.entries(CEILINGS)
      .filter(([action, ceiling]) => measured[action as HotPath].total > ceiling)
      .map(([action, ceiling]) => ({ action, ceiling, ...measured[action as HotPath] }));
    expect(over).toEqual([]);
  });

  it('counts a burst of joins to one live in fewer count-ins than joins, exactly', async () => {
    const JOINERS = 40;
    const host = t.token('burst-host');
    const live = await t.http().post('/api/live/create').set(auth(host)).send({ liveType: 'live', title: 'burst' });
    const tokens = userIds('burst', JOINERS).map((id) => t.token(id));
    await waitForQuiet(t.app, 100);
    const counted = await countRoundTrips(t.app, () =>
      Promise.all(
        tokens.map((token) => t.http().post(`/api/live/${live.body.id}/join`).set(auth(token)).send({}).expect(200)),
      ),
    );
    // One visit upsert per joiner; the count-ins that came while one was in flight went in together.
    expect(counted.byCommand['findAndModify live_viewers']).toBe(JOINERS);
    expect(counted.byCommand['findAndModify live_streams']).toBeLessThan(JOINERS);
    const { stats } = (await t.http().get(`/api/live/${live.body.id}`)).body;
    expect(stats).toMatchObject({ viewerCount: JOINERS, uniqueViewerCount: JOINERS, peakViewerCount: JOINERS });
  });
});
