/** The caller, as the token says. Identity always comes from here, never from a request body. */
export interface AuthUser {
  userId: string;
  /** Numeric RTC uid (1..2^32-1): the token's `uid`, or derived from `sub`. */
  uid: number;
  name: string;
  avatar: string | null;
  roles: string[];
  /** Token expiry, seconds since the epoch (sockets are cut when it passes). */
  exp?: number;
}

const MAX_UID = 0xffffffff;

/** FNV-1a 32-bit of the user id: stable across services and restarts, never 0. */
export function deriveUid(sub: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(sub, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash === 0 ? 1 : hash;
}

export interface TokenClaims {
  sub?: unknown;
  uid?: unknown;
  name?: unknown;
  avatar?: unknown;
  roles?: unknown;
  exp?: unknown;
}

/** Maps verified claims to an AuthUser; undefined when a required claim is missing or malformed. */
export function userFromClaims(claims: TokenClaims): AuthUser | undefined {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 128) return undefined;
  const uid = claims.uid === undefined || claims.uid === null ? deriveUid(claims.sub) : Number(claims.uid);
  if (!Number.isInteger(uid) || uid < 1 || uid > MAX_UID) return undefined;
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    userId: claims.sub,
    uid,
    name: typeof claims.name === 'string' && claims.name ? claims.name.slice(0, 64) : claims.sub,
    avatar: typeof claims.avatar === 'string' && claims.avatar ? claims.avatar.slice(0, 512) : null,
    roles,
    exp: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

export const isAdmin = (user: AuthUser): boolean => user.roles.includes('admin');
