import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/app-config';
import { decodeRtcToken, RtcPrivilege } from './support/agora-token';
import { startTestApp, TestApp, testEnv, userIds } from './support/test-app';

const APP_ID = randomBytes(16).toString('hex');
const APP_CERTIFICATE = randomBytes(16).toString('hex');
const PUBLISH = [
  RtcPrivilege.kPrivilegePublishAudioStream,
  RtcPrivilege.kPrivilegePublishVideoStream,
  RtcPrivilege.kPrivilegePublishDataStream,
];

const decode = (token: string) => decodeRtcToken(token, APP_CERTIFICATE);

describe('rtc credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, RTC_TOKEN_TTL_MS: '60000' });
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const rtcToken = (liveId: string, token: string) => t.http().get(`/api/live/${liveId}/rtc-token`).set(auth(token));

  async function startLive(liveType: 'party' | 'audio' | 'live') {
    const [hostId, speakerId, viewerId] = userIds('rtc', 3);
    const tokens = { host: t.token(hostId), speaker: t.token(speakerId), viewer: t.token(viewerId) };
    const live = await t.http().post('/api/live/create').set(auth(tokens.host)).send({ liveType, title: 'rtc' });
    expect(live.status).toBe(201);
    for (const token of [tokens.speaker, tokens.viewer]) {
      expect((await t.http().post(`/api/live/${live.body.id}/join`).set(auth(token)).send({})).status).toBe(200);
    }
    return { live: live.body, ids: { hostId, speakerId, viewerId }, tokens };
  }

  it('gives the host and a seated speaker publisher tokens and a viewer a subscriber token', async () => {
    const { live, tokens } = await startLive('audio');
    expect((await t.http().post(`/api/live/${live.id}/seats/1/join`).set(auth(tokens.speaker))).status).toBe(201);

    for (const who of ['host', 'speaker'] as const) {
      const res = await rtcToken(live.id, tokens[who]);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        provider: 'agora',
        appId: APP_ID,
        channel: live.streamingChannel,
        role: 'publisher',
      });
      const decoded = decode(res.body.token);
      expect(decoded).toMatchObject({
        signed: true,
        appId: APP_ID,
        channel: live.streamingChannel,
        uid: String(res.body.uid),
      });
      expect(decoded.privileges).toEqual(expect.arrayContaining([RtcPrivilege.kPrivilegeJoinChannel, ...PUBLISH]));
    }

    const viewer = await rtcToken(live.id, tokens.viewer);
    expect(viewer.body.role).toBe('subscriber');
    const decoded = decode(viewer.body.token);
    expect(decoded.signed).toBe(true);
    expect(decoded.privileges).toEqual([RtcPrivilege.kPrivilegeJoinChannel]);
    expect(Date.parse(viewer.body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it("gives a speaker removed from the seat a subscriber's token next time", async () => {
    const { live, tokens } = await startLive('party');
    await t.http().post(`/api/live/${live.id}/seats/2/join`).set(auth(tokens.speaker)).expect(201);
    expect(decode((await rtcToken(live.id, tokens.speaker)).body.token).privileges).toEqual(
      expect.arrayContaining(PUBLISH),
    );

    await t.http().post(`/api/live/${live.id}/seats/2/remove`).set(auth(tokens.host)).expect(200);
    const after = await rtcToken(live.id, tokens.speaker);
    expect(after.body.role).toBe('subscriber');
    expect(decode(after.body.token).privileges).toEqual([RtcPrivilege.kPrivilegeJoinChannel]);
  });

  it('returns the ids and no token for a ZEGOCLOUD live (its kits sign on the client)', async () => {
    const { live, tokens } = await startLive('live');
    const host = await rtcToken(live.id, tokens.host);
    expect(host.status).toBe(200);
    expect(host.body).toMatchObject({
      provider: 'zegocloud',
      token: null,
      channel: live.streamingChannel,
      callId: live.callId,
      role: 'publisher',
    });
    expect((await rtcToken(live.id, tokens.viewer)).body.role).toBe('subscriber');
  });

  it('refuses a removed user and an ended live', async () => {
    const { live, ids, tokens } = await startLive('audio');
    await t
      .http()
      .post(`/api/live/${live.id}/kick`)
      .set(auth(tokens.host))
      .send({ targetUserId: ids.viewerId })
      .expect(200);
    expect((await rtcToken(live.id, tokens.viewer)).body.code).toBe('REMOVED_FROM_LIVE');
    await t.http().post(`/api/live/${live.id}/end`).set(auth(tokens.host)).expect(200);
    const ended = await rtcToken(live.id, tokens.speaker);
    expect(ended.status).toBe(409);
    expect(ended.body.code).toBe('LIVE_ENDED');
  });

  it('answers 503 RTC_NOT_CONFIGURED for an Agora live when no credentials are configured', async () => {
    const bare = await startTestApp();
    try {
      const host = bare.token(userIds('bare', 1)[0]);
      const live = await bare.http().post('/api/live/create').set(auth(host)).send({ liveType: 'party', title: 'x' });
      const res = await bare.http().get(`/api/live/${live.body.id}/rtc-token`).set(auth(host));
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('RTC_NOT_CONFIGURED');
    } finally {
      await bare.close();
    }
  });

  it.each([
    ['an app id that is not 32 hex characters', { AGORA_APP_ID: 'not-hex', AGORA_APP_CERTIFICATE: APP_CERTIFICATE }],
    ['a certificate of the wrong length', { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: 'abcdef' }],
    ['an app id without its certificate', { AGORA_APP_ID: APP_ID }],
  ])('refuses to boot with %s', (_, env) => {
    expect(() => loadConfig(testEnv(env, 'mongodb://127.0.0.1:1/x'))).toThrow(/AGORA/);
  });
});
