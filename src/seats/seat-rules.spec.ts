import { DomainError } from '../common/errors';
import {
  assertHasSeats,
  assertMayTakeDirectly,
  assertNotHostSeat,
  assertRequestMode,
  assertSeatIndex,
  SeatLive,
} from './seat-rules';

const party = (seatMode: 'free' | 'request' = 'free'): SeatLive => ({
  liveType: 'party',
  hostId: 'host',
  coHostIds: ['co'],
  settings: { seatCount: 6, seatMode, chatEnabled: true },
});

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe('seat rules', () => {
  it('refuses seats in a one-host live', () => {
    expect(codeOf(() => assertHasSeats({ liveType: 'live' }))).toBe('WRONG_LIVE_TYPE');
    expect(codeOf(() => assertHasSeats({ liveType: 'audio' }))).toBeUndefined();
  });

  it('accepts indexes 0..seatCount-1 only', () => {
    expect(codeOf(() => assertSeatIndex(party(), 5))).toBeUndefined();
    expect(codeOf(() => assertSeatIndex(party(), 6))).toBe('INVALID_SEAT_INDEX');
    expect(codeOf(() => assertSeatIndex(party(), -1))).toBe('INVALID_SEAT_INDEX');
  });

  it('keeps seat 0 for the host', () => {
    expect(codeOf(() => assertNotHostSeat(party(), 0, 'viewer'))).toBe('HOST_SEAT');
    expect(codeOf(() => assertNotHostSeat(party(), 0, 'host'))).toBeUndefined();
    expect(codeOf(() => assertNotHostSeat(party(), 1, 'viewer'))).toBeUndefined();
  });

  it('lets only the host and co-hosts sit down directly in request mode', () => {
    expect(codeOf(() => assertMayTakeDirectly(party('request'), 'viewer'))).toBe('SEAT_MODE');
    expect(codeOf(() => assertMayTakeDirectly(party('request'), 'co'))).toBeUndefined();
    expect(codeOf(() => assertMayTakeDirectly(party('free'), 'viewer'))).toBeUndefined();
  });

  it('takes requests in request mode only', () => {
    expect(codeOf(() => assertRequestMode(party('free')))).toBe('SEAT_MODE');
    expect(codeOf(() => assertRequestMode(party('request')))).toBeUndefined();
  });
});
