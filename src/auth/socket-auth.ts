import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { Socket } from 'socket.io';
import { toErrorBody } from '../common/error-mapping';
import { METRIC } from '../metrics/metrics';
import { bannedError, BansService } from '../moderation/bans.service';
import { AuthFailures } from './auth-failures';
import { AuthUser } from './auth-user';
import { bearerToken, TokenVerifier } from './token-verifier';

type Next = (error?: Error) => void;

/** How often connected sockets are checked for an expired token (tokens count whole seconds). */
const EXPIRY_CHECK_MS = 1000;
/** The message between instances that notes a ban (see `noteBan`). */
export const BAN_NOTICE = 'ban:noted';
/** How long a noted ban is kept: far longer than a handshake may be trusted to it (below). */
const BAN_NOTES_KEPT_MS = 10 * 60_000;
/** A handshake older than this when its socket connects reads the ban again instead. */
const HANDSHAKE_TRUSTED_MS = 60_000;

/**
 * Sockets and their tokens: the handshake check (the token from `auth.token` or the Authorization
 * header, and the user's ban), and the disconnection of a socket whose token expires while it is
 * connected.
 */
@Injectable()
export class SocketAuth implements OnApplicationShutdown {
  private expiryCheck?: NodeJS.Timeout;
  // Off socket.data, which adapters may serialize.
  private readonly banChecks = new WeakMap<Socket, Promise<void>>();
  /** When each socket's handshake read the ban (a monotonic clock, as the notes'). */
  private readonly banReadAt = new WeakMap<Socket, number>();
  /** The bans this instance heard of, by user: when it heard, and until when they hold. */
  private readonly bansNoted = new Map<string, { at: number; until: string | null }>();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly failures: AuthFailures,
    private readonly bans: BansService,
    @InjectMetric(METRIC.banNotices) private readonly banNotices: Counter<string>,
  ) {}

  /**
   * Socket.IO middleware: a connection without a valid token is refused (connect_error with
   * `data.code`), and so is a banned user's (`BANNED`, `data.details.until`).
   */
  handshake() {
    return (socket: Socket, next: Next): void => {
      const token =
        (typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined) ??
        bearerToken(socket.handshake.headers.authorization);
      const user = this.verifier.verify(token);
      if (user) {
        socket.data.user = user;
        this.banReadAt.set(socket, performance.now());
        this.bans.activeBan(user.userId).then(
          (ban) => (ban ? refuseWith(next, bannedError(ban.until)) : next()),
          (error: unknown) => refuseWith(next, error),
        );
        return;
      }
      this.failures.record(socket.handshake.address).then(
        () => refuse(next, 'UNAUTHENTICATED', 'a valid token is required in auth.token or the Authorization header'),
        (error: unknown) => {
          const body = toErrorBody(error);
          refuse(next, body.code, body.message, body.details);
        },
      );
    };
  }

  /**
   * Sends `auth:expired` and disconnects each socket whose token has expired, at most a second
   * late: one pass over the connected sockets per second, where a timer per socket cost about half
   * a kilobyte of each idle socket. Client events are refused at once anyway (WsGuard checks the
   * expiry on each one).
   */
  disconnectExpired(connected: () => Iterable<Socket>): void {
    clearInterval(this.expiryCheck);
    this.expiryCheck = setInterval(() => {
      const now = Date.now();
      for (const socket of connected()) {
        const exp = (socket.data.user as AuthUser | undefined)?.exp;
        if (exp !== undefined && exp * 1000 <= now) expire(socket);
      }
    }, EXPIRY_CHECK_MS);
    this.expiryCheck.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.expiryCheck);
  }

  /**
   * Notes a ban, on every instance (BanEnforcer sends it to the others before it cuts the user's
   * sockets), for the handshakes in flight: see `recheckBan`.
   */
  noteBan(userId: string, until: string | null, origin: 'local' | 'peer'): void {
    this.banNotices.inc({ origin });
    const now = performance.now();
    for (const [id, noted] of this.bansNoted) if (noted.at < now - BAN_NOTES_KEPT_MS) this.bansNoted.delete(id);
    this.bansNoted.set(userId, { at: now, until });
  }

  /**
   * Checks the ban again once the socket is in its user room, for a ban written after its
   * handshake's read. Such a ban is noted here before its cut reaches this instance: noted before
   * this moment, it refuses the socket now; noted after, its cut finds the socket in its room.
   * Either way no socket slips between the two, and no command is sent. A handshake too old to
   * trust the notes (a paused process) reads the ban again. Client events wait (see `admitted`).
   */
  recheckBan(socket: Socket): void {
    const user = socket.data.user as AuthUser;
    const readAt = this.banReadAt.get(socket) ?? -Infinity;
    if (performance.now() - readAt < HANDSHAKE_TRUSTED_MS) {
      const noted = this.bansNoted.get(user.userId);
      if (noted && noted.at >= readAt) this.banChecks.set(socket, refused(socket, noted.until));
      return;
    }
    const check = this.bans
      .activeBan(user.userId)
      .then((ban) => (ban ? refused(socket, ban.until?.toISOString() ?? null) : undefined));
    check.catch(() => undefined); // awaited by each client event; none may come
    this.banChecks.set(socket, check);
  }

  /** Resolves once the socket passed its post-connection ban check; rejects with BANNED otherwise. */
  admitted(socket: Socket): Promise<void> {
    return this.banChecks.get(socket) ?? Promise.resolve();
  }
}

/** Tells a banned user's socket, cuts it, and rejects (each client event awaits this; none may come). */
function refused(socket: Socket, until: string | null): Promise<never> {
  const refusal = bannedError(until ? new Date(until) : null);
  socket.emit('auth:banned', { code: refusal.code, message: refusal.message, until });
  socket.disconnect(true);
  const rejection = Promise.reject(refusal);
  rejection.catch(() => undefined);
  return rejection;
}

function expire(socket: Socket): void {
  socket.emit('auth:expired', {
    code: 'TOKEN_EXPIRED',
    message: 'Your access token expired; reconnect with a new one.',
  });
  socket.disconnect(true);
}

function refuseWith(next: Next, error: unknown): void {
  const body = toErrorBody(error);
  refuse(next, body.code, body.message, body.details);
}

function refuse(next: Next, code: string, message: string, details?: Record<string, unknown>): void {
  const error = new Error(`${code}: ${message}`) as Error & { data: unknown };
  error.data = { code, details };
  next(error);
}
