import { GuardRemovals, guardIdsOf, holdsGuard, setGuard, unguarded, unsetGuards } from './guards';

describe('guards', () => {
  it('keeps any id as one key: dots and dollars are escaped, and read back as they were', () => {
    const id = 'purchase:gp.order.$1%';
    const [path] = Object.keys(setGuard(id));
    expect(path).toBe('guards.purchase:gp%2Eorder%2E%241%25');
    expect(Object.keys(unguarded(id))).toEqual([path]);
    expect(Object.keys(unsetGuards([id]).$unset!)).toEqual([path]);
    const doc = { guards: { [path.slice('guards.'.length)]: 1 as const } };
    expect(guardIdsOf(doc)).toEqual([id]);
    expect(holdsGuard(doc, id)).toBe(true);
    expect(holdsGuard(doc, 'purchase:gp')).toBe(false);
    expect(unsetGuards([])).toEqual({});
  });

  it('keeps a removal until the write that carried it matched, and only those it carried', () => {
    const removals = new GuardRemovals();
    removals.add('wallet-a', 'gift:1');
    const carried = removals.pendingFor('wallet-a');
    removals.add('wallet-a', 'gift:2'); // finished while that write was in flight
    expect(removals.pendingFor('wallet-a')).toEqual(['gift:1', 'gift:2']);
    removals.removed('wallet-a', carried);
    expect(removals.pendingFor('wallet-a')).toEqual(['gift:2']);
    expect(removals.drain()).toEqual(new Map([['wallet-a', ['gift:2']]]));
    expect(removals.pendingFor('wallet-a')).toEqual([]);
  });

  it('leaves the oldest documents to the sweep past its bound', () => {
    const removals = new GuardRemovals(2);
    removals.add('a', '1');
    removals.add('b', '2');
    removals.add('c', '3');
    expect([...removals.drain().keys()]).toEqual(['b', 'c']);
  });
});
