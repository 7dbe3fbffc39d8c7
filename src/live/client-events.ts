import type { MessageView } from '../chat/dto/message.view';
import type { GiftEventView, GifterView } from '../gifts/dto/gift-result.view';
import type { LiveView } from '../streams/dto/live.view';
import type { EndReason } from '../streams/schemas/live-stream.schema';
import type { LeaveReason, ViewerView } from '../viewers/dto/viewer.view';
import type { SeatChange, SeatInviteView, SeatRequestView, SeatView, TicketStatus } from '../seats/dto/seat.view';

/** A user as other clients see them in notices. */
export interface UserSummary {
  userId: string;
  uid: number;
  name: string;
  avatar: string | null;
}

/** A live's counts as the operator console shows them; only the counts that changed are present. */
export interface AdminLiveCounts {
  liveStreamId: string;
  viewerCount?: number;
  diamonds?: number;
  giftCount?: number;
  /** Messages since the previous admin:live:stats. */
  newMessages?: number;
}

/** What live:join's ack carries: everything a client needs to draw the room. */
export interface LiveSnapshot {
  live: LiveView;
  viewerCount: number;
  role: 'host' | 'cohost' | 'viewer';
  // chat
  /** The last messages (up to 30), oldest first. */
  recentMessages: MessageView[];
  // seats: every seat of a party/audio live (empty for a one-host live)
  seats: SeatView[];
  // gifts: the live's top gifters (first page of GET /live/:id/gifts/top)
  topGifters: GifterView[];
}

/**
 * Every server -> client event and its payload (typed Socket.IO emits). Documented for client
 * developers in docs/socket-events.md. All carry `liveStreamId`.
 */
export interface ServerToClientEvents {
  'live:created': (payload: { liveStreamId: string; live: LiveView }) => void;
  'live:ended': (payload: { liveStreamId: string; live: LiveView; reason: EndReason }) => void;
  'live:update': (payload: { liveStreamId: string; live: LiveView; changes: string[]; actorId: string }) => void;
  'live:host:action': (payload: {
    liveStreamId: string;
    action: string;
    actorId: string;
    targetUserId: string;
  }) => void;
  'live:kicked': (payload: { liveStreamId: string; actorId: string }) => void;
  'live:viewer:joined': (payload: { liveStreamId: string; viewer: ViewerView; viewerCount: number }) => void;
  'live:viewer:left': (payload: {
    liveStreamId: string;
    userId: string;
    reason: LeaveReason;
    viewerCount: number;
  }) => void;
  'live:viewers': (payload: {
    liveStreamId: string;
    joined: UserSummary[];
    left: { userId: string; reason: LeaveReason }[];
    joinedCount: number;
    leftCount: number;
    viewerCount: number;
  }) => void;
  'auth:expired': (payload: { code: string; message: string }) => void;
  /** Banned from the app: the server disconnects every socket of the user. */
  'auth:banned': (payload: { code: string; message: string; until: string | null }) => void;
  /** To admins watching the console: the counts of the lives that changed since the last one. */
  'admin:live:stats': (payload: { lives: AdminLiveCounts[] }) => void;
  // chat
  /** A new message: the message itself (it carries liveStreamId). */
  'live:message': (payload: MessageView) => void;
  'live:message:deleted': (payload: { liveStreamId: string; messageId: string; actorId: string }) => void;
  /** To the muted user only: muted until `until`, or unmuted (`muted` false, `until` null). */
  'live:chat:muted': (payload: { liveStreamId: string; muted: boolean; until: string | null; actorId: string }) => void;
  // ---- seats (docs/socket-events.md, "Seats") --------------------------------------------------
  /** Every seat change, with the seat's full state; drop one whose version is older than shown. */
  'live:seat:update': (payload: {
    liveStreamId: string;
    seatIndex: number;
    action: SeatChange;
    seat: SeatView;
    version: number;
    actorId: string;
    /** Who sat there before this change (null if nobody, or if the same user still sits). */
    previousUserId: string | null;
    /** true: previousUserId lost their seat and must stop publishing (drop to audience). */
    dropToAudience: boolean;
  }) => void;
  'live:seat:joined': (payload: {
    liveStreamId: string;
    seatIndex: number;
    seat: SeatView;
    userId: string;
    action: SeatChange;
  }) => void;
  'live:seat:left': (payload: {
    liveStreamId: string;
    seatIndex: number;
    seat: SeatView;
    userId: string;
    action: SeatChange;
    dropToAudience: boolean;
  }) => void;
  'live:seat:request': (payload: { liveStreamId: string; status: TicketStatus; request: SeatRequestView }) => void;
  'live:seat:invite': (payload: { liveStreamId: string; status: TicketStatus; invite: SeatInviteView }) => void;
  // gifts
  'live:gift': (
    payload: GiftEventView & { liveDiamonds: number; liveGiftCount: number; senderRank: number | null },
  ) => void;
}

// ---- typed emit helpers (issue 7: one road for every server -> client event) --------------

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
/** Emits one event to a room, or to everyone when `room` is null. */
export type RoomEmitter = <E extends ServerEventName>(
  room: string | null,
  event: E,
  payload: ServerEventPayload<E>,
) => void;
