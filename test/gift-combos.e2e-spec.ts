import mongoose, { Connection } from 'mongoose';
import { GiftComboSweeper } from '../src/gifts/gift-combo.sweeper';
import { auth, giftByKey, newKey, startScene } from './support/gift-fixtures';
import { startTestApp, TestApp, userIds } from './support/test-app';

describe('gift combos', () => {
  let t: TestApp;
  let db: Connection;
  beforeAll(async () => {
    t = await startTestApp({ GIFT_COMBO_WINDOW_MS: '60000' });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('prunes the combos whose window has passed, and only those', async () => {
    const rose = await giftByKey(t, 'rose');
    const scene = await startScene(t, userIds('combo-prune', 2), 100);
    const send = () =>
      t
        .http()
        .post(`/api/live/${scene.liveId}/gifts`)
        .set(auth(scene.senderToken))
        .send({ giftId: rose.id, count: 1, idempotencyKey: newKey() })
        .expect(201);
    const first = await send();
    const runs = db.collection('gift_combos');
    const key = `${scene.liveId}:${scene.senderId}:`;
    const running = () => runs.countDocuments({ key: { $regex: `^${key}` } });
    // Runs left behind by other lives, one a window old, one just started.
    const expired = { key: `old-${key}`, comboId: 'a', comboCount: 3, lastAt: new Date(Date.now() - 61_000) };
    const fresh = { key: `new-${key}`, comboId: 'b', comboCount: 1, lastAt: new Date() };
    await runs.insertMany([expired, fresh]);

    const sweeper = t.app.get(GiftComboSweeper);
    expect(await sweeper.sweep.run()).toBeGreaterThanOrEqual(1);
    expect(await runs.findOne({ key: expired.key })).toBeNull();
    expect(await runs.findOne({ key: fresh.key })).not.toBeNull();
    expect(await running()).toBe(1);

    // The live combo still continues; once its window has passed it is pruned, and the next gift starts anew.
    expect((await send()).body.combo).toEqual({ comboId: first.body.combo.comboId, comboCount: 2 });
    await runs.updateOne({ key: { $regex: `^${key}` } }, { $set: { lastAt: new Date(Date.now() - 61_000) } });
    await sweeper.sweep.run();
    expect(await running()).toBe(0);
    const next = await send();
    expect(next.body.combo.comboCount).toBe(1);
    expect(next.body.combo.comboId).not.toBe(first.body.combo.comboId);
  });
});
