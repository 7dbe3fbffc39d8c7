/**
 * Socket.IO room names: one per user (direct notices that survive a reconnect), one for the admins
 * watching the operator console and, per live, one for the sockets that take single events and one
 * for those that accept frames (`live:frame`). A socket in a live is in exactly one of the two;
 * both together are the live's audience.
 */
export const liveRoom = (liveId: string): string => `live:${liveId}`;
export const liveFramesRoom = (liveId: string): string => `frames:${liveId}`;
export const liveRooms = (liveId: string): string[] => [liveRoom(liveId), liveFramesRoom(liveId)];
export const userRoom = (userId: string): string => `user:${userId}`;
export const LIVE_ROOM_PREFIX = 'live:';
export const ADMIN_ROOM = 'admins';
export const LIVE_FRAMES_ROOM_PREFIX = 'frames:';

/** The live a room of `liveRooms` belongs to, or undefined for any other room. */
export function liveOfRoom(room: string): string | undefined {
  if (room.startsWith(LIVE_ROOM_PREFIX)) return room.slice(LIVE_ROOM_PREFIX.length);
  if (room.startsWith(LIVE_FRAMES_ROOM_PREFIX)) return room.slice(LIVE_FRAMES_ROOM_PREFIX.length);
  return undefined;
}

/**
 * A client accepts `live:frame` when it says so at connection: `auth: { frames: true }`, or the
 * query `?frames=1` (for clients that cannot set the auth payload).
 */
export function acceptsFrames(handshake: { auth?: Record<string, unknown>; query?: Record<string, unknown> }): boolean {
  const query = handshake.query?.frames;
  return handshake.auth?.frames === true || query === '1' || query === 'true';
}
