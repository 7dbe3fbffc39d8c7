import { deriveUid, userFromClaims } from './auth-user';

describe('identity from token claims', () => {
  it('derives a stable 32-bit uid from sub, never 0', () => {
    expect(deriveUid('alice')).toBe(deriveUid('alice'));
    expect(deriveUid('alice')).not.toBe(deriveUid('bob'));
    for (const sub of ['', 'a', 'alice', 'x'.repeat(100), 'ü']) {
      const uid = deriveUid(sub);
      expect(Number.isInteger(uid) && uid >= 1 && uid <= 0xffffffff).toBe(true);
    }
  });

  it('keeps an explicit uid claim and rejects one out of range', () => {
    expect(userFromClaims({ sub: 'a', uid: 42 })?.uid).toBe(42);
    expect(userFromClaims({ sub: 'a', uid: 0 })).toBeUndefined();
    expect(userFromClaims({ sub: 'a', uid: 2 ** 32 })).toBeUndefined();
    expect(userFromClaims({ sub: 'a', uid: 'abc' })).toBeUndefined();
  });

  it('requires a string sub and defaults the name to it', () => {
    expect(userFromClaims({ name: 'x' })).toBeUndefined();
    expect(userFromClaims({ sub: 42 })).toBeUndefined();
    expect(userFromClaims({ sub: 'carol', roles: ['admin', 7] })).toMatchObject({
      userId: 'carol',
      name: 'carol',
      roles: ['admin'],
      avatar: null,
    });
  });
});
