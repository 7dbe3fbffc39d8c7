import { BattleView } from '../battles/dto/battle.view';
import { ConnectionView } from '../battles/dto/connection.view';
import { MessageView } from '../chat/dto/message.view';
import { ChatMuteView } from '../chat/dto/mute-user.dto';
import { GiftResultView } from '../gifts/dto/gift-result.view';
import { SeatInviteView, SeatRequestView, SeatView } from '../seats/dto/seat.view';
import { LiveView } from '../streams/dto/live.view';
import { ViewerView } from '../viewers/dto/viewer.view';
import { GiftSendDto } from './dto/gift-send.dto';
import { HostActionDto } from './dto/host-action.dto';
import { JoinLiveDto } from './dto/join-live.dto';
import { LiveRefDto } from './dto/live-ref.dto';
import { LiveUpdateDto } from './dto/live-update.dto';
import { SeatUpdateDto } from './dto/seat-update.dto';
import { AdminWatchDto } from './dto/admin-watch.dto';
import { SendMessageEventDto } from './dto/send-message-event.dto';
import { ClientEventDoc, ServerEventDoc } from './event-schema';
import { AuthExpiredEvent } from './events/auth.events';
import { LiveBattleEvent, LiveBattleScoreEvent, LiveConnectionEvent } from './events/battles.events';
import { LIVE_ID_EXAMPLE } from './events/examples';
import { LiveChatMutedEvent, LiveMessageDeletedEvent } from './events/chat.events';
import { LiveFrameEvent } from './events/frame.events';
import { LiveGiftEvent } from './events/gifts.events';
import { AdminLiveStatsEvent, AdminWatchAck, AuthBannedEvent } from './events/moderation.events';
import { LiveJoinAck } from './events/join-ack';
import {
  LiveSeatInviteEvent,
  LiveSeatJoinedEvent,
  LiveSeatLeftEvent,
  LiveSeatRequestEvent,
  LiveSeatUpdateEvent,
} from './events/seats.events';
import {
  LiveCreatedEvent,
  LiveEndedEvent,
  LiveHostActionEvent,
  LiveKickedEvent,
  LiveUpdateEvent,
} from './events/streams.events';
import { LiveViewerJoinedEvent, LiveViewerLeftEvent, LiveViewersEvent } from './events/viewers.events';
import { BattleActionDto, ConnectionActionDto } from './dto/battle-actions.dto';

/**
 * THE catalogue of Socket.IO events: each event's payload (and each client event's ack) is declared
 * here once, as a class whose @ApiProperty metadata gives its schema and whose instance type is its
 * TypeScript type. ServerToClientEvents (client-events.ts), the AsyncAPI document at
 * /api/docs/asyncapi.json and the page at /api/docs/events derive from it; the e2e tests validate
 * every event and ack they receive against that document. To add an event: one entry in your
 * module's block below (a test fails when a gateway handler is missing here).
 */

