import { startTestApp, sleep, TestApp, TestSocket, userIds, eventually } from './support/test-app';

type Via = 'rest' | 'socket';
interface Outcome {
  ok: boolean;
  status?: number;
  code?: string;
  data?: any;
}
interface Args {
  index?: number;
  target?: string;
  mode?: 'free' | 'request';
}

describe('seats', () => {
  let t: TestApp;
  const sockets = new Map<string, TestSocket>();
  beforeAll(async () => {
    t = await startTestApp({ SEAT_TICKET_TTL_MS: '60000' });
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function socketOf(token: string): Promise<TestSocket> {
    if (!sockets.has(token)) sockets.set(token, await t.connect(token));
    return sockets.get(token)!;
  }

  /** A party/audio (or one-host) live with a host, `viewers` joined viewers and a watching socket in the room. */
  async function startLive(
    options: {
      liveType?: 'party' | 'audio' | 'live';
      seatCount?: number;
      seatMode?: 'free' | 'request';
      viewers?: number;
    } = {},
  ) {
    const { liveType = 'party', viewers = 3, ...seats } = options;
    const [hostId, watcherId, ...viewerIds] = userIds('seat', viewers + 2);
    const host = t.token(hostId);
    const created = await t
      .http()
      .post('/api/live/create')
      .set(auth(host))
      .send({ liveType, title: 'seats', ...seats });
    expect(created.status).toBe(201);
    const liveId: string = created.body.id;
    const watcher = await t.connect(t.token(watcherId));
    expect((await watcher.request('live:join', { liveStreamId: liveId })).ok).toBe(true);
    const tokens = viewerIds.map((id) => t.token(id));
    await Promise.all(
      tokens.map((token) => t.http().post(`/api/live/${liveId}/join`).set(auth(token)).send({}).expect(200)),
    );
    return { liveId, hostId, host, watcher, viewerIds, tokens, live: created.body };
  }

  const seatsOf = async (liveId: string) =>
    (
      await t
        .http()
        .get(`/api/live/${liveId}/seats`)
        .set(auth(t.token('reader')))
    ).body;

  /** One seat action, over REST or over the socket: the same outcome shape either way. */
  async function act(via: Via, token: string, liveId: string, action: string, args: Args = {}): Promise<Outcome> {
    if (via === 'rest') {
      const [path, body] = restRoute(action, args);
      const res = await t.http().post(`/api/live/${liveId}${path}`).set(auth(token)).send(body);
      return res.status < 300
        ? { ok: true, status: res.status, data: res.body }
        : { ok: false, status: res.status, code: res.body.code };
    }
    const socket = await socketOf(token);
    const ack = SOCKET_HOST_ACTIONS.has(action)
      ? await socket.request('live:host:action', {
          liveStreamId: liveId,
          action,
          targetUserId: args.target,
          targetSeatIndex: args.index,
          seatMode: args.mode,
        })
      : await socket.request('live:seat:update', { liveStreamId: liveId, action, seatIndex: args.index, seatData: {} });
    return ack.ok ? { ok: true, data: ack.data } : { ok: false, status: ack.error.statusCode, code: ack.error.code };
  }

  /** The socket's seat events agree with the seat documents: the newest update per seat shows the seat as stored. */
  async function expectEventsMatchDocuments(watcher: TestSocket, liveId: string) {
    await eventually(async () => {
      const seats = await seatsOf(liveId);
      const newest = new Map<number, any>();
      for (const event of watcher.events('live:seat:update').filter((e) => e.liveStreamId === liveId)) {
        if ((newest.get(event.seatIndex)?.version ?? -1) < event.version) newest.set(event.seatIndex, event);
      }
      return seats.every((seat: any) =>
        newest.has(seat.seatIndex) ? isEqual(newest.get(seat.seatIndex).seat, seat) : seat.version === 0,
      );
    });
  }

  const occupants = (seats: any[]) => seats.filter((s) => s.userId).map((s) => s.userId);

  describe('seats follow the live', () => {
    it('creates the seats with the live, the host on seat 0, count and mode from the create body or the default', async () => {
      const { liveId, hostId } = await startLive({ liveType: 'audio', seatCount: 4, seatMode: 'request', viewers: 0 });
      const seats = await seatsOf(liveId);
      expect(seats.map((s: any) => s.seatIndex)).toEqual([0, 1, 2, 3]);
      expect(seats[0]).toMatchObject({ userId: hostId, micOn: true, locked: false });
      expect(occupants(seats)).toEqual([hostId]);
      const party = await startLive({ viewers: 0 });
      expect(await seatsOf(party.liveId)).toHaveLength(6);
      expect(party.live.settings.seatMode).toBe('free');
      const audio = await startLive({ liveType: 'audio', viewers: 0 });
      expect(await seatsOf(audio.liveId)).toHaveLength(9);
    });

    it('answers the seat list and the live:join snapshot with every seat', async () => {
      const { liveId, tokens } = await startLive({ viewers: 1 });
      const socket = await socketOf(tokens[0]);
      const ack = await socket.request('live:join', { liveStreamId: liveId });
      expect(ack.data.seats).toEqual(await seatsOf(liveId));
      expect(ack.data.seats).toHaveLength(6);
    });

    it('has no seats in a one-host live: WRONG_LIVE_TYPE, and an empty list in the snapshot', async () => {
      const { liveId, watcher } = await startLive({ liveType: 'live', viewers: 0 });
      const res = await t
        .http()
        .get(`/api/live/${liveId}/seats`)
        .set(auth(t.token('reader')));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('WRONG_LIVE_TYPE');
      expect((await watcher.request('live:join', { liveStreamId: liveId })).data.seats).toEqual([]);
    });

    it('frees every seat when the live ends', async () => {
      const { liveId, host, tokens } = await startLive({ viewers: 2 });
      await act('rest', tokens[0], liveId, 'take', { index: 1 });
      await act('rest', tokens[1], liveId, 'take', { index: 2 });
      await t.http().post(`/api/live/${liveId}/end`).set(auth(host)).expect(200);
      expect(occupants(await seatsOf(liveId))).toEqual([]);
    });

    it("frees a kicked speaker's seat before the kick returns, telling their client to drop to audience", async () => {
      const { liveId, host, tokens, viewerIds, watcher } = await startLive({ viewers: 1 });
      await act('rest', tokens[0], liveId, 'take', { index: 3 });
      await t.http().post(`/api/live/${liveId}/kick`).set(auth(host)).send({ targetUserId: viewerIds[0] }).expect(200);
      expect(occupants(await seatsOf(liveId))).not.toContain(viewerIds[0]);
      const left = await watcher.waitFor('live:seat:left', (e) => e.userId === viewerIds[0]);
      expect(left).toMatchObject({ seatIndex: 3, action: 'kicked', dropToAudience: true });
    });

    it('takes a speaker who leaves the live off their seat', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive({ viewers: 1 });
      await act('rest', tokens[0], liveId, 'take', { index: 2 });
      await t.http().post(`/api/live/${liveId}/leave`).set(auth(tokens[0])).expect(200);
      await watcher.waitFor('live:seat:left', (e) => e.userId === viewerIds[0] && e.action === 'left_live');
      expect(occupants(await seatsOf(liveId))).not.toContain(viewerIds[0]);
    });

    it('drops the seat requests of viewers who leave or are kicked, and keeps the others', async () => {
      const { liveId, host, tokens, viewerIds } = await startLive({ viewers: 3, seatMode: 'request' });
      for (const token of tokens) await act('rest', token, liveId, 'request');
      const pending = async () =>
        (await t.http().get(`/api/live/${liveId}/seats/requests`).set(auth(host))).body.map((r: any) => r.userId);
      expect(await pending()).toEqual(viewerIds);
      await t.http().post(`/api/live/${liveId}/leave`).set(auth(tokens[0])).expect(200);
      await t.http().post(`/api/live/${liveId}/kick`).set(auth(host)).send({ targetUserId: viewerIds[1] }).expect(200);
      await eventually(async () => (await pending()).length === 1, 5000, 20);
      expect(await pending()).toEqual([viewerIds[2]]);
    });
  });

  describe.each<Via>(['rest', 'socket'])('actions over %s', (via) => {
    it('takes a free seat and announces it to the room with the seat and its version', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive();
      const taken = await act(via, tokens[0], liveId, 'take', { index: 2 });
      expect(taken).toMatchObject({ ok: true, data: { seatIndex: 2, userId: viewerIds[0], micOn: true } });
      const joined = await watcher.waitFor('live:seat:joined', (e) => e.userId === viewerIds[0]);
      expect(joined.seat).toEqual(taken.data);
      const update = await watcher.waitFor('live:seat:update', (e) => e.seatIndex === 2);
      expect(update).toMatchObject({ action: 'take', version: taken.data.version, dropToAudience: false });
    });

    it('refuses a take with SEAT_TAKEN, ALREADY_ON_SEAT, HOST_SEAT, INVALID_SEAT_INDEX, SEAT_LOCKED and NOT_IN_LIVE', async () => {
      const { liveId, host, tokens } = await startLive();
      expect((await act(via, tokens[0], liveId, 'take', { index: 1 })).ok).toBe(true);
      expect((await act(via, tokens[1], liveId, 'take', { index: 1 })).code).toBe('SEAT_TAKEN');
      expect((await act(via, tokens[0], liveId, 'take', { index: 2 })).code).toBe('ALREADY_ON_SEAT');
      expect((await act(via, tokens[0], liveId, 'take', { index: 1 })).code).toBe('ALREADY_ON_SEAT');
      expect((await act(via, tokens[1], liveId, 'take', { index: 0 })).code).toBe('HOST_SEAT');
      expect(await act(via, tokens[1], liveId, 'take', { index: 6 })).toMatchObject({
        status: 400,
        code: 'INVALID_SEAT_INDEX',
      });
      await act(via, host, liveId, 'lock_seat', { index: 4 });
      expect((await act(via, tokens[1], liveId, 'take', { index: 4 })).code).toBe('SEAT_LOCKED');
      expect((await act(via, t.token(userIds('outsider', 1)[0]), liveId, 'take', { index: 3 })).code).toBe(
        'NOT_IN_LIVE',
      );
    });

    it('leaves the seat (dropping to audience), and refuses NOT_ON_SEAT to someone not on it', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive();
      await act(via, tokens[0], liveId, 'take', { index: 1 });
      expect((await act(via, tokens[1], liveId, 'leave', { index: 1 })).code).toBe('NOT_ON_SEAT');
      expect((await act(via, tokens[0], liveId, 'leave', { index: 2 })).code).toBe('NOT_ON_SEAT');
      const left = await act(via, tokens[0], liveId, 'leave', { index: 1 });
      expect(left).toMatchObject({ ok: true, data: { seatIndex: 1, userId: null } });
      expect(await watcher.waitFor('live:seat:left', (e) => e.userId === viewerIds[0])).toMatchObject({
        dropToAudience: true,
        action: 'leave',
      });
      expect((await act(via, tokens[0], liveId, 'leave', { index: 1 })).code).toBe('NOT_ON_SEAT');
    });

    it('moves the speaker to a free seat in one step, keeping their mic state', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive();
      await act(via, tokens[0], liveId, 'take', { index: 1 });
      await act(via, tokens[0], liveId, 'mic_off', { index: 1 });
      await act(via, tokens[1], liveId, 'take', { index: 2 });
      expect((await act(via, tokens[0], liveId, 'move', { index: 2 })).code).toBe('SEAT_TAKEN');
      expect((await act(via, tokens[2], liveId, 'move', { index: 3 })).code).toBe('NOT_ON_SEAT');
      const moved = await act(via, tokens[0], liveId, 'move', { index: 4 });
      expect(moved).toMatchObject({ ok: true, data: { seatIndex: 4, userId: viewerIds[0], micOn: false } });
      const seats = await seatsOf(liveId);
      expect(seats[1].userId).toBeNull();
      expect(occupants(seats).filter((id: string) => id === viewerIds[0])).toHaveLength(1);
      expect(await watcher.waitFor('live:seat:update', (e) => e.action === 'move_out')).toMatchObject({
        seatIndex: 1,
        dropToAudience: false,
      });
      await expectEventsMatchDocuments(watcher, liveId);
    });

    it("switches the speaker's mic, but a host-muted speaker cannot unmute themself", async () => {
      const { liveId, host, tokens } = await startLive();
      await act(via, tokens[0], liveId, 'take', { index: 1 });
      expect((await act(via, tokens[0], liveId, 'mic_off', { index: 1 })).data.micOn).toBe(false);
      expect((await act(via, tokens[0], liveId, 'mic_on', { index: 1 })).data.micOn).toBe(true);
      expect((await act(via, tokens[1], liveId, 'mic_on', { index: 1 })).code).toBe('NOT_ON_SEAT');
      expect((await act(via, host, liveId, 'mute_seat', { index: 1 })).data).toMatchObject({
        hostMuted: true,
        micOn: false,
      });
      expect(await act(via, tokens[0], liveId, 'mic_on', { index: 1 })).toMatchObject({
        status: 403,
        code: 'MUTED_BY_HOST',
      });
      expect((await act(via, host, liveId, 'unmute_seat', { index: 1 })).data.hostMuted).toBe(false);
      expect((await act(via, tokens[0], liveId, 'mic_on', { index: 1 })).data.micOn).toBe(true);
      expect((await act(via, host, liveId, 'mute_seat', { index: 0 })).code).toBe('CANNOT_TARGET_HOST');
    });

    it('locks and unlocks empty seats only (locking an occupied seat is refused), host and co-hosts only', async () => {
      const { liveId, host, tokens, viewerIds } = await startLive();
      await act(via, tokens[0], liveId, 'take', { index: 1 });
      expect(await act(via, host, liveId, 'lock_seat', { index: 1 })).toMatchObject({ code: 'SEAT_OCCUPIED' });
      expect(await act(via, host, liveId, 'lock_seat', { index: 0 })).toMatchObject({ code: 'HOST_SEAT' });
      expect(await act(via, tokens[1], liveId, 'lock_seat', { index: 2 })).toMatchObject({
        status: 403,
        code: 'NOT_HOST_OR_COHOST',
      });
      expect(await act(via, host, liveId, 'lock_seat', { index: 9 })).toMatchObject({ code: 'INVALID_SEAT_INDEX' });
      await t
        .http()
        .post(`/api/live/${liveId}/cohosts`)
        .set(auth(host))
        .send({ targetUserId: viewerIds[2] })
        .expect(200);
      expect((await act(via, tokens[2], liveId, 'lock_seat', { index: 2 })).data.locked).toBe(true);
      expect((await act(via, host, liveId, 'lock_seat', { index: 2 })).data.locked).toBe(true);
      expect((await act(via, tokens[1], liveId, 'unlock_seat', { index: 2 })).code).toBe('NOT_HOST_OR_COHOST');
      expect((await act(via, host, liveId, 'unlock_seat', { index: 2 })).data.locked).toBe(false);
      expect((await act(via, tokens[1], liveId, 'take', { index: 2 })).ok).toBe(true);
    });

    it('removes a speaker from their seat (they drop to audience), never the host', async () => {
      const { liveId, host, tokens, viewerIds, watcher } = await startLive();
      await act(via, tokens[0], liveId, 'take', { index: 3 });
      expect((await act(via, tokens[1], liveId, 'remove_from_seat', { index: 3, target: viewerIds[0] })).code).toBe(
        'NOT_HOST_OR_COHOST',
      );
      expect((await act(via, host, liveId, 'remove_from_seat', { index: 0 })).code).toBe('CANNOT_TARGET_HOST');
      expect((await act(via, host, liveId, 'remove_from_seat', { index: 2 })).code).toBe('NOT_ON_SEAT');
      expect(
        (await act(via, host, liveId, 'remove_from_seat', { index: 3, target: viewerIds[0] })).data.userId,
      ).toBeNull();
      expect(await watcher.waitFor('live:seat:update', (e) => e.action === 'remove')).toMatchObject({
        previousUserId: viewerIds[0],
        dropToAudience: true,
      });
    });

    it("moves another speaker (host's move), refusing a viewer and a target that is not seated", async () => {
      const { liveId, host, tokens, viewerIds } = await startLive();
      await act(via, tokens[0], liveId, 'take', { index: 1 });
      expect((await act(via, tokens[1], liveId, 'move_speaker', { index: 2, target: viewerIds[0] })).code).toBe(
        'NOT_HOST_OR_COHOST',
      );
      expect((await act(via, host, liveId, 'move_speaker', { index: 2, target: viewerIds[1] })).code).toBe(
        'NOT_ON_SEAT',
      );
      expect((await act(via, host, liveId, 'move_speaker', { index: 5, target: viewerIds[0] })).data).toMatchObject({
        seatIndex: 5,
        userId: viewerIds[0],
      });
    });

    it('switches the seat mode; in request mode a viewer cannot take a seat (SEAT_MODE) but applies, and the host accepts', async () => {
      const { liveId, host, tokens, viewerIds, hostId } = await startLive();
      expect((await act(via, tokens[0], liveId, 'set_seat_mode', { mode: 'request' })).code).toBe('NOT_HOST_OR_COHOST');
      expect((await act(via, host, liveId, 'set_seat_mode', { mode: 'request' })).data.settings.seatMode).toBe(
        'request',
      );
      expect((await act(via, tokens[0], liveId, 'take', { index: 1 })).code).toBe('SEAT_MODE');
      const hostSocket = await socketOf(host);
      const requested = await act(via, tokens[0], liveId, 'request', { index: 2 });
      expect(requested.data).toMatchObject({ userId: viewerIds[0], seatIndex: 2 });
      expect(await hostSocket.waitFor('live:seat:request', (e) => e.request.userId === viewerIds[0])).toMatchObject({
        status: 'pending',
      });
      const list = await t.http().get(`/api/live/${liveId}/seats/requests`).set(auth(host));
      expect(list.body.map((r: any) => r.userId)).toEqual([viewerIds[0]]);
      expect((await t.http().get(`/api/live/${liveId}/seats/requests`).set(auth(tokens[1]))).body.code).toBe(
        'NOT_HOST_OR_COHOST',
      );
      expect((await act(via, tokens[1], liveId, 'accept_request', { target: viewerIds[0] })).code).toBe(
        'NOT_HOST_OR_COHOST',
      );
      const accepted = await act(via, host, liveId, 'accept_request', { target: viewerIds[0] });
      expect(accepted.data).toMatchObject({ seatIndex: 2, userId: viewerIds[0] });
      expect((await act(via, host, liveId, 'accept_request', { target: viewerIds[0] })).code).toBe(
        'NO_PENDING_REQUEST',
      );
      expect(hostId).not.toBe(viewerIds[0]);
    });

    it('accepts a request without a seat on the first free seat; rejects and cancels pending requests', async () => {
      const { liveId, host, tokens, viewerIds } = await startLive({ seatMode: 'request' });
      await act(via, host, liveId, 'lock_seat', { index: 1 });
      await act(via, tokens[0], liveId, 'request');
      expect((await act(via, host, liveId, 'accept_request', { target: viewerIds[0] })).data.seatIndex).toBe(2);
      await act(via, tokens[1], liveId, 'request');
      expect((await act(via, host, liveId, 'reject_request', { target: viewerIds[1] })).ok).toBe(true);
      expect((await act(via, host, liveId, 'reject_request', { target: viewerIds[1] })).code).toBe(
        'NO_PENDING_REQUEST',
      );
      await act(via, tokens[2], liveId, 'request');
      expect((await act(via, tokens[2], liveId, 'cancel_request')).ok).toBe(true);
      expect((await act(via, tokens[2], liveId, 'cancel_request')).code).toBe('NO_PENDING_REQUEST');
      expect((await act(via, tokens[0], liveId, 'request')).code).toBe('ALREADY_ON_SEAT');
    });

    it('drops the request of a viewer who takes a seat directly once the mode is free again; a viewer without one drops nothing', async () => {
      const { liveId, host, tokens, viewerIds } = await startLive({ seatMode: 'request' });
      await act(via, tokens[0], liveId, 'request', { index: 2 });
      await act(via, tokens[1], liveId, 'request', { index: 3 });
      await act(via, host, liveId, 'set_seat_mode', { mode: 'free' });
      const pending = async () =>
        (await t.http().get(`/api/live/${liveId}/seats/requests`).set(auth(host))).body.map((r: any) => r.userId);
      expect(await pending()).toEqual([viewerIds[0], viewerIds[1]]);
      expect((await act(via, tokens[0], liveId, 'take', { index: 4 })).ok).toBe(true);
      expect((await act(via, tokens[2], liveId, 'take', { index: 5 })).ok).toBe(true);
      // The taker's request goes (a reaction to the take); the other viewer's stays.
      await eventually(async () => (await pending()).length === 1, 5000, 20);
      expect(await pending()).toEqual([viewerIds[1]]);
    });

    it('refuses a seat request in free mode with SEAT_MODE', async () => {
      const { liveId, tokens } = await startLive();
      expect((await act(via, tokens[0], liveId, 'request')).code).toBe('SEAT_MODE');
    });

    it('invites a viewer, who accepts (seated) or declines; the invitation reaches their user room', async () => {
      const { liveId, host, tokens, viewerIds } = await startLive({ seatMode: 'request' });
      const invitee = await socketOf(tokens[0]);
      expect((await act(via, tokens[1], liveId, 'invite_to_seat', { target: viewerIds[0] })).code).toBe(
        'NOT_HOST_OR_COHOST',
      );
      expect((await act(via, host, liveId, 'accept_invite')).code).toBe('NO_PENDING_INVITE');
      expect((await act(via, host, liveId, 'invite_to_seat', { target: viewerIds[0], index: 4 })).ok).toBe(true);
      expect(await invitee.waitFor('live:seat:invite', (e) => e.invite.userId === viewerIds[0])).toMatchObject({
        status: 'pending',
        invite: { seatIndex: 4 },
      });
      expect((await act(via, tokens[0], liveId, 'accept_invite')).data).toMatchObject({
        seatIndex: 4,
        userId: viewerIds[0],
      });
      expect((await act(via, host, liveId, 'invite_to_seat', { target: viewerIds[0] })).code).toBe('ALREADY_ON_SEAT');
      await act(via, host, liveId, 'invite_to_seat', { target: viewerIds[1] });
      expect((await act(via, tokens[1], liveId, 'decline_invite')).ok).toBe(true);
      expect((await act(via, tokens[1], liveId, 'decline_invite')).code).toBe('NO_PENDING_INVITE');
      expect(occupants(await seatsOf(liveId))).not.toContain(viewerIds[1]);
    });

    it('refuses every seat action in a one-host live with WRONG_LIVE_TYPE', async () => {
      const { liveId, host, tokens } = await startLive({ liveType: 'live' });
      expect((await act(via, tokens[0], liveId, 'take', { index: 1 })).code).toBe('WRONG_LIVE_TYPE');
      expect((await act(via, tokens[0], liveId, 'request')).code).toBe('WRONG_LIVE_TYPE');
      expect((await act(via, host, liveId, 'lock_seat', { index: 1 })).code).toBe('WRONG_LIVE_TYPE');
    });

    it('refuses every seat action once the live ended (LIVE_ENDED) and to a removed user (REMOVED_FROM_LIVE)', async () => {
      const { liveId, host, tokens, viewerIds } = await startLive();
      await act(via, tokens[1], liveId, 'take', { index: 2 });
      await t.http().post(`/api/live/${liveId}/kick`).set(auth(host)).send({ targetUserId: viewerIds[0] }).expect(200);
      expect((await act(via, tokens[0], liveId, 'take', { index: 1 })).code).toBe('REMOVED_FROM_LIVE');
      expect((await act(via, host, liveId, 'invite_to_seat', { target: viewerIds[0] })).code).toBe('REMOVED_FROM_LIVE');
      await t.http().post(`/api/live/${liveId}/end`).set(auth(host)).expect(200);
      for (const [token, action, args] of [
        [tokens[2], 'take', { index: 1 }],
        [tokens[1], 'leave', { index: 2 }],
        [host, 'lock_seat', { index: 3 }],
      ] as const) {
        expect(await act(via, token, liveId, action, args)).toMatchObject({ status: 409, code: 'LIVE_ENDED' });
      }
    });
  });

  describe('inputs', () => {
    it('answers a seat index that is not a number with 400 INVALID_SEAT_INDEX', async () => {
      const { liveId, tokens } = await startLive({ viewers: 1 });
      const res = await t.http().post(`/api/live/${liveId}/seats/abc/join`).set(auth(tokens[0]));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_SEAT_INDEX');
    });

    it('refuses an unknown socket seat action and a take without seatIndex with VALIDATION_FAILED', async () => {
      const { liveId, tokens } = await startLive({ viewers: 1 });
      const socket = await socketOf(tokens[0]);
      expect((await socket.request('live:seat:update', { liveStreamId: liveId, action: 'fly' })).error.code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await socket.request('live:seat:update', { liveStreamId: liveId, action: 'take' })).error.code).toBe(
        'VALIDATION_FAILED',
      );
    });
  });

  describe('expiry', () => {
    it('ignores a request or an invitation past its expiry', async () => {
      const quick = await startTestApp({ SEAT_TICKET_TTL_MS: '300' });
      try {
        const [hostId, userId] = userIds('exp', 2);
        const [host, user] = [quick.token(hostId), quick.token(userId)];
        const live = (
          await quick
            .http()
            .post('/api/live/create')
            .set(auth(host))
            .send({ liveType: 'audio', title: 'x', seatMode: 'request' })
        ).body;
        await quick.http().post(`/api/live/${live.id}/join`).set(auth(user)).send({}).expect(200);
        await quick.http().post(`/api/live/${live.id}/seats/requests`).set(auth(user)).send({}).expect(200);
        await quick
          .http()
          .post(`/api/live/${live.id}/seats/invite`)
          .set(auth(host))
          .send({ targetUserId: userId })
          .expect(200);
        await sleep(400);
        expect((await quick.http().get(`/api/live/${live.id}/seats/requests`).set(auth(host))).body).toEqual([]);
        expect(
          (await quick.http().post(`/api/live/${live.id}/seats/requests/${userId}/accept`).set(auth(host)).send({}))
            .body.code,
        ).toBe('NO_PENDING_REQUEST');
        expect((await quick.http().post(`/api/live/${live.id}/seats/invites/accept`).set(auth(user))).body.code).toBe(
          'NO_PENDING_INVITE',
        );
      } finally {
        await quick.close();
      }
    });
  });

  describe('races', () => {
    it('gives a contested seat to exactly one of 50 users; 49 get SEAT_TAKEN', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive({ viewers: 50 });
      const outcomes = await Promise.all(
        tokens.map((token, i) => act(i % 2 ? 'rest' : 'socket', token, liveId, 'take', { index: 1 })),
      );
      const winners = outcomes.filter((o) => o.ok);
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((o) => o.code === 'SEAT_TAKEN')).toHaveLength(49);
      const seat = (await seatsOf(liveId))[1];
      expect(viewerIds).toContain(seat.userId);
      expect(seat.userId).toBe(winners[0].data.userId);
      await expectEventsMatchDocuments(watcher, liveId);
      expect(watcher.events('live:seat:joined').filter((e) => e.liveStreamId === liveId)).toHaveLength(1);
    });

    it('seats one user taking 5 different seats at once on exactly one', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive({ viewers: 1 });
      const outcomes = await Promise.all(
        [1, 2, 3, 4, 5].map((index) => act(index % 2 ? 'rest' : 'socket', tokens[0], liveId, 'take', { index })),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => o.code === 'ALREADY_ON_SEAT')).toHaveLength(4);
      expect(occupants(await seatsOf(liveId)).filter((id: string) => id === viewerIds[0])).toHaveLength(1);
      await expectEventsMatchDocuments(watcher, liveId);
    });

    it('lets either the lock or the take win a take racing a lock, never both', async () => {
      const { liveId, host, tokens, watcher } = await startLive({ liveType: 'audio', seatCount: 16, viewers: 15 });
      for (let index = 1; index < 16; index++) {
        const [take, lock] = await Promise.all([
          act('rest', tokens[index - 1], liveId, 'take', { index }),
          act('socket', host, liveId, 'lock_seat', { index }),
        ]);
        expect(take.ok !== lock.ok).toBe(true);
        expect(take.ok ? lock.code : take.code).toBe(take.ok ? 'SEAT_OCCUPIED' : 'SEAT_LOCKED');
      }
      const seats = (await seatsOf(liveId)).slice(1);
      expect(seats.every((s: any) => (s.userId !== null) !== s.locked)).toBe(true);
      await expectEventsMatchDocuments(watcher, liveId);
    });

    it('seats exactly 3 of 20 users racing for the last 3 free seats', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive({ viewers: 22 });
      await act('rest', tokens[20], liveId, 'take', { index: 1 });
      await act('rest', tokens[21], liveId, 'take', { index: 2 });
      const racers = tokens.slice(0, 20);
      const tryFreeSeats = async (token: string, i: number) => {
        for (const index of [3, 4, 5].map((_, k) => 3 + ((i + k) % 3))) {
          const outcome = await act(i % 2 ? 'rest' : 'socket', token, liveId, 'take', { index });
          if (outcome.ok || outcome.code !== 'SEAT_TAKEN') return outcome;
        }
        return { ok: false, code: 'SEAT_TAKEN' };
      };
      const outcomes = await Promise.all(racers.map(tryFreeSeats));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
      expect(outcomes.filter((o) => o.code === 'SEAT_TAKEN')).toHaveLength(17);
      const seated = occupants(await seatsOf(liveId));
      expect(seated).toHaveLength(6);
      expect(new Set(seated).size).toBe(6);
      expect(seated.filter((id: string) => viewerIds.slice(0, 20).includes(id))).toHaveLength(3);
      await expectEventsMatchDocuments(watcher, liveId);
    });

    it('keeps one seat per user and one user per seat when moves race takes', async () => {
      const { liveId, tokens, viewerIds, watcher } = await startLive({ liveType: 'audio', seatCount: 9, viewers: 12 });
      const speakers = tokens.slice(0, 4);
      await Promise.all(speakers.map((token, i) => act('rest', token, liveId, 'take', { index: i + 1 })));
      const outsiders = tokens.slice(4);
      const moves = speakers.map((token, i) =>
        act(i % 2 ? 'rest' : 'socket', token, liveId, 'move', { index: 5 + ((i + 1) % 4) }),
      );
      const takes = outsiders.map((token, i) =>
        act(i % 2 ? 'socket' : 'rest', token, liveId, 'take', { index: 1 + (i % 8) }),
      );
      const [moveOutcomes, takeOutcomes] = await Promise.all([Promise.all(moves), Promise.all(takes)]);
      const seats = await seatsOf(liveId);
      const seated = occupants(seats);
      expect(new Set(seated).size).toBe(seated.length);
      for (const id of viewerIds.slice(0, 4)) expect(seated.filter((s: string) => s === id)).toHaveLength(1);
      moveOutcomes.forEach((outcome, i) => {
        const seat = seats.find((s: any) => s.userId === viewerIds[i]);
        expect(seat.seatIndex).toBe(outcome.ok ? 5 + ((i + 1) % 4) : i + 1);
      });
      expect(seated).toHaveLength(1 + 4 + takeOutcomes.filter((o) => o.ok).length);
      await expectEventsMatchDocuments(watcher, liveId);
    });
  });
});

