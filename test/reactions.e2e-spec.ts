import mongoose, { Connection, Types } from 'mongoose';
import { PendingReactionsSweeper } from '../src/streams/pending-reactions.sweeper';
import { bearer } from './support/factories';
import { sample } from './support/prometheus';
import { databaseUri, startTestApp, TestApp, userIds } from './support/test-app';

/**
 * Two instances on one database: `faulty` runs with REACTION_FAULT, so every reaction to the
 * events named there throws; `healthy` is the same app without the switch (and repairs at once).
 */
describe('reactions that cannot fail silently', () => {
  let healthy: TestApp;
  let faulty: TestApp;
  let db: Connection;

  beforeAll(async () => {
    const uri = databaseUri();
    healthy = await startTestApp({ MONGODB_URI: uri, REACTION_REPAIR_AFTER_MS: '1', LOG_LEVEL: 'fatal' });
    // Started last: prom-client's registry is global, so /metrics shows this instance's counters.
    faulty = await startTestApp({
      MONGODB_URI: uri,
      LOG_LEVEL: 'fatal', // the failures it logs on purpose
      REACTION_FAULT: 'live.created,live.ended,live.user_kicked,live.updated',
    });
    db = await mongoose.createConnection(uri).asPromise();
  });
  afterAll(async () => {
    await db.close();
    await faulty.close();
    await healthy.close();
  });

  const failures = async (event: string, listener: string) =>
    sample((await faulty.http().get('/metrics').expect(200)).text, 'live_reaction_failures_total', {
      event,
      listener,
    });

  const repair = () => healthy.app.get(PendingReactionsSweeper).sweep.run();

  /** A party live on the healthy instance with `viewers` joined viewers, the first one on seat 1. */
  async function partyWithSpeaker(prefix: string, viewers = 2) {
    const [hostId, ...viewerIds] = userIds(prefix, viewers + 1);
    const host = healthy.token(hostId);
    const created = await healthy
      .http()
      .post('/api/live/create')
      .set(bearer(host))
      .send({ liveType: 'party', title: prefix });
    expect(created.status).toBe(201);
    const liveId: string = created.body.id;
    const tokens = viewerIds.map((id) => healthy.token(id));
    for (const token of tokens) await healthy.http().post(`/api/live/${liveId}/join`).set(bearer(token)).expect(200);
    await healthy.http().post(`/api/live/${liveId}/seats/1/join`).set(bearer(tokens[0])).expect(201);
    return { liveId, hostId, host, viewerIds, tokens, speakerId: viewerIds[0] };
  }

  const seatedUsers = async (liveId: string) =>
    (
      await db
        .collection('audio_chat_users')
        .find({ liveId: new Types.ObjectId(liveId) })
        .toArray()
    )
      .map((seat) => seat.userId as string | null)
      .filter((userId) => userId !== null);
  const activeViewers = (liveId: string) =>
    db.collection('live_viewers').countDocuments({ liveId: new Types.ObjectId(liveId), status: 'active' });
  const liveDoc = (liveId: string) => db.collection('live_streams').findOne({ _id: new Types.ObjectId(liveId) });

  describe('create', () => {
    it('ends a party live whose seats could not be created and answers 503 LIVE_SETUP_FAILED', async () => {
      const [hostId] = userIds('setup', 1);
      const host = faulty.token(hostId);
      const before = await failures('live.created', 'SeatReactions.onLiveCreated');
      const res = await faulty
        .http()
        .post('/api/live/create')
        .set(bearer(host))
        .send({ liveType: 'party', title: 'never half set up' });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'LIVE_SETUP_FAILED', details: { liveId: expect.any(String) } });

      // Nothing of it runs: no live of this host is live, none is listed, it has no seats.
      expect(await db.collection('live_streams').countDocuments({ hostId, status: 'live' })).toBe(0);
      const live = await healthy.http().get(`/api/live/${res.body.details.liveId}`).expect(200);
      expect(live.body).toMatchObject({ status: 'ended', endReason: 'setup_failed' });
      const active = await healthy.http().get('/api/live/active?limit=100').expect(200);
      expect(active.body.items.map((l: { id: string }) => l.id)).not.toContain(res.body.details.liveId);
      expect(await failures('live.created', 'SeatReactions.onLiveCreated')).toBe(before + 1);

      // The host is free to start again, and that live has its seats.
      const again = await healthy
        .http()
        .post('/api/live/create')
        .set(bearer(host))
        .send({ liveType: 'party', title: 'second try' })
        .expect(201);
      const seats = await healthy.http().get(`/api/live/${again.body.id}/seats`).set(bearer(host)).expect(200);
      expect(seats.body).toHaveLength(6);
      expect(seats.body[0].userId).toBe(hostId);
    });

    it('leaves no party live running without seats, even when its request died before the set-up', async () => {
      // What a crash between the insert and the reactions leaves: a live still pending its set-up.
      const [hostId] = userIds('crashed-setup', 1);
      const { insertedId } = await db.collection('live_streams').insertOne({
        hostId,
        hostUid: 7,
        hostName: hostId,
        liveType: 'party',
        title: 'crashed',
        streamingChannel: `ch-${hostId}`,
        callId: `call-${hostId}`,
        status: 'live',
        startedAt: new Date(),
        hostSeenAt: new Date(),
        settings: { seatCount: 6, seatMode: 'free', chatEnabled: true },
        activeHostId: hostId,
        activeChannel: `ch-${hostId}`,
        pendingSetup: true,
        createdAt: new Date(Date.now() - 1000),
      });
      expect(await repair()).toBeGreaterThanOrEqual(1);
      expect(await liveDoc(insertedId.toString())).toMatchObject({ status: 'ended', endReason: 'setup_failed' });
      expect((await liveDoc(insertedId.toString()))?.pendingSetup).toBeUndefined();
    });
  });

  describe('end', () => {
    it('answers 503 REACTIONS_INCOMPLETE, and a retry frees every seat and closes every viewer', async () => {
      const { liveId, host } = await partyWithSpeaker('end-retry');
      const before = await failures('live.ended', 'ViewersService.onLiveEnded');

      const failed = await faulty.http().post(`/api/live/${liveId}/end`).set(bearer(host));
      expect(failed.status).toBe(503);
      expect(failed.body).toMatchObject({ code: 'REACTIONS_INCOMPLETE', details: { liveId } });
      expect(await failures('live.ended', 'ViewersService.onLiveEnded')).toBe(before + 1);
      // The end itself is written: the live accepts nothing more.
      expect(await liveDoc(liveId)).toMatchObject({ status: 'ended', pendingEnd: true });

      const retried = await healthy.http().post(`/api/live/${liveId}/end`).set(bearer(host));
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ status: 'ended', endReason: 'host_ended' });
      expect(await seatedUsers(liveId)).toEqual([]);
      expect(await activeViewers(liveId)).toBe(0);
      expect((await liveDoc(liveId))?.pendingEnd).toBeUndefined();
    });

    it('is finished by the repair sweep when nobody retries', async () => {
      const { liveId, host } = await partyWithSpeaker('end-sweep');
      expect((await faulty.http().post(`/api/live/${liveId}/end`).set(bearer(host))).status).toBe(503);
      expect(await seatedUsers(liveId)).not.toEqual([]);

      expect(await repair()).toBeGreaterThanOrEqual(1);
      expect(await seatedUsers(liveId)).toEqual([]);
      expect(await activeViewers(liveId)).toBe(0);
      expect((await liveDoc(liveId))?.pendingEnd).toBeUndefined();
    });
  });

  describe('kick', () => {
    it('answers 503 REACTIONS_INCOMPLETE, and a retry frees the seat and closes the viewer record', async () => {
      const { liveId, host, speakerId, tokens } = await partyWithSpeaker('kick-retry');
      const before = await failures('live.user_kicked', 'SeatReactions.onUserKicked');

      const failed = await faulty
        .http()
        .post(`/api/live/${liveId}/kick`)
        .set(bearer(host))
        .send({ targetUserId: speakerId });
      expect(failed.status).toBe(503);
      expect(failed.body).toMatchObject({ code: 'REACTIONS_INCOMPLETE', details: { liveId } });
      expect(await failures('live.user_kicked', 'SeatReactions.onUserKicked')).toBe(before + 1);
      // The removal itself is written: the user cannot come back.
      const back = await healthy.http().post(`/api/live/${liveId}/join`).set(bearer(tokens[0]));
      expect(back.body.code).toBe('REMOVED_FROM_LIVE');

      await healthy
        .http()
        .post(`/api/live/${liveId}/kick`)
        .set(bearer(host))
        .send({ targetUserId: speakerId })
        .expect(200);
      expect(await seatedUsers(liveId)).not.toContain(speakerId);
      const visit = await db
        .collection('live_viewers')
        .findOne({ liveId: new Types.ObjectId(liveId), userId: speakerId });
      expect(visit).toMatchObject({ status: 'left', leaveReason: 'kicked' });
      expect((await liveDoc(liveId))?.pendingKicks).toEqual([]);
    });

    it('is finished by the repair sweep when nobody retries', async () => {
      const { liveId, host, speakerId } = await partyWithSpeaker('kick-sweep');
      const failed = await faulty
        .http()
        .post(`/api/live/${liveId}/kick`)
        .set(bearer(host))
        .send({ targetUserId: speakerId });
      expect(failed.status).toBe(503);
      expect(await seatedUsers(liveId)).toContain(speakerId);

      expect(await repair()).toBeGreaterThanOrEqual(1);
      expect(await seatedUsers(liveId)).toEqual([(await liveDoc(liveId))?.hostId]);
      const visit = await db
        .collection('live_viewers')
        .findOne({ liveId: new Types.ObjectId(liveId), userId: speakerId });
      expect(visit).toMatchObject({ status: 'left', leaveReason: 'kicked' });
      expect((await liveDoc(liveId))?.pendingKicks).toEqual([]);
    });
  });

  it('logs and counts a failed fire-and-forget reaction without failing the request', async () => {
    const { liveId, host } = await partyWithSpeaker('fire-and-forget', 1);
    const before = await failures('live.updated', 'LiveRelay.onLiveUpdated');
    const res = await faulty.http().patch(`/api/live/${liveId}`).set(bearer(host)).send({ title: 'renamed' });
    expect(res.status).toBe(200);
    expect(await failures('live.updated', 'LiveRelay.onLiveUpdated')).toBe(before + 1);
  });
});
