/**
 * Socket.IO room names: one per live, one per user (direct notices that survive a reconnect), and
 * the admins watching the operator console.
 */
export const liveRoom = (liveId: string): string => `live:${liveId}`;
export const userRoom = (userId: string): string => `user:${userId}`;
export const LIVE_ROOM_PREFIX = 'live:';
export const ADMIN_ROOM = 'admins';
