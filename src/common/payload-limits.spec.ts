import { MAX_PAYLOAD_DEPTH, nestsDeeperThan } from './payload-limits';

/** `levels` containers nested in one another around `leaf`, alternating arrays and objects. */
function nested(levels: number, leaf: unknown = 'x'): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

describe('payload depth', () => {
  it('counts the outermost container as level 1, scalars as no level', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: 'x' }, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [1] }, 1)).toBe(true);
    expect(nestsDeeperThan({ a: [1] }, 2)).toBe(false);
  });

  it(`accepts ${MAX_PAYLOAD_DEPTH} levels and refuses ${MAX_PAYLOAD_DEPTH + 1}`, () => {
    expect(nestsDeeperThan(nested(MAX_PAYLOAD_DEPTH), MAX_PAYLOAD_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_PAYLOAD_DEPTH + 1), MAX_PAYLOAD_DEPTH)).toBe(true);
  });

  it('finds the deep branch among shallow siblings', () => {
    const payload = { text: 'hi', wide: Array.from({ length: 1000 }, (_, i) => ({ i })), deep: nested(40) };
    expect(nestsDeeperThan(payload, MAX_PAYLOAD_DEPTH)).toBe(true);
  });

  it('cannot exhaust the call stack, however deep the input', () => {
    expect(nestsDeeperThan(nested(1_000_000), MAX_PAYLOAD_DEPTH)).toBe(true);
  });

  it('walks only plain JSON containers (a Buffer or a Date is a leaf)', () => {
    expect(nestsDeeperThan({ file: Buffer.alloc(10), at: new Date() }, 1)).toBe(false);
  });
});
