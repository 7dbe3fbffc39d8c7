/**
 * One part of a live's join snapshot, as a sub-query the owning module states and maps: the parts
 * of all modules are read together in one aggregation around the live's document (a `$lookup`
 * each), so a socket join pays one command for the whole snapshot.
 */
export interface SnapshotPart<T> {
  /** The collection the part reads. */
  from: string;
  /** Its query as an aggregation pipeline (constant filters: it reads one live). */
  pipeline: Record<string, unknown>[];
  /** Turns the documents it read into the part's value. */
  read(docs: unknown[]): T;
}
