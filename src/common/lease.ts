/**
 * Leases that fence late holders. A lease is not a lock: its holder can pause (GC, a slow
 * database, SIGSTOP) past its end while another takes over, then resume. So every write a holder
 * makes carries its lease's end in the filter, compared with the database's clock when the write
 * runs (`$$NOW`): once the lease is over, nothing its holder sends can match, however late it
 * arrives. Takeovers compare with the same clock, so app clocks never decide who may write.
 */

/** Matches only while the database's clock is before `leaseUntil`. */
export function withinLease(leaseUntil: Date): { $expr: unknown } {
  return { $expr: { $lt: ['$$NOW', leaseUntil] } };
}

/** Matches records whose `leaseUntil` field is over by the database's clock. */
export const LEASE_EXPIRED = { $expr: { $lt: ['$leaseUntil', '$$NOW'] } } as const;

/** A new lease's end. Written by the app's clock: skew only shortens or lengthens a lease, it never lets two holders write. */
export function leaseEnd(leaseMs: number): Date {
  return new Date(Date.now() + leaseMs);
}

const POLL_MS = 25;

/** How to follow one leased record: read it, tell when it is done, claim it, finish it. */
export interface LeasedRecord<T extends { leaseUntil: Date }> {
  read: () => Promise<T>;
  isFinal: (record: T) => boolean;
  /** A conditional takeover of an expired lease: the record with the new lease, or null if another won. */
  claim: () => Promise<T | null>;
  /** Runs what is left, holding the lease the claim returned. */
  finish: (claimed: T) => Promise<T>;
}

/**
 * Waits for the holder of a record to finish it, or takes it over once the lease ran out (the
 * holder crashed). Returns the record as it stands at `waitMs`: final, or still pending.
 */
export async function awaitOrTakeOver<T extends { leaseUntil: Date }>(
  record: LeasedRecord<T>,
  current: T,
  waitMs: number,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  while (!record.isFinal(current)) {
    if (current.leaseUntil.getTime() <= Date.now()) {
      const claimed = await record.claim();
      if (claimed) return record.finish(claimed);
    }
    if (Date.now() > deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = await record.read();
  }
  return current;
}
