import mongoose, { Connection, Types } from 'mongoose';
import type { Response } from 'supertest';
import { SeatStore } from '../src/seats/seat-store';
import { StreamsService } from '../src/streams/streams.service';
import { bearer } from './support/factories';
import { startTestApp, TestApp, userIds } from './support/test-app';

describe('moderation under races', () => {
  let t: TestApp;
  let db: Connection;
  beforeAll(async () => {
    t = await startTestApp({ CHAT_MUTE_MAX_MS: '600000' });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(bearer(token)).send(body);
  /** Sends the request now (supertest sends only once awaited). */
  const fire = (request: PromiseLike<Response>): Promise<Response> => Promise.resolve(request);
  const liveDoc = (liveId: string) => db.collection('live_streams').findOne({ _id: new Types.ObjectId(liveId) });

  /** A live with a host, a named co-host and `viewers` joined viewers. */
  async function liveWithCoHost(prefix: string, body: object, viewers: number) {
    const [hostId, coHostId, ...viewerIds] = userIds(prefix, viewers + 2);
    const host = t.token(hostId);
    const coHost = t.token(coHostId);
    const created = await post('/api/live/create', host, { title: prefix, ...body }).expect(201);
    const liveId: string = created.body.id;
    for (const token of [coHost, ...viewerIds.map((id) => t.token(id))]) {
      await post(`/api/live/${liveId}/join`, token).expect(200);
    }
    await post(`/api/live/${liveId}/cohosts`, host, { targetUserId: coHostId }).expect(200);
    return { liveId, host, coHost, coHostId, viewerIds };
  }

  describe("a co-host's actions racing the host's remove_cohost", () => {
    it.each([1, 2, 3])('orders every kick or update that succeeded before the removal (round %i)', async () => {
      const { liveId, host, coHost, coHostId, viewerIds } = await liveWithCoHost('race-live', { liveType: 'live' }, 40);
      const actions = viewerIds.map((viewerId, i) =>
        fire(
          i % 2 === 0
            ? post(`/api/live/${liveId}/kick`, coHost, { targetUserId: viewerId })
            : t
                .http()
                .patch(`/api/live/${liveId}`)
                .set(bearer(coHost))
                .send({ title: `title ${i}` }),
        ),
      );
      await post(`/api/live/${liveId}/cohosts/remove`, host, { targetUserId: coHostId }).expect(200);
      const atRemoval = await liveDoc(liveId);

      const answers = await Promise.all(actions);
      const after = await liveDoc(liveId);
      expect(after?.removedUserIds).toEqual(atRemoval?.removedUserIds);
      expect(after?.title).toBe(atRemoval?.title);
      // Whatever succeeded was ordered before the removal (the live it answers still has the
      // co-host); the rest was refused for the role.
      for (const answer of answers.filter((a) => a.status === 200)) expect(answer.body.coHostIds).toContain(coHostId);
      const kicked = viewerIds.filter((_, i) => i % 2 === 0 && answers[i].status === 200);
      expect(atRemoval?.removedUserIds).toEqual(expect.arrayContaining(kicked));
      for (const answer of answers.filter((a) => a.status !== 200)) {
        expect(['NOT_HOST_OR_COHOST', 'CONFLICT']).toContain(answer.body.code);
      }
    });

    it.each([1, 2, 3])('changes no seat after the removal answered (round %i)', async () => {
      const { liveId, host, coHost, coHostId } = await liveWithCoHost(
        'race-seats',
        { liveType: 'party', seatCount: 8 },
        0,
      );
      const seatActions = ['lock', 'mute', 'unlock', 'unmute'];
      const actions = Array.from({ length: 28 }, (_, i) =>
        fire(post(`/api/live/${liveId}/seats/${1 + (i % 7)}/${seatActions[Math.floor(i / 7)]}`, coHost)),
      );
      await post(`/api/live/${liveId}/cohosts/remove`, host, { targetUserId: coHostId }).expect(200);
      const seats = () =>
        db
          .collection('audio_chat_users')
          .find(
            { liveId: new Types.ObjectId(liveId) },
            { projection: { index: 1, version: 1, locked: 1, hostMuted: 1 } },
          )
          .sort({ index: 1 })
          .toArray();
      const atRemoval = await seats();

      const answers = await Promise.all(actions);
      expect(await seats()).toEqual(atRemoval);
      for (const answer of answers.filter((a) => a.status >= 300)) {
        expect(['NOT_HOST_OR_COHOST', 'CONFLICT', 'SEAT_OCCUPIED']).toContain(answer.body.code);
      }
    });

    it('refuses a seat write whose role check read the live before the removal', async () => {
      const { liveId, host, coHostId } = await liveWithCoHost('fence', { liveType: 'party' }, 0);
      const streams = t.app.get(StreamsService);
      const store = t.app.get(SeatStore);
      // A co-host's request in flight: its role check has read the live, its seat write is to come.
      const checked = await streams.findLive(liveId);
      expect(checked.coHostIds).toContain(coHostId);
      await post(`/api/live/${liveId}/cohosts/remove`, host, { targetUserId: coHostId }).expect(200);

      expect(await store.lock(liveId, 1, checked.moderatorEpoch)).toBeNull();
      expect(
        await store.occupy(liveId, 2, { userId: 'u', uid: 9, name: 'u', avatar: null }, checked.moderatorEpoch),
      ).toBeNull();
      // A check made after the removal (the host's) passes.
      expect(await store.lock(liveId, 1, (await streams.findLive(liveId)).moderatorEpoch)).toMatchObject({
        locked: true,
      });
    });
  });

  describe('identical upserts at once', () => {
    it('answers 20 identical seat requests, and 20 identical invitations, without a 500', async () => {
      const [hostId, requesterId, inviteeId] = userIds('upsert-ticket', 3);
      const host = t.token(hostId);
      const created = await post('/api/live/create', host, {
        liveType: 'audio',
        title: 'tickets',
        seatMode: 'request',
      });
      const liveId: string = created.body.id;
      const requester = t.token(requesterId);
      await post(`/api/live/${liveId}/join`, requester).expect(200);
      await post(`/api/live/${liveId}/join`, t.token(inviteeId)).expect(200);

      const requests = await Promise.all(
        Array.from({ length: 20 }, () => fire(post(`/api/live/${liveId}/seats/requests`, requester))),
      );
      const invites = await Promise.all(
        Array.from({ length: 20 }, () =>
          fire(post(`/api/live/${liveId}/seats/invite`, host, { targetUserId: inviteeId })),
        ),
      );
      expect([...requests, ...invites].map((r) => r.status)).toEqual(Array(40).fill(200));
      const tickets = await db.collection('seat_tickets').countDocuments({ liveId: new Types.ObjectId(liveId) });
      expect(tickets).toBe(2);
    });

    it('answers 20 identical chat mutes without a 500', async () => {
      const [hostId, targetId] = userIds('upsert-mute', 2);
      const host = t.token(hostId);
      const created = await post('/api/live/create', host, { liveType: 'live', title: 'mutes' });
      const liveId: string = created.body.id;
      await post(`/api/live/${liveId}/join`, t.token(targetId)).expect(200);

      const answers = await Promise.all(
        Array.from({ length: 20 }, () => fire(post(`/api/live/${liveId}/chat/mute`, host, { targetUserId: targetId }))),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(answers[0].status));
      expect(answers[0].status).toBeLessThan(300);
      expect(await db.collection('chat_mutes').countDocuments({ liveId: new Types.ObjectId(liveId) })).toBe(1);
    });
  });
});
