import { adminToken, auth, newKey, startScene, wallet } from './support/gift-fixtures';
import { bearer, createLive } from './support/factories';
import { startTestApp, TestApp, userIds } from './support/test-app';

/** null on a field means "no value" only where the contract says it clears one (a live's cover). */
describe('null in request fields', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const getLive = async (id: string) => (await t.http().get(`/api/live/${id}`)).body;

  describe('live updates', () => {
    it.each(['title', 'seatMode', 'chatEnabled'])(
      'PATCH /api/live/:id refuses %s: null and leaves the live as it was',
      async (field) => {
        const [host] = userIds(`null-${field}`, 1);
        const { live, hostToken } = await createLive(t, host, { liveType: 'party', title: 'Before' });
        const res = await t
          .http()
          .patch(`/api/live/${live.id}`)
          .set(bearer(hostToken))
          .send({ [field]: null });
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        expect(res.body.message).toContain(field);
        const after = await getLive(live.id);
        expect({ title: after.title, settings: after.settings }).toEqual({ title: 'Before', settings: live.settings });
      },
    );

    it('live:update refuses null in updateData with the same code, and the socket stays usable', async () => {
      const [host] = userIds('null-socket', 1);
      const { live, hostToken } = await createLive(t, host, { liveType: 'party', title: 'Before' });
      const socket = await t.connect(hostToken);
      for (const field of ['title', 'seatMode', 'chatEnabled']) {
        const ack = await socket.request('live:update', {
          liveStreamId: live.id,
          updateType: 'info',
          updateData: { [field]: null },
        });
        expect({ field, ok: ack.ok, code: ack.error?.code }).toEqual({ field, ok: false, code: 'VALIDATION_FAILED' });
      }
      const renamed = await socket.request('live:update', {
        liveStreamId: live.id,
        updateType: 'title',
        updateData: { title: 'After' },
      });
      expect(renamed.data.title).toBe('After');
    });

    it('coverUrl: null clears the cover, over REST and over the socket', async () => {
      const [host] = userIds('null-cover', 1);
      const coverUrl = 'https://cdn.example.com/covers/1.jpg';
      const { live, hostToken } = await createLive(t, host, { coverUrl });
      expect(live.coverUrl).toBe(coverUrl);

      const cleared = await t.http().patch(`/api/live/${live.id}`).set(bearer(hostToken)).send({ coverUrl: null });
      expect([cleared.status, cleared.body.coverUrl]).toEqual([200, null]);
      expect((await getLive(live.id)).coverUrl).toBeNull();

      await t.http().patch(`/api/live/${live.id}`).set(bearer(hostToken)).send({ coverUrl }).expect(200);
      const socket = await t.connect(hostToken);
      const ack = await socket.request('live:update', {
        liveStreamId: live.id,
        updateType: 'cover',
        updateData: { coverUrl: null },
      });
      expect([ack.ok, ack.data?.coverUrl]).toEqual([true, null]);
      expect((await getLive(live.id)).coverUrl).toBeNull();
    });
  });

  describe('gift catalog (admin)', () => {
    it('PATCH /api/gifts/:id refuses null priceCoins and name; the gift still sells at its price', async () => {
      const admin = await adminToken(t);
      const created = await t
        .http()
        .post('/api/gifts')
        .set(auth(admin))
        .send({ name: 'Lantern', priceCoins: 70, diamondValue: 60, category: 'null-check' })
        .expect(201);
      const gift = created.body;
      for (const field of ['priceCoins', 'name', 'diamondValue', 'animation', 'active']) {
        const res = await t
          .http()
          .patch(`/api/gifts/${gift.id}`)
          .set(auth(admin))
          .send({ [field]: null });
        expect({ field, status: res.status, code: res.body.code }).toEqual({
          field,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      const panel = await t.http().get('/api/live/gifts/all');
      expect(panel.body.items.find((g: { id: string }) => g.id === gift.id)).toEqual(gift);

      const scene = await startScene(t, userIds('null-gift', 2), 100);
      const sent = await t
        .http()
        .post(`/api/live/${scene.liveId}/gifts`)
        .set(auth(scene.senderToken))
        .send({ giftId: gift.id, count: 1, idempotencyKey: newKey() });
      expect([sent.status, sent.body.giftName, sent.body.coins, sent.body.diamonds]).toEqual([201, 'Lantern', 70, 60]);
      expect((await wallet(t, scene.senderId)).coins).toBe(30);
    });
  });
});
