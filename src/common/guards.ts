/**
 * Exactly-once guards kept as the keys of a document's `guards` object (`{ guards: { <id>: 1 } }`).
 * An effect sets its guard in the update that applies it and matches only while the guard is
 * absent, so running it again changes nothing. Keys, unlike an array's items, can be unset by the
 * very update that sets another one ($push and $pull of one array cannot share an update): the
 * guards of finished work ride on the next write to their document (see GuardRemovals).
 */

/** The field that holds the guards; index it (`{ guards: 1 }`) so HOLDING_GUARDS reads an index range. */
export const GUARDS = 'guards';

/** The guards as stored; `{}` or absent when the document holds none. */
export interface Guarded {
  guards?: Record<string, 1>;
}

/** Documents holding at least one guard: a non-empty object sorts after `{}` (an absent field does not). */
export const HOLDING_GUARDS = { [GUARDS]: { $gt: {} } };

/**
 * A filter that matches only while the document does not hold `id`'s guard. Every helper takes the
 * guards' field, `guards` unless a document keeps them under a name of its own (a battle's `scored`).
 */
export function unguarded(id: string, field = GUARDS): Record<string, { $exists: false }> {
  return { [pathOf(id, field)]: { $exists: false } };
}

/** The `$set` that leaves `id`'s guard on the document. */
export function setGuard(id: string, field = GUARDS): Record<string, 1> {
  return { [pathOf(id, field)]: 1 };
}

/** The `$unset` of these guards, to spread into an update (nothing when there are none). */
export function unsetGuards(ids: Iterable<string>, field = GUARDS): { $unset?: Record<string, ''> } {
  const paths = [...ids].map((id) => pathOf(id, field));
  return paths.length ? { $unset: Object.fromEntries(paths.map((path) => [path, ''])) } : {};
}

export function holdsGuard(doc: Guarded | null | undefined, id: string): boolean {
  return doc?.guards?.[keyOf(id)] !== undefined;
}

/** The ids whose guards the document holds. */
export function guardIdsOf(doc: Guarded): string[] {
  return Object.keys(doc.guards ?? {}).map((key) => decodeURIComponent(key));
}

/**
 * Guards of finished work that this instance removes with its next write to the document that
 * holds them, at no command of their own. Add a guard only when no holder of its work's lease can
 * write any more. A document that is not written here again keeps them until the recovery sweep
 * finds them (HOLDING_GUARDS); so do the oldest documents once more than `maxDocuments` wait.
 */
export class GuardRemovals {
  private readonly byDocument = new Map<string, Set<string>>();

  constructor(private readonly maxDocuments = 10_000) {}

  add(document: string, id: string): void {
    let ids = this.byDocument.get(document);
    if (!ids) {
      if (this.byDocument.size >= this.maxDocuments) this.byDocument.delete(this.byDocument.keys().next().value!);
      ids = new Set();
      this.byDocument.set(document, ids);
    }
    ids.add(id);
  }

  /** The guards to unset with the next write to `document`; call `removed` once that write matched. */
  pendingFor(document: string): string[] {
    return [...(this.byDocument.get(document) ?? [])];
  }

  /** These guards are gone from `document` (another write may have added new ones meanwhile). */
  removed(document: string, ids: string[]): void {
    const waiting = this.byDocument.get(document);
    if (!waiting) return;
    for (const id of ids) waiting.delete(id);
    if (waiting.size === 0) this.byDocument.delete(document);
  }

  /** Drops what waits for `document` (its guards went another way, e.g. with a battle's end). */
  discard(document: string): void {
    this.byDocument.delete(document);
  }

  /** Takes every waiting removal, by document (a stopping instance writes them in one batch). */
  drain(): Map<string, string[]> {
    const all = new Map([...this.byDocument].map(([document, ids]) => [document, [...ids]]));
    this.byDocument.clear();
    return all;
  }
}

/** A guard's key: the id, with the characters a field name cannot carry ('.', '$') escaped as in a URI. */
function keyOf(id: string): string {
  return id.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function pathOf(id: string, field: string): string {
  return `${field}.${keyOf(id)}`;
}
