import { TestSocket } from './test-app';

/** The live-room events a socket received for one live, in arrival order (their payloads carry seq and epoch). */
export function roomEvents(socket: TestSocket, liveId: string): { event: string; payload: any }[] {
  return socket.received.filter((r) => r.payload?.liveStreamId === liveId && typeof r.payload?.seq === 'number');
}

/** The last seq and its epoch a client would hold for the live. */
export function lastSeen(socket: TestSocket, liveId: string): { seq: number; epoch: string } {
  const events = roomEvents(socket, liveId);
  const last = events[events.length - 1];
  return { seq: last.payload.seq, epoch: last.payload.epoch };
}
