import { HttpStatus } from '@nestjs/common';

/**
 * Every error a client can see, with its HTTP status. The code is the stable contract;
 * the message is for people. Modules add their codes here so the catalogue stays in one place.
 */
export const ERROR_STATUS = {
  // generic
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  INVALID_ID: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  ROUTE_NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  PAYLOAD_TOO_DEEP: HttpStatus.BAD_REQUEST,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  PATH_PARAM_TOO_LONG: HttpStatus.URI_TOO_LONG,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  IDENTITY_MISMATCH: HttpStatus.FORBIDDEN,
  ADMIN_ONLY: HttpStatus.FORBIDDEN,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
  SERVICE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  // lives
  LIVE_NOT_FOUND: HttpStatus.NOT_FOUND,
  LIVE_ENDED: HttpStatus.CONFLICT,
  LIVE_ALREADY_ACTIVE: HttpStatus.CONFLICT,
  CHANNEL_IN_USE: HttpStatus.CONFLICT,
  NOT_HOST: HttpStatus.FORBIDDEN,
  NOT_HOST_OR_COHOST: HttpStatus.FORBIDDEN,
  REMOVED_FROM_LIVE: HttpStatus.FORBIDDEN,
  NOT_IN_LIVE: HttpStatus.FORBIDDEN,
  CANNOT_TARGET_HOST: HttpStatus.FORBIDDEN,
  CANNOT_TARGET_SELF: HttpStatus.BAD_REQUEST,
  UNKNOWN_ACTION: HttpStatus.BAD_REQUEST,
  UID_CONFLICT: HttpStatus.CONFLICT,
  /** The live's set-up (its seats) failed; it was ended again. Creating it again may work. */
  LIVE_SETUP_FAILED: HttpStatus.SERVICE_UNAVAILABLE,
  /** The action is recorded but what follows it (freeing seats, closing viewers) is not all done yet; retry. */
  REACTIONS_INCOMPLETE: HttpStatus.SERVICE_UNAVAILABLE,
  // chat
  CHAT_DISABLED: HttpStatus.FORBIDDEN,
  CHAT_MUTED: HttpStatus.FORBIDDEN,
  MESSAGE_NOT_FOUND: HttpStatus.NOT_FOUND,
  CANNOT_DELETE_MESSAGE: HttpStatus.FORBIDDEN,
  // seats (party/audio lives) and RTC credentials
  WRONG_LIVE_TYPE: HttpStatus.CONFLICT,
  INVALID_SEAT_INDEX: HttpStatus.BAD_REQUEST,
  SEAT_TAKEN: HttpStatus.CONFLICT,
  SEAT_LOCKED: HttpStatus.CONFLICT,
  SEAT_OCCUPIED: HttpStatus.CONFLICT,
  HOST_SEAT: HttpStatus.FORBIDDEN,
  ALREADY_ON_SEAT: HttpStatus.CONFLICT,
  NOT_ON_SEAT: HttpStatus.CONFLICT,
  NO_FREE_SEAT: HttpStatus.CONFLICT,
  SEAT_MODE: HttpStatus.CONFLICT,
  MUTED_BY_HOST: HttpStatus.FORBIDDEN,
  NO_PENDING_REQUEST: HttpStatus.NOT_FOUND,
  NO_PENDING_INVITE: HttpStatus.NOT_FOUND,
  RTC_NOT_CONFIGURED: HttpStatus.SERVICE_UNAVAILABLE,
  // gifts and wallet
  INSUFFICIENT_BALANCE: HttpStatus.PAYMENT_REQUIRED,
  GIFT_NOT_FOUND: HttpStatus.NOT_FOUND,
  GIFT_INACTIVE: HttpStatus.CONFLICT,
  GIFT_KEY_TAKEN: HttpStatus.CONFLICT,
  INVALID_RECEIVER: HttpStatus.BAD_REQUEST,
  IDEMPOTENCY_KEY_REUSED: HttpStatus.CONFLICT,
  GIFT_PENDING: HttpStatus.CONFLICT,
  PURCHASE_PENDING: HttpStatus.CONFLICT,
  // connections between lives and PK battles
  /** Only two running lives of the same type connect, and only `live` or `party` lives. */
  INCOMPATIBLE_LIVE_TYPE: HttpStatus.CONFLICT,
  /** One of the two lives already has a connection or a pending invitation (`details.liveId` says which). */
  ALREADY_CONNECTED: HttpStatus.CONFLICT,
  CONNECTION_NOT_FOUND: HttpStatus.NOT_FOUND,
  INVITATION_EXPIRED: HttpStatus.CONFLICT,
  /** The invitation was already answered or withdrawn (`details.status`). */
  CONNECTION_NOT_PENDING: HttpStatus.CONFLICT,
  /** The live is not connected to another one (or no longer). */
  NOT_CONNECTED: HttpStatus.CONFLICT,
  /** A battle runs on this connection, or its punishment period does (`details.phase`, `details.until`). */
  BATTLE_IN_PROGRESS: HttpStatus.CONFLICT,
  BATTLE_NOT_FOUND: HttpStatus.NOT_FOUND,
  // trust and safety
  /** Banned from the app; `details.until` is when the ban ends (null: permanent). */
  BANNED: HttpStatus.FORBIDDEN,
  /** Slow mode: `details.retryAfterMs` until this user may write again in this live. */
  SLOW_MODE: HttpStatus.TOO_MANY_REQUESTS,
  REPORT_NOT_FOUND: HttpStatus.NOT_FOUND,
  REPORT_ALREADY_RESOLVED: HttpStatus.CONFLICT,
  USER_NOT_FOUND: HttpStatus.NOT_FOUND,
  /** The resolution does not fit the report (e.g. delete_message on a live report). */
  ACTION_NOT_APPLICABLE: HttpStatus.BAD_REQUEST,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A domain error: thrown by services, shaped by the exception filter (HTTP) or the ack (socket). */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** The body of every error response, and of a failed socket ack's `error`. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
