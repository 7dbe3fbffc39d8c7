import mongoose, { Connection } from 'mongoose';
import { checkLedger } from '../src/cli/ledger-check';
import { connectLives, post, senders, Side, startBattle, twoLives } from './support/battle-fixtures';
import { auth, giftByKey, giftsInFlight, newKey } from './support/gift-fixtures';
import { roomEvents } from './support/room-events';
import { eventually, sleep, startTestApp, TestApp, userIds } from './support/test-app';

/** Long enough that the checks made right after the end still fall within it on a busy machine. */
const PUNISHMENT_MS = 4000;

type Gift = { id: string; priceCoins: number; diamondValue: number };

describe('PK battles', () => {
  let t: TestApp;
  let db: Connection;
  let rose: Gift;
  let crown: Gift;

  beforeAll(async () => {
    t = await startTestApp({
      BATTLE_DURATION_MIN_MS: '300',
      BATTLE_SWEEP_INTERVAL_MS: '100',
      BATTLE_SETTLE_WAIT_MS: '3000',
      GIFT_RATE_POINTS: '100000',
    });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
    [rose, crown] = await Promise.all([giftByKey(t, 'rose'), giftByKey(t, 'crown')]);
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const send = (liveId: string, userId: string, gift: Gift, count = 1, idempotencyKey = newKey()) =>
    post(t, `/api/live/${liveId}/gifts`, t.token(userId), { giftId: gift.id, count, idempotencyKey });
  const endBattle = (side: Side, battleId: string, token = side.hostToken) =>
    post(t, `/api/live/${side.liveId}/battles/${battleId}/end`, token);
  const ended = (side: Side, battleId: string) =>
    side.room.waitFor('live:battle:ended', (p) => p.battle.id === battleId, 15_000);
  /** Diamonds of the live's gifts recorded in the battle's window that settled: what its score must be. */
  async function settledInWindow(liveId: string, battle: { startedAt: string; endsAt: string }): Promise<number> {
    const gifts = await db
      .collection('gifts_sent')
      .find({
        liveId: new mongoose.Types.ObjectId(liveId),
        state: 'settled',
        createdAt: { $gte: new Date(battle.startedAt), $lt: new Date(battle.endsAt) },
      })
      .toArray();
    return gifts.reduce((sum, g) => sum + g.diamonds, 0);
  }

  it('starts a battle on the server clock between connected lives; both rooms and snapshots show it', async () => {
    const [a, b] = await twoLives(t);
    const connection = await connectLives(t, a, b);
    const battle = await startBattle(t, a, 60_000);
    expect(battle).toMatchObject({
      status: 'running',
      connectionId: connection.id,
      startedBy: a.hostId,
      durationMs: 60_000,
      punishmentMs: 0,
      sides: [
        { liveId: a.liveId, hostId: a.hostId, score: 0, topGifters: [] },
        { liveId: b.liveId, hostId: b.hostId, score: 0, topGifters: [] },
      ],
      winnerLiveId: null,
      draw: null,
    });
    expect(Date.parse(battle.endsAt) - Date.parse(battle.startedAt)).toBe(60_000);
    for (const side of [a, b]) {
      const started = await side.room.waitFor('live:battle:started', (p) => p.battle.id === battle.id);
      expect(started).toMatchObject({ liveStreamId: side.liveId, battle, seq: expect.any(Number) });
      const joiner = await t.connect(t.token(userIds('joiner', 1)[0]));
      const joined = await joiner.request('live:join', { liveStreamId: side.liveId });
      expect(joined.data.battle).toMatchObject({ id: battle.id, status: 'running' });
      expect(joined.data.connection.battleId).toBe(battle.id);
    }
    const current = await t.http().get(`/api/live/${b.liveId}/battles/current`).set(auth(b.hostToken));
    expect(current.body.id).toBe(battle.id);
    const again = await post(t, `/api/live/${b.liveId}/battles`, b.hostToken, { durationMs: 1000 });
    expect([again.status, again.body.code, again.body.details.phase]).toEqual([409, 'BATTLE_IN_PROGRESS', 'running']);

    // The host of B ends it over the socket: B forfeits, A wins.
    const hostB = await t.connect(b.hostToken);
    const busy = await hostB.request('live:battle:action', {
      liveStreamId: b.liveId,
      action: 'start',
      durationMs: 1000,
    });
    expect(busy.error).toMatchObject({ code: 'BATTLE_IN_PROGRESS', details: { battleId: battle.id } });
    const ack = await hostB.request('live:battle:action', {
      liveStreamId: b.liveId,
      action: 'end',
      battleId: battle.id,
    });
    expect(ack.data).toMatchObject({
      status: 'ended',
      endReason: 'forfeit',
      forfeitedLiveId: b.liveId,
      winnerLiveId: a.liveId,
    });
    expect((await ended(a, battle.id)).battle).toEqual(ack.data);
    expect((await endBattle(a, battle.id)).body).toEqual(ack.data); // idempotent
  });

  it('starts a battle over the socket, with the same answer as REST', async () => {
    const [a, b] = await twoLives(t);
    await connectLives(t, a, b);
    const hostA = await t.connect(a.hostToken);
    const started = await hostA.request('live:battle:action', {
      liveStreamId: a.liveId,
      action: 'start',
      durationMs: 60_000,
      punishmentMs: 0,
    });
    expect(started.data).toMatchObject({ status: 'running', startedBy: a.hostId, durationMs: 60_000 });
    await b.room.waitFor('live:battle:started', (p) => p.battle.id === started.data.id);
    await endBattle(a, started.data.id).expect(200);
  });

  it('starts one battle when both hosts start at the same instant', async () => {
    const [a, b] = await twoLives(t);
    await connectLives(t, a, b);
    const answers = await Promise.all(
      [a, b].map((side) => post(t, `/api/live/${side.liveId}/battles`, side.hostToken, { durationMs: 60_000 })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const started = answers.find((r) => r.status === 201)!.body;
    expect(answers.find((r) => r.status === 409)!.body.details).toMatchObject({
      battleId: started.id,
      phase: 'running',
    });
    const side = started.sides[0].liveId === a.liveId ? a : b;
    await endBattle(side, started.id).expect(200);
  });

  it('refuses with a stable code: not connected, not the host, out of bounds, ended live, no battle', async () => {
    const [a, b] = await twoLives(t);
    const code = async (res: Promise<any>) => [(await res).status, (await res).body.code];
    expect(await code(post(t, `/api/live/${a.liveId}/battles`, a.hostToken, { durationMs: 1000 }))).toEqual([
      409,
      'NOT_CONNECTED',
    ]);
    await connectLives(t, a, b);
    const viewer = t.token(userIds('nobody', 1)[0]);
    expect(await code(post(t, `/api/live/${a.liveId}/battles`, viewer, { durationMs: 1000 }))).toEqual([
      403,
      'NOT_HOST',
    ]);
    for (const body of [
      { durationMs: 100 },
      { durationMs: 700_000 },
      { durationMs: 1000, punishmentMs: 400_000 },
      { durationMs: 'x' },
      {},
    ]) {
      expect(await code(post(t, `/api/live/${a.liveId}/battles`, a.hostToken, body))).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    expect(await code(t.http().get(`/api/live/${a.liveId}/battles/current`).set(auth(viewer)))).toEqual([
      404,
      'BATTLE_NOT_FOUND',
    ]);
    expect(await code(endBattle(a, '665f1c2e8a1b2c3d4e5f6a7b'))).toEqual([404, 'BATTLE_NOT_FOUND']);
    const hostA = await t.connect(a.hostToken);
    const missing = await hostA.request('live:battle:action', { liveStreamId: a.liveId, action: 'start' });
    expect(missing.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('durationMs') });

    const battle = await startBattle(t, a, 60_000);
    expect(await code(endBattle(a, battle.id, viewer))).toEqual([403, 'NOT_HOST']);
    const [c] = await twoLives(t);
    expect(await code(endBattle(c, battle.id))).toEqual([404, 'BATTLE_NOT_FOUND']);
    await post(t, `/api/live/${a.liveId}/end`, a.hostToken).expect(200);
    expect(await code(post(t, `/api/live/${a.liveId}/battles`, a.hostToken, { durationMs: 1000 }))).toEqual([
      409,
      'LIVE_ENDED',
    ]);
  });

  it('scores the gifts sent in either live during the battle, ends on time with winner, scores and top gifters', async () => {
    const [a, b] = await twoLives(t);
    const [third] = await twoLives(t);
    await connectLives(t, a, b);
    const [fanA1, fanA2, kicked] = await senders(t, a.liveId, 3, 10_000, 'fanA');
    const [fanB] = await senders(t, b.liveId, 1, 10_000, 'fanB');
    const [fanC] = await senders(t, third.liveId, 1, 10_000, 'fanC');
    expect((await send(a.liveId, fanA1, crown)).status).toBe(201); // before the battle: does not count
    await post(t, `/api/live/${a.liveId}/kick`, a.hostToken, { targetUserId: kicked }).expect(200);

    const battle = await startBattle(t, a, 4000, PUNISHMENT_MS);
    const answers = await Promise.all([
      send(a.liveId, fanA1, crown),
      send(a.liveId, fanA2, rose, 10),
      send(b.liveId, fanB, crown),
      send(a.liveId, kicked, crown), // removed from A: refused, so it cannot count
      send(third.liveId, fanC, crown), // a live that is not in the battle
    ]);
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 403, 201]);

    const [endA, endB] = await Promise.all([ended(a, battle.id), ended(b, battle.id)]);
    const [current, during] = await Promise.all([
      t.http().get(`/api/live/${a.liveId}/battles/current`).set(auth(a.hostToken)),
      post(t, `/api/live/${a.liveId}/battles`, a.hostToken, { durationMs: 1000 }),
    ]);
    expect(endB.battle).toEqual(endA.battle);
    const result = endA.battle;
    expect(result).toMatchObject({
      status: 'ended',
      endReason: 'time_up',
      winnerLiveId: a.liveId,
      draw: false,
      endsAt: battle.endsAt,
      sides: [
        {
          liveId: a.liveId,
          score: crown.diamondValue + 10 * rose.diamondValue,
          topGifters: [
            { userId: fanA1, diamonds: crown.diamondValue },
            { userId: fanA2, diamonds: 10 * rose.diamondValue },
          ],
        },
        { liveId: b.liveId, score: crown.diamondValue, topGifters: [{ userId: fanB, diamonds: crown.diamondValue }] },
      ],
    });
    for (const side of result.sides) expect(side.score).toBe(await settledInWindow(side.liveId, battle));
    expect(Date.parse(result.punishmentEndsAt) - Date.parse(result.endedAt)).toBe(PUNISHMENT_MS);

    // Score events reached both rooms, each with that room's own seq; the last one shows the final scores.
    for (const side of [a, b]) {
      const scores = roomEvents(side.room, side.liveId).filter((e) => e.event === 'live:battle:score');
      expect(scores.length).toBeGreaterThan(0);
      const last = scores.reduce((x, y) => (y.payload.version > x.payload.version ? y : x)).payload;
      expect(last.scores).toEqual(result.sides.map((s: any) => ({ liveId: s.liveId, score: s.score })));
    }

    // Punishment (asked for at once, while it runs): no battle before it is over; the ended battle is current meanwhile.
    expect(current.body).toMatchObject({ id: battle.id, status: 'ended' });
    expect([during.body.code, during.body.details]).toEqual([
      'BATTLE_IN_PROGRESS',
      { battleId: battle.id, phase: 'punishment', until: result.punishmentEndsAt },
    ]);
    await sleep(Math.max(0, Date.parse(result.punishmentEndsAt) - Date.now()) + 50);
    const next = await startBattle(t, b, 60_000);
    expect(next.sides[0].liveId).toBe(b.liveId);
    await endBattle(b, next.id).expect(200);

    const history = await t.http().get(`/api/live/${a.liveId}/battles?limit=1`).set(auth(a.hostToken));
    expect(history.body.items.map((x: any) => x.id)).toEqual([next.id]);
    const older = await t
      .http()
      .get(`/api/live/${a.liveId}/battles?limit=1&cursor=${history.body.nextCursor}`)
      .set(auth(a.hostToken));
    expect(older.body.items[0]).toEqual(result);
    const rankings = await t.http().get('/api/battles/rankings?period=week').set(auth(a.hostToken));
    // Two wins for A: on time, then by B's forfeit.
    expect(rankings.body.items).toContainEqual(expect.objectContaining({ hostId: a.hostId, wins: 2 }));
    await eventually(async () => (await giftsInFlight(db)) === 0);
    expect((await checkLedger(db)).problems).toEqual([]);
  });

  it('forfeits the battle of a live that ends, and of a host who ends the connection', async () => {
    const [a, b] = await twoLives(t);
    await connectLives(t, a, b);
    const [fan] = await senders(t, a.liveId, 1, 1000);
    const battle = await startBattle(t, a, 60_000);
    await send(a.liveId, fan, crown).expect(201); // A leads, and still loses by leaving
    await post(t, `/api/live/${a.liveId}/end`, a.hostToken).expect(200);
    const lost = (await ended(b, battle.id)).battle;
    expect(lost).toMatchObject({ endReason: 'forfeit', forfeitedLiveId: a.liveId, winnerLiveId: b.liveId });
    expect(lost.sides[0].score).toBe(crown.diamondValue);
    await b.room.waitFor('live:connection:update', (p) => p.connection.endReason === 'live_ended');

    const [c, d] = await twoLives(t);
    const connection = await connectLives(t, c, d);
    const second = await startBattle(t, d, 60_000);
    await post(t, `/api/live/${c.liveId}/connections/${connection.id}/end`, c.hostToken).expect(200);
    expect((await ended(d, second.id)).battle).toMatchObject({ forfeitedLiveId: c.liveId, winnerLiveId: d.liveId });
  });

  it('ends a battle once, with one result, when its timer, a host and the end of a live race', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await twoLives(t, 'live', `race${round}`);
      await connectLives(t, a, b);
      const battle = await startBattle(t, a, 400);
      await sleep(Math.max(0, Date.parse(battle.endsAt) - Date.now() - 40 + round * 20));
      const [byHost, liveEnd] = await Promise.all([
        endBattle(a, battle.id),
        post(t, `/api/live/${b.liveId}/end`, b.hostToken),
      ]);
      expect([byHost.status, liveEnd.status]).toEqual([200, 200]);
      const result = (await ended(a, battle.id)).battle;
      expect(byHost.body).toEqual(result);
      await sleep(300); // any second end would have been announced by now
      expect(roomEvents(a.room, a.liveId).filter((e) => e.event === 'live:battle:ended')).toHaveLength(1);
      const stored = await db.collection('battles').findOne({ _id: new mongoose.Types.ObjectId(battle.id) });
      expect(stored).toMatchObject({ status: 'ended', resultStored: true, announced: true });
      expect(stored!.endReason).toBe(result.endReason);
    }
  });

  describe('database round trips (sweeps quiet)', () => {
    let quiet: TestApp;
    beforeAll(async () => {
      quiet = await startTestApp({
        BATTLE_DURATION_MIN_MS: '300',
        BATTLE_SWEEP_INTERVAL_MS: '600000',
        GIFT_SWEEP_INTERVAL_MS: '600000',
        PRESENCE_TOUCH_INTERVAL_MS: '600000',
        REACTION_REPAIR_AFTER_MS: '600000',
      });
    });
    afterAll(() => quiet.close());

    /** This app's Mongoose operations (one database command each) while `action` runs. */
    /** The action's commands, the reactions it fires without awaiting them included. */
    async function commandsDuring(action: () => Promise<unknown>): Promise<string[]> {
      const flushed = () => new Promise((resolve) => setTimeout(resolve, 300));
      await flushed(); // an earlier action's batch is not this one's
      const seen: string[] = [];
      const database = new URL(quiet.config.mongodbUri!).pathname.slice(1);
      mongoose.set('debug', function (this: { conn?: { name?: string } }, collection: string, method: string) {
        if (this.conn?.name === database) seen.push(`${collection}.${method}`);
      });
      try {
        await action();
        await flushed();
      } finally {
        mongoose.set('debug', false);
      }
      return seen;
    }

    it('adds one command to a gift sent during a battle, and none to a gift without one', async () => {
      const [a, b] = await twoLives(quiet, 'live', 'rt');
      const [c, d] = await twoLives(quiet, 'live', 'rt');
      const [lone] = await twoLives(quiet, 'live', 'rt');
      await connectLives(quiet, a, b);
      await connectLives(quiet, c, d);
      await startBattle(quiet, a, 60_000);
      const fans = await Promise.all(
        [a, c, lone].map(async (side) => (await senders(quiet, side.liveId, 1, 1000, 'rt'))[0]),
      );
      const quietRose = await giftByKey(quiet, 'rose');
      const gift = (side: Side, fan: string) =>
        post(quiet, `/api/live/${side.liveId}/gifts`, quiet.token(fan), {
          giftId: quietRose.id,
          count: 1,
          idempotencyKey: newKey(),
        }).expect(201);
      const [inBattle, connectedOnly, alone] = [
        await commandsDuring(() => gift(a, fans[0])),
        await commandsDuring(() => gift(c, fans[1])),
        await commandsDuring(() => gift(lone, fans[2])),
      ];
      expect(connectedOnly).toEqual(alone);
      expect(inBattle.length).toBe(alone.length + 1);
      expect(inBattle.filter((c) => c.startsWith('battles.'))).toEqual(['battles.findOneAndUpdate']);
    });
  });
});
