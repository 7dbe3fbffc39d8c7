import { fieldsOf, namesField, nestedArrays, sampleOf, Schemas, withValueAt } from './support/schema-samples';
import { startTestApp, TestApp, TestSocket } from './support/test-app';

/**
 * Sends hostile payloads to every client event of the AsyncAPI document (built from the event
 * catalogue): null in each field, payloads nested 1,500 levels deep. Every ack must be a 4xx-style
 * error with the REST codes, never an internal error, and the connection must survive. A packet
 * over the size limit is the exception: the server closes that connection.
 */
describe('every client event survives hostile payloads', () => {
  let t: TestApp;
  let socket: TestSocket;
  let schemas: Schemas;
  let events: { name: string; payload: Record<string, any> }[];

  beforeAll(async () => {
    t = await startTestApp();
    const doc = (await t.http().get('/api/docs/asyncapi.json')).body;
    schemas = doc.components.schemas;
    events = Object.entries<any>(doc.components.messages)
      .filter(([key]) => key.startsWith('client.'))
      .map(([, message]) => ({ name: message.name, payload: message.payload }));
    socket = await t.connect(t.token({ sub: 'socket-walker', admin: true }));
  });
  afterAll(() => t.close());

  const describeAck = (event: string, what: string, ack: unknown) => `${event} ${what} -> ${JSON.stringify(ack)}`;
  const isClientError = (ack: { ok: boolean; error?: { statusCode: number } }) =>
    !ack.ok && ack.error!.statusCode >= 400 && ack.error!.statusCode < 500;

  it('finds the client events', () => {
    expect(events.map((e) => e.name)).toEqual(
      expect.arrayContaining(['live:join', 'live:update', 'live:message:send', 'live:seat:update', 'live:gift:send']),
    );
  });

  it('refuses null in every field, except where null clears a value', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const event of events) {
      const sample = sampleOf(event.payload, schemas);
      for (const { path, nullable } of fieldsOf(event.payload, schemas)) {
        const ack = await socket.request(event.name, withValueAt(sample, path, null));
        checked++;
        const what = `{ ${path.join('.')}: null }`;
        if (!isClientError(ack)) failures.push(describeAck(event.name, what, ack));
        else if (nullable && ack.error.code === 'VALIDATION_FAILED') failures.push(describeAck(event.name, what, ack));
        else if (!nullable && !(ack.error.code === 'VALIDATION_FAILED' && namesField(ack.error, path)))
          failures.push(describeAck(event.name, what, ack));
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    expect(socket.raw.connected).toBe(true);
  });

  it('answers PAYLOAD_TOO_DEEP to a payload nested 1,500 levels deep, in any field, and stays connected', async () => {
    const answers = new Set<string>();
    for (const event of events) {
      const sample = sampleOf(event.payload, schemas);
      const payloads = [
        nestedArrays(1500),
        ...fieldsOf(event.payload, schemas).map(({ path }) => withValueAt(sample, path, nestedArrays(1500))),
      ];
      for (const payload of payloads) {
        const ack = await socket.request(event.name, payload);
        answers.add(
          isClientError(ack) && ack.error!.code === 'PAYLOAD_TOO_DEEP'
            ? 'PAYLOAD_TOO_DEEP'
            : describeAck(event.name, 'deep', ack),
        );
      }
    }
    expect([...answers]).toEqual(['PAYLOAD_TOO_DEEP']);
    expect(socket.raw.connected).toBe(true);
    expect((await socket.request('live:leave', { liveStreamId: '0123456789abcdef01234567' })).error?.code).toBe(
      'LIVE_NOT_FOUND',
    );
  });

  it('answers a packet just under 64 KB, and closes the connection of one over it', async () => {
    const sender = await t.connect(t.token('oversize-sender'));
    const message = (bytes: number) => ({ liveStreamId: '0123456789abcdef01234567', text: 'x'.repeat(bytes) });

    const under = await sender.request('live:message:send', message(60 * 1024));
    expect(under.error?.code).toBe('VALIDATION_FAILED'); // the text's own limit, after the transport let it in

    const closed = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the connection stayed open')), 10_000);
      sender.raw.once('disconnect', (reason) => (clearTimeout(timer), resolve(reason)));
    });
    sender.raw.emit('live:message:send', message(70 * 1024));
    expect(await closed).toBe('transport close');
    // Only that connection: the others carry on.
    expect(socket.raw.connected).toBe(true);
    expect((await socket.request('live:leave', { liveStreamId: '0123456789abcdef01234567' })).ok).toBe(false);
  });
});
