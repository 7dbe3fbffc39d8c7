/**
 * Limits on what a client may send, REST and socket alike. Size is enforced by the transports
 * (Fastify's bodyLimit: 413 PAYLOAD_TOO_LARGE; Socket.IO's maxHttpBufferSize: the connection is
 * closed); depth by the validation pipe before any transformation (400 PAYLOAD_TOO_DEEP).
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Containers (objects, arrays) nested deeper than this are refused: `{ "a": [1] }` is 2 levels deep. */
export const MAX_PAYLOAD_DEPTH = 32;

/** Only plain JSON containers are walked: a Socket, a Buffer or a Date counts as a leaf. */
function isJsonContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Whether `value` nests containers deeper than `maxDepth`. Iterative, and it stops at the first
 * container past the limit, so no input can exhaust the call stack here.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (!isJsonContainer(node)) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(node)) {
      if (isJsonContainer(child)) pending.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
