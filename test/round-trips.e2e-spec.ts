import { HotPath, measureHotPaths, QUIET_ENV } from './support/round-trip-scenario';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Round trips are the cost of a hot path: each database command is ~0.3-0.5 ms of CPU on the
 * embedded server and 0.2-1 ms of latency on a networked MongoDB. Counted at the driver on a warm
 * app (sweeps quiet), deferred writes and unawaited reactions included. CEILINGS are what each action costs today: a change
 * that adds a command fails here. Lower a ceiling whenever a change reaches below it; where the
 * hot paths are headed is in docs/benchmarks.md ("Round trips"), and `npm run bench:ops` prints
 * the table.
 */
const CEILINGS: Record<HotPath, number> = {
  'REST join, first visit': 2,
  'REST join, already in': 2,
  'chat message': 3,
  'seat take': 3,
  'seat leave': 2,
  leave: 4,
  'gift send, settled': 21,
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
});
