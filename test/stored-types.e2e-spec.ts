import { getConnectionToken } from '@nestjs/mongoose';
import mongoose, { Connection, Types } from 'mongoose';
import { bearer } from './support/factories';
import { startTestApp, TestApp, userIds } from './support/test-app';

/** Ids are stored as BSON ObjectIds (not strings or Mixed values), so they match and index as ids. */
describe('stored id types', () => {
  let t: TestApp;
  let db: Connection;
  beforeAll(async () => {
    t = await startTestApp();
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('stores every live id and visit id of lives, viewers, messages, mutes, seats and tickets as an ObjectId', async () => {
    const [hostId, viewerId] = userIds('bson', 2);
    const host = t.token(hostId);
    const viewer = t.token(viewerId);
    const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(bearer(token)).send(body);
    const created = await post('/api/live/create', host, { liveType: 'audio', title: 'types', seatMode: 'request' });
    const liveId: string = created.body.id;
    await post(`/api/live/${liveId}/join`, viewer).expect(200);
    await post(`/api/live/${liveId}/message`, viewer, { text: 'hello' }).expect(201);
    await post(`/api/live/${liveId}/seats/requests`, viewer).expect(200);
    await post(`/api/live/${liveId}/chat/mute`, host, { targetUserId: viewerId }).expect(200);

    const fields: [collection: string, field: string][] = [
      ['live_viewers', 'liveId'],
      ['live_viewers', 'sessionId'],
      ['live_messages', 'liveId'],
      ['chat_mutes', 'liveId'],
      ['audio_chat_users', 'liveId'],
      ['seat_tickets', 'liveId'],
    ];
    for (const [collection, field] of fields) {
      const ofLive = { liveId: new Types.ObjectId(liveId) };
      const stored = await db.collection(collection).countDocuments(ofLive);
      const asObjectId = await db.collection(collection).countDocuments({ ...ofLive, [field]: { $type: 'objectId' } });
      expect({ collection, field, stored, asObjectId }).toEqual({
        collection,
        field,
        stored: expect.any(Number),
        asObjectId: stored,
      });
      expect(stored).toBeGreaterThan(0);
    }
    // The query tells types apart: a string field is not an ObjectId.
    const ofLive = { liveId: new Types.ObjectId(liveId) };
    expect(await db.collection('live_viewers').countDocuments({ ...ofLive, userId: { $type: 'objectId' } })).toBe(0);
    expect(await db.collection('live_viewers').countDocuments({ ...ofLive, userId: { $type: 'string' } })).toBe(1);
  });

  it('declares every live id and gift id in every schema as an ObjectId, never as Mixed', () => {
    const connection = t.app.get<Connection>(getConnectionToken());
    const declared = Object.values(connection.models).flatMap((model) =>
      Object.entries(model.schema.paths)
        .filter(([path]) => /(^|\.)(liveId|giftId)$/.test(path))
        .map(([path, type]) => `${model.collection.name}.${path}: ${type.instance}`),
    );
    expect(declared).toEqual(expect.arrayContaining(['gifts_sent.liveId: ObjectId', 'gifts_sent.giftId: ObjectId']));
    expect(declared.filter((line) => !line.endsWith(': ObjectId'))).toEqual([]);
  });
});
