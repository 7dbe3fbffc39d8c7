import type { LoggedEvent } from './room-log/room-log';

/** Sends a live's numbered room events, in order: one, or the several of a window together. */
export type SendRoomEvents = (liveId: string, events: LoggedEvent[]) => void;

interface Window {
  queued: LoggedEvent[];
  timer: NodeJS.Timeout;
}

/**
 * Coalesces a busy live's room events: an event in a quiet live goes out at once and opens a
 * window; the events that come during it wait for its end and go out together, and a window that
 * sent something opens the next one. So a live that gets an event now and then pays no delay, and
 * a busy one sends at most once per window, each event at most `windowMs` late, in order.
 */
export class RoomBatcher {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly send: SendRoomEvents,
  ) {}

  /** A live whose window is open: its next events must queue behind the ones already waiting. */
  isBusy(liveId: string): boolean {
    return this.windows.has(liveId);
  }

  push(liveId: string, event: LoggedEvent): void {
    const window = this.windows.get(liveId);
    if (window) {
      window.queued.push(event);
      return;
    }
    this.send(liveId, [event]);
    this.open(liveId);
  }

  /** Sends what waits now and closes the window (before the live's end, before a user leaves it). */
  flush(liveId: string): void {
    const window = this.windows.get(liveId);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(liveId);
    if (window.queued.length) this.send(liveId, window.queued);
  }

  flushAll(): void {
    for (const liveId of [...this.windows.keys()]) this.flush(liveId);
  }

  private open(liveId: string): void {
    const timer = setTimeout(() => this.close(liveId), this.windowMs);
    timer.unref();
    this.windows.set(liveId, { queued: [], timer });
  }

  private close(liveId: string): void {
    const window = this.windows.get(liveId);
    if (!window) return;
    this.windows.delete(liveId);
    if (!window.queued.length) return;
    this.send(liveId, window.queued);
    this.open(liveId);
  }
}
