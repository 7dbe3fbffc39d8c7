import { ERROR_EXAMPLES } from './error-examples';
import { ERROR_STATUS } from './errors';

describe('error examples', () => {
  it('has an example message for every error code (the API documents show one per code)', () => {
    const missing = Object.keys(ERROR_STATUS).filter(
      (code) => !ERROR_EXAMPLES[code as keyof typeof ERROR_STATUS]?.message,
    );
    expect(missing).toEqual([]);
  });

  it('has no example for a code that does not exist', () => {
    expect(Object.keys(ERROR_EXAMPLES).filter((code) => !(code in ERROR_STATUS))).toEqual([]);
  });
});