/** client -> server events, answered through the Socket.IO ack. */
export const CLIENT_EVENTS = {
  // ---- live rooms (streams, viewers) ----
  'live:join': {
    module: 'viewers',
    summary: "Join a live as a viewer (or return as its host): enter the live's room and get a snapshot.",
    description:
      'Makes the caller a viewer (idempotent with `POST /api/live/:id/join`; the host is never counted) and ' +
      "subscribes the socket to the live's room. The ack carries everything needed to draw the room, the room's " +
      '`epoch` and `seq`, and what the caller must not miss while away (`me`).',
    payload: JoinLiveDto,
    acks: [{ data: LiveJoinAck }],
  },
  'live:leave': {
    module: 'viewers',
    summary: "Leave a live's room and close the viewer record.",
    payload: LiveRefDto,
    acks: [{ data: ViewerView, nullable: true, description: 'The closed viewer record; null when there was none' }],
  },
  'live:update': {
    module: 'streams',
    summary: 'The host or a co-host changes title, cover or settings (same rules as PATCH /api/live/:id).',
    payload: LiveUpdateDto,
    acks: [{ data: LiveView }],
  },
  'live:host:action': {
    module: 'streams',
    summary: 'An action of the host or a co-host on a user, a seat or the live.',
    description:
      '`add_cohost`, `remove_cohost` and `end`: host only. The fields an action needs: `targetUserId` (kick, ' +
      'mute_chat, unmute_chat, add_cohost, remove_cohost, invite_to_seat, accept_request, reject_request, ' +
      'move_speaker), `targetSeatIndex` (mute_seat, unmute_seat, lock_seat, unlock_seat, move_speaker; optional ' +
      'for invite_to_seat and accept_request), `targetSeatIndex` or `targetUserId` (remove_from_seat), `seatMode` ' +
      '(set_seat_mode), `durationMs` (optional for mute_chat). The ack depends on the action.',
    payload: HostActionDto,
    examples: {
      kick: { liveStreamId: LIVE_ID_EXAMPLE, action: 'kick', targetUserId: 'bob' },
      mute_chat: { liveStreamId: LIVE_ID_EXAMPLE, action: 'mute_chat', targetUserId: 'bob', durationMs: 600000 },
      invite_to_seat: {
        liveStreamId: LIVE_ID_EXAMPLE,
        action: 'invite_to_seat',
        targetUserId: 'dave',
        targetSeatIndex: 4,
      },
      lock_seat: { liveStreamId: LIVE_ID_EXAMPLE, action: 'lock_seat', targetSeatIndex: 3 },
      set_seat_mode: { liveStreamId: LIVE_ID_EXAMPLE, action: 'set_seat_mode', seatMode: 'request' },
    },
    acks: [
      { actions: ['kick', 'add_cohost', 'remove_cohost', 'end', 'set_seat_mode'], data: LiveView },
      { actions: ['mute_chat', 'unmute_chat'], data: ChatMuteView },
      { actions: ['invite_to_seat'], data: SeatInviteView },
      { actions: ['reject_request'], data: SeatRequestView },
      {
        actions: [
          'accept_request',
          'remove_from_seat',
          'mute_seat',
          'unmute_seat',
          'lock_seat',
          'unlock_seat',
          'move_speaker',
        ],
        data: SeatView,
      },
    ],
  },
  // ---- chat ----
  'live:message:send': {
    module: 'chat',
    summary: 'Send a chat message (same rules and codes as POST /api/live/:id/message).',
    description: 'A retry with the same `clientMessageId` answers the first message and sends nothing new.',
    payload: SendMessageEventDto,
    acks: [{ data: MessageView }],
  },
  // ---- seats ----
  'live:seat:update': {
    module: 'seats',
    summary: 'A seat action by the user on, or asking for, a seat.',
    description:
      '`seatIndex`: the seat to take or move to (required), the seat asked for (request, optional), or your own ' +
      'seat (leave, mic_on, mic_off: optional, checked when given). `seatData` is accepted and not read. The ack ' +
      'depends on the action.',
    payload: SeatUpdateDto,
    examples: {
      take: { liveStreamId: LIVE_ID_EXAMPLE, action: 'take', seatIndex: 2 },
      mic_off: { liveStreamId: LIVE_ID_EXAMPLE, action: 'mic_off' },
      request: { liveStreamId: LIVE_ID_EXAMPLE, action: 'request', seatIndex: 3 },
    },
    acks: [
      { actions: ['take', 'leave', 'move', 'mic_on', 'mic_off', 'accept_invite'], data: SeatView },
      { actions: ['request', 'cancel_request'], data: SeatRequestView },
      { actions: ['decline_invite'], data: SeatInviteView },
    ],
  },
  // ---- gifts ----
  'live:gift:send': {
    module: 'gifts',
    summary: 'Send a gift (same rules and codes as POST /api/live/:id/gifts).',
    description:
      'The same `idempotencyKey` again (a retry after a timeout or a reconnect) answers the first gift and moves ' +
      'no coin; the same key with a different gift is `IDEMPOTENCY_KEY_REUSED`.',
    payload: GiftSendDto,
    acks: [{ data: GiftResultView }],
  },
  // ---- connections between lives and PK battles ----
  'live:connection:action': {
    module: 'battles',
    summary:
      'A host connects lives: invite (targetLiveId), accept, reject, end (connectionId); same rules and codes as /api/live/:id/connections.',
    payload: ConnectionActionDto,
    acks: [{ data: ConnectionView }],
  },
  'live:battle:action': {
    module: 'battles',
    summary:
      'A host of a connected live starts a battle (durationMs, punishmentMs?) or ends one early (battleId: that side forfeits); same as /api/live/:id/battles.',
    payload: BattleActionDto,
    acks: [{ data: BattleView }],
  },
  // ---- trust and safety ----
  'admin:watch': {
    module: 'moderation',
    summary:
      'Admins only (ADMIN_ONLY otherwise): receive admin:live:stats, the counts of every running live as they change (the operator console).',
    payload: AdminWatchDto,
    acks: [{ data: AdminWatchAck }],
  },
} as const satisfies Record<string, ClientEventDoc>;

