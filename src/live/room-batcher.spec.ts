import { RoomBatcher } from './room-batcher';
import type { LoggedEvent } from './room-log/room-log';

const event = (seq: number): LoggedEvent => ({ event: 'live:message', data: { seq } });
const seqs = (sent: [string, LoggedEvent[]][]) =>
  sent.map(([liveId, events]) => [liveId, events.map((e) => e.data.seq)]);

describe('RoomBatcher', () => {
  let sent: [string, LoggedEvent[]][];
  let batcher: RoomBatcher;

  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    batcher = new RoomBatcher(50, (liveId, events) => sent.push([liveId, [...events]]));
  });
  afterEach(() => jest.useRealTimers());

  it('sends an event in a quiet live at once, and what comes during the window together at its end', () => {
    batcher.push('a', event(1));
    expect(seqs(sent)).toEqual([['a', [1]]]);
    batcher.push('a', event(2));
    batcher.push('a', event(3));
    jest.advanceTimersByTime(49);
    expect(seqs(sent)).toEqual([['a', [1]]]);
    jest.advanceTimersByTime(1);
    expect(seqs(sent)).toEqual([
      ['a', [1]],
      ['a', [2, 3]],
    ]);
  });

  it('keeps a busy live in windows and lets a quiet one go back to immediate sends', () => {
    batcher.push('a', event(1));
    batcher.push('a', event(2));
    jest.advanceTimersByTime(50); // sends [2], opens the next window
    batcher.push('a', event(3));
    expect(batcher.isBusy('a')).toBe(true);
    jest.advanceTimersByTime(50); // sends [3]
    jest.advanceTimersByTime(50); // nothing came: the window closes
    expect(batcher.isBusy('a')).toBe(false);
    batcher.push('a', event(4));
    expect(seqs(sent)).toEqual([
      ['a', [1]],
      ['a', [2]],
      ['a', [3]],
      ['a', [4]],
    ]);
  });

  it('keeps lives apart, and flush sends what waits now and closes the window', () => {
    batcher.push('a', event(1));
    batcher.push('b', event(1));
    batcher.push('a', event(2));
    batcher.flush('a');
    expect(batcher.isBusy('a')).toBe(false);
    batcher.push('b', event(2));
    batcher.flushAll();
    expect(seqs(sent)).toEqual([
      ['a', [1]],
      ['b', [1]],
      ['a', [2]],
      ['b', [2]],
    ]);
    jest.advanceTimersByTime(500);
    expect(sent).toHaveLength(4);
  });
});
