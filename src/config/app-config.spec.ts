import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';

describe('configuration', () => {
  it('starts in development with defaults and a dev secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      nodeEnv: 'development',
      mongodbUri: undefined,
      devTokensEnabled: false,
    });
    expect(config.jwt.secret).toBeTruthy();
    expect(config.jwt.algorithms).toEqual(['HS256']);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MONGODB_URI: 'http://nope' })).toThrow(/MONGODB_URI/);
    expect(() => loadConfig({ VIEWER_IDLE_TIMEOUT_MS: '-5' })).toThrow(/VIEWER_IDLE_TIMEOUT_MS/);
  });

  it('requires a real secret and forbids dev tokens in production', () => {
    const production = { NODE_ENV: 'production', MONGODB_URI: 'mongodb://db.example.com/live' };
    expect(() => loadConfig(production)).toThrow(/JWT_SECRET or JWT_PUBLIC_KEY/);
    expect(() => loadConfig({ ...production, JWT_SECRET: 'x'.repeat(32), DEV_TOKENS_ENABLED: 'true' })).toThrow(
      /DEV_TOKENS_ENABLED/,
    );
    expect(loadConfig({ ...production, JWT_SECRET: 'x'.repeat(32) }).devTokensEnabled).toBe(false);
  });

  it('refuses to start in production without MONGODB_URI (the embedded database is for development and tests)', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/MONGODB_URI is required in production/);
    expect(() => loadConfig({ ...production, MONGODB_URI: '' })).toThrow(/MONGODB_URI/);
    expect(loadConfig({ ...production, MONGODB_URI: 'mongodb://db.example.com/live' }).mongodbUri).toBe(
      'mongodb://db.example.com/live',
    );
    expect(loadConfig({ NODE_ENV: 'development' }).mongodbUri).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).mongodbUri).toBeUndefined();
  });

  it('bounds the embedded database start, configurable', () => {
    expect(loadConfig({}).embeddedDbStartTimeoutMs).toBe(180_000);
    expect(loadConfig({ EMBEDDED_DB_START_TIMEOUT_MS: '5000' }).embeddedDbStartTimeoutMs).toBe(5000);
    expect(() => loadConfig({ EMBEDDED_DB_START_TIMEOUT_MS: '0' })).toThrow(/EMBEDDED_DB_START_TIMEOUT_MS/);
  });

  it('verifies with a public key when one is given, with \\n for line breaks', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const config = loadConfig({ JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') });
    expect(config.jwt.publicKey).toBe(pem);
    expect(config.jwt.algorithms).toEqual(['RS256', 'ES256']);
  });

  it('refuses a public key that does not parse, naming the variable', () => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----' })).toThrow(
      /JWT_PUBLIC_KEY is not a PEM public key/,
    );
  });

  it('refuses the test-only reaction fault switch in production, and a malformed one anywhere', () => {
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-0123456789',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/live',
    };
    expect(() => loadConfig({ ...env, REACTION_FAULT: 'live.created' })).toThrow(/REACTION_FAULT/);
    expect(loadConfig(env).reactions.faultEvents).toEqual([]);
    expect(loadConfig({ REACTION_FAULT: 'live.created,live.ended' }).reactions.faultEvents).toEqual([
      'live.created',
      'live.ended',
    ]);
    expect(() => loadConfig({ REACTION_FAULT: 'everything' })).toThrow(/REACTION_FAULT/);
  });

  it('validates the battle bounds', () => {
    expect(loadConfig({}).battles).toMatchObject({
      durationMinMs: 30_000,
      durationMaxMs: 600_000,
      punishmentMaxMs: 300_000,
    });
    expect(() => loadConfig({ BATTLE_DURATION_MIN_MS: '700000' })).toThrow(/BATTLE_DURATION_MIN_MS/);
    expect(() => loadConfig({ BATTLE_SCORE_EVENT_INTERVAL_MS: '250' })).toThrow(/BATTLE_SCORE_EVENT_INTERVAL_MS/);
    expect(() => loadConfig({ CONNECTION_INVITE_TTL_MS: '0' })).toThrow(/CONNECTION_INVITE_TTL_MS/);
  });
});
