import { loadConfig } from '../config/app-config';

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
