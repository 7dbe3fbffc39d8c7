import type { LeaveReason, ViewerView } from '../viewers/dto/viewer.view';
import type { ServerEventName, ServerEventPayload, UserSummary } from './client-events';

/** Sends one event to a live's room. */
export type LiveEmitter = <E extends ServerEventName>(liveId: string, event: E, payload: ServerEventPayload<E>) => void;

/** Rooms up to this many viewers also get one live:viewer:joined/left per viewer. */
export const INDIVIDUAL_NOTICE_MAX_VIEWERS = 100;
/** Names listed in one live:viewers batch; the counts cover the rest. */
const NAMES_PER_BATCH = 20;

interface Batch {
  joined: UserSummary[];
  left: { userId: string; reason: LeaveReason }[];
  joinedCount: number;
  leftCount: number;
  viewerCount: number;
}

/**
 * Join and leave notices without flooding big rooms: every live gets at most one `live:viewers`
 * summary per window (counts plus the first names), and small rooms also get the individual events.
 */
export class ViewerNotices {
  private batches = new Map<string, Batch>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly emit: LiveEmitter,
    private readonly windowMs: number,
  ) {}

  joined(liveId: string, viewer: ViewerView, viewerCount: number): void {
    if (viewerCount <= INDIVIDUAL_NOTICE_MAX_VIEWERS) {
      this.emit(liveId, 'live:viewer:joined', { liveStreamId: liveId, viewer, viewerCount });
    }
    const batch = this.batchFor(liveId);
    batch.joinedCount++;
    batch.viewerCount = viewerCount;
    if (batch.joined.length < NAMES_PER_BATCH) {
      batch.joined.push({ userId: viewer.userId, uid: viewer.uid, name: viewer.name, avatar: viewer.avatar });
    }
  }

  left(liveId: string, userId: string, reason: LeaveReason, viewerCount: number): void {
    if (viewerCount < INDIVIDUAL_NOTICE_MAX_VIEWERS) {
      this.emit(liveId, 'live:viewer:left', { liveStreamId: liveId, userId, reason, viewerCount });
    }
    const batch = this.batchFor(liveId);
    batch.leftCount++;
    batch.viewerCount = viewerCount;
    if (batch.left.length < NAMES_PER_BATCH) batch.left.push({ userId, reason });
  }

  flush(): void {
    const batches = this.batches;
    this.batches = new Map();
    for (const [liveId, batch] of batches) {
      this.emit(liveId, 'live:viewers', { liveStreamId: liveId, ...batch });
    }
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private batchFor(liveId: string): Batch {
    let batch = this.batches.get(liveId);
    if (!batch) {
      batch = { joined: [], left: [], joinedCount: 0, leftCount: 0, viewerCount: 0 };
      this.batches.set(liveId, batch);
    }
    return batch;
  }
}
