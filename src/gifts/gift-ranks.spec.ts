import { ranksAmong } from './gift-leaderboard.service';

describe('ranking a sender among the gifters read with the check', () => {
  const rows = (...diamonds: number[]) => diamonds.map((d, i) => ({ senderId: `s${i}`, diamonds: d }));

  it('counts the others strictly above each total, the sender left out, ties sharing a rank', () => {
    const top = { rows: [...rows(50, 30, 30), { senderId: 'me', diamonds: 10 }], complete: true };
    expect(ranksAmong(top, 'me', [10, 40])).toEqual([4, 2]);
    expect(ranksAmong(top, 'me', [30, 30])).toEqual([2, 2]);
    expect(ranksAmong(top, 'me', [60, 60])).toEqual([1, 1]);
  });

  it('answers only when nobody outside the rows can be above the lowest total', () => {
    const partial = { rows: rows(90, 70, 50), complete: false };
    // Everyone left out has at most 50 diamonds.
    expect(ranksAmong(partial, 'me', [60, 80])).toEqual([3, 2]);
    expect(ranksAmong(partial, 'me', [50, 80])).toEqual([3, 2]);
    expect(ranksAmong(partial, 'me', [49, 80])).toBeNull();
    expect(ranksAmong({ rows: [], complete: true }, 'me', [5, 5])).toEqual([1, 1]);
  });
});
