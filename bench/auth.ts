/**
 * bench:auth: the CPU one token verification costs (every HTTP request and socket handshake pays
 * it), with the key the app builds once (jwtVerification: a KeyObject) against jsonwebtoken given
 * the raw secret or PEM string, which it re-parses on every call. HS256 and RS256, one core.
 * Env: BENCH_TOKENS (20000).
 */
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { jwtVerification } from '../src/auth/token-verifier';
import { loadConfig } from '../src/config/app-config';
import { machineLine, printTable, round } from './support/report';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 20_000);

function measure(token: string, key: jwt.Secret, options: jwt.VerifyOptions): number {
  for (let i = 0; i < 1000; i++) jwt.verify(token, key, options); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < TOKENS; i++) jwt.verify(token, key, options);
  return Number(process.hrtime.bigint() - started) / 1e3 / TOKENS; // µs per token
}

function main(): void {
  console.log(`auth: ${TOKENS} verifications per row, one core; ${machineLine()}`);
  const secret = 'bench-secret-0123456789-abcdefghij';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const cases = [
    { alg: 'HS256', raw: secret, env: { JWT_SECRET: secret }, token: jwt.sign({ sub: 'a' }, secret) },
    {
      alg: 'RS256',
      raw: pem,
      env: { JWT_PUBLIC_KEY: pem },
      token: jwt.sign({ sub: 'a' }, privateKey, { algorithm: 'RS256' }),
    },
  ];
  const rows = cases.flatMap(({ alg, raw, env, token }) => {
    const { key, options } = jwtVerification(loadConfig(env));
    const perString = measure(token, raw, options);
    const perKey = measure(token, key, options);
    return [
      { alg, key: 'string, parsed per call', 'µs/token': round(perString, 1), 'tokens/s': round(1e6 / perString) },
      { alg, key: 'KeyObject (the app)', 'µs/token': round(perKey, 1), 'tokens/s': round(1e6 / perKey) },
    ];
  });
  printTable('Token verification (jsonwebtoken 9)', rows);
}

main();
