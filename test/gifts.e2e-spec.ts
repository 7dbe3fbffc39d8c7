import mongoose, { Connection } from 'mongoose';
import { checkLedger } from '../src/cli/ledger-check';
import { GiftSettlementService } from '../src/gifts/gift-settlement.service';
import {
  adminToken,
  auth,
  credit,
  giftByKey,
  giftsInFlight,
  guardsIn,
  newKey,
  startScene,
  wallet,
} from './support/gift-fixtures';
import { StreamsService } from '../src/streams/streams.service';
import { TestApp, sleep, startTestApp, userIds } from './support/test-app';

describe('gifts and the coin economy', () => {
  let t: TestApp;
  let db: Connection;
  let rose: { id: string; priceCoins: number; diamondValue: number };
  let crown: { id: string; priceCoins: number; diamondValue: number };

  beforeAll(async () => {
    t = await startTestApp({ GIFT_COMBO_WINDOW_MS: '60000', GIFT_RATE_POINTS: '1000' });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
    rose = await giftByKey(t, 'rose');
    crown = await giftByKey(t, 'crown');
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const send = (liveId: string, token: string, body: Record<string, unknown>) =>
    t
      .http()
      .post(`/api/live/${liveId}/gifts`)
      .set(auth(token))
      .send({ count: 1, idempotencyKey: newKey(), ...body });

  describe('catalog', () => {
    it('serves the seeded catalog publicly, active gifts in panel order', async () => {
      const res = await t.http().get('/api/live/gifts/all');
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(8);
      const orders = res.body.items.map((g: { sortOrder: number }) => g.sortOrder);
      expect(orders).toEqual([...orders].sort((a, b) => a - b));
      expect(res.body.categories.slice(0, 3)).toEqual(['classic', 'premium', 'luxury']);
      expect(res.body.items.find((g: { key: string }) => g.key === 'crown')).toMatchObject({
        priceCoins: 299,
        diamondValue: 299,
        animation: { type: 'svga', url: expect.stringContaining('.svga') },
        active: true,
      });
    });

    it('seeds the default catalog once even when asked again', async () => {
      const { seedGiftCatalog } = await import('../src/gifts/gift-catalog.service');
      const { Gift, GiftSchema } = await import('../src/gifts/schemas/gift.schema');
      const model = db.model(Gift.name, GiftSchema);
      const before = await model.countDocuments();
      const created = await Promise.all([seedGiftCatalog(model), seedGiftCatalog(model)]);
      expect(created).toEqual([0, 0]);
      expect(await model.countDocuments()).toBe(before);
    });

    it('lets an admin create, update and deactivate a gift, and nobody else', async () => {
      const admin = await adminToken(t);
      const body = {
        name: 'Comet',
        priceCoins: 50,
        diamondValue: 40,
        category: 'space',
        sortOrder: 500,
        animation: { type: 'lottie', url: 'https://cdn.example.com/comet.json' },
      };
      expect(
        (
          await t
            .http()
            .post('/api/gifts')
            .set(auth(t.token('not-admin')))
            .send(body)
        ).body.code,
      ).toBe('ADMIN_ONLY');
      const created = await t.http().post('/api/gifts').set(auth(admin)).send(body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Comet', key: expect.stringMatching(/^comet-/), active: true });
      const updated = await t.http().patch(`/api/gifts/${created.body.id}`).set(auth(admin)).send({ priceCoins: 60 });
      expect(updated.body).toMatchObject({ priceCoins: 60, name: 'Comet', category: 'space', sortOrder: 500 });
      const off = await t.http().post(`/api/gifts/${created.body.id}/deactivate`).set(auth(admin)).send();
      expect(off.body.active).toBe(false);
      const panel = await t.http().get('/api/live/gifts/all');
      expect(panel.body.items.map((g: { id: string }) => g.id)).not.toContain(created.body.id);
      const dup = await t
        .http()
        .post('/api/gifts')
        .set(auth(admin))
        .send({ ...body, key: 'rose' });
      expect([dup.status, dup.body.code]).toEqual([409, 'GIFT_KEY_TAKEN']);
      const renamed = await t.http().patch(`/api/gifts/${created.body.id}`).set(auth(admin)).send({ key: 'rose' });
      expect([renamed.status, renamed.body.code]).toEqual([409, 'GIFT_KEY_TAKEN']);
      const empty = await t.http().patch(`/api/gifts/${created.body.id}`).set(auth(admin)).send({});
      expect([empty.status, empty.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });
  });

  describe('wallet', () => {
    it('shows an empty wallet to a new user', async () => {
      const [user] = userIds('fresh', 1);
      expect(await wallet(t, user)).toEqual({ userId: user, coins: 0, diamonds: 0, recentEntries: [] });
    });

    it('credits a purchase once, however many times and at once it is posted', async () => {
      const [user] = userIds('buyer', 1);
      const admin = await adminToken(t);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          t
            .http()
            .post('/api/wallet/credit')
            .set(auth(admin))
            .send({ userId: user, coins: 600, purchaseRef: 'order-77' }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      const mine = await wallet(t, user);
      expect(mine.coins).toBe(600);
      expect(mine.recentEntries).toEqual([
        expect.objectContaining({
          currency: 'coins',
          amount: 600,
          balanceAfter: 600,
          reason: 'purchase',
          reference: 'purchase:order-77',
        }),
      ]);
    });

    const postCredit = async (userId: string, coins: number, purchaseRef: string) =>
      t
        .http()
        .post('/api/wallet/credit')
        .set(auth(await adminToken(t)))
        .send({ userId, coins, purchaseRef });
    const refsOf = (userId: string) => guardsIn(db, 'wallets', { userId });

    it('keeps no guard on the wallet once purchases are credited: their records keep them idempotent', async () => {
      const [user] = userIds('guards', 1);
      for (let i = 0; i < 5; i++) expect((await postCredit(user, 10, `order-${i}`)).status).toBe(200);
      expect(await refsOf(user)).toEqual([]);
      expect((await postCredit(user, 10, 'order-3')).status).toBe(200);
      expect((await wallet(t, user)).coins).toBe(50);
    });

    it('refuses a purchaseRef credited again with another amount (409 IDEMPOTENCY_KEY_REUSED)', async () => {
      const [user] = userIds('reuse', 1);
      expect((await postCredit(user, 10, 'order-1')).status).toBe(200);
      const again = await postCredit(user, 99, 'order-1');
      expect([again.status, again.body.code, again.body.details]).toEqual([
        409,
        'IDEMPOTENCY_KEY_REUSED',
        { purchaseRef: 'order-1', coins: 10 },
      ]);
      expect((await wallet(t, user)).coins).toBe(10);
    });

    it('finishes a purchase whose crediting request died, on a retry, once', async () => {
      const [recorded, applied] = userIds('died', 2);
      const expired = new Date(Date.now() - 1000);
      // Died right after recording the purchase: nothing moved yet.
      await db.collection('purchases').insertOne({
        userId: recorded,
        purchaseRef: 'order-1',
        coins: 70,
        state: 'pending',
        leaseUntil: expired,
        cleaned: false,
      });
      // Died right after the wallet moved, before the purchase was marked applied.
      await db.collection('purchases').insertOne({
        userId: applied,
        purchaseRef: 'order-1',
        coins: 70,
        state: 'pending',
        leaseUntil: expired,
        cleaned: false,
      });
      await db
        .collection('wallets')
        .insertOne({ userId: applied, coins: 70, diamonds: 0, guards: { 'purchase:order-1': 1 } });

      const answers = await Promise.all([
        ...Array.from({ length: 5 }, () => postCredit(recorded, 70, 'order-1')),
        ...Array.from({ length: 5 }, () => postCredit(applied, 70, 'order-1')),
      ]);
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      for (const user of [recorded, applied]) {
        expect((await wallet(t, user)).coins).toBe(70);
        expect(await refsOf(user)).toEqual([]);
        expect(await db.collection('purchases').findOne({ userId: user })).toMatchObject({
          state: 'applied',
          cleaned: true,
        });
      }
    });

    it('refuses a credit from a non-admin', async () => {
      const res = await t
        .http()
        .post('/api/wallet/credit')
        .set(auth(t.token('sneaky')))
        .send({ userId: 'sneaky', coins: 10, purchaseRef: 'x-1' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ADMIN_ONLY');
    });
  });

  describe('sending', () => {
    it('moves coins to diamonds, updates the live, ranks the sender and tells the room', async () => {
      const scene = await startScene(t, userIds('send', 2), 1000);
      const watcher = await t.connect(scene.hostToken);
      await watcher.request('live:join', { liveStreamId: scene.liveId });

      const res = await send(scene.liveId, scene.senderToken, { giftId: crown.id, count: 1 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'settled',
        receiverId: scene.hostId,
        coins: 299,
        diamonds: 299,
        liveDiamonds: 299,
        liveGiftCount: 1,
        senderCoins: 701,
        senderRank: 1,
        rankChanged: true,
        combo: { comboId: expect.any(String), comboCount: 1 },
      });
      const event = await watcher.waitFor('live:gift', (e) => e.id === res.body.id);
      const chatLine = await watcher.waitFor(
        'live:message',
        (m) => m.type === 'gift' && m.sender.userId === scene.senderId,
      );
      expect(chatLine.text).toContain('Crown');
      const metrics = await t.http().get('/metrics');
      expect(Number(/live_gift_settlement_lag_seconds_count (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThan(0);
      expect(event).toMatchObject({
        liveStreamId: scene.liveId,
        giftName: 'Crown',
        animation: { type: 'svga' },
        sender: { userId: scene.senderId },
        receiverId: scene.hostId,
        count: 1,
        liveDiamonds: 299,
        senderRank: 1,
      });

      const again = await send(scene.liveId, scene.senderToken, { giftId: crown.id, count: 1 });
      expect(again.body.combo).toEqual({ comboId: res.body.combo.comboId, comboCount: 2 });
      expect(again.body.rankChanged).toBe(false);
      expect((await watcher.waitFor('live:gift', (e) => e.id === again.body.id)).senderRank).toBeNull();

      expect((await wallet(t, scene.senderId)).coins).toBe(1000 - 2 * 299);
      expect((await wallet(t, scene.hostId)).diamonds).toBe(2 * 299);
      const live = await t.http().get(`/api/live/${scene.liveId}`);
      expect(live.body.stats).toMatchObject({ diamonds: 598, giftCount: 2 });
      const stats = await t.http().get(`/api/live/${scene.liveId}/stats`).set(auth(scene.hostToken));
      expect(stats.body).toMatchObject({ diamonds: 598, gifts: 2 });
    });

    it('ranks a sender exactly among many gifters, ties sharing a rank', async () => {
      // 21 gifters with 10 diamonds and one with 1 (a rose is worth 1); then the last one climbs.
      const scene = await startScene(t, userIds('ranks', 2), 0);
      const gifters = userIds('ranked', 22);
      const tokens = gifters.map((id) => t.token(id));
      await Promise.all(
        gifters.map(async (id, i) => {
          await t.http().post(`/api/live/${scene.liveId}/join`).set(auth(tokens[i])).send({}).expect(200);
          await credit(t, id, 100);
        }),
      );
      for (let i = 0; i < gifters.length; i++) {
        const res = await send(scene.liveId, tokens[i], { giftId: rose.id, count: gifters.length - i === 1 ? 1 : 10 });
        expect(res.status).toBe(201);
      }
      const rankOf = async (i: number, count: number) => {
        const res = await send(scene.liveId, tokens[i], { giftId: rose.id, count });
        expect(res.status).toBe(201);
        return res.body.senderRank as number;
      };
      expect(await rankOf(21, 1)).toBe(22); // 21 others above 2
      expect(await rankOf(21, 10)).toBe(1); // 12
      expect(await rankOf(0, 1)).toBe(2); // 11
      const top = await t.http().get(`/api/live/${scene.liveId}/gifts/top?limit=2`).set(auth(scene.hostToken));
      expect(top.body.items.map((g: { userId: string; diamonds: number }) => [g.userId, g.diamonds])).toEqual([
        [gifters[21], 12],
        [gifters[0], 11],
      ]);
    });

    it('lists top gifters, recent gifts, the host ranking and the join snapshot', async () => {
      const [host, a, b] = userIds('board', 3);
      const scene = await startScene(t, [host, a], 100);
      await t
        .http()
        .post(`/api/live/${scene.liveId}/join`)
        .set(auth(t.token(b)))
        .send({})
        .expect(200);
      await credit(t, b, 100);
      const rose1 = async (token: string, count: number) =>
        expect((await send(scene.liveId, token, { giftId: rose.id, count })).status).toBe(201);
      await rose1(t.token(a), 10);
      await rose1(t.token(b), 66);
      await rose1(t.token(a), 1);

      const top = await t.http().get(`/api/live/${scene.liveId}/gifts/top?limit=1`).set(auth(scene.hostToken));
      expect(top.body.items).toEqual([expect.objectContaining({ rank: 1, userId: b, diamonds: 66, giftCount: 66 })]);
      const next = await t
        .http()
        .get(`/api/live/${scene.liveId}/gifts/top?limit=1&cursor=${top.body.nextCursor}`)
        .set(auth(scene.hostToken));
      expect(next.body).toEqual({
        items: [expect.objectContaining({ rank: 2, userId: a, diamonds: 11 })],
        nextCursor: null,
      });

      const recent = await t.http().get(`/api/live/${scene.liveId}/gifts/recent?limit=2`).set(auth(scene.hostToken));
      expect(
        recent.body.items.map((g: { sender: { userId: string }; count: number }) => [g.sender.userId, g.count]),
      ).toEqual([
        [a, 1],
        [b, 66],
      ]);
      expect(recent.body.nextCursor).toEqual(expect.any(String));

      for (const period of ['day', 'week']) {
        const ranking = await t
          .http()
          .get(`/api/users/${host}/gifters?period=${period}`)
          .set(auth(t.token(a)));
        expect(ranking.body.items.map((r: { userId: string; diamonds: number }) => [r.userId, r.diamonds])).toEqual([
          [b, 66],
          [a, 11],
        ]);
      }

      const socket = await t.connect(t.token(a));
      const snapshot = await socket.request('live:join', { liveStreamId: scene.liveId });
      expect(snapshot.data.topGifters.map((g: { userId: string }) => g.userId)).toEqual([b, a]);
    });

    it('sends over the socket with the same result shape', async () => {
      const scene = await startScene(t, userIds('sock', 2), 10);
      const socket = await t.connect(scene.senderToken);
      const ack = await socket.request('live:gift:send', {
        liveStreamId: scene.liveId,
        giftId: rose.id,
        count: 10,
        idempotencyKey: newKey(),
      });
      expect(ack).toMatchObject({ ok: true, data: { state: 'settled', count: 10, senderCoins: 0, liveDiamonds: 10 } });
      const broke = await socket.request('live:gift:send', {
        liveStreamId: scene.liveId,
        giftId: rose.id,
        count: 1,
        idempotencyKey: newKey(),
      });
      expect(broke).toMatchObject({ ok: false, error: { code: 'INSUFFICIENT_BALANCE', statusCode: 402 } });
      const badCount = await socket.request('live:gift:send', {
        liveStreamId: scene.liveId,
        giftId: rose.id,
        count: 3,
        idempotencyKey: newKey(),
      });
      expect(badCount).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    });

    it('gives a co-host their gift', async () => {
      const [host, sender, cohost] = userIds('cohost', 3);
      const scene = await startScene(t, [host, sender], 5);
      await t
        .http()
        .post(`/api/live/${scene.liveId}/cohosts`)
        .set(auth(scene.hostToken))
        .send({ targetUserId: cohost })
        .expect(200);
      const res = await send(scene.liveId, scene.senderToken, { giftId: rose.id, receiverId: cohost });
      expect(res.status).toBe(201);
      expect(res.body.receiverId).toBe(cohost);
      expect((await wallet(t, cohost)).diamonds).toBe(1);
      expect((await wallet(t, host)).diamonds).toBe(0);
    });
  });

  describe('gifts to speakers', () => {
    it('gives a seated speaker of a party live their gift, and refuses them once they leave the seat', async () => {
      const [host, sender, speaker] = userIds('speaker', 3);
      const scene = await startScene(t, [host, sender], 5, 'party');
      const speakerToken = t.token(speaker);
      await t.http().post(`/api/live/${scene.liveId}/join`).set(auth(speakerToken)).send({}).expect(200);
      await t.http().post(`/api/live/${scene.liveId}/seats/2/join`).set(auth(speakerToken)).send({}).expect(201);
      const res = await send(scene.liveId, scene.senderToken, { giftId: rose.id, receiverId: speaker });
      expect(res.status).toBe(201);
      expect((await wallet(t, speaker)).diamonds).toBe(rose.diamondValue);
      await t.http().post(`/api/live/${scene.liveId}/seats/2/leave`).set(auth(speakerToken)).send({}).expect(200);
      const refused = await send(scene.liveId, scene.senderToken, { giftId: rose.id, receiverId: speaker });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('INVALID_RECEIVER');
    });
  });

  describe('exactly once under concurrency', () => {
    it('settles exactly 60 of 100 gifts sent at once with coins for 60, the rest get 402', async () => {
      const scene = await startScene(t, userIds('race', 2), 60);
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => send(scene.liveId, scene.senderToken, { giftId: rose.id })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(60);
      expect(statuses.filter((s) => s === 402)).toHaveLength(40);
      expect(answers.filter((a) => a.status === 402).every((a) => a.body.code === 'INSUFFICIENT_BALANCE')).toBe(true);

      expect((await wallet(t, scene.senderId)).coins).toBe(0);
      expect((await wallet(t, scene.hostId)).diamonds).toBe(60);
      const live = await t.http().get(`/api/live/${scene.liveId}`);
      expect(live.body.stats).toMatchObject({ diamonds: 60, giftCount: 60 });
      const top = await t.http().get(`/api/live/${scene.liveId}/gifts/top`).set(auth(scene.hostToken));
      expect(top.body.items).toEqual([
        expect.objectContaining({ userId: scene.senderId, diamonds: 60, coins: 60, giftCount: 60 }),
      ]);
      const entries = await db
        .collection('ledger_entries')
        .countDocuments({ userId: scene.senderId, reason: 'gift_sent' });
      expect(entries).toBe(60);
    });

    it('answers the same key sent 10 times at once with one gift and one debit', async () => {
      const scene = await startScene(t, userIds('retry', 2), 1000);
      const idempotencyKey = newKey();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => send(scene.liveId, scene.senderToken, { giftId: crown.id, idempotencyKey })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
      answers.forEach((a) => expect(a.body).toEqual(answers[0].body));
      expect((await wallet(t, scene.senderId)).coins).toBe(1000 - 299);
      expect((await wallet(t, scene.hostId)).diamonds).toBe(299);
      expect(await db.collection('gifts_sent').countDocuments({ senderId: scene.senderId })).toBe(1);

      const later = await send(scene.liveId, scene.senderToken, { giftId: crown.id, idempotencyKey });
      expect(later.body).toEqual(answers[0].body);
      const reused = await send(scene.liveId, scene.senderToken, { giftId: rose.id, idempotencyKey });
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('refusals', () => {
    it('refuses an ended live with 409 LIVE_ENDED', async () => {
      const scene = await startScene(t, userIds('ended', 2), 10);
      await t.http().post(`/api/live/${scene.liveId}/end`).set(auth(scene.hostToken)).expect(200);
      const res = await send(scene.liveId, scene.senderToken, { giftId: rose.id });
      expect([res.status, res.body.code]).toEqual([409, 'LIVE_ENDED']);
    });

    it('refuses a removed sender with 403 REMOVED_FROM_LIVE', async () => {
      const scene = await startScene(t, userIds('kicked', 2), 10);
      await t
        .http()
        .post(`/api/live/${scene.liveId}/kick`)
        .set(auth(scene.hostToken))
        .send({ targetUserId: scene.senderId })
        .expect(200);
      const res = await send(scene.liveId, scene.senderToken, { giftId: rose.id });
      expect([res.status, res.body.code]).toEqual([403, 'REMOVED_FROM_LIVE']);
    });

    // The check passed, then an end or a kick landed before the live's acceptance, which comes after
    // the debit: the live refuses the paid gift and the coins go back.
    for (const [race, code, status] of [
      ['end', 'LIVE_ENDED', 409],
      ['kick', 'REMOVED_FROM_LIVE', 403],
    ] as const) {
      it(`refunds a gift whose live refused it after the debit (${race} in between): ${status} ${code}`, async () => {
        const scene = await startScene(t, userIds(`refund-${race}`, 2), 10);
        const streams = t.app.get(StreamsService);
        const accept = streams.acceptGift.bind(streams);
        const raced = jest.spyOn(streams, 'acceptGift').mockImplementationOnce(async (...args) => {
          expect((await wallet(t, scene.senderId)).coins).toBe(9); // debited already
          const removal =
            race === 'end'
              ? t.http().post(`/api/live/${scene.liveId}/end`).set(auth(scene.hostToken))
              : t
                  .http()
                  .post(`/api/live/${scene.liveId}/kick`)
                  .set(auth(scene.hostToken))
                  .send({ targetUserId: scene.senderId });
          expect((await removal).status).toBe(200);
          return accept(...args);
        });
        const idempotencyKey = newKey();
        const res = await send(scene.liveId, scene.senderToken, { giftId: rose.id, idempotencyKey });
        raced.mockRestore();
        expect([res.status, res.body.code]).toEqual([status, code]);

        expect((await wallet(t, scene.senderId)).coins).toBe(10);
        expect((await wallet(t, scene.hostId)).diamonds).toBe(0);
        expect((await t.http().get(`/api/live/${scene.liveId}`)).body.stats).toMatchObject({
          diamonds: 0,
          giftCount: 0,
        });
        const gift = await db.collection('gifts_sent').findOne({ senderId: scene.senderId });
        expect(gift).toMatchObject({ state: 'failed', failure: code });
        const entries = await db
          .collection('ledger_entries')
          .find({ userId: scene.senderId, reference: { $regex: '^gift:' } })
          .sort({ _id: 1 })
          .toArray();
        expect(entries.map((e) => [e.reason, e.amount])).toEqual([
          ['gift_sent', -1],
          ['gift_refunded', 1],
        ]);
        // A retry answers the same refusal and moves nothing more.
        const retry = await send(scene.liveId, scene.senderToken, { giftId: rose.id, idempotencyKey });
        expect([retry.status, retry.body.code]).toEqual([status, code]);
        expect((await wallet(t, scene.senderId)).coins).toBe(10);
        // The debit's and the refund's guards go with the wallet's next movement here.
        const senderGuards = () => guardsIn(db, 'wallets', { userId: scene.senderId });
        expect((await senderGuards()).sort()).toEqual([`gift:${gift!._id}`, `gift:${gift!._id}:refund`]);
        await credit(t, scene.senderId, 1);
        expect(await senderGuards()).toEqual([]);
      });
    }

    it('refuses a sender who is not in the live with 403 NOT_IN_LIVE', async () => {
      const [host, sender, outsider] = userIds('absent', 3);
      const scene = await startScene(t, [host, sender], 0);
      await credit(t, outsider, 10);
      const res = await send(scene.liveId, t.token(outsider), { giftId: rose.id });
      expect([res.status, res.body.code]).toEqual([403, 'NOT_IN_LIVE']);
      await t.http().post(`/api/live/${scene.liveId}/leave`).set(auth(scene.senderToken)).expect(200);
      await credit(t, sender, 10);
      const left = await send(scene.liveId, scene.senderToken, { giftId: rose.id });
      expect(left.body.code).toBe('NOT_IN_LIVE');
    });

    it('refuses a receiver who is neither host, co-host nor speaker with 400 INVALID_RECEIVER', async () => {
      const [host, sender, viewer] = userIds('recv', 3);
      const scene = await startScene(t, [host, sender], 10);
      await t
        .http()
        .post(`/api/live/${scene.liveId}/join`)
        .set(auth(t.token(viewer)))
        .send({})
        .expect(200);
      const res = await send(scene.liveId, scene.senderToken, { giftId: rose.id, receiverId: viewer });
      expect([res.status, res.body.code]).toEqual([400, 'INVALID_RECEIVER']);
    });

    it('refuses a gift to oneself with 400', async () => {
      const scene = await startScene(t, userIds('self', 2), 0);
      await credit(t, scene.hostId, 10);
      const res = await send(scene.liveId, scene.hostToken, { giftId: rose.id });
      expect([res.status, res.body.code]).toEqual([400, 'CANNOT_TARGET_SELF']);
    });

    it('refuses an inactive gift with 409 GIFT_INACTIVE and an unknown one with 404', async () => {
      const scene = await startScene(t, userIds('inactive', 2), 100);
      const admin = await adminToken(t);
      const gift = await t
        .http()
        .post('/api/gifts')
        .set(auth(admin))
        .send({ name: 'Retired', priceCoins: 1, diamondValue: 1, category: 'old' });
      await t.http().post(`/api/gifts/${gift.body.id}/deactivate`).set(auth(admin)).expect(200);
      const res = await send(scene.liveId, scene.senderToken, { giftId: gift.body.id });
      expect([res.status, res.body.code]).toEqual([409, 'GIFT_INACTIVE']);
      const unknown = await send(scene.liveId, scene.senderToken, { giftId: '665f1c2e8a1b2c3d4e5f6a7b' });
      expect([unknown.status, unknown.body.code]).toEqual([404, 'GIFT_NOT_FOUND']);
    });

    it('refuses too few coins with 402 INSUFFICIENT_BALANCE and moves nothing', async () => {
      const scene = await startScene(t, userIds('poor', 2), 298);
      const res = await send(scene.liveId, scene.senderToken, { giftId: crown.id });
      expect([res.status, res.body.code]).toEqual([402, 'INSUFFICIENT_BALANCE']);
      expect((await wallet(t, scene.senderId)).coins).toBe(298);
      expect((await wallet(t, scene.hostId)).diamonds).toBe(0);
    });

    it('refuses counts outside the allowed set and unknown fields with 400', async () => {
      const scene = await startScene(t, userIds('count', 2), 100);
      for (const body of [
        { giftId: rose.id, count: 7 },
        { giftId: rose.id, count: 0 },
        { giftId: rose.id, senderId: 'x' },
      ]) {
        const res = await send(scene.liveId, scene.senderToken, body);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
    });
  });

  describe('the books', () => {
    it('balance after everything above (npm run ledger:check)', async () => {
      const report = await checkLedger(db);
      expect(report.problems).toEqual([]);
      expect(report.totals.coinsDebited).toBe(report.totals.coinsSettled);
      expect(report.totals.coinsSettled).toBeGreaterThan(0);
    });
  });
});

describe('gift rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ GIFT_RATE_POINTS: '3', GIFT_RATE_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  it('answers 429 RATE_LIMITED past the limit, while retries of a sent key stay free', async () => {
    const rose = await giftByKey(t, 'rose');
    const scene = await startScene(t, userIds('limit', 2), 100);
    const keys = [newKey(), newKey(), newKey(), newKey()];
    const send = (key: string) =>
      t
        .http()
        .post(`/api/live/${scene.liveId}/gifts`)
        .set(auth(scene.senderToken))
        .send({ giftId: rose.id, count: 1, idempotencyKey: key });
    const statuses = [];
    for (const key of keys) statuses.push((await send(key)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const retry = await send(keys[0]);
    expect(retry.status).toBe(201);
    const limited = await send(newKey());
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
    expect((await wallet(t, scene.senderId)).coins).toBe(100 - 3 * rose.priceCoins);
  });

  it('gives a retry under the limit its point back: the limit counts distinct gifts', async () => {
    const rose = await giftByKey(t, 'rose');
    const scene = await startScene(t, userIds('limit-retry', 2), 100);
    const send = (key: string) =>
      t
        .http()
        .post(`/api/live/${scene.liveId}/gifts`)
        .set(auth(scene.senderToken))
        .send({ giftId: rose.id, count: 1, idempotencyKey: key });
    const first = newKey();
    const statuses = [(await send(first)).status];
    // Three retries of the first gift, at once and one by one: none may use up a point.
    statuses.push(...(await Promise.all([send(first), send(first)])).map((r) => r.status));
    statuses.push((await send(first)).status);
    for (const key of [newKey(), newKey(), newKey()]) statuses.push((await send(key)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429]);
    expect((await wallet(t, scene.senderId)).coins).toBe(100 - 3 * rose.priceCoins);
  });
});

describe('guards a finished gift left behind', () => {
  let t: TestApp;
  let db: Connection;
  beforeAll(async () => {
    // Short leases; the sweep runs only when the test says.
    t = await startTestApp({ GIFT_LEASE_MS: '300', GIFT_SWEEP_INTERVAL_MS: '600000' });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const guardsOf = async (liveId: string, senderId: string, hostId: string) => {
    const live = new mongoose.Types.ObjectId(liveId);
    return {
      live: await guardsIn(db, 'live_streams', { _id: live }),
      sender: await guardsIn(db, 'wallets', { userId: senderId }),
      host: await guardsIn(db, 'wallets', { userId: hostId }),
      entry: await guardsIn(db, 'gift_senders', { liveId: live, senderId }),
    };
  };
  const sendRose = async (scene: { liveId: string; senderToken: string }) => {
    const rose = await giftByKey(t, 'rose');
    const res = await t
      .http()
      .post(`/api/live/${scene.liveId}/gifts`)
      .set(auth(scene.senderToken))
      .send({ giftId: rose.id, count: 1, idempotencyKey: newKey() });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it("go with the next gift's writes to the same documents, at no command of their own", async () => {
    const scene = await startScene(t, userIds('piggyback', 2), 10);
    const first = await sendRose(scene);
    const ref = (id: string) => `gift:${id}`;
    expect(await guardsOf(scene.liveId, scene.senderId, scene.hostId)).toEqual({
      live: [first],
      sender: [ref(first)],
      host: [ref(first)],
      entry: [first],
    });
    // The second gift's debit, acceptance, credit and leaderboard update each drop the first's guard.
    const second = await sendRose(scene);
    expect(await guardsOf(scene.liveId, scene.senderId, scene.hostId)).toEqual({
      live: [second],
      sender: [ref(second)],
      host: [ref(second)],
      entry: [second],
    });
    const report = await checkLedger(db);
    expect(report.problems).toEqual([]);
    expect(report.totals.guardsAwaitingRemoval).toBeGreaterThanOrEqual(4);
  });

  it('of a gift no write follows are removed by the recovery sweep once the lease is over', async () => {
    const scene = await startScene(t, userIds('leftover', 2), 10);
    const giftId = await sendRose(scene);
    const ref = `gift:${giftId}`;
    expect(await guardsOf(scene.liveId, scene.senderId, scene.hostId)).toEqual({
      live: [giftId],
      sender: [ref],
      host: [ref],
      entry: [giftId],
    });
    const settlement = t.app.get(GiftSettlementService);
    await settlement.recoverAbandoned(); // the settler's lease still runs: kept
    expect((await guardsOf(scene.liveId, scene.senderId, scene.hostId)).live).toEqual([giftId]);

    await sleep(400); // the settler's lease is over
    expect(await settlement.recoverAbandoned()).toBeGreaterThanOrEqual(1);
    expect(await guardsOf(scene.liveId, scene.senderId, scene.hostId)).toEqual({
      live: [],
      sender: [],
      host: [],
      entry: [],
    });
    expect(await giftsInFlight(db)).toBe(0);
    expect((await checkLedger(db)).problems).toEqual([]);
  });

  it('are removed by a stopping instance in one batch per collection', async () => {
    const scene = await startScene(t, userIds('shutdown', 2), 10);
    await sendRose(scene);
    await t.app.get(GiftSettlementService).beforeApplicationShutdown();
    expect(await guardsOf(scene.liveId, scene.senderId, scene.hostId)).toEqual({
      live: [],
      sender: [],
      host: [],
      entry: [],
    });
  });
});
