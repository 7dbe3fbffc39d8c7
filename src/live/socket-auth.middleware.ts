import type { Socket } from 'socket.io';
import { AuthFailures } from '../auth/auth-failures';
import { bearerToken, TokenVerifier } from '../auth/token-verifier';
import { toErrorBody } from '../common/error-mapping';

type Next = (error?: Error) => void;

function refuse(next: Next, code: string, message: string, details?: Record<string, unknown>): void {
  const error = new Error(`${code}: ${message}`) as Error & { data: unknown };
  error.data = { code, details };
  next(error);
}

/**
 * Socket.IO handshake auth: the token from `auth.token` or the Authorization header. Runs on every
 * connection and again on connection-state recovery, so an expired token cannot recover a session.
 */
export function socketAuthMiddleware(verifier: TokenVerifier, failures: AuthFailures) {
  return (socket: Socket, next: Next): void => {
    const token =
      (typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined) ??
      bearerToken(socket.handshake.headers.authorization);
    const user = verifier.verify(token);
    if (user) {
      socket.data.user = user;
      return next();
    }
    failures.record(socket.handshake.address).then(
      () => refuse(next, 'UNAUTHENTICATED', 'a valid token is required in auth.token or the Authorization header'),
      (error: unknown) => {
        const body = toErrorBody(error);
        refuse(next, body.code, body.message, body.details);
      },
    );
  };
}
