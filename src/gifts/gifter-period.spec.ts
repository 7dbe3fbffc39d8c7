import { loadConfig } from '../config/app-config';
import { periodStart } from './gifter-period';

describe('gifter ranking periods (UTC)', () => {
  it('starts the day at 00:00 UTC', () => {
    expect(periodStart('day', new Date('2026-11-24T23:59:59+05:00')).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it.each([
    ['a Tuesday', '2026-11-24T20:00:00Z', '2026-11-23T00:00:00.000Z'],
    ['a Monday', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00.000Z'],
    ['a Sunday', '2026-11-29T23:00:00Z', '2026-11-23T00:00:00.000Z'],
  ])('starts the week on the Monday before %s', (_, now, monday) => {
    expect(periodStart('week', new Date(now)).toISOString()).toBe(monday);
  });
});

describe('gift configuration', () => {
  it('refuses the test-only crash switch in production', () => {
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-0123456789',
      MONGODB_URI: 'mongodb://db.example.com/live',
    };
    expect(() => loadConfig({ ...env, GIFT_FAULT_POINT: 'after_debit' })).toThrow(/GIFT_FAULT_POINT/);
    expect(loadConfig(env).gifts.faultPoint).toBeUndefined();
  });

  it('refuses an unknown fault point', () => {
    expect(() => loadConfig({ GIFT_FAULT_POINT: 'somewhere' })).toThrow(/GIFT_FAULT_POINT/);
  });
});
