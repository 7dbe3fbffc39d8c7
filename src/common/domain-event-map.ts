import type { BattleView } from '../battles/dto/battle.view';
import type { ConnectionView } from '../battles/dto/connection.view';
import type { MessageView } from '../chat/dto/message.view';
import type { AnnouncedHostAction } from '../live/events/streams.events';
import type { GiftEventView } from '../gifts/dto/gift-result.view';
import type { LiveView } from '../streams/dto/live.view';
import type { EndReason } from '../streams/schemas/live-stream.schema';
import type { LeaveReason, ViewerView } from '../viewers/dto/viewer.view';
import type { SeatChange, SeatInviteView, SeatRequestView, SeatView, TicketStatus } from '../seats/dto/seat.view';

/**
 * Every internal domain event and its payload, in one place. Services publish them through
 * DomainEvents; modules react with @OnDomainEvent; LiveGateway relays them to clients.
 */
export interface DomainEventMap {
  'live.created': { live: LiveView };
  'live.updated': { live: LiveView; changes: string[]; actorId: string };
  'live.ended': { live: LiveView; reason: EndReason };
  /**
   * A host or co-host action on a user (kick, co-host changes), announced to the room. `until`:
   * when a timed kick ends.
   */
  'live.host_action': {
    liveId: string;
    action: AnnouncedHostAction;
    actorId: string;
    targetUserId: string;
    until?: string | null;
  };
  /**
   * A user removed from the live: reactions close their viewer record and free their seat.
   * `moderatorEpoch` is the live's after the kick (it grew if the user was a co-host).
   */
  'live.user_kicked': { liveId: string; userId: string; actorId: string; moderatorEpoch: number };
  /** A co-host lost the role: the seats are fenced with the live's new `moderatorEpoch`. */
  'live.cohost_removed': { liveId: string; userId: string; moderatorEpoch: number };
  'viewer.joined': { liveId: string; viewer: ViewerView; viewerCount: number };
  /** `alsoRead`: what reactions asked the leave to read with it (see ViewersService.alsoReadOnLeave), when it did. */
  'viewer.left': {
    liveId: string;
    userId: string;
    reason: LeaveReason;
    viewerCount: number;
    alsoRead?: Record<string, unknown>;
  };
  // chat
  /** Published once per stored message (never for an idempotent retry). */
  'chat.message': { liveId: string; message: MessageView };
  /** `senderId`: who wrote the message (a deletion by someone else is moderation). */
  'chat.message_deleted': { liveId: string; messageId: string; actorId: string; senderId?: string };
  /** A user muted in a live's chat until `until`, or unmuted (`until` null). */
  'chat.user_muted': { liveId: string; userId: string; actorId: string; until: string | null };
  // ---- seats -------------------------------------------------------------------------------
  /**
   * One seat document changed (its version grew). `previousUserId` is who sat there before the
   * change; `dropToAudience` tells that user's client to stop publishing (they lost their seat).
   */
  'seat.updated': {
    liveId: string;
    seat: SeatView;
    change: SeatChange;
    actorId: string;
    previousUserId: string | null;
    dropToAudience: boolean;
    /** false: the user who sat down was read holding no seat ticket (the ticket clean-up skips). */
    heldTickets?: boolean;
  };
  /** A seat request changed state; relayed to the host, the co-hosts and the requester. */
  'seat.request': { liveId: string; request: SeatRequestView; status: TicketStatus; moderatorIds: string[] };
  /** A seat invitation changed state; relayed to its target and to whoever sent it. */
  'seat.invite': { liveId: string; invite: SeatInviteView; status: TicketStatus };
  // trust and safety
  /**
   * A ban was written: awaited before the ban's gate, so every instance has cut the user's sockets
   * (and confirmed it) before the running lives are closed to them.
   */
  'user.banned': { userId: string; until: string | null; actorId: string };
  /** An admin's moderation action (ban, unban, a report's resolution), for the audit log. */
  'moderation.action': {
    actorId: string;
    action: string;
    targetType: 'user' | 'live' | 'message' | 'report';
    targetId: string;
    liveId: string | null;
    reason: string | null;
    result: Record<string, unknown>;
  };
  // gifts
  /** A gift settled (all effects in): the room plays it; chat may add a gift-type message. */
  'gift.settled': {
    liveId: string;
    gift: GiftEventView;
    liveDiamonds: number;
    liveGiftCount: number;
    /** The sender's new rank among the live's gifters, only when this gift changed it. */
    senderRank: number | null;
  };
  // ---- connections between lives and PK battles ----------------------------------------------
  /** A connection changed state (invited, connected, rejected, expired, ended): both lives' rooms see it. */
  'connection.updated': { connection: ConnectionView };
  /** An invitation to connect, for the invited host. */
  'connection.invited': { connection: ConnectionView };
  'battle.started': { battle: BattleView };
  /** The battle's scores, at most one per score-event slot; `version` orders them. */
  'battle.score': {
    battleId: string;
    liveIds: string[];
    scores: { liveId: string; score: number }[];
    version: number;
    at: string;
  };
  /**
   * The battle's time is over. Awaited: listeners wait (until `until` at most) for the gifts
   * recorded in its lives in [from, to) to settle or fail, so the result counts them.
   */
  'battle.settling': { battleId: string; liveIds: string[]; from: Date; to: Date; until: Date };
  'battle.ended': { battle: BattleView };
}
