import { randomBytes } from 'node:crypto';
import mongoose, { Connection } from 'mongoose';
import { connectLives, post, Side, twoLives } from './support/battle-fixtures';
import { decodeRtcToken, RtcPrivilege } from './support/agora-token';
import { auth } from './support/gift-fixtures';
import { roomEvents } from './support/room-events';
import { eventually, sleep, startTestApp, TestApp, userIds } from './support/test-app';

const APP_ID = randomBytes(16).toString('hex');
const APP_CERTIFICATE = randomBytes(16).toString('hex');
const INVITE_TTL_MS = 700;

const decode = (token: string) => decodeRtcToken(token, APP_CERTIFICATE);

describe('connections between lives', () => {
  let t: TestApp;
  let db: Connection;

  beforeAll(async () => {
    t = await startTestApp({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  const invite = (from: Side, to: { liveId: string }) =>
    post(t, `/api/live/${from.liveId}/connections`, from.hostToken, { targetLiveId: to.liveId });
  const act = (side: Side, connectionId: string, action: string, token = side.hostToken) =>
    post(t, `/api/live/${side.liveId}/connections/${connectionId}/${action}`, token);
  const current = (side: Side) =>
    t.http().get(`/api/live/${side.liveId}/connections/current`).set(auth(side.hostToken));
  const updates = (side: Side, connectionId: string) =>
    roomEvents(side.room, side.liveId)
      .filter((e) => e.event === 'live:connection:update' && e.payload.connection.id === connectionId)
      .map((e) => e.payload.connection.status);

  it('invites the other host in their user room, and shows the invitation in both rooms', async () => {
    const [a, b] = await twoLives(t);
    const hostB = await t.connect(b.hostToken);
    const res = await invite(a, b);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending',
      liveType: 'live',
      inviter: { liveId: a.liveId, hostId: a.hostId, streamingChannel: expect.any(String) },
      invitee: { liveId: b.liveId, hostId: b.hostId },
      battleId: null,
    });
    const notice = await hostB.waitFor('live:connection:invite');
    expect(notice).toEqual({ liveStreamId: b.liveId, connection: res.body });
    for (const side of [a, b]) {
      const update = await side.room.waitFor('live:connection:update', (p) => p.connection.id === res.body.id);
      expect(update).toMatchObject({ liveStreamId: side.liveId, seq: expect.any(Number), epoch: expect.any(String) });
    }
    expect((await current(b)).body).toMatchObject({ id: res.body.id, status: 'pending' });
  });

  it('connects when the invited host accepts over the socket; both snapshots then carry the connection', async () => {
    const [a, b] = await twoLives(t);
    const invited = await invite(a, b);
    const hostB = await t.connect(b.hostToken);
    const ack = await hostB.request('live:connection:action', {
      liveStreamId: b.liveId,
      action: 'accept',
      connectionId: invited.body.id,
    });
    expect(ack).toMatchObject({ ok: true, data: { id: invited.body.id, status: 'connected' } });
    for (const side of [a, b]) {
      await eventually(async () => updates(side, invited.body.id).includes('connected'));
      const joiner = await t.connect(t.token(userIds('joiner', 1)[0]));
      const joined = await joiner.request('live:join', { liveStreamId: side.liveId });
      expect(joined.data).toMatchObject({ connection: { id: invited.body.id, status: 'connected' }, battle: null });
    }
    // Accepting again changes nothing.
    expect((await act(b, invited.body.id, 'accept')).body.status).toBe('connected');
  });

  it('refuses with a stable code: itself, another type, an audio or ended live, not the host, a busy live', async () => {
    const [a, b] = await twoLives(t);
    const [party] = await twoLives(t, 'party');
    const [audio] = await twoLives(t, 'audio');
    const expectCode = async (res: Promise<any>, status: number, code: string) =>
      expect([(await res).status, (await res).body.code]).toEqual([status, code]);

    await expectCode(invite(a, a), 400, 'CANNOT_TARGET_SELF');
    await expectCode(invite(a, party), 409, 'INCOMPATIBLE_LIVE_TYPE');
    await expectCode(
      invite(audio, { liveId: audio.liveId === a.liveId ? b.liveId : a.liveId }),
      409,
      'INCOMPATIBLE_LIVE_TYPE',
    );
    await expectCode(
      post(t, `/api/live/${a.liveId}/connections`, b.hostToken, { targetLiveId: b.liveId }),
      403,
      'NOT_HOST',
    );
    await expectCode(invite(a, { liveId: '665f1c2e8a1b2c3d4e5f6a7b' }), 404, 'LIVE_NOT_FOUND');
    await expectCode(
      post(t, `/api/live/${a.liveId}/connections`, a.hostToken, { targetLiveId: 'nope' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectCode(act(a, 'nope', 'accept'), 400, 'INVALID_ID');

    const [ended, other] = await twoLives(t);
    await post(t, `/api/live/${ended.liveId}/end`, ended.hostToken).expect(200);
    await expectCode(invite(other, ended), 409, 'LIVE_ENDED');
    await expectCode(invite(ended, other), 409, 'LIVE_ENDED');

    const pending = await invite(a, b);
    await expectCode(act(a, pending.body.id, 'accept'), 403, 'NOT_HOST'); // the inviter
    await expectCode(act(other, pending.body.id, 'accept', other.hostToken), 404, 'CONNECTION_NOT_FOUND');
    await expectCode(act(b, '665f1c2e8a1b2c3d4e5f6a7b', 'accept'), 404, 'CONNECTION_NOT_FOUND');
    const busyOwn = await invite(a, other);
    expect([busyOwn.status, busyOwn.body.code, busyOwn.body.details.liveId]).toEqual([
      409,
      'ALREADY_CONNECTED',
      a.liveId,
    ]);
    const busyTarget = await invite(other, b);
    expect([busyTarget.status, busyTarget.body.code, busyTarget.body.details.liveId]).toEqual([
      409,
      'ALREADY_CONNECTED',
      b.liveId,
    ]);

    expect((await act(b, pending.body.id, 'reject')).body.status).toBe('rejected');
    await expectCode(act(b, pending.body.id, 'accept'), 409, 'CONNECTION_NOT_PENDING');
    expect((await act(b, pending.body.id, 'reject')).body.status).toBe('rejected'); // idempotent
    // The rejection released both lives.
    expect((await invite(a, other)).status).toBe(201);

    const hostB = await t.connect(b.hostToken);
    const missing = await hostB.request('live:connection:action', { liveStreamId: b.liveId, action: 'accept' });
    expect(missing.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('connectionId'),
    });
  });

  it('ends when either host ends it or either live ends, and frees both lives', async () => {
    const [a, b] = await twoLives(t);
    const first = await connectLives(t, a, b);
    const ended = await act(b, first.id, 'end');
    expect(ended.body).toMatchObject({ status: 'ended', endReason: 'host_ended', endedBy: b.hostId });
    expect((await act(a, first.id, 'end')).body.endedBy).toBe(b.hostId); // idempotent
    for (const side of [a, b]) await eventually(async () => updates(side, first.id).includes('ended'));
    expect((await current(a)).body.code).toBe('CONNECTION_NOT_FOUND');

    const second = await connectLives(t, b, a);
    await post(t, `/api/live/${a.liveId}/end`, a.hostToken).expect(200);
    await eventually(async () => updates(b, second.id).includes('ended'));
    const last = roomEvents(b.room, b.liveId)
      .filter((e) => e.event === 'live:connection:update')
      .pop()!;
    expect(last.payload.connection).toMatchObject({ status: 'ended', endReason: 'live_ended', endedBy: null });
    // B is free again.
    const [c] = await twoLives(t);
    expect((await connectLives(t, b, c)).status).toBe('connected');
  });

  it('gives each host a publisher token into the other channel and viewers a subscriber one, only while connected', async () => {
    const [a, b] = await twoLives(t, 'party');
    const connection = await connectLives(t, a, b);
    const rtc = (side: Side, token: string) =>
      t.http().get(`/api/live/${side.liveId}/connections/${connection.id}/rtc-token`).set(auth(token));

    const host = await rtc(a, a.hostToken);
    expect(host.body).toMatchObject({
      provider: 'agora',
      channel: connection.invitee.streamingChannel,
      role: 'publisher',
    });
    const decoded = decode(host.body.token);
    expect(decoded).toMatchObject({
      signed: true,
      channel: connection.invitee.streamingChannel,
      uid: String(host.body.uid),
    });
    expect(decoded.privileges).toEqual(expect.arrayContaining([RtcPrivilege.kPrivilegePublishVideoStream]));
    expect(Date.parse(host.body.expiresAt) - Date.parse(host.headers.date)).toBeLessThanOrEqual(61_000);

    const viewerId = userIds('watcher', 1)[0];
    const viewer = await rtc(b, t.token(viewerId));
    expect(viewer.body).toMatchObject({ channel: connection.inviter.streamingChannel, role: 'subscriber' });
    expect(decode(viewer.body.token).privileges).toEqual([RtcPrivilege.kPrivilegeJoinChannel]);

    const kicked = userIds('kicked', 1)[0];
    await post(t, `/api/live/${b.liveId}/join`, t.token(kicked)).expect(200);
    await post(t, `/api/live/${b.liveId}/kick`, b.hostToken, { targetUserId: kicked }).expect(200);
    expect((await rtc(b, t.token(kicked))).body.code).toBe('REMOVED_FROM_LIVE');

    await act(a, connection.id, 'end').expect(200);
    const after = await rtc(a, a.hostToken);
    expect([after.status, after.body.code]).toEqual([409, 'NOT_CONNECTED']);

    const [x, y] = await twoLives(t, 'live');
    const zego = await connectLives(t, x, y);
    const ids = await t.http().get(`/api/live/${y.liveId}/connections/${zego.id}/rtc-token`).set(auth(y.hostToken));
    expect(ids.body).toMatchObject({
      provider: 'zegocloud',
      token: null,
      channel: zego.inviter.streamingChannel,
      callId: zego.inviter.callId,
      role: 'publisher',
    });
  });

  it('runs every connection action over the socket, with the same answers as REST', async () => {
    const [a, b] = await twoLives(t);
    const [hostA, hostB] = [await t.connect(a.hostToken), await t.connect(b.hostToken)];
    const action = (socket: any, side: Side, body: object) =>
      socket.request('live:connection:action', { liveStreamId: side.liveId, ...body });
    const first = await action(hostA, a, { action: 'invite', targetLiveId: b.liveId });
    expect(first.data.status).toBe('pending');
    expect((await action(hostB, b, { action: 'reject', connectionId: first.data.id })).data.status).toBe('rejected');
    const again = await action(hostB, b, { action: 'accept', connectionId: first.data.id });
    expect(again.error).toMatchObject({ code: 'CONNECTION_NOT_PENDING', details: { status: 'rejected' } });
    const second = await action(hostB, b, { action: 'invite', targetLiveId: a.liveId });
    expect((await action(hostA, a, { action: 'accept', connectionId: second.data.id })).data.status).toBe('connected');
    const ended = await action(hostA, a, { action: 'end', connectionId: second.data.id });
    expect(ended.data).toMatchObject({ status: 'ended', endedBy: a.hostId });
    const refused = await action(hostA, a, { action: 'invite', targetLiveId: a.liveId });
    expect(refused.error.code).toBe('CANNOT_TARGET_SELF');
  });

  it('makes one connection when two hosts invite each other at the same instant', async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b] = await twoLives(t, 'live', `mutual${round}`);
      const answers = await Promise.all([invite(a, b), invite(b, a)]);
      const made = answers.filter((r) => r.status === 201);
      expect(made.length).toBeGreaterThanOrEqual(1);
      expect(answers.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(
        Array(2 - made.length).fill('ALREADY_CONNECTED'),
      );
      expect(new Set(made.map((r) => r.body.id)).size).toBe(1);
      const [ca, cb] = await Promise.all([current(a), current(b)]);
      expect(ca.body.id).toBe(made[0].body.id);
      expect(cb.body.id).toBe(made[0].body.id);
      const open = await db.collection('live_connections').countDocuments({
        liveIds: new mongoose.Types.ObjectId(a.liveId),
        status: { $in: ['claiming', 'pending', 'connected'] },
      });
      expect(open).toBe(1);
    }
  });

  describe('invitations that expire', () => {
    let short: TestApp;
    let shortDb: Connection;
    beforeAll(async () => {
      short = await startTestApp({
        CONNECTION_INVITE_TTL_MS: String(INVITE_TTL_MS),
        BATTLE_SWEEP_INTERVAL_MS: '100',
      });
      shortDb = await mongoose.createConnection(short.config.mongodbUri!).asPromise();
    });
    afterAll(async () => {
      await shortDb.close();
      await short.close();
    });

    it('expires an unanswered invitation: both rooms are told, accepting is refused, the lives are free', async () => {
      const [a, b] = await twoLives(short);
      const invited = await post(short, `/api/live/${a.liveId}/connections`, a.hostToken, { targetLiveId: b.liveId });
      for (const side of [a, b]) {
        await side.room.waitFor('live:connection:update', (p) => p.connection.status === 'expired');
      }
      const late = await post(short, `/api/live/${b.liveId}/connections/${invited.body.id}/accept`, b.hostToken);
      expect([late.status, late.body.code]).toEqual([409, 'INVITATION_EXPIRED']);
      expect((await connectLives(short, b, a)).status).toBe('connected');
    });

    it('answers 503 RTC_NOT_CONFIGURED for the other channel of party lives without Agora credentials', async () => {
      const [a, b] = await twoLives(short, 'party');
      const connection = await connectLives(short, a, b);
      const res = await short
        .http()
        .get(`/api/live/${a.liveId}/connections/${connection.id}/rtc-token`)
        .set(auth(a.hostToken));
      expect([res.status, res.body.code]).toEqual([503, 'RTC_NOT_CONFIGURED']);
    });

    it('settles an accept racing the expiry and a withdrawal on one outcome', async () => {
      for (let round = 0; round < 6; round++) {
        const [a, b] = await twoLives(short, 'live', `race${round}`);
        const invited = await post(short, `/api/live/${a.liveId}/connections`, a.hostToken, { targetLiveId: b.liveId });
        const id = invited.body.id;
        await sleep(INVITE_TTL_MS - 250 + round * 50);
        const [accept, withdraw] = await Promise.all([
          post(short, `/api/live/${b.liveId}/connections/${id}/accept`, b.hostToken),
          post(short, `/api/live/${a.liveId}/connections/${id}/end`, a.hostToken),
        ]);
        // Give a late sweep time to act: it must change nothing any more.
        await sleep(250);
        const stored = await shortDb.collection('live_connections').findOne({ _id: new mongoose.Types.ObjectId(id) });
        // The room's last update is the stored outcome, once it has arrived (a loaded machine delays it).
        await eventually(async () => updates(a, id).at(-1) === stored!.status);
        const history = updates(a, id);
        expect(['ended', 'expired']).toContain(stored!.status);
        expect(history[history.length - 1]).toBe(stored!.status);
        if (accept.status === 200) {
          // Connected first, then withdrawn (ended), never expired.
          expect(history).toEqual(['pending', 'connected', 'ended']);
        } else {
          expect(['INVITATION_EXPIRED', 'CONNECTION_NOT_PENDING']).toContain(accept.body.code);
          expect(history).toEqual(['pending', stored!.status]);
        }
        expect(withdraw.status).toBe(200);
        expect(withdraw.body.status).toBe(stored!.status);
        // Nothing left held: a new invitation between the two lives is taken (and withdrawn).
        const again = await post(short, `/api/live/${a.liveId}/connections`, a.hostToken, { targetLiveId: b.liveId });
        expect(again.status).toBe(201);
        await post(short, `/api/live/${a.liveId}/connections/${again.body.id}/end`, a.hostToken).expect(200);
      }
    });
  });
});
