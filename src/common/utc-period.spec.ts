import { periodStart } from './utc-period';

describe('ranking periods (UTC)', () => {
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
