import { createLive } from './support/live-fixtures';
import { sample } from './support/prometheus';
import { eventually, startTestApp, TestApp, userIds } from './support/test-app';

describe('metrics at /metrics', () => {
  let t: TestApp;
  const scrape = async () => (await t.http().get('/metrics').expect(200)).text;

  beforeAll(async () => {
    t = await startTestApp({ SWEEP_INTERVAL_MS: '100' });
  });
  afterAll(() => t.close());

  it('counts connected sockets on this instance', async () => {
    const before = sample(await scrape(), 'live_connected_sockets');
    const [user] = userIds('m-sock', 1);
    const socket = await t.connect(t.token(user));
    expect(sample(await scrape(), 'live_connected_sockets')).toBe(before + 1);
    socket.close();
    await eventually(async () => sample(await scrape(), 'live_connected_sockets') === before);
  });

  it('counts running lives and their viewers from the database', async () => {
    const [host, viewer] = userIds('m-live', 2);
    const before = await scrape();
    const liveId = await createLive(t.url, t.token(host));
    const socket = await t.connect(t.token(viewer));
    expect((await socket.request('live:join', { liveStreamId: liveId })).ok).toBe(true);

    const after = await scrape();
    expect(sample(after, 'live_active_lives')).toBe(sample(before, 'live_active_lives') + 1);
    expect(sample(after, 'live_active_viewers')).toBe(sample(before, 'live_active_viewers') + 1);

    await t
      .http()
      .post(`/api/live/${liveId}/end`)
      .set('Authorization', `Bearer ${t.token(host)}`)
      .expect(200);
    expect(sample(await scrape(), 'live_active_lives')).toBe(sample(before, 'live_active_lives'));
  });

  it('counts emitted events by type, once per broadcast', async () => {
    const [host] = userIds('m-events', 1);
    const name = 'live_socket_events_emitted_total';
    const before = await scrape();
    const liveId = await createLive(t.url, t.token(host));
    await t
      .http()
      .patch(`/api/live/${liveId}`)
      .set('Authorization', `Bearer ${t.token(host)}`)
      .send({ title: 'x' })
      .expect(200);

    const after = await scrape();
    expect(sample(after, name, { event: 'live:created' })).toBe(sample(before, name, { event: 'live:created' }) + 1);
    expect(sample(after, name, { event: 'live:update' })).toBe(sample(before, name, { event: 'live:update' }) + 1);
  });

  it('times REST requests by route pattern, not by raw URL', async () => {
    const [host] = userIds('m-http', 1);
    const liveId = await createLive(t.url, t.token(host));
    await t
      .http()
      .get(`/api/live/${liveId}`)
      .set('Authorization', `Bearer ${t.token(host)}`)
      .expect(200);
    await t.http().get('/api/no-such-route').expect(404);

    const text = await scrape();
    const count = 'live_http_request_duration_seconds_count';
    expect(sample(text, count, { method: 'GET', route: '/api/live/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, count, { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(liveId);
  });

  it('counts sweep runs by sweep', async () => {
    const runs = async () => sample(await scrape(), 'live_sweep_runs_total', { sweep: 'idle_viewers', outcome: 'ok' });
    const first = await eventually(runs);
    await eventually(async () => (await runs()) > first);
    expect(sample(await scrape(), 'live_sweep_runs_total', { sweep: 'host_timeout', outcome: 'ok' })).toBeGreaterThan(
      0,
    );
  });

  it('declares the gift settlement lag histogram for the gifts module to observe', async () => {
    expect(await scrape()).toContain('# TYPE live_gift_settlement_lag_seconds histogram');
  });
});
