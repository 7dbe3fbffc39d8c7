import { CLIENT_EVENTS, SERVER_EVENTS } from '../src/live/event-catalogue';
import { startTestApp, TestApp } from './support/test-app';

describe('Socket.IO event reference next to Swagger UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves an AsyncAPI document listing every catalogued event with resolvable schemas', async () => {
    const res = await t.http().get('/api/docs/asyncapi.json').expect(200);
    const doc = res.body;
    expect(doc.asyncapi).toBe('2.6.0');
    const names = (ops: { $ref: string }[]) =>
      ops.map((op) => doc.components.messages[op.$ref.replace('#/components/messages/', '')].name).sort();
    expect(names(doc.channels['/'].publish.message.oneOf)).toEqual(Object.keys(CLIENT_EVENTS).sort());
    expect(names(doc.channels['/'].subscribe.message.oneOf)).toEqual(Object.keys(SERVER_EVENTS).sort());

    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => !doc.components.schemas[name])).toEqual([]);
  });

  it('serves a readable page of the events without a token', async () => {
    const res = await t.http().get('/api/docs/events').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    for (const event of [...Object.keys(CLIENT_EVENTS), ...Object.keys(SERVER_EVENTS)])
      expect(res.text).toContain(event);
  });
});
