import mongoose, { Connection, Types } from 'mongoose';
import type { Response } from 'supertest';
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
