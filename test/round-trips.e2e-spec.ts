import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { ChatService } from '../src/chat/chat.service';
import { StreamsService } from '../src/streams/streams.service';
import { ViewersService } from '../src/viewers/viewers.service';
import { bearer, createLive } from './support/factories';
import { HotPath, measureHotPaths, QUIET_ENV } from './support/round-trip-scenario';
import { countRoundTrips, waitForQuiet } from './support/round-trips';
import { authUserOf, startTestApp, TestApp, userIds } from './support/test-app';

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
  'chat message': 2 + BAN_IN_GATE,
  'seat take': 2 + BAN_IN_GATE,
  'seat leave': 2 + BAN_IN_GATE,
  leave: 2 + BAN_CHECK,
  'leave, video live': 2 + BAN_CHECK,
  'gift send, settled': 10 + BAN_IN_GATE,
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

  it('counts in a burst of joiners to one live in one update after the first, exactly', async () => {
    const JOINERS = 40;
    const liveId = (await createLive(t, 'burst-host')).live.id as string;
    const streams = t.app.get(StreamsService);
    await waitForQuiet(t.app, 100);
    // All at once (as a storm's joins reach their count-in): the first goes in alone, and the
    // others, waiting for it, go in together.
    const counted = await countRoundTrips(t.app, () =>
      Promise.all(userIds('burst', JOINERS).map((userId) => streams.countViewerIn(liveId, userId, true))),
    );
    expect(counted.byCommand).toEqual({ 'findAndModify live_streams': 2 });
    const { stats } = (await t.http().get(`/api/live/${liveId}`)).body;
    expect(stats).toMatchObject({ viewerCount: JOINERS, uniqueViewerCount: JOINERS, peakViewerCount: JOINERS });
  });

  it("accepts a burst of chat messages in one command after the first; a removed sender's is refused on its own", async () => {
    const SENDERS = 30;
    const { live, hostToken } = await createLive(t, 'message-burst-host');
    const chat = t.app.get(ChatService);
    // The write after the gate read (as when a kick lands between them): stored and counted, or refused.
    const accept = (userId: string, text: string) =>
      chat['accept']({ liveId: live.id, user: authUserOf(userId), text });
    const [removed, ...senders] = userIds('message-burst', SENDERS + 1);
    const kicked = await t
      .http()
      .post(`/api/live/${live.id}/kick`)
      .set(bearer(hostToken))
      .send({ targetUserId: removed });
    expect(kicked.status).toBe(200);
    await waitForQuiet(t.app, 100);

    const together = await countRoundTrips(t.app, () => Promise.all(senders.map((senderId) => accept(senderId, 'hi'))));
    expect(together.byCommand).toEqual({ 'bulkWrite live_messages+live_streams': 2 });
    // With the removed sender among them, the batch's count refuses, and each is counted on its own.
    const answers = await Promise.all([removed, ...senders].map((senderId) => accept(senderId, 'again')));
    expect(answers.map(({ isNew, counted }) => ({ isNew, counted }))).toEqual([
      { isNew: true, counted: false },
      ...senders.map(() => ({ isNew: true, counted: true })),
    ]);
    expect((await t.http().get(`/api/live/${live.id}`)).body.stats.messageCount).toBe(2 * SENDERS);
    const stored = await t.app
      .get<Connection>(getConnectionToken())
      .collection('live_messages')
      .countDocuments({ liveId: new Types.ObjectId(live.id) });
    expect(stored).toBe(2 * SENDERS + 1); // the refused one too: send() withdraws it (see chat.e2e-spec)
  });

  it('opens the visits of a burst of joiners in one write after the first; re-joiners open theirs alone', async () => {
    const NEW_JOINERS = 30;
    const REJOINERS = 10;
    const liveId = (await createLive(t, 'visit-burst-host')).live.id as string;
    const viewers = t.app.get(ViewersService);
    const rejoiners = userIds('visit-again', REJOINERS).map(authUserOf);
    for (const user of rejoiners) {
      await viewers.enter(liveId, user);
      await viewers.leave(liveId, user);
    }
    await waitForQuiet(t.app, 100);

    const burst = [...userIds('visit-burst', NEW_JOINERS).map(authUserOf), ...rejoiners];
    const counted = await countRoundTrips(t.app, () => Promise.all(burst.map((user) => viewers.enter(liveId, user))));
    const visitCommands = Object.entries(counted.byCommand).filter(([command]) => command.endsWith(' live_viewers'));
    // The first opening alone; the others that waited for it in one write, which inserts the new
    // joiners' visits and finds the re-joiners' closed ones, each then re-opened on its own (2 each).
    expect(Object.fromEntries(visitCommands)).toEqual({
      'findAndModify live_viewers': 1 + 2 * REJOINERS,
      'update live_viewers': 1,
    });
    const { stats } = (await t.http().get(`/api/live/${liveId}`)).body;
    const total = NEW_JOINERS + REJOINERS;
    expect(stats).toMatchObject({ viewerCount: total, uniqueViewerCount: total, peakViewerCount: total });
    const active = await t.app
      .get<Connection>(getConnectionToken())
      .collection('live_viewers')
      .countDocuments({ liveId: new Types.ObjectId(liveId), status: 'active' });
    expect(active).toBe(total);
  });
});
