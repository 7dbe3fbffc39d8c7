import { createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface MintTokenInput {
  sub: string;
  name?: string;
  avatar?: string;
  uid?: number;
  admin?: boolean;
  expiresInSeconds?: number;
}

const signingKeys = new Map<string, KeyObject>();

/** The secret parsed once (jsonwebtoken would parse a string on every signature). */
function signingKey(secret: string): KeyObject {
  let key = signingKeys.get(secret);
  if (!key) signingKeys.set(secret, (key = createSecretKey(Buffer.from(secret))));
  return key;
}

/** Development tokens (HS256). Production tokens come from the app's identity service. */
export function mintToken(secret: string, input: MintTokenInput, extra: jwt.SignOptions = {}): string {
  const claims: Record<string, unknown> = { sub: input.sub, name: input.name ?? input.sub };
  if (input.avatar) claims.avatar = input.avatar;
  if (input.uid !== undefined) claims.uid = input.uid;
  if (input.admin) claims.roles = ['admin'];
  return jwt.sign(claims, signingKey(secret), {
    algorithm: 'HS256',
    expiresIn: input.expiresInSeconds ?? 24 * 3600,
    ...extra,
  });
}