const SOCKET_HOST_ACTIONS = new Set([
  'invite_to_seat',
  'accept_request',
  'reject_request',
  'remove_from_seat',
  'mute_seat',
  'unmute_seat',
  'lock_seat',
  'unlock_seat',
  'move_speaker',
  'set_seat_mode',
]);

/** The REST route of each action (path under /api/live/:id, body). */
function restRoute(action: string, { index, target, mode }: Args): [string, object] {
  const seat = `/seats/${index}`;
  const routes: Record<string, [string, object]> = {
    take: [`${seat}/join`, {}],
    leave: [`${seat}/leave`, {}],
    move: [`${seat}/move`, {}],
    mic_on: [`${seat}/mic`, { on: true }],
    mic_off: [`${seat}/mic`, { on: false }],
    request: ['/seats/requests', index === undefined ? {} : { seatIndex: index }],
    cancel_request: ['/seats/requests/cancel', {}],
    accept_invite: ['/seats/invites/accept', {}],
    decline_invite: ['/seats/invites/decline', {}],
    invite_to_seat: ['/seats/invite', { targetUserId: target, ...(index === undefined ? {} : { seatIndex: index }) }],
    accept_request: [`/seats/requests/${target}/accept`, index === undefined ? {} : { seatIndex: index }],
    reject_request: [`/seats/requests/${target}/reject`, {}],
    remove_from_seat: [`${seat}/remove`, {}],
    mute_seat: [`${seat}/mute`, {}],
    unmute_seat: [`${seat}/unmute`, {}],
    lock_seat: [`${seat}/lock`, {}],
    unlock_seat: [`${seat}/unlock`, {}],
    move_speaker: [`${seat}/move`, { targetUserId: target }],
    set_seat_mode: ['/seats/mode', { seatMode: mode }],
  };
  return routes[action];
}

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
