import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { AppProcess } from './support/app-process';
import { RedisServer } from './support/redis-server';
import { TEST_SECRET, TestApp, connectSocket, eventually, sleep, startTestApp } from './support/test-app';
import { mintToken } from '../src/auth/mint-token';
import { EmbeddedDatabase } from '../src/database/embedded-database';

describe('foundation: auth, errors, docs, health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('HTTP auth', () => {
    const protectedRoute = '/api/live/create';
    const body = { liveType: 'live', title: 'x' };

    it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
      const res = await t.http().post(protectedRoute).send(body);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    });

    it.each([
      ['a malformed token', 'not.a.token'],
      ['a token signed with another secret', mintToken('another-secret-0123456789', { sub: 'mallory' })],
      ['an expired token', mintToken(TEST_SECRET, { sub: 'late', expiresInSeconds: -10 })],
      ['an alg:none token', jwt.sign({ sub: 'none' }, '', { algorithm: 'none' })],
      ['a token without sub', jwt.sign({ name: 'nobody' }, TEST_SECRET, { algorithm: 'HS256' })],
    ])('refuses %s with 401', async (_, token) => {
      const res = await t.http().post(protectedRoute).set('Authorization', `Bearer ${token}`).send(body);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('accepts a valid token', async () => {
      const res = await t
        .http()
        .post(protectedRoute)
        .set('Authorization', `Bearer ${t.token('valid-user')}`)
        .send(body);
      expect(res.status).toBe(201);
      expect(res.body.hostId).toBe('valid-user');
    });
  });

  describe('errors', () => {
    it('answers an unknown route with a JSON 404', async () => {
      const res = await t.http().get('/api/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: expect.any(String) });
    });

    it('answers a malformed id with 400 INVALID_ID', async () => {
      const res = await t.http().get('/api/live/not-an-id');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_ID');
    });

    it('refuses an unknown body field with 400 VALIDATION_FAILED', async () => {
      const res = await t
        .http()
        .post('/api/live/create')
        .set('Authorization', `Bearer ${t.token('strict-user')}`)
        .send({ liveType: 'live', title: 'x', isAdmin: true });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.message).toContain('isAdmin');
    });

    it('answers broken JSON with a 400, not a 500', async () => {
      const res = await t
        .http()
        .post('/api/live/create')
        .set('Authorization', `Bearer ${t.token('json-user')}`)
        .set('Content-Type', 'application/json')
        .send('{"liveType": ');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('docs and health', () => {
    it('serves Swagger UI and the OpenAPI document with bearer auth', async () => {
      expect((await t.http().get('/api/docs')).status).toBe(200);
      const doc = await t.http().get('/api/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    });

    it('reports liveness and readiness with the database up', async () => {
      expect((await t.http().get('/api/health/live')).status).toBe(200);
      const ready = await t.http().get('/api/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info.database.status).toBe('up');
    });

    it('serves Prometheus metrics', async () => {
      const res = await t.http().get('/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toContain('process_cpu_user_seconds_total');
    });

    it('gives a request id to every response', async () => {
      const res = await t.http().get('/api/health/live').set('x-request-id', 'abc-123');
      expect(res.headers['x-request-id']).toBe('abc-123');
    });

    it.each(['/api/health/live', '/api/nothing-here', '/api/docs'])('sets the security headers on %s', async (path) => {
      const res = await t.http().get(path);
      expect(res.headers).toMatchObject({
        'strict-transport-security': expect.stringContaining('max-age='),
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'x-request-id': expect.any(String),
      });
      expect(res.headers).not.toHaveProperty('content-security-policy');
    });
  });

  describe('dev tokens', () => {
    it('mints a working token when enabled outside production', async () => {
      const res = await t.http().post('/api/auth/dev-token').send({ sub: 'dev-user', name: 'Dev' });
      expect(res.status).toBe(201);
      const created = await t
        .http()
        .post('/api/live/create')
        .set('Authorization', `Bearer ${res.body.token}`)
        .send({ liveType: 'live', title: 'dev' });
      expect(created.status).toBe(201);
    });

    it('does not exist in production mode', async () => {
      const prod = await startTestApp({ NODE_ENV: 'production', DEV_TOKENS_ENABLED: 'false' });
      try {
        const res = await prod.http().post('/api/auth/dev-token').send({ sub: 'x' });
        expect(res.status).toBe(404);
      } finally {
        await prod.close();
      }
    });
  });

  describe('socket auth', () => {
    it('refuses a socket without a token', async () => {
      await expect(connectSocket(t.url)).rejects.toThrow(/UNAUTHENTICATED/);
    });

    it('refuses a socket with a bad token', async () => {
      await expect(connectSocket(t.url, 'bad.token.here')).rejects.toThrow(/UNAUTHENTICATED/);
    });

    it('accepts a token in auth.token and in the Authorization header', async () => {
      const viaAuth = await t.connect(t.token('sock-a'));
      expect(viaAuth.raw.connected).toBe(true);
      const viaHeader = await connectSocket(t.url, undefined, {
        extraHeaders: { Authorization: `Bearer ${t.token('sock-b')}` },
      });
      expect(viaHeader.raw.connected).toBe(true);
      viaHeader.close();
    });

    it('cuts a socket when its token expires', async () => {
      const socket = await t.connect(mintToken(TEST_SECRET, { sub: 'short-lived', expiresInSeconds: 2 }));
      const disconnected = new Promise((resolve) => socket.raw.once('disconnect', resolve));
      await socket.waitFor('auth:expired', () => true, 5000);
      await disconnected;
      expect(socket.raw.connected).toBe(false);
      await sleep(10);
    });
  });
});

describe('tokens verified with a public key (RS256)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const rs256 = (sub: string) => jwt.sign({ sub, name: sub }, privateKey, { algorithm: 'RS256', expiresIn: 600 });
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ JWT_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n'), JWT_SECRET: '' });
  });
  afterAll(() => t.close());

  it('accepts a token signed with the private key over HTTP and on a socket', async () => {
    const res = await t
      .http()
      .post('/api/live/create')
      .set('Authorization', `Bearer ${rs256('rs-host')}`)
      .send({ liveType: 'live', title: 'rs256' });
    expect(res.status).toBe(201);
    expect(res.body.hostId).toBe('rs-host');
    const socket = await connectSocket(t.url, rs256('rs-viewer'));
    expect(socket.raw.connected).toBe(true);
    socket.close();
  });

  it('refuses an HS256 token, even one signed with the public key as its secret', async () => {
    const forged = jwt.sign({ sub: 'mallory' }, publicPem, { algorithm: 'HS256' });
    const res = await t.http().get('/api/wallet').set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    await expect(connectSocket(t.url, forged)).rejects.toThrow(/UNAUTHENTICATED/);
  });
});

describe('auth failure rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_FAILURE_POINTS: '3', AUTH_FAILURE_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  it('answers 429 RATE_LIMITED with a retry time once a client fails authentication too often', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await t.http().get('/api/live/0123456789abcdef01234567/viewers').set('Authorization', 'Bearer nope')).status,
      );
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await t.http().get('/api/live/0123456789abcdef01234567/viewers');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
    expect(limited.headers['retry-after']).toMatch(/^[0-9]+$/);
    await expect(connectSocket(t.url, 'bad')).rejects.toThrow(/RATE_LIMITED/);
    // Only failures are limited: a valid token from the same address still gets through.
    const valid = await t
      .http()
      .get('/api/live/0123456789abcdef01234567/viewers')
      .set('Authorization', `Bearer ${t.token('fine-user')}`);
    expect(valid.body.code).toBe('LIVE_NOT_FOUND');
  });
});

