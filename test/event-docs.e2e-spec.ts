import { Parser } from '@asyncapi/parser';
import { CLIENT_EVENTS, SERVER_EVENTS } from '../src/live/event-catalogue';
import { EventContract } from './support/event-contract';
import { resolveSchema, Schemas } from './support/schema-samples';
import { startTestApp, TestApp } from './support/test-app';

type Json = Record<string, any>;

/** Spectral's severities, as @asyncapi/parser reports them. */
const ERROR = 0;
const WARNING = 1;

describe('Socket.IO event reference next to Swagger UI', () => {
  let t: TestApp;
  let doc: Json;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs/asyncapi.json').expect(200)).body;
  });
  afterAll(() => t.close());

  /** Each operation's event name and its messages (the event, then its acks), resolved. */
  const operations = () =>
    Object.values<Json>(doc.operations).map((operation) => {
      const message = (ref: string): Json => {
        const inChannel = ref
          .split('/')
          .slice(1)
          .reduce((node: Json, key) => node[key], doc);
        return doc.components.messages[inChannel.$ref.split('/').pop()];
      };
      const [event] = operation.messages.map((m: Json) => message(m.$ref));
      const acks: Json[] = (operation.reply?.messages ?? []).map((m: Json) => message(m.$ref));
      return { action: operation.action as 'send' | 'receive', event, acks };
    });

  it('lists every catalogued event once, each with a message id, and resolvable schemas', () => {
    const names = (action: string) =>
      operations()
        .filter((op) => op.action === action)
        .map((op) => op.event.name)
        .sort();
    expect(names('receive')).toEqual(Object.keys(CLIENT_EVENTS).sort());
    expect(names('send')).toEqual(Object.keys(SERVER_EVENTS).sort());
    expect(Object.keys(doc.components.messages).length).toBeGreaterThan(names('send').length);

    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => !doc.components.schemas[name])).toEqual([]);
  });

  it('passes the official AsyncAPI parser without errors or warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const serious = diagnostics
      .filter((d) => d.severity === ERROR || d.severity === WARNING)
      .map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`);
    expect(serious).toEqual([]);
    // The parser produced a document (it answers undefined when it cannot), with every event in it.
    expect(document?.messages().length).toBeGreaterThan(20);
  });

  it('adds seq and epoch to every event sent to a live room but live:frame, and to live:ended, and to no other', () => {
    const numbered = operations()
      .filter((op) => op.action === 'send' && op.event.payload.required?.includes('seq'))
      .map((op) => op.event.name)
      .sort();
    const expected = Object.entries(SERVER_EVENTS)
      .filter(([event, d]) => (d.receivers === 'live room' && event !== 'live:frame') || event === 'live:ended')
      .map(([event]) => event)
      .sort();
    expect(numbered).toEqual(expected);
  });

  describe('the checker the tests run on every event and ack they receive', () => {
    let contract: EventContract;
    let schemas: Schemas;
    beforeAll(() => {
      contract = EventContract.fromDocument(doc);
      schemas = doc.components.schemas;
    });

    /** Every documented shape: each server event, and each ack of each client event, with its example. */
    const shapes = () =>
      operations().flatMap(({ action, event, acks }) =>
        action === 'send'
          ? [
              {
                what: event.name,
                example: event.examples[0].payload,
                check: (v: unknown) => contract.checkEvent(event.name, [v]),
              },
            ]
          : acks.map((ack) => ({
              what: `${ack.name}: ${ack.title}`,
              example: ack.examples[0].payload,
              check: (v: unknown) => contract.checkAck(event.name, { action: ack['x-actions']?.[0] }, [v]),
            })),
      );

    /** The object a mutation goes into: the event itself, or an ack's `data` (or `error`). */
    const body = (value: Json): Json => value.data ?? value.error ?? value;
    const schemaOf = (what: string, value: Json): Json => {
      const event = operations().find((op) => op.event.name === what);
      if (event) return resolveSchema(event.event.payload, schemas);
      const ack = operations()
        .flatMap((op) => op.acks)
        .find((a) => `${a.name}: ${a.title}` === what)!;
      return resolveSchema(ack.payload.properties[value.ok ? 'data' : 'error'], schemas);
    };

    it('accepts every documented example', () => {
      const refused = shapes().flatMap(({ example, check }) => check(example));
      expect(refused).toEqual([]);
      expect(shapes().length).toBe(operations().reduce((n, op) => n + (op.action === 'send' ? 1 : op.acks.length), 0));
    });

    it('refuses each event and ack without one of its required fields', () => {
      const accepted = shapes().flatMap(({ what, example, check }) => {
        const copy = structuredClone(example) as Json;
        const field = schemaOf(what, example).required[0] as string;
        delete body(copy)[field];
        return check(copy).length ? [] : [`${what} without ${field}`];
      });
      expect(accepted).toEqual([]);
    });

    it('refuses each event and ack with a field the document does not list', () => {
      const accepted = shapes().flatMap(({ what, example, check }) => {
        const copy = structuredClone(example) as Json;
        body(copy).undocumented = 1;
        return check(copy).length ? [] : [`${what} with an undocumented field`];
      });
      expect(accepted).toEqual([]);
    });

    it('refuses an event or an ack with a second argument, and an event the document does not list', () => {
      const [gift] = operations().filter((op) => op.event.name === 'live:gift');
      const example = gift.event.examples[0].payload;
      expect(contract.checkEvent('live:gift', [example, 'offset'])).toEqual([expect.stringContaining('2 arguments')]);
      expect(contract.checkAck('live:leave', {}, [{ ok: true, data: null }, 'extra'])).toEqual([
        expect.stringContaining('2 arguments'),
      ]);
      expect(contract.checkEvent('live:unknown', [{}])).toEqual([expect.stringContaining('not a server event')]);
    });

    it('checks an ack against the shape of the action that was sent', () => {
      const seat = operations()
        .find((op) => op.event.name === 'live:host:action')!
        .acks.find((ack) => ack['x-actions']?.includes('lock_seat'))!.examples[0].payload;
      expect(contract.checkAck('live:host:action', { action: 'lock_seat' }, [seat])).toEqual([]);
      expect(contract.checkAck('live:host:action', { action: 'kick' }, [seat])).not.toEqual([]);
    });
  });
});
