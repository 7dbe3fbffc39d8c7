import { MAX_PATH_PARAM_LENGTH } from './framework-errors';
import { ErrorCode } from './errors';
import { MAX_PAYLOAD_DEPTH } from './payload-limits';

export interface ErrorExample {
  message: string;
  details?: Record<string, unknown>;
}

const LIVE_ID = '665f1c2e8a1b2c3d4e5f6a7b';

/**
 * A typical answer for every error code, as the services word it. The API documents show them as
 * named examples on each route's error responses; a new code does not compile without one.
 */
export const ERROR_EXAMPLES: Record<ErrorCode, ErrorExample> = {
  // generic
  VALIDATION_FAILED: {
    message: 'property color should not exist; limit must not be greater than 100',
    details: { problems: ['property color should not exist', 'limit must not be greater than 100'] },
  },
  INVALID_ID: { message: "'not-an-id' is not a valid id (24 hex characters)" },
  UNAUTHENTICATED: {
    message: "A valid access token is required (jwt expired); send it as 'Authorization: Bearer <token>'.",
  },
  FORBIDDEN: { message: 'You may not do this.' },
  NOT_FOUND: { message: 'Not found.' },
  ROUTE_NOT_FOUND: { message: 'Cannot GET /api/nothing-here' },
  CONFLICT: { message: 'The live changed while this request ran; retry.' },
  PAYLOAD_TOO_DEEP: {
    message: `The payload nests more than ${MAX_PAYLOAD_DEPTH} levels deep.`,
    details: { maxDepth: MAX_PAYLOAD_DEPTH },
  },
  PAYLOAD_TOO_LARGE: { message: 'Request body is too large' },
  PATH_PARAM_TOO_LONG: {
    message: `A path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters.`,
    details: { maxLength: MAX_PATH_PARAM_LENGTH },
  },
  RATE_LIMITED: { message: 'Too many requests; retry in 4 s.', details: { retryAfterMs: 3200 } },
  IDENTITY_MISMATCH: { message: "authorUid must be the caller's own uid (or be left out)." },
  ADMIN_ONLY: { message: "This action needs a token with the 'admin' role." },
  INTERNAL_ERROR: {
    message: 'Something went wrong on our side; retry later and quote the request id if it persists.',
    details: { requestId: '0b6e3c1a-6f1e-4c0e-9d55-3f1c2a7b9e10' },
  },
  SERVICE_UNAVAILABLE: {
    message: 'Not ready: redis down.',
    details: { checks: { database: { status: 'up' }, redis: { status: 'down', message: 'Connection is closed.' } } },
  },
  // lives
  LIVE_NOT_FOUND: { message: `No live with id ${LIVE_ID}.` },
  LIVE_ENDED: { message: 'This live has ended.' },
  LIVE_ALREADY_ACTIVE: {
    message: 'You already have a live running; end it before starting another.',
    details: { liveId: LIVE_ID },
  },
  CHANNEL_IN_USE: { message: "The channel 'karaoke_night' is used by an active live; pick another or leave it out." },
  NOT_HOST: { message: 'Only the host of this live can do this.' },
  NOT_HOST_OR_COHOST: { message: 'Only the host or a co-host can do this.' },
  REMOVED_FROM_LIVE: { message: 'You were removed from this live and cannot come back into it.' },
  NOT_IN_LIVE: { message: 'You are not in this live; join it first.' },
  CANNOT_TARGET_HOST: { message: 'The host cannot be the target of this action.' },
  CANNOT_TARGET_SELF: { message: 'You cannot do this to yourself.' },
  UNKNOWN_ACTION: { message: "Unknown action 'dance'." },
  UID_CONFLICT: {
    message:
      "Your RTC uid is already used by someone in this live; ask the identity service for a token with an explicit 'uid' claim.",
  },
  // chat
  CHAT_DISABLED: { message: 'Chat is turned off in this live.' },
  CHAT_MUTED: { message: 'You are muted in this chat for now.', details: { until: '2026-11-24T20:15:00.000Z' } },
  MESSAGE_NOT_FOUND: { message: 'No message with id 665f1c2e8a1b2c3d4e5f6a90 in this live.' },
  CANNOT_DELETE_MESSAGE: { message: 'Only its sender, the host or a co-host can delete a message.' },
  // seats and RTC credentials
  WRONG_LIVE_TYPE: { message: "Seats exist only in 'party' and 'audio' lives." },
  INVALID_SEAT_INDEX: { message: 'This live has seats 0..8.' },
  SEAT_TAKEN: { message: 'Someone else took this seat first.' },
  SEAT_LOCKED: { message: 'This seat is locked.' },
  SEAT_OCCUPIED: { message: 'Someone sits on this seat: remove the speaker before locking it.' },
  HOST_SEAT: { message: "Seat 0 is the host's seat." },
  ALREADY_ON_SEAT: { message: 'You already sit on a seat in this live; leave it or move instead.' },
  NOT_ON_SEAT: { message: 'You are not on this seat.' },
  NO_FREE_SEAT: { message: 'Every seat is taken or locked.' },
  SEAT_MODE: {
    message: "Seats are on request in this live: apply with 'request' and wait for the host.",
    details: { seatMode: 'request' },
  },
  MUTED_BY_HOST: { message: 'The host muted your seat; only the host or a co-host can unmute it.' },
  NO_PENDING_REQUEST: { message: 'No pending seat request from that user (it may have expired).' },
  NO_PENDING_INVITE: { message: 'No pending seat invitation for you (it may have expired).' },
  RTC_NOT_CONFIGURED: { message: 'Agora credentials are not configured on this server.' },
  LIVE_SETUP_FAILED: {
    message: 'The live could not be set up (its seats), so it was ended; start it again.',
    details: { liveId: '665f1c2e8a1b2c3d4e5f6a7b' },
  },
  REACTIONS_INCOMPLETE: {
    message:
      'The live ended, but closing its viewers or freeing its seats failed; retry to finish (the server also retries on its own).',
    details: { liveId: '665f1c2e8a1b2c3d4e5f6a7b' },
  },
  // gifts and wallet
  INSUFFICIENT_BALANCE: { message: 'This gift costs 299 coins; top up your wallet.', details: { required: 299 } },
  GIFT_NOT_FOUND: { message: 'No gift with id 665f1c2e8a1b2c3d4e5f6a90.' },
  GIFT_INACTIVE: { message: "'Crown' is no longer available." },
  GIFT_KEY_TAKEN: { message: "Another gift already uses the key 'crown'." },
  INVALID_RECEIVER: {
    message: 'Gifts go to the host, a co-host or (party and audio lives) a seated speaker.',
    details: { receiverId: 'carol' },
  },
  IDEMPOTENCY_KEY_REUSED: {
    message: 'This idempotencyKey was used for a different gift; make a new key per gift.',
    details: { giftSentId: '665f1c2e8a1b2c3d4e5f6a7f' },
  },
  GIFT_PENDING: { message: 'This gift is still being settled; retry with the same idempotencyKey.' },
  PURCHASE_PENDING: {
    message: 'This purchase is still being credited; retry with the same purchaseRef.',
    details: { purchaseRef: 'gp-order-3381-2026-11-24' },
  },
  // connections between lives and PK battles
  INCOMPATIBLE_LIVE_TYPE: {
    message: "Only two running lives of the same type connect, both 'live' or both 'party'.",
    details: { liveType: 'live', targetLiveType: 'party' },
  },
  ALREADY_CONNECTED: {
    message: 'The invited live already has a connection or a pending invitation.',
    details: { liveId: LIVE_ID, connectionId: '665f1c2e8a1b2c3d4e5f6b10' },
  },
  CONNECTION_NOT_FOUND: { message: 'This live has no connection.' },
  INVITATION_EXPIRED: {
    message: 'This invitation has expired; send a new one.',
    details: { expiresAt: '2026-11-24T20:01:30.000Z' },
  },
  CONNECTION_NOT_PENDING: {
    message: 'This invitation is no longer pending (rejected).',
    details: { status: 'rejected' },
  },
  NOT_CONNECTED: { message: 'Connect this live to another one before starting a battle.' },
  BATTLE_IN_PROGRESS: {
    message: 'A battle is already running on this connection.',
    details: { battleId: '665f1c2e8a1b2c3d4e5f6c20', phase: 'running', until: '2026-11-24T20:06:00.000Z' },
  },
  BATTLE_NOT_FOUND: { message: 'This live has no battle in progress.' },
  // trust and safety
  BANNED: {
    message: 'You are banned from this app; GET /api/me/ban says until when.',
    details: { until: '2026-11-25T20:00:00.000Z' },
  },
  SLOW_MODE: { message: 'Slow mode is on in this live: wait 4 s.', details: { retryAfterMs: 3400 } },
  REPORT_NOT_FOUND: { message: 'No report with id 665f1c2e8a1b2c3d4e5f6d01.' },
  REPORT_ALREADY_RESOLVED: {
    message: 'This report was already resolved.',
    details: { resolution: { action: 'dismiss', actorId: 'admin-1' } },
  },
  USER_NOT_FOUND: { message: 'No user carol in that live.' },
  ACTION_NOT_APPLICABLE: { message: "'delete_message' does not apply to a live report." },
};
