import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { ChatService } from '../src/chat/chat.service';
import { authUserOf, eventually, startTestApp, TestApp, TestSocket, userIds } from './support/test-app';

/** Rate limits high enough to stay out of the way, for the tests that are not about them. */
const GENEROUS = { CHAT_RATE_BURST_POINTS: '10000', CHAT_RATE_SUSTAINED_POINTS: '10000' };

describe('chat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...GENEROUS, CHAT_BLOCKED_WORDS: 'darn,heck' });
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(bearer(token)).send(body);
  const get = (path: string, token: string) => t.http().get(path).set(bearer(token));
  const send = (liveId: string, token: string, body: object) => post(`/api/live/${liveId}/message`, token, body);

  /** A running live with its host and `viewers` joined viewers (over REST). */
  async function liveWith(viewers = 1, app: TestApp = t) {
    const [hostId, ...viewerIds] = userIds('chat', viewers + 1);
    const hostToken = app.token({ sub: hostId, name: `Host ${hostId}` });
    const res = await app
      .http()
      .post('/api/live/create')
      .set(bearer(hostToken))
      .send({ liveType: 'party', title: 'chat' });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    const viewerTokens = viewerIds.map((id) =>
      app.token({ sub: id, name: `Viewer ${id}`, avatar: `https://cdn.example.com/${id}.png` }),
    );
    for (const token of viewerTokens) {
      const joined = await app.http().post(`/api/live/${res.body.id}/join`).set(bearer(token)).send({});
      if (joined.status !== 200) throw new Error(`join failed: ${joined.status}`);
    }
    return { live: res.body, hostId, hostToken, viewerIds, viewerTokens };
  }

  const stats = async (liveId: string) => (await t.http().get(`/api/live/${liveId}`)).body.stats;

  describe('sending', () => {
    it('stores a message with its sender snapshot, counts it, and answers the message', async () => {
      const { live, viewerIds, viewerTokens } = await liveWith(1);
      const res = await send(live.id, viewerTokens[0], { text: '  hello room  ' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        liveStreamId: live.id,
        type: 'comment',
        text: 'hello room',
        sender: {
          userId: viewerIds[0],
          name: `Viewer ${viewerIds[0]}`,
          avatar: `https://cdn.example.com/${viewerIds[0]}.png`,
        },
        clientMessageId: null,
        deletedAt: null,
      });
      expect(res.body.sender.uid).toEqual(expect.any(Number));
      expect((await stats(live.id)).messageCount).toBe(1);
    });

    it('lets the host and a co-host talk without joining as viewers', async () => {
      const { live, hostToken } = await liveWith(0);
      const [coHost] = userIds('cohost', 1);
      expect((await post(`/api/live/${live.id}/cohosts`, hostToken, { targetUserId: coHost })).status).toBe(200);
      expect((await send(live.id, hostToken, { text: 'host here' })).status).toBe(201);
      expect((await send(live.id, t.token(coHost), { text: 'co-host here' })).status).toBe(201);
    });

    it('masks blocked words as whole words', async () => {
      const { live, viewerTokens } = await liveWith(1);
      const res = await send(live.id, viewerTokens[0], { text: 'Darn, what the HECK, darning is fine' });
      expect(res.body.text).toBe('***, what the ***, darning is fine');
    });

    it('refuses someone who is not in the live with 403 NOT_IN_LIVE', async () => {
      const { live } = await liveWith(0);
      const res = await send(live.id, t.token(userIds('outsider', 1)[0]), { text: 'hi' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('NOT_IN_LIVE');
    });

    it('refuses a viewer who left with 403 NOT_IN_LIVE', async () => {
      const { live, viewerTokens } = await liveWith(1);
      await post(`/api/live/${live.id}/leave`, viewerTokens[0]);
      expect((await send(live.id, viewerTokens[0], { text: 'hi' })).body.code).toBe('NOT_IN_LIVE');
    });

    it('refuses a removed user with 403 REMOVED_FROM_LIVE', async () => {
      const { live, hostToken, viewerIds, viewerTokens } = await liveWith(1);
      await post(`/api/live/${live.id}/kick`, hostToken, { targetUserId: viewerIds[0] });
      const res = await send(live.id, viewerTokens[0], { text: 'let me back' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('REMOVED_FROM_LIVE');
    });

    it('refuses messages while chat is off with 403 CHAT_DISABLED, and accepts them again once on', async () => {
      const { live, hostToken, viewerTokens } = await liveWith(1);
      await t.http().patch(`/api/live/${live.id}`).set(bearer(hostToken)).send({ chatEnabled: false });
      const res = await send(live.id, viewerTokens[0], { text: 'anyone?' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CHAT_DISABLED');
      await t.http().patch(`/api/live/${live.id}`).set(bearer(hostToken)).send({ chatEnabled: true });
      expect((await send(live.id, viewerTokens[0], { text: 'anyone?' })).status).toBe(201);
    });

    it('refuses messages to an ended live with 409 LIVE_ENDED', async () => {
      const { live, hostToken } = await liveWith(0);
      await post(`/api/live/${live.id}/end`, hostToken);
      const res = await send(live.id, hostToken, { text: 'bye' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('LIVE_ENDED');
    });

    it('answers an unknown live with 404 LIVE_NOT_FOUND and a malformed id with 400 INVALID_ID', async () => {
      const token = t.token('lost');
      expect((await send('0123456789abcdef01234567', token, { text: 'x' })).body.code).toBe('LIVE_NOT_FOUND');
      expect((await send('nope', token, { text: 'x' })).body.code).toBe('INVALID_ID');
    });

    it.each([
      ['empty text', { text: '' }],
      ['blank text', { text: '   ' }],
      ['text over 500 characters', { text: 'a'.repeat(501) }],
      ['a control character', { text: 'line one\nline two' }],
      ['no text', {}],
      ['text that is not a string', { text: 42 }],
      ['an unknown field', { text: 'hi', authorId: 'someone-else' }],
      ['a malformed clientMessageId', { text: 'hi', clientMessageId: 'has spaces in it' }],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_, body) => {
      const { live, viewerTokens } = await liveWith(1);
      const res = await send(live.id, viewerTokens[0], body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((await stats(live.id)).messageCount).toBe(0);
    });

    it('accepts exactly 500 characters', async () => {
      const { live, viewerTokens } = await liveWith(1);
      expect((await send(live.id, viewerTokens[0], { text: 'é'.repeat(500) })).status).toBe(201);
    });

    it('keeps one message for 20 concurrent sends with one clientMessageId, counted once', async () => {
      const { live, viewerTokens } = await liveWith(1);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          send(live.id, viewerTokens[0], { text: `attempt ${i}`, clientMessageId: 'msg-1' }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      const ids = new Set(results.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      const history = await get(`/api/live/${live.id}/messages`, viewerTokens[0]);
      expect(history.body.items).toHaveLength(1);
      expect(history.body.items[0]).toMatchObject({ id: [...ids][0], clientMessageId: 'msg-1' });
      expect((await stats(live.id)).messageCount).toBe(1);
    });

    it('stores and counts a burst from 30 senders exactly once each, retries included', async () => {
      const { live, viewerTokens } = await liveWith(30);
      // Sent all at once, so inserts and counts go in groups; five senders send theirs twice.
      const sends = viewerTokens.flatMap((token, i) => {
        const body = { text: `burst ${i}`, clientMessageId: `burst-${i}` };
        return i < 5 ? [send(live.id, token, body), send(live.id, token, body)] : [send(live.id, token, body)];
      });
      const answers = await Promise.all(sends);
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 201));
      const ids = answers.map((res) => res.body.id as string);
      expect(new Set(ids).size).toBe(30);
      for (let i = 0; i < 5; i++) expect(ids[2 * i]).toBe(ids[2 * i + 1]);
      const history = await get(`/api/live/${live.id}/messages?limit=100`, viewerTokens[0]);
      expect(history.body.items.map((m: { id: string }) => m.id).sort()).toEqual([...new Set(ids)].sort());
      expect((await stats(live.id)).messageCount).toBe(30);
    });

    it('withdraws a message whose sender is kicked, or whose live ends, between its gate and its write', async () => {
      const { live, hostToken, viewerIds, viewerTokens } = await liveWith(2);
      const chat = t.app.get(ChatService);
      const write = chat['accept'].bind(chat);
      // The kick (then the end) lands after the message's gate read passed, before its write.
      const writeAfter = (step: () => Promise<{ status: number }>) =>
        jest.spyOn(chat as unknown as { accept: typeof write }, 'accept').mockImplementationOnce(async (input) => {
          expect((await step()).status).toBe(200);
          return write(input);
        });
      writeAfter(() => post(`/api/live/${live.id}/kick`, hostToken, { targetUserId: viewerIds[0] }));
      const kicked = await send(live.id, viewerTokens[0], { text: 'racing the kick' });
      writeAfter(() => post(`/api/live/${live.id}/end`, hostToken));
      const ended = await send(live.id, viewerTokens[1], { text: 'racing the end' });
      jest.restoreAllMocks();

      expect([kicked.status, kicked.body.code]).toEqual([403, 'REMOVED_FROM_LIVE']);
      expect([ended.status, ended.body.code]).toEqual([409, 'LIVE_ENDED']);
      expect((await get(`/api/live/${live.id}/messages`, hostToken)).body.items).toEqual([]);
      expect((await stats(live.id)).messageCount).toBe(0);
      const stored = await t.app
        .get<Connection>(getConnectionToken())
        .collection('live_messages')
        .find({ liveId: new Types.ObjectId(live.id) })
        .toArray();
      expect(stored.map(({ text, deletedBy }) => ({ text, deletedBy }))).toEqual([
        { text: 'racing the kick', deletedBy: 'system' },
        { text: 'racing the end', deletedBy: 'system' },
      ]);
    });

    it('answers each sender of a burst from their own gate: a mute, a missing visit and a retry among them', async () => {
      const { live, hostToken, viewerIds } = await liveWith(12);
      const [first, muted, retrying, ...others] = viewerIds;
      expect((await post(`/api/live/${live.id}/chat/mute`, hostToken, { targetUserId: muted })).status).toBe(200);
      const chat = t.app.get(ChatService);
      const earlier = await chat.send(live.id, authUserOf(retrying), { text: 'first', clientMessageId: 'early' });
      // Called at once, so the first sender's gate is read alone and all the others' in one read after it.
      const outcomes = await Promise.allSettled([
        chat.send(live.id, authUserOf(first), { text: 'alone' }),
        chat.send(live.id, authUserOf(muted), { text: 'muted' }),
        chat.send(live.id, authUserOf(retrying), { text: 'again', clientMessageId: 'early' }),
        chat.send(live.id, authUserOf(`chat-outsider-${live.id}`), { text: 'not joined' }),
        ...others.map((userId, i) => chat.send(live.id, authUserOf(userId), { text: `other ${i}` })),
      ]);
      const answer = (outcome: PromiseSettledResult<{ id: string; text: string }>) =>
        outcome.status === 'fulfilled' ? outcome.value.text : (outcome.reason as { code: string }).code;
      expect(outcomes.map(answer)).toEqual([
        'alone',
        'CHAT_MUTED',
        'first',
        'NOT_IN_LIVE',
        ...others.map((_, i) => `other ${i}`),
      ]);
      expect(outcomes[2]).toMatchObject({ value: { id: earlier.id } });
      expect((await stats(live.id)).messageCount).toBe(2 + others.length);
    });

    it('scopes clientMessageId per sender: two users may use the same id', async () => {
      const { live, viewerTokens } = await liveWith(2);
      const a = await send(live.id, viewerTokens[0], { text: 'a', clientMessageId: 'same' });
      const b = await send(live.id, viewerTokens[1], { text: 'b', clientMessageId: 'same' });
      expect(a.body.id).not.toBe(b.body.id);
      expect((await stats(live.id)).messageCount).toBe(2);
    });
  });

  describe('history', () => {
    const list = (liveId: string, token: string, query = '') => get(`/api/live/${liveId}/messages${query}`, token);

    async function liveWithMessages(count: number) {
      const setup = await liveWith(1);
      for (let i = 0; i < count; i++) await send(setup.live.id, setup.viewerTokens[0], { text: `m${i}` });
      return setup;
    }

    it('gives an empty page for a live without messages', async () => {
      const { live, viewerTokens } = await liveWith(1);
      const res = await list(live.id, viewerTokens[0]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], nextCursor: null, prevCursor: null });
    });

    it('walks back from the newest message, oldest first in each page, ending exactly on a page boundary', async () => {
      const { live, viewerTokens } = await liveWithMessages(6);
      const token = viewerTokens[0];
      const first = await list(live.id, token, '?limit=3');
      expect(first.body.items.map((m: any) => m.text)).toEqual(['m3', 'm4', 'm5']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await list(live.id, token, `?limit=3&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((m: any) => m.text)).toEqual(['m0', 'm1', 'm2']);
      expect(second.body.nextCursor).toBeNull();
    });

    it('walks forward from the oldest message with direction=newer, and turns around with prevCursor', async () => {
      const { live, viewerTokens } = await liveWithMessages(5);
      const token = viewerTokens[0];
      const first = await list(live.id, token, '?limit=2&direction=newer');
      expect(first.body.items.map((m: any) => m.text)).toEqual(['m0', 'm1']);
      const second = await list(live.id, token, `?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((m: any) => m.text)).toEqual(['m2', 'm3']);
      const third = await list(live.id, token, `?limit=2&cursor=${second.body.nextCursor}`);
      expect(third.body.items.map((m: any) => m.text)).toEqual(['m4']);
      expect(third.body.nextCursor).toBeNull();
      const back = await list(live.id, token, `?limit=10&cursor=${third.body.prevCursor}`);
      expect(back.body.items.map((m: any) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3']);
    });

    it('sees messages sent after a page through that page’s newer cursor', async () => {
      const { live, viewerTokens } = await liveWithMessages(2);
      const token = viewerTokens[0];
      const latest = await list(live.id, token);
      await send(live.id, token, { text: 'late' });
      const newer = await list(live.id, token, `?cursor=${latest.body.prevCursor}`);
      expect(newer.body.items.map((m: any) => m.text)).toEqual(['late']);
    });

    it('refuses a cursor from another live with 400', async () => {
      const a = await liveWithMessages(3);
      const b = await liveWith(1);
      const page = await list(a.live.id, a.viewerTokens[0], '?limit=1');
      const res = await list(b.live.id, b.viewerTokens[0], `?cursor=${page.body.nextCursor}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it.each([
      ['a garbage cursor', '?cursor=not-a-cursor'],
      ['a page size over the maximum', '?limit=101'],
      ['an unknown direction', '?direction=sideways'],
      ['an unknown query field', '?since=yesterday'],
    ])('refuses %s with 400', async (_, query) => {
      const { live, viewerTokens } = await liveWith(1);
      const res = await list(live.id, viewerTokens[0], query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('needs a token', async () => {
      const { live } = await liveWith(0);
      expect((await t.http().get(`/api/live/${live.id}/messages`)).status).toBe(401);
    });
  });

  describe('moderation', () => {
    it('lets the sender, the host and a co-host delete a message, announces it once, and hides it from history', async () => {
      const { live, hostToken, viewerTokens } = await liveWith(2);
      const watcher = await t.connect(viewerTokens[1]);
      await watcher.request('live:join', { liveStreamId: live.id });
      const [coHost] = userIds('mod', 1);
      await post(`/api/live/${live.id}/cohosts`, hostToken, { targetUserId: coHost });
      const ids: string[] = [];
      for (const text of ['by sender', 'by host', 'by co-host', 'kept'])
        ids.push((await send(live.id, viewerTokens[0], { text })).body.id);
      const remove = (id: string, token: string) =>
        t.http().delete(`/api/live/${live.id}/messages/${id}`).set(bearer(token));
      expect((await remove(ids[0], viewerTokens[0])).body.deletedAt).toEqual(expect.any(String));
      expect((await remove(ids[1], hostToken)).status).toBe(200);
      expect((await remove(ids[2], t.token(coHost))).status).toBe(200);
      expect((await remove(ids[2], t.token(coHost))).status).toBe(200); // idempotent
      const history = await get(`/api/live/${live.id}/messages`, hostToken);
      expect(history.body.items.map((m: any) => m.text)).toEqual(['kept']);
      await watcher.waitFor('live:message:deleted', (p) => p.messageId === ids[2]);
      expect(
        watcher
          .events('live:message:deleted')
          .map((p) => p.messageId)
          .sort(),
      ).toEqual(ids.slice(0, 3).sort());
      expect(watcher.events('live:message:deleted')[0]).toMatchObject({
        liveStreamId: live.id,
        actorId: expect.any(String),
      });
    });

    it("refuses another viewer deleting someone's message with 403, and an unknown message with 404", async () => {
      const { live, viewerTokens } = await liveWith(2);
      const message = (await send(live.id, viewerTokens[0], { text: 'mine' })).body;
      const res = await t.http().delete(`/api/live/${live.id}/messages/${message.id}`).set(bearer(viewerTokens[1]));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CANNOT_DELETE_MESSAGE');
      const unknown = await t
        .http()
        .delete(`/api/live/${live.id}/messages/0123456789abcdef01234567`)
        .set(bearer(viewerTokens[0]));
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('MESSAGE_NOT_FOUND');
    });

    it('mutes a user until the mute ends: 403 CHAT_MUTED with details.until, and a notice to that user', async () => {
      const { live, hostToken, viewerIds, viewerTokens } = await liveWith(1);
      const muted = await t.connect(viewerTokens[0]);
      const res = await post(`/api/live/${live.id}/chat/mute`, hostToken, {
        targetUserId: viewerIds[0],
        durationMs: 1500,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        liveStreamId: live.id,
        userId: viewerIds[0],
        muted: true,
        until: expect.any(String),
      });
      const notice = await muted.waitFor('live:chat:muted');
      expect(notice).toMatchObject({ liveStreamId: live.id, muted: true, until: res.body.until });
      const refused = await send(live.id, viewerTokens[0], { text: 'let me talk' });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'CHAT_MUTED', details: { until: res.body.until } });
      await eventually(
        async () => (await send(live.id, viewerTokens[0], { text: 'free again' })).status === 201,
        10000,
        200,
      );
    });

    it('unmutes over the socket host action, and refuses mute by a plain viewer', async () => {
      const { live, hostToken, viewerIds, viewerTokens } = await liveWith(2);
      const host = await t.connect(hostToken);
      const mute = await host.request('live:host:action', {
        liveStreamId: live.id,
        action: 'mute_chat',
        targetUserId: viewerIds[0],
        durationMs: 600000,
      });
      expect(mute).toMatchObject({ ok: true, data: { muted: true } });
      expect((await send(live.id, viewerTokens[0], { text: 'x' })).body.code).toBe('CHAT_MUTED');
      const unmute = await host.request('live:host:action', {
        liveStreamId: live.id,
        action: 'unmute_chat',
        targetUserId: viewerIds[0],
      });
      expect(unmute).toMatchObject({ ok: true, data: { muted: false, until: null } });
      expect((await send(live.id, viewerTokens[0], { text: 'x' })).status).toBe(201);
      const byViewer = await post(`/api/live/${live.id}/chat/mute`, viewerTokens[1], { targetUserId: viewerIds[0] });
      expect(byViewer.status).toBe(403);
      expect(byViewer.body.code).toBe('NOT_HOST_OR_COHOST');
      const onHost = await post(`/api/live/${live.id}/chat/mute`, hostToken, { targetUserId: live.hostId });
      expect(onHost.body.code).toBe('CANNOT_TARGET_HOST');
    });
  });

  describe('over the socket', () => {
    it('sends through live:message:send with the same checks and codes as REST', async () => {
      const { live, viewerTokens } = await liveWith(1);
      const viewer = await t.connect(viewerTokens[0]);
      const ok = await viewer.request('live:message:send', {
        liveStreamId: live.id,
        text: 'socket hello',
        clientMessageId: 's-1',
      });
      expect(ok).toMatchObject({
        ok: true,
        data: { text: 'socket hello', clientMessageId: 's-1', liveStreamId: live.id },
      });
      const again = await viewer.request('live:message:send', {
        liveStreamId: live.id,
        text: 'socket hello',
        clientMessageId: 's-1',
      });
      expect(again.data.id).toBe(ok.data.id);
      const outsider = await t.connect(t.token(userIds('outsider', 1)[0]));
      const refused = await outsider.request('live:message:send', { liveStreamId: live.id, text: 'hi' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_IN_LIVE', statusCode: 403 } });
      const tooLong = await viewer.request('live:message:send', { liveStreamId: live.id, text: 'x'.repeat(501) });
      expect(tooLong).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      const unknownField = await viewer.request('live:message:send', { liveStreamId: live.id, text: 'x', sneaky: 1 });
      expect(unknownField).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    });

    it('puts the recent messages, oldest first, in the live:join snapshot', async () => {
      const { live, hostToken, viewerTokens } = await liveWith(1);
      for (let i = 0; i < 35; i++) await send(live.id, hostToken, { text: `r${i}` });
      const socket = await t.connect(viewerTokens[0]);
      const joined = await socket.request('live:join', { liveStreamId: live.id });
      const texts = joined.data.recentMessages.map((m: any) => m.text);
      expect(texts).toHaveLength(30);
      expect(texts[0]).toBe('r5');
      expect(texts[29]).toBe('r34');
    });

    it('delivers each of 200 messages exactly once to each of 5 sockets, in send order per sender', async () => {
      const { live, hostToken, viewerTokens } = await liveWith(4);
      const sockets: TestSocket[] = [];
      for (const token of [hostToken, ...viewerTokens]) {
        const socket = await t.connect(token);
        await socket.request('live:join', { liveStreamId: live.id });
        sockets.push(socket);
      }
      // 4 senders, 50 messages each, sent one after another per sender and all senders at once.
      const senders = sockets.slice(1);
      await Promise.all(
        senders.map(async (socket, s) => {
          for (let i = 0; i < 50; i++) {
            const ack = await socket.request('live:message:send', { liveStreamId: live.id, text: `s${s}-${i}` });
            if (!ack.ok) throw new Error(JSON.stringify(ack.error));
          }
        }),
      );
      for (const socket of sockets) {
        await eventually(async () => socket.events('live:message').length >= 200);
      }
      for (const socket of sockets) {
        const got = socket.events('live:message').filter((m) => m.liveStreamId === live.id);
        expect(got).toHaveLength(200);
        expect(new Set(got.map((m) => m.id)).size).toBe(200);
        for (let s = 0; s < senders.length; s++) {
          const fromSender = got.filter((m) => m.text.startsWith(`s${s}-`)).map((m) => m.text);
          expect(fromSender).toEqual(Array.from({ length: 50 }, (_, i) => `s${s}-${i}`));
        }
      }
      expect((await stats(live.id)).messageCount).toBe(200);
    });
  });
});

describe('chat rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      CHAT_RATE_BURST_POINTS: '3',
      CHAT_RATE_BURST_WINDOW_MS: '60000',
      CHAT_RATE_SUSTAINED_POINTS: '100',
      CHAT_RATE_SUSTAINED_WINDOW_MS: '60000',
    });
  });
  afterAll(() => t.close());

  async function liveWithViewer() {
    const [hostId, viewerId] = userIds('limit', 2);
    const hostToken = t.token(hostId);
    const live = (
      await t
        .http()
        .post('/api/live/create')
        .set('Authorization', `Bearer ${hostToken}`)
        .send({ liveType: 'live', title: 'x' })
    ).body;
    const viewerToken = t.token(viewerId);
    await t.http().post(`/api/live/${live.id}/join`).set('Authorization', `Bearer ${viewerToken}`).send({});
    return { live, viewerToken };
  }

  it('answers 429 RATE_LIMITED with retryAfterMs past the burst, over REST and the socket alike', async () => {
    const { live, viewerToken } = await liveWithViewer();
    const rest = (text: string) =>
      t.http().post(`/api/live/${live.id}/message`).set('Authorization', `Bearer ${viewerToken}`).send({ text });
    const socket = await t.connect(viewerToken);
    expect((await rest('one')).status).toBe(201);
    expect((await socket.request('live:message:send', { liveStreamId: live.id, text: 'two' })).ok).toBe(true);
    expect((await rest('three')).status).toBe(201);
    const limited = await rest('four');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
    expect(limited.body.details.retryAfterMs).toBeGreaterThan(0);
    const overSocket = await socket.request('live:message:send', { liveStreamId: live.id, text: 'five' });
    expect(overSocket).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', statusCode: 429, details: { retryAfterMs: expect.any(Number) } },
    });
    expect((await t.http().get(`/api/live/${live.id}`)).body.stats.messageCount).toBe(3);
  });

  it('limits per user: another viewer still talks', async () => {
    const { live, viewerToken } = await liveWithViewer();
    for (let i = 0; i < 4; i++) {
      await t
        .http()
        .post(`/api/live/${live.id}/message`)
        .set('Authorization', `Bearer ${viewerToken}`)
        .send({ text: `${i}` });
    }
    const [other] = userIds('other', 1);
    const otherToken = t.token(other);
    await t.http().post(`/api/live/${live.id}/join`).set('Authorization', `Bearer ${otherToken}`).send({});
    expect(
      (
        await t
          .http()
          .post(`/api/live/${live.id}/message`)
          .set('Authorization', `Bearer ${otherToken}`)
          .send({ text: 'hi' })
      ).status,
    ).toBe(201);
  });

  it('does not spend the limit on a retry of a message already stored', async () => {
    const { live, viewerToken } = await liveWithViewer();
    const rest = (body: object) =>
      t.http().post(`/api/live/${live.id}/message`).set('Authorization', `Bearer ${viewerToken}`).send(body);
    const first = await rest({ text: 'once', clientMessageId: 'retry-me' });
    for (let i = 0; i < 5; i++)
      expect((await rest({ text: 'once', clientMessageId: 'retry-me' })).body.id).toBe(first.body.id);
    expect((await rest({ text: 'second' })).status).toBe(201);
  });
});