describe('socket event rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SOCKET_EVENT_RATE_POINTS: '3', SOCKET_EVENT_RATE_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  it('answers a socket past its event budget with RATE_LIMITED, whatever the event, and spares other sockets', async () => {
    const socket = await t.connect(t.token('chatty'));
    const unknownLive = { liveStreamId: '0123456789abcdef01234567' };
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await socket.request('live:join', unknownLive)).error.code);
    expect(codes).toEqual(['LIVE_NOT_FOUND', 'LIVE_NOT_FOUND', 'LIVE_NOT_FOUND', 'RATE_LIMITED']);
    const other = await socket.request('live:leave', unknownLive);
    expect(other.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
    const fresh = await t.connect(t.token('quiet'));
    expect((await fresh.request('live:join', unknownLive)).error.code).toBe('LIVE_NOT_FOUND');
  });
});

describe('readiness when the database goes away', () => {
  it('answers 503 SERVICE_UNAVAILABLE at once, naming the database', async () => {
    const database = await EmbeddedDatabase.start({ cacheDir: join(__dirname, '..', 'data') });
    const app = await AppProcess.start({ MONGODB_URI: `${database.uri}/readiness` });
    try {
      expect((await fetch(`${app.url}/api/health/ready`)).status).toBe(200);
      await database.stop();
      // The first answer after: the connection still reads as connected, only a ping tells.
      const res = await fetch(`${app.url}/api/health/ready`);
      const body = await res.json();
      expect([res.status, body.code, body.message]).toEqual([503, 'SERVICE_UNAVAILABLE', 'Not ready: database down.']);
      expect(body.details.checks).toMatchObject({ database: { status: 'down' } });
    } finally {
      await app.kill();
      await database.stop();
    }
  });
});

describe('readiness when Redis goes away', () => {
  it('answers 503 SERVICE_UNAVAILABLE in the error shape, naming what is down', async () => {
    const redis = await RedisServer.start();
    const app = await AppProcess.start({ REDIS_URL: redis.url });
    try {
      await redis.stop();
      const res = await eventually(async () => {
        const answer = await fetch(`${app.url}/api/health/ready`);
        return answer.status === 503 && answer;
      }, 30_000);
      const body = await res.json();
      expect([body.code, body.message]).toEqual(['SERVICE_UNAVAILABLE', 'Not ready: redis down.']);
      expect(body.details.checks).toMatchObject({ database: { status: 'up' }, redis: { status: 'down' } });
    } finally {
      await app.kill();
    }
  });
});
