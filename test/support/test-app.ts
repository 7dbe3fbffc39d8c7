import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { AuthUser, deriveUid } from '../../src/auth/auth-user';
import { mintToken, MintTokenInput } from '../../src/auth/mint-token';
import { contractFor, EventContract, recordViolations } from './event-contract';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

/** Test-speed durations; a test file can override any variable. */
const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  JWT_SECRET: TEST_SECRET,
  LOG_LEVEL: 'error',
  DEV_TOKENS_ENABLED: 'true',
  PRESENCE_TOUCH_INTERVAL_MS: '200',
  VIEWER_IDLE_TIMEOUT_MS: '60000',
  HOST_GRACE_MS: '60000',
  SWEEP_INTERVAL_MS: '60000',
  VIEWER_BATCH_MS: '100',
  AUTH_FAILURE_POINTS: '100000',
  SOCKET_EVENT_RATE_POINTS: '100000',
};

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  http: () => ReturnType<typeof request>;
  /** A token for a fresh user of this test file (ids are unique per call prefix). */
  token: (input: MintTokenInput | string) => string;
  connect: (token?: string, options?: Record<string, unknown>) => Promise<TestSocket>;
  close: () => Promise<void>;
}

/** A fresh database name per test file: isolation by fresh data, not by cleanup. */
export function databaseUri(): string {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run the tests through jest (global setup).');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export function testEnv(overrides: Record<string, string> = {}, uri = databaseUri()): Record<string, string> {
  return { ...TEST_ENV, MONGODB_URI: uri, ...overrides };
}

export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig(testEnv(overrides));
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  const sockets: TestSocket[] = [];
  return {
    app,
    config,
    url,
    http: () => request(url),
    token: (input) => mintToken(TEST_SECRET, typeof input === 'string' ? { sub: input } : input),
    connect: async (token, options) => {
      const socket = await connectSocket(url, token, options);
      sockets.push(socket);
      return socket;
    },
    close: async () => {
      sockets.forEach((s) => s.raw.disconnect());
      await app.close();
    },
  };
}

/**
 * A Socket.IO client that records every event it gets, so tests can await them with a timeout.
 * Every event and every ack is checked against the AsyncAPI document (one argument, the documented
 * shape); a mismatch fails the test that received it.
 */
export class TestSocket {
  readonly received: { event: string; payload: any }[] = [];
  private waiters: { event: string; match: (p: any) => boolean; resolve: (p: any) => void }[] = [];

  constructor(
    readonly raw: Socket,
    private readonly contract: EventContract,
  ) {
    raw.onAny((event: string, ...args: unknown[]) => {
      recordViolations(contract.checkEvent(event, args));
      const payload = args[0];
      this.received.push({ event, payload });
      this.waiters = this.waiters.filter((w) => {
        if (w.event !== event || !w.match(payload)) return true;
        w.resolve(payload);
        return false;
      });
    });
  }

  /** Emits a client event and resolves with its ack. */
  request<T = any>(
    event: string,
    payload: unknown,
    timeoutMs = 10000,
  ): Promise<{ ok: boolean; data?: T; error?: any }> {
    return new Promise((resolve, reject) => {
      this.raw.timeout(timeoutMs).emit(event, payload, (error: Error | null, ...args: unknown[]) => {
        if (error) return reject(error);
        recordViolations(this.contract.checkAck(event, payload, args));
        resolve(args[0] as { ok: boolean; data?: T; error?: any });
      });
    });
  }

  /** Resolves with the first (already received or future) event matching. */
  waitFor<T = any>(event: string, match: (payload: T) => boolean = () => true, timeoutMs = 10000): Promise<T> {
    const seen = this.received.find((r) => r.event === event && match(r.payload));
    if (seen) return Promise.resolve(seen.payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for '${event}'`)), timeoutMs);
      this.waiters.push({ event, match, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  events<T = any>(event: string): T[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload);
  }

  close(): void {
    this.raw.disconnect();
  }
}

export async function connectSocket(
  url: string,
  token?: string,
  options: Record<string, unknown> = {},
): Promise<TestSocket> {
  const contract = await contractFor(url);
  const raw = io(url, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
    ...options,
  });
  const socket = new TestSocket(raw, contract);
  return new Promise((resolve, reject) => {
    raw.once('connect', () => resolve(socket));
    raw.once('connect_error', (error) => reject(error));
  });
}

/** Unique ids for the users of one test. */
export function userIds(prefix: string, count: number): string[] {
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, i) => `${prefix}-${run}-${i}`);
}

/** The caller a token for `userId` would give (no claims but `sub`), for tests that call services directly. */
export function authUserOf(userId: string): AuthUser {
  return { userId, uid: deriveUid(userId), name: userId, avatar: null, roles: [] };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a truthy value (for sweeps that run on an interval). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(stepMs);
  }
}
