import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { toErrorBody } from '../common/error-mapping';
import { bannedError, BansService } from '../moderation/bans.service';
import { AuthFailures } from './auth-failures';
import { AuthUser } from './auth-user';
import { bearerToken, TokenVerifier } from './token-verifier';

type Next = (error?: Error) => void;

/** How often connected sockets are checked for an expired token (tokens count whole seconds). */
const EXPIRY_CHECK_MS = 1000;

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

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly failures: AuthFailures,
    private readonly bans: BansService,
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
   * Reads the ban again once the socket is in its user room. A ban written while the handshake
   * ran either finds the socket there (and disconnects it), or is seen by this read: no socket
   * slips between the two. Client events wait for it (see `admitted`).
   */
  recheckBan(socket: Socket): void {
    const user = socket.data.user as AuthUser;
    const check = this.bans.activeBan(user.userId).then((ban) => {
      if (!ban) return;
      const refusal = bannedError(ban.until);
      socket.emit('auth:banned', { code: refusal.code, message: refusal.message, until: refusal.details!.until });
      socket.disconnect(true);
      throw refusal;
    });
    check.catch(() => undefined); // awaited by each client event; none may have come
    this.banChecks.set(socket, check);
  }

  /** Resolves once the socket passed its post-connection ban check; rejects with BANNED otherwise. */
  admitted(socket: Socket): Promise<void> {
    return this.banChecks.get(socket) ?? Promise.resolve();
  }
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
