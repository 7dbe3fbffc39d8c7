import mongoose, { Types } from 'mongoose';
import { auth } from './support/gift-fixtures';
import { startTestApp, TestApp, userIds } from './support/test-app';

/**
 * A join writes its visit, then counts it in at the live's gate; a leave closes the visit, then
 * counts it out. A crash between the two steps leaves the live's count off by that one step: the
 * sweep at start-up recounts every running live from its active visits.
 */
describe('viewer counts after a crash', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const post = (path: string, token: string) => t.http().post(path).set(auth(token)).send({});
  const statsOf = async (liveId: string) => (await t.http().get(`/api/live/${liveId}`).expect(200)).body.stats;

  it('recounts at start-up what a crash left between a visit and its count', async () => {
    const [host, a, b, c] = userIds('recount', 4);
    const live = await post('/api/live/create', t.token(host)).send({ liveType: 'live', title: 'recount' });
    const liveId = live.body.id as string;
    for (const user of [a, b]) await post(`/api/live/${liveId}/join`, t.token(user)).expect(200);
    expect(await statsOf(liveId)).toMatchObject({ viewerCount: 2, peakViewerCount: 2 });

    // What a crash leaves: c's visit written but never counted in.
    const db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
    try {
      const now = new Date();
      await db.collection('live_viewers').insertOne({
        liveId: new Types.ObjectId(liveId),
        userId: c,
        uid: 424242,
        name: c,
        avatar: null,
        status: 'active',
        sessionId: new Types.ObjectId(),
        counted: true,
        firstJoinedAt: now,
        joinedAt: now,
        lastSeenAt: now,
        leftAt: null,
        leaveReason: null,
        watchMs: 0,
      });
    } finally {
      await db.close();
    }
    expect((await statsOf(liveId)).viewerCount).toBe(2);

    const restarted = await startTestApp({ MONGODB_URI: t.config.mongodbUri! });
    try {
      const after = (await restarted.http().get(`/api/live/${liveId}`).expect(200)).body.stats;
      expect(after).toMatchObject({ viewerCount: 3, peakViewerCount: 3 });
      // Every active visit is counted once: they leave to zero.
      for (const user of [a, b, c]) {
        await restarted
          .http()
          .post(`/api/live/${liveId}/leave`)
          .set(auth(restarted.token(user)))
          .expect(200);
      }
      expect((await restarted.http().get(`/api/live/${liveId}`).expect(200)).body.stats.viewerCount).toBe(0);
    } finally {
      await restarted.close();
    }
  });
});
