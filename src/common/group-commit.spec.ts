import { GroupCommit } from './group-commit';

/** A call the test finishes by hand: which key and inputs it was given, and its resolve/reject. */
interface Pending {
  key: string;
  inputs: number[];
  finish: (answers: (string | undefined)[]) => void;
  fail: (error: Error) => void;
}

describe('GroupCommit', () => {
  let calls: Pending[];
  let group: GroupCommit<number, string>;

  const call = (key: string, inputs: number[]) =>
    new Promise<(string | undefined)[]>((finish, fail) => calls.push({ key, inputs, finish, fail }));
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    calls = [];
    group = new GroupCommit(
      async (key, input) => {
        const [answer] = await call(key, [input]);
        if (answer === undefined) throw new Error(`refused ${input}`);
        return answer;
      },
      (key, inputs) => call(key, inputs),
    );
  });

  it('runs a lone call at once, and the calls that came meanwhile together after it', async () => {
    const first = group.run('a', 1);
    const waiting = [group.run('a', 2), group.run('a', 3), group.run('a', 4)];
    expect(calls.map((c) => c.inputs)).toEqual([[1]]);
    calls[0].finish(['one']);
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2, 3, 4]]);
    calls[1].finish(['two', 'three', 'four']);
    await expect(first).resolves.toBe('one');
    await expect(Promise.all(waiting)).resolves.toEqual(['two', 'three', 'four']);
  });

  it('keeps keys apart, and a key with nothing waiting starts over with a lone call', async () => {
    const a = group.run('a', 1);
    const b = group.run('b', 2);
    expect(calls.map((c) => [c.key, c.inputs])).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
    calls[0].finish(['a1']);
    calls[1].finish(['b2']);
    await expect(Promise.all([a, b])).resolves.toEqual(['a1', 'b2']);
    await settle();
    const again = group.run('a', 3);
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2], [3]]);
    calls[2].finish(['a3']);
    await expect(again).resolves.toBe('a3');
  });

  it('sends an input answered undefined on its own, and fails every input when the batch throws', async () => {
    const first = group.run('a', 1);
    const waiting = [group.run('a', 2), group.run('a', 3)];
    calls[0].finish(['one']);
    await first;
    await settle();
    calls[1].finish(['two', undefined]);
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2, 3], [3]]);
    calls[2].finish([undefined]);
    await expect(waiting[0]).resolves.toBe('two');
    await expect(waiting[1]).rejects.toThrow('refused 3');

    // The next batch starts only once the last one, its lone calls included, has finished.
    const next = [group.run('a', 4)];
    await settle();
    expect(calls).toHaveLength(4);
    next.push(group.run('a', 5));
    calls[3].finish(['four']);
    await settle();
    expect(calls.map((c) => c.inputs).slice(4)).toEqual([[5]]);
    calls[4].finish(['five']);
    await expect(Promise.all(next)).resolves.toEqual(['four', 'five']);
    await settle();

    const third = group.run('a', 6);
    const failing = [group.run('a', 7), group.run('a', 8)];
    calls[5].finish(['six']);
    await third;
    await settle();
    calls[6].fail(new Error('database down'));
    await expect(failing[0]).rejects.toThrow('database down');
    await expect(failing[1]).rejects.toThrow('database down');
    await settle();
    expect(calls).toHaveLength(7);
  });
});
