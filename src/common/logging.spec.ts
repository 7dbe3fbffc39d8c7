import Fastify from 'fastify';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { logResponses } from './logging';

describe('request log', () => {
  const lines: Record<string, unknown>[] = [];
  const app = Fastify({ genReqId: () => 'req-42' });

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    logResponses(app, pino({ level: 'info' }, sink));
    app.get('/ok', async () => ({ ok: true }));
    app.get('/broken', async () => {
      throw new Error('boom');
    });
    await app.ready();
  });
  afterAll(() => app.close());
  beforeEach(() => lines.splice(0));

  it('writes one line per response with the request id, method, route, status and time', async () => {
    await app.inject({ url: '/ok?x=1', headers: { authorization: 'Bearer secret-token', cookie: 'a=b' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      reqId: 'req-42',
      method: 'GET',
      url: '/ok?x=1',
      statusCode: 200,
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
  });

  it('never writes request headers (no token or cookie to redact)', async () => {
    await app.inject({ url: '/ok', headers: { authorization: 'Bearer secret-token', cookie: 'session=s3cr3t' } });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('s3cr3t');
  });

  it('logs 4xx as warnings and 5xx as errors', async () => {
    await app.inject({ url: '/missing' });
    await app.inject({ url: '/broken' });
    expect(lines.map((l) => [l.statusCode, l.level])).toEqual([
      [404, 40],
      [500, 50],
    ]);
  });
});
