import { DomainEvents } from '../src/common/domain-events';
import { createLive } from './support/live-fixtures';
import { startTestApp, TestApp, TestSocket, userIds } from './support/test-app';

/**
 * Big rooms: while a live with at least BIG_ROOM_MIN_SOCKETS sockets gets events faster than one
 * per window, a socket that accepts frames gets them together as live:frame, each inner event
 * with its own seq; the other sockets get the very same events one by one.
 */
describe('live:frame in big rooms', () => {
  let t: TestApp;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp({
      BIG_ROOM_MIN_SOCKETS: '2',
      BIG_ROOM_WINDOW_MS: '50',
      CHAT_RATE_BURST_POINTS: '1000',
      CHAT_RATE_SUSTAINED_POINTS: '1000',
    });
  });
  afterAll(() => t.close());

  /** The room events a socket got for one live in the order it can apply them: frames unpacked. */
  function applied(socket: TestSocket, liveId: string): { event: string; seq: number; payload: any }[] {
    return socket.received
      .flatMap((r) =>
        r.event === 'live:frame'
          ? (r.payload.events as { event: string; data: any }[]).map((e) => ({ event: e.event, payload: e.data }))
          : [r],
      )
      .filter((r) => r.payload?.liveStreamId === liveId && typeof r.payload?.seq === 'number')
      .map((r) => ({ event: r.event, seq: r.payload.seq as number, payload: r.payload }));
  }

  async function bigRoom(prefix: string) {
    const [host, framedUser, plainUser] = userIds(prefix, 3);
    const hostToken = t.token(host);
    const liveId = await createLive(t.url, hostToken);
    const framed = await t.connect(t.token(framedUser), { auth: { token: t.token(framedUser), frames: true } });
    const plain = await t.connect(t.token(plainUser));
    for (const socket of [framed, plain]) {
      expect((await socket.request('live:join', { liveStreamId: liveId })).ok).toBe(true);
    }
    return { liveId, hostToken, framed, plain, framedUser };
  }

  /** Chat messages through the real path, all in flight at once. */
  const post = (liveId: string, hostToken: string, texts: string[]) =>
    Promise.all(
      texts.map((text) => t.http().post(`/api/live/${liveId}/message`).set(auth(hostToken)).send({ text }).expect(201)),
    );

  /**
   * A burst that lands in one window whatever the machine's speed: the published domain events of
   * `count` messages, one after another in one tick (the first goes out at once, the rest wait).
   */
  function burst(liveId: string, template: any, count: number, label: string): void {
    const events = t.app.get(DomainEvents);
    for (let i = 0; i < count; i++) {
      events.emit('chat.message', { liveId, message: { ...template, text: `${label} ${i}` } });
    }
  }

  const got = (socket: TestSocket, liveId: string, text: string) =>
    applied(socket, liveId).some((e) => e.event === 'live:message' && e.payload.text === text);
  const consecutive = (seqs: number[]) => seqs.map((_, i) => seqs[0] + i);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(check()).toBe(true);
  };

  it('gives a frame-accepting socket and a plain one the same events with the same seqs, in order', async () => {
    const { liveId, hostToken, framed, plain } = await bigRoom('frames');
    const [first] = await post(liveId, hostToken, ['quiet room']);
    burst(liveId, first.body, 12, 'burst');
    await post(
      liveId,
      hostToken,
      Array.from({ length: 20 }, (_, i) => `concurrent ${i}`),
    );
    const texts = ['quiet room', ...Array.from({ length: 12 }, (_, i) => `burst ${i}`)];
    texts.push(...Array.from({ length: 20 }, (_, i) => `concurrent ${i}`));
    await until(() => texts.every((text) => got(framed, liveId, text) && got(plain, liveId, text)));

    const framedMessages = applied(framed, liveId).filter((e) => e.event === 'live:message');
    const plainMessages = applied(plain, liveId).filter((e) => e.event === 'live:message');
    expect(framedMessages.map((e) => [e.seq, e.payload.text])).toEqual(
      plainMessages.map((e) => [e.seq, e.payload.text]),
    );
    expect(plainMessages.map((e) => e.payload.text).sort()).toEqual([...texts].sort()); // each once
    // Every room event since the plain socket joined (viewer notices too): gap-free, in order, the same.
    const plainSeqs = applied(plain, liveId).map((e) => e.seq);
    expect(plainSeqs).toEqual(consecutive(plainSeqs));
    expect(
      applied(framed, liveId)
        .map((e) => e.seq)
        .filter((seq) => seq >= plainSeqs[0]),
    ).toEqual(plainSeqs);

    const frames = framed.events('live:frame');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.events.length >= 2)).toBe(true);
    expect(plain.events('live:frame')).toEqual([]);
  });

  it('accepts the request with ?frames=1 too', async () => {
    const { liveId, hostToken, plain } = await bigRoom('frames-query');
    const [queryUser] = userIds('frames-query-client', 1);
    const byQuery = await t.connect(t.token(queryUser), { query: { frames: '1' } });
    expect((await byQuery.request('live:join', { liveStreamId: liveId })).ok).toBe(true);
    const [first] = await post(liveId, hostToken, ['one']);
    burst(liveId, first.body, 5, 'query burst');
    await until(() => got(byQuery, liveId, 'query burst 4') && got(plain, liveId, 'query burst 4'));
    expect(byQuery.events('live:frame').length).toBeGreaterThan(0);
    const bySeq = applied(byQuery, liveId).map((e) => e.seq);
    expect(bySeq).toEqual(consecutive(bySeq));
    expect(
      applied(plain, liveId)
        .map((e) => e.seq)
        .filter((seq) => seq >= bySeq[0]),
    ).toEqual(bySeq);
  });

  it('lets a frame-accepting socket catch up by sinceSeq with single events, then frames again', async () => {
    const { liveId, hostToken, framed, plain, framedUser } = await bigRoom('frames-catchup');
    const [first] = await post(liveId, hostToken, ['before']);
    burst(liveId, first.body, 4, 'seen');
    await until(() => got(framed, liveId, 'seen 3'));
    const seen = applied(framed, liveId).at(-1)!.payload;
    framed.close();

    burst(liveId, first.body, 6, 'missed');
    await until(() => got(plain, liveId, 'missed 5'));
    const back = await t.connect(t.token(framedUser), { auth: { token: t.token(framedUser), frames: true } });
    const ack = await back.request('live:join', { liveStreamId: liveId, sinceSeq: seen.seq, epoch: seen.epoch });
    expect(ack.ok).toBe(true);
    expect(ack.data.resync).toBeUndefined();
    const missed = ack.data.missed as { event: string; data: any }[];
    expect(missed.map((m) => m.data.seq)).toEqual(missed.map((_, i) => seen.seq + 1 + i));
    expect(missed.every((m) => m.event !== 'live:frame')).toBe(true);
    expect(missed.filter((m) => m.event === 'live:message').map((m) => m.data.text)).toEqual(
      Array.from({ length: 6 }, (_, i) => `missed ${i}`),
    );

    burst(liveId, first.body, 5, 'after');
    await until(() => got(back, liveId, 'after 4'));
    expect(back.events('live:frame').length).toBeGreaterThan(0);
    const after = applied(back, liveId).map((e) => e.seq);
    expect(after[0]).toBeGreaterThan(ack.data.seq);
    expect(after).toEqual(consecutive(after));
  });
});
