import mongoose, { Connection } from 'mongoose';
import { auth, credit, giftByKey, newKey, startScene } from './support/gift-fixtures';
import { startTestApp, TestApp, userIds } from './support/test-app';

/**
 * A combo: the same sender sending the same gift to the same receiver within the combo window.
 * It is kept on the sender's leaderboard entry in the live, so the gift's one update there moves
 * the totals and the combo together.
 */
describe('gift combos', () => {
  let t: TestApp;
  let db: Connection;
  let rose: { id: string };
  let heart: { id: string };
  beforeAll(async () => {
    t = await startTestApp({ GIFT_COMBO_WINDOW_MS: '60000', GIFT_RATE_POINTS: '1000' });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
    [rose, heart] = await Promise.all([giftByKey(t, 'rose'), giftByKey(t, 'heart')]);
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const sender =
    (liveId: string, token: string) =>
    (giftId: string, count = 1) =>
      t
        .http()
        .post(`/api/live/${liveId}/gifts`)
        .set(auth(token))
        .send({ giftId, count, idempotencyKey: newKey() })
        .expect(201)
        .then((res) => res.body as { id: string; combo: { comboId: string; comboCount: number } });

  it('continues with the same gift, starts again with another one or after the window', async () => {
    const scene = await startScene(t, userIds('combo-run', 2), 1000);
    const send = sender(scene.liveId, scene.senderToken);
    const first = await send(rose.id);
    expect(first.combo).toEqual({ comboId: first.id, comboCount: 1 });
    expect((await send(rose.id, 10)).combo).toEqual({ comboId: first.id, comboCount: 11 });

    const other = await send(heart.id);
    expect(other.combo).toEqual({ comboId: other.id, comboCount: 1 });
    const back = await send(rose.id);
    expect(back.combo).toEqual({ comboId: back.id, comboCount: 1 });

    // The window passes (moved back in the stored entry): the next rose starts anew.
    await db
      .collection('gift_senders')
      .updateOne(
        { liveId: new mongoose.Types.ObjectId(scene.liveId), senderId: scene.senderId },
        { $set: { 'combo.at': new Date(Date.now() - 61_000) } },
      );
    const later = await send(rose.id);
    expect(later.combo).toEqual({ comboId: later.id, comboCount: 1 });
    const top = await t.http().get(`/api/live/${scene.liveId}/gifts/top`).set(auth(scene.hostToken));
    expect(top.body.items).toEqual([expect.objectContaining({ userId: scene.senderId, giftCount: 14 })]);
  });

  it('numbers a burst of the same gift sent at once as one combo, each gift once', async () => {
    const scene = await startScene(t, userIds('combo-burst', 2), 0);
    await credit(t, scene.senderId, 100);
    const send = sender(scene.liveId, scene.senderToken);
    const results = await Promise.all(Array.from({ length: 12 }, () => send(rose.id)));
    expect(new Set(results.map((r) => r.combo.comboId)).size).toBe(1);
    expect(results.map((r) => r.combo.comboCount).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const entry = await db
      .collection('gift_senders')
      .findOne({ liveId: new mongoose.Types.ObjectId(scene.liveId), senderId: scene.senderId });
    expect(entry).toMatchObject({ giftCount: 12, combo: expect.objectContaining({ count: 12 }) });
  });
});