/** server -> client events (ServerToClientEvents is derived from this). */
export const SERVER_EVENTS = {
  // ---- live rooms (streams, viewers) ----
  'live:created': {
    module: 'streams',
    summary: 'A live started.',
    receivers: 'everyone',
    payload: LiveCreatedEvent,
  },
  'live:ended': {
    module: 'streams',
    summary: 'A live ended (host, admin, host timeout); its room is emptied afterwards.',
    description: "Carries the room's last `seq`. Every seat is freed without seat events.",
    receivers: 'everyone',
    numbered: true,
    payload: LiveEndedEvent,
  },
  'live:update': {
    module: 'streams',
    summary: "The live's details changed; `changes` names the fields.",
    receivers: 'live room',
    payload: LiveUpdateEvent,
  },
  'live:host:action': {
    module: 'streams',
    summary: 'A host or co-host acted on a user: kick, co-host changes, chat mutes.',
    receivers: 'live room',
    payload: LiveHostActionEvent,
  },
  'live:frame': {
    module: 'streams',
    summary: "Several room events at once, for a socket that accepts frames, while a big live's room is busy.",
    description:
      'Sent only to sockets that connected with `auth: { frames: true }` (or the query `frames=1`), in a room ' +
      'with at least `BIG_ROOM_MIN_SOCKETS` sockets on the instance that gets more than one event per ' +
      '`BIG_ROOM_WINDOW_MS` (at most 50 ms): the events of each window travel together. The frame has no seq of ' +
      'its own; each inner event keeps its seq and epoch, so a client unpacks the frame and applies the events ' +
      'one by one, in order, with the same rules as single events. Such a socket still gets single events too ' +
      "(in a quiet or small room), and a catch-up's `missed` always lists single events.",
    receivers: 'live room',
    numbered: false,
    payload: LiveFrameEvent,
  },
  'live:kicked': {
    module: 'streams',
    summary: 'You were removed from a live: your sockets have left its room and you cannot come back.',
    receivers: 'user room',
    payload: LiveKickedEvent,
  },
  'live:viewer:joined': {
    module: 'viewers',
    summary: 'A viewer joined (only while the live has at most 100 viewers; see live:viewers).',
    receivers: 'live room',
    payload: LiveViewerJoinedEvent,
  },
  'live:viewer:left': {
    module: 'viewers',
    summary: 'A viewer left (only while the live has fewer than 100 viewers; see live:viewers).',
    receivers: 'live room',
    payload: LiveViewerLeftEvent,
  },
  'live:viewers': {
    module: 'viewers',
    summary: 'Joins and leaves, batched: at most one per live per batch window, with counts and the first names.',
    receivers: 'live room',
    payload: LiveViewersEvent,
  },
  // ---- chat ----
  'live:message': {
    module: 'chat',
    summary: 'A chat message (a comment, or the line of a gift), once per message.',
    receivers: 'live room',
    payload: MessageView,
  },
  'live:message:deleted': {
    module: 'chat',
    summary: 'A message was deleted by its sender, the host or a co-host.',
    receivers: 'live room',
    payload: LiveMessageDeletedEvent,
  },
  'live:chat:muted': {
    module: 'chat',
    summary: "You were muted in a live's chat until `until`, or unmuted (`muted` false).",
    receivers: 'user room',
    payload: LiveChatMutedEvent,
  },
  // ---- seats ----
  'live:seat:update': {
    module: 'seats',
    summary: "A seat's full state after any change.",
    description:
      'Drop an update whose `version` is not newer than the one shown. `dropToAudience` tells the user who lost ' +
      'the seat (`previousUserId`) to stop publishing and fetch a new RTC token.',
    receivers: 'live room',
    payload: LiveSeatUpdateEvent,
  },
  'live:seat:joined': {
    module: 'seats',
    summary: 'A user sat down on a seat (take or move_in).',
    receivers: 'live room',
    payload: LiveSeatJoinedEvent,
  },
  'live:seat:left': {
    module: 'seats',
    summary: 'A user left a seat (left, moved, removed, kicked).',
    receivers: 'live room',
    payload: LiveSeatLeftEvent,
  },
  'live:seat:request': {
    module: 'seats',
    summary: 'A seat request was made, cancelled, accepted or rejected.',
    description: 'Sent to the host, the co-hosts and the requester.',
    receivers: 'user room',
    payload: LiveSeatRequestEvent,
  },
  'live:seat:invite': {
    module: 'seats',
    summary: 'An invitation to a seat was made, accepted or declined.',
    description: 'Sent to the invited user and to whoever invited them.',
    receivers: 'user room',
    payload: LiveSeatInviteEvent,
  },
  // ---- gifts ----
  'live:gift': {
    module: 'gifts',
    summary: "A gift settled: the animation to play, the combo, the live's new totals.",
    description:
      'Same sender, gift and receiver within the combo window keep the `comboId`; `comboCount` counts the items ' +
      'in it. A sender has one running combo per live: another gift or receiver starts a new one. A gift finished by the recovery sweep after a crash is announced when it settles.',
    receivers: 'live room',
    payload: LiveGiftEvent,
  },
  // ---- connections between lives and PK battles ----
  'live:connection:invite': {
    module: 'battles',
    summary: "Another live's host invites yours to connect (liveStreamId is your live); answer by accept or reject.",
    receivers: 'user room',
    payload: LiveConnectionEvent,
  },
  'live:connection:update': {
    module: 'battles',
    summary: "The live's connection changed: pending, connected, rejected, expired or ended. Both lives' rooms.",
    receivers: 'live room',
    payload: LiveConnectionEvent,
  },
  'live:battle:started': {
    module: 'battles',
    summary: 'A battle started between the two connected lives: its clock (startedAt, endsAt) and sides.',
    receivers: 'live room',
    payload: LiveBattleEvent,
  },
  'live:battle:score': {
    module: 'battles',
    summary: "The battle's scores (absolute), at most 4 per second; drop one whose version is not above the one shown.",
    receivers: 'live room',
    payload: LiveBattleScoreEvent,
  },
  'live:battle:ended': {
    module: 'battles',
    summary: "The battle ended: winner (or draw), final scores, each side's top gifters, the punishment period.",
    receivers: 'live room',
    payload: LiveBattleEvent,
  },
  // ---- trust and safety ----
  'auth:banned': {
    module: 'moderation',
    summary:
      'You were banned from the app (until `until`, null: for good); the server disconnects every socket of yours. A new connection fails with connect_error BANNED.',
    receivers: 'user room',
    payload: AuthBannedEvent,
  },
  'admin:live:stats': {
    module: 'moderation',
    summary:
      'At most one per batch window: the lives whose counts changed, with the new counts (viewers, diamonds, gifts) and the messages since the last one.',
    receivers: 'admin room',
    payload: AdminLiveStatsEvent,
  },
  // ---- auth ----
  'auth:expired': {
    module: 'auth',
    summary: 'The access token expired; the server disconnects the socket. Reconnect with a new token.',
    receivers: 'this socket',
    payload: AuthExpiredEvent,
  },
} as const satisfies Record<string, ServerEventDoc>;
