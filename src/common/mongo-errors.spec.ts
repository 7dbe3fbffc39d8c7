import { upsertWithRetry } from './mongo-errors';

const duplicateKey = () => Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });

describe('upsertWithRetry', () => {
  it('runs the upsert once more when a racing upsert inserted first', async () => {
    let calls = 0;
    const result = await upsertWithRetry(async () => {
      calls++;
      if (calls === 1) throw duplicateKey();
      return 'updated';
    });
    expect(result).toBe('updated');
    expect(calls).toBe(2);
  });

  it('retries once only, and never on other errors', async () => {
    let calls = 0;
    const always = () => {
      calls++;
      return Promise.reject(duplicateKey());
    };
    await expect(upsertWithRetry(always)).rejects.toMatchObject({ code: 11000 });
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      upsertWithRetry(() => {
        calls++;
        return Promise.reject(new Error('network'));
      }),
    ).rejects.toThrow('network');
    expect(calls).toBe(1);
  });
});
