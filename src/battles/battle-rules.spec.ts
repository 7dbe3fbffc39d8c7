import { gifterKey, scoreSlot, topGifters, winnerOf } from './battle-rules';

describe('battle rules', () => {
  const [a, b] = ['665f1c2e8a1b2c3d4e5f6a01', '665f1c2e8a1b2c3d4e5f6a02'];

  it('gives the win to the higher score, and a draw to equal scores', () => {
    expect(winnerOf({ liveIds: [a, b], scores: { [a]: 10, [b]: 3 }, forfeitedLiveId: null })).toBe(a);
    expect(winnerOf({ liveIds: [a, b], scores: { [a]: 1, [b]: 3 }, forfeitedLiveId: null })).toBe(b);
    expect(winnerOf({ liveIds: [a, b], scores: { [a]: 3, [b]: 3 }, forfeitedLiveId: null })).toBeNull();
    expect(winnerOf({ liveIds: [a, b], scores: {}, forfeitedLiveId: null })).toBeNull();
  });

  it('gives a forfeited battle to the other side whatever the scores', () => {
    expect(winnerOf({ liveIds: [a, b], scores: { [a]: 100, [b]: 0 }, forfeitedLiveId: a })).toBe(b);
    expect(winnerOf({ liveIds: [a, b], scores: { [a]: 0, [b]: 100 }, forfeitedLiveId: b })).toBe(a);
  });

  it('ranks gifters by diamonds, ties by user id, and keeps the first three', () => {
    const g = (userId: string, diamonds: number) => ({ userId, name: userId, avatar: null, diamonds });
    const map = { k1: g('carol', 5), k2: g('bob', 9), k3: g('alice', 5), k4: g('dan', 1) };
    expect(topGifters(map).map((x) => x.userId)).toEqual(['bob', 'alice', 'carol']);
    expect(topGifters(undefined)).toEqual([]);
  });

  it('makes gifter keys that are valid field names for any user id', () => {
    for (const id of ['a.b', '$where', 'x'.repeat(128), 'ünï']) expect(gifterKey(id)).toMatch(/^u[\w-]+$/);
    expect(gifterKey('a.b')).not.toBe(gifterKey('a-b'));
  });

  it('numbers score slots by the interval', () => {
    expect([scoreSlot(0, 350), scoreSlot(349, 350), scoreSlot(350, 350)]).toEqual([0, 0, 1]);
  });
});
