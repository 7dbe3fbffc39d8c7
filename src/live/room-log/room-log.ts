/**
 * Every event sent to a live's room is numbered and kept for a while, so a client that missed
 * some (a dropped connection, a lost instance) asks for them by number: `live:join { sinceSeq }`.
 * `seq` is 1 for a live's first room event and +1 for each next one, the same for every receiver
 * on every instance. `epoch` names the count: it changes when the count was lost (a restart
 * without Redis, Redis data gone), and a client that sees a new epoch starts over from a snapshot.
 */
export interface Stamp {
  epoch: string;
  seq: number;
}

/** A kept room event, as it was sent (its data carries its own seq and epoch). */
export interface LoggedEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Where a client stands: the live's current count and, when asked, what it missed since. */
export interface Catchup extends Stamp {
  /** Every room event in (sinceSeq, seq], in order: present when all of them are still kept. */
  missed?: LoggedEvent[];
  /** The kept events do not cover what the client missed (or the count changed): use the snapshot. */
  resync?: true;
}

export interface RoomLog {
  /** Numbers the live's next room event and keeps it; returns the payload as it is to be sent. */
  append<T extends object>(liveId: string, event: string, payload: T): Promise<T & Stamp>;
  /** The live's current count, and the events since `sinceSeq` when given. */
  catchUp(liveId: string, sinceSeq?: number, clientEpoch?: string): Promise<Catchup>;
  /** The live has ended: its events need not be kept any longer. */
  forget(liveId: string): Promise<void>;
  /** Releases what the log holds open (its Redis connection). */
  close(): Promise<void>;
}

export const ROOM_LOG = Symbol('ROOM_LOG');

export interface RoomLogLimits {
  /** How many of a live's latest room events are kept. */
  maxEvents: number;
  /** How long a room event is kept. */
  windowMs: number;
}

interface KeptEvent extends LoggedEvent {
  seq: number;
  at: number;
}

/**
 * Decides a catch-up from the kept events (oldest first, contiguous): the missed events when they
 * are all still there and recent enough, else resync. Shared by every RoomLog.
 */
export function catchUpFrom(
  head: Stamp,
  kept: KeptEvent[],
  limits: RoomLogLimits,
  sinceSeq?: number,
  clientEpoch?: string,
): Catchup {
  if (sinceSeq === undefined) return head;
  if ((clientEpoch !== undefined && clientEpoch !== head.epoch) || sinceSeq > head.seq)
    return { ...head, resync: true };
  const oldestAllowed = Date.now() - limits.windowMs;
  const missed = kept.filter((e) => e.seq > sinceSeq && e.seq <= head.seq);
  const complete =
    missed.length === head.seq - sinceSeq &&
    missed.every((e, i) => e.seq === sinceSeq + 1 + i && e.at >= oldestAllowed);
  if (!complete) return { ...head, resync: true };
  return { ...head, missed: missed.map(({ event, data }) => ({ event, data })) };
}

/** One instance: the count and the kept events live in this process; a restart starts a new epoch. */
export class MemoryRoomLog implements RoomLog {
  readonly epoch = `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly lives = new Map<string, { seq: number; kept: KeptEvent[] }>();

  constructor(private readonly limits: RoomLogLimits) {}

  /** Synchronous, so events leave in the order they are numbered. */
  stamp<T extends object>(liveId: string, event: string, payload: T): T & Stamp {
    let live = this.lives.get(liveId);
    if (!live) this.lives.set(liveId, (live = { seq: 0, kept: [] }));
    const data = { ...payload, seq: ++live.seq, epoch: this.epoch };
    const now = Date.now();
    live.kept.push({ seq: live.seq, at: now, event, data });
    const expired = live.kept.findIndex((e) => e.at >= now - this.limits.windowMs);
    const drop = Math.max(live.kept.length - this.limits.maxEvents, expired === -1 ? live.kept.length : expired);
    if (drop > 0) live.kept.splice(0, drop);
    return data;
  }

  append<T extends object>(liveId: string, event: string, payload: T): Promise<T & Stamp> {
    return Promise.resolve(this.stamp(liveId, event, payload));
  }

  catchUpNow(liveId: string, sinceSeq?: number, clientEpoch?: string): Catchup {
    const live = this.lives.get(liveId);
    return catchUpFrom(
      { epoch: this.epoch, seq: live?.seq ?? 0 },
      live?.kept ?? [],
      this.limits,
      sinceSeq,
      clientEpoch,
    );
  }

  catchUp(liveId: string, sinceSeq?: number, clientEpoch?: string): Promise<Catchup> {
    return Promise.resolve(this.catchUpNow(liveId, sinceSeq, clientEpoch));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Drops the kept events now and the count after the window (a late event keeps counting up meanwhile). */
  forget(liveId: string): Promise<void> {
    const live = this.lives.get(liveId);
    if (live) {
      live.kept = [];
      setTimeout(() => this.lives.get(liveId) === live && this.lives.delete(liveId), this.limits.windowMs).unref();
    }
    return Promise.resolve();
  }
}
