import { MessageView } from '../chat/dto/message.view';
import { GiftEventView, GiftResultView } from '../gifts/dto/gift-result.view';
import { SEAT_CHANGES, SeatInviteView, SeatRequestView, SeatView, TICKET_STATUSES } from '../seats/dto/seat.view';
import { LiveView } from '../streams/dto/live.view';
import { END_REASONS } from '../streams/schemas/live-stream.schema';
import { ViewerView } from '../viewers/dto/viewer.view';
import { LEAVE_REASONS } from '../viewers/schemas/live-viewer.schema';
import type { ServerEventName } from './client-events';
import { HOST_ACTIONS, HostActionDto } from './dto/host-action.dto';
import { JoinLiveDto } from './dto/join-live.dto';
import { LiveRefDto } from './dto/live-ref.dto';
import { GiftSendDto } from './dto/gift-send.dto';
import { LiveUpdateDto } from './dto/live-update.dto';
import { SeatUpdateDto } from './dto/seat-update.dto';
import { SendMessageEventDto } from './dto/send-message-event.dto';
import { arrayOf, int, liveStreamId, object, oneOf, PayloadSpec, str } from './event-schema';

/**
 * THE catalogue of Socket.IO events, the single source of the AsyncAPI document served at
 * /api/docs/asyncapi.json and of the page at /api/docs/events. A test fails when a gateway
 * handler (@SubscribeMessage) is missing here, and the compiler fails when a key of
 * ServerToClientEvents is. To add an event: one entry in your module's commented block below.
 */

export interface ClientEventDoc {
  module: string;
  summary: string;
  payload: PayloadSpec;
  /** What `data` holds in a `{ ok: true, data }` ack. Errors are `{ ok: false, error: { code, message } }`. */
  ack: PayloadSpec;
}

export interface ServerEventDoc {
  module: string;
  summary: string;
  /** Who receives it: everyone, a live's room, or one user's room. */
  receivers: 'everyone' | 'live room' | 'user room' | 'this socket' | 'admin room';
  payload: PayloadSpec;
}

const userSummary = object({
  userId: str('bob'),
  uid: int(67890),
  name: str('Bob'),
  avatar: { type: 'string', nullable: true },
});
const liveSnapshot = object(
  { live: LiveView, viewerCount: int(12), role: oneOf(['host', 'cohost', 'viewer']) },
  'Everything a client needs to draw the room; modules add their part (seats, recent messages, top gifters).',
);

/** client -> server events, answered through the Socket.IO ack. */
export const CLIENT_EVENTS: Record<string, ClientEventDoc> = {
  // ---- live rooms (streams, viewers) ----
  'live:join': {
    module: 'viewers',
    summary: 'Join a live as a viewer (or return as its host): enters the live room and returns a snapshot.',
    payload: JoinLiveDto,
    ack: liveSnapshot,
  },
  'live:leave': {
    module: 'viewers',
    summary: "Leave a live's room and close the viewer record (null when there was none).",
    payload: LiveRefDto,
    ack: ViewerView,
  },
  'live:update': {
    module: 'streams',
    summary: 'Host or co-host changes title, cover or settings (same rules as PATCH /api/live/:id).',
    payload: LiveUpdateDto,
    ack: LiveView,
  },
  'live:host:action': {
    module: 'streams',
    summary: `Host or co-host action on a user or the live: ${HOST_ACTIONS.join(', ')}.`,
    payload: HostActionDto,
    ack: LiveView,
  },
  // ---- chat ----
  'live:message:send': {
    module: 'chat',
    summary:
      'Send a chat message (same rules and codes as POST /api/live/:id/message; clientMessageId makes retries idempotent).',
    payload: SendMessageEventDto,
    ack: MessageView,
  },
  // ---- seats ----
  'live:seat:update': {
    module: 'seats',
    summary:
      'A seat action by the user on or asking for a seat: take, leave, move, mic_on, mic_off, request, cancel_request, accept_invite, decline_invite.',
    payload: SeatUpdateDto,
    ack: SeatView,
  },
  // ---- gifts ----
  'live:gift:send': {
    module: 'gifts',
    summary: 'Send a gift (same rules and codes as POST /api/live/:id/gifts; idempotencyKey makes retries safe).',
    payload: GiftSendDto,
    ack: GiftResultView,
  },
  // ---- trust and safety ----
  'admin:watch': {
    module: 'moderation',
    summary:
      'Admins only (ADMIN_ONLY otherwise): receive admin:live:stats, the counts of every running live as they change (the operator console).',
    payload: object({}),
    ack: object({ watching: { type: 'boolean' } }),
  },
};

