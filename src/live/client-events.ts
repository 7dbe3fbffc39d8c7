import type { LiveView } from '../streams/dto/live.view';
import type { EndReason } from '../streams/schemas/live-stream.schema';
import type { LeaveReason, ViewerView } from '../viewers/dto/viewer.view';

/** A user as other clients see them in notices. */
export interface UserSummary {
  userId: string;
  uid: number;
  name: string;
  avatar: string | null;
}

/** What live:join's ack carries: everything a client needs to draw the room. */
export interface LiveSnapshot {
  live: LiveView;
  viewerCount: number;
  role: 'host' | 'cohost' | 'viewer';
}

/**
 * Every server -> client event and its payload (typed Socket.IO emits). Documented for client
 * developers in docs/socket-events.md. All carry `liveStreamId`.
 */
export interface ServerToClientEvents {
  'live:created': (payload: { liveStreamId: string; live: LiveView }) => void;
  'live:ended': (payload: { liveStreamId: string; live: LiveView; reason: EndReason }) => void;
  'live:update': (payload: { liveStreamId: string; live: LiveView; changes: string[]; actorId: string }) => void;
  'live:host:action': (payload: { liveStreamId: string; action: string; actorId: string; targetUserId: string }) => void;
  'live:kicked': (payload: { liveStreamId: string; actorId: string }) => void;
  'live:viewer:joined': (payload: { liveStreamId: string; viewer: ViewerView; viewerCount: number }) => void;
  'live:viewer:left': (payload: { liveStreamId: string; userId: string; reason: LeaveReason; viewerCount: number }) => void;
  'live:viewers': (payload: {
    liveStreamId: string;
    joined: UserSummary[];
    left: { userId: string; reason: LeaveReason }[];
    joinedCount: number;
    leftCount: number;
    viewerCount: number;
  }) => void;
  'auth:expired': (payload: { code: string; message: string }) => void;
}

// ---- typed emit helpers (issue 7: one road for every server -> client event) --------------

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
/** Emits one event to a room, or to everyone when `room` is null. */
export type RoomEmitter = <E extends ServerEventName>(room: string | null, event: E, payload: ServerEventPayload<E>) => void;