/** server -> client events (typed in ServerToClientEvents; every key must be documented here). */
export const SERVER_EVENTS: { [E in ServerEventName]: ServerEventDoc } = {
  // ---- live rooms (streams, viewers) ----
  'live:created': {
    module: 'streams',
    summary: 'A live started.',
    receivers: 'everyone',
    payload: object({ liveStreamId, live: LiveView }),
  },
  'live:ended': {
    module: 'streams',
    summary: 'A live ended (host, admin, host timeout); its room is emptied afterwards.',
    receivers: 'everyone',
    payload: object({ liveStreamId, live: LiveView, reason: oneOf(END_REASONS) }),
  },
  'live:update': {
    module: 'streams',
    summary: "The live's details changed; `changes` names the fields.",
    receivers: 'live room',
    payload: object({ liveStreamId, live: LiveView, changes: arrayOf(str('title')), actorId: str('alice') }),
  },
  'live:host:action': {
    module: 'streams',
    summary: 'A host or co-host acted on a user (kick, co-host changes).',
    receivers: 'live room',
    payload: object({ liveStreamId, action: str('kick'), actorId: str('alice'), targetUserId: str('bob') }),
  },
  'live:kicked': {
    module: 'streams',
    summary: 'You were removed from a live; you have left its room and cannot come back.',
    receivers: 'user room',
    payload: object({ liveStreamId, actorId: str('alice') }),
  },
  'live:viewer:joined': {
    module: 'viewers',
    summary: 'A viewer joined (only while the live has at most 100 viewers; see live:viewers).',
    receivers: 'live room',
    payload: object({ liveStreamId, viewer: ViewerView, viewerCount: int(12) }),
  },
  'live:viewer:left': {
    module: 'viewers',
    summary: 'A viewer left (only while the live has fewer than 100 viewers; see live:viewers).',
    receivers: 'live room',
    payload: object({ liveStreamId, userId: str('bob'), reason: oneOf(LEAVE_REASONS), viewerCount: int(11) }),
  },
  'live:viewers': {
    module: 'viewers',
    summary: 'At most one per live per batch window: join/leave counts and the first names.',
    receivers: 'live room',
    payload: object({
      liveStreamId,
      joined: arrayOf(userSummary),
      left: arrayOf(object({ userId: str('bob'), reason: oneOf(LEAVE_REASONS) })),
      joinedCount: int(3),
      leftCount: int(1),
      viewerCount: int(14),
    }),
  },
  // ---- chat ----
  'live:message': {
    module: 'chat',
    summary: 'A chat message (comment, or a gift line), once per message.',
    receivers: 'live room',
    payload: MessageView,
  },
  'live:message:deleted': {
    module: 'chat',
    summary: 'A message was deleted by its sender, the host or a co-host.',
    receivers: 'live room',
    payload: object({ liveStreamId, messageId: str('665f1c2e8a1b2c3d4e5f6a80'), actorId: str('alice') }),
  },
  'live:chat:muted': {
    module: 'chat',
    summary: 'You were muted in chat until `until`, or unmuted (`muted` false).',
    receivers: 'user room',
    payload: object({
      liveStreamId,
      muted: { type: 'boolean' },
      until: { type: 'string', nullable: true },
      actorId: str('alice'),
    }),
  },
  // ---- seats ----
  'live:seat:update': {
    module: 'seats',
    summary:
      "A seat's full state after any change; drop updates older than the version you show. dropToAudience tells a speaker who lost the seat to stop publishing.",
    receivers: 'live room',
    payload: object({
      liveStreamId,
      seatIndex: int(2),
      seat: SeatView,
      action: oneOf(SEAT_CHANGES),
      version: int(7),
      actorId: str('alice'),
      previousUserId: { type: 'string', nullable: true },
      dropToAudience: { type: 'boolean' },
    }),
  },
  'live:seat:joined': {
    module: 'seats',
    summary: 'A user sat down on a seat.',
    receivers: 'live room',
    payload: object({
      liveStreamId,
      seatIndex: int(2),
      seat: SeatView,
      userId: str('bob'),
      action: oneOf(SEAT_CHANGES),
    }),
  },
  'live:seat:left': {
    module: 'seats',
    summary: 'A user left a seat (left, moved, removed, kicked).',
    receivers: 'live room',
    payload: object({
      liveStreamId,
      seatIndex: int(2),
      seat: SeatView,
      userId: str('bob'),
      action: oneOf(SEAT_CHANGES),
      dropToAudience: { type: 'boolean' },
    }),
  },
  'live:seat:request': {
    module: 'seats',
    summary: 'A seat request was made, cancelled, accepted or rejected.',
    receivers: 'user room',
    payload: object({ liveStreamId, status: oneOf(TICKET_STATUSES), request: SeatRequestView }),
  },
  'live:seat:invite': {
    module: 'seats',
    summary: 'An invitation to a seat was made, accepted or declined.',
    receivers: 'user room',
    payload: object({ liveStreamId, status: oneOf(TICKET_STATUSES), invite: SeatInviteView }),
  },
  // ---- gifts ----
  'live:gift': {
    module: 'gifts',
    summary:
      "A gift settled: the animation to play, the combo, the live's new totals, the sender's new rank when it changed.",
    receivers: 'live room',
    payload: object(
      {
        gift: GiftEventView,
        liveDiamonds: int(5200),
        liveGiftCount: int(17),
        senderRank: { type: 'integer', nullable: true },
      },
      'The gift fields (GiftEventView) with these totals added at the top level.',
    ),
  },
  'auth:banned': {
    module: 'moderation',
    summary:
      'You were banned from the app (until `until`, null: for good); the server disconnects every socket of yours. A new connection fails with connect_error BANNED.',
    receivers: 'user room',
    payload: object({ code: str('BANNED'), message: str(), until: { type: 'string', nullable: true } }),
  },
  'admin:live:stats': {
    module: 'moderation',
    summary:
      'At most one per batch window: the lives whose counts changed, with the new counts (viewers, diamonds, gifts) and the messages since the last one.',
    receivers: 'admin room',
    payload: object({
      lives: arrayOf({
        type: 'object',
        properties: {
          liveStreamId,
          viewerCount: int(12),
          diamonds: int(5200),
          giftCount: int(17),
          newMessages: int(3),
        },
        required: ['liveStreamId'],
      }),
    }),
  },
  'auth:expired': {
    module: 'auth',
    summary: 'The access token expired; the server disconnects the socket. Reconnect with a new token.',
    receivers: 'this socket',
    payload: object({ code: str('TOKEN_EXPIRED'), message: str() }),
  },
};
