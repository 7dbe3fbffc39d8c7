import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { DomainError } from '../common/errors';
import { AuthUser } from './auth-user';
import { SocketAuth } from './socket-auth';

/**
 * Socket message guard: the handshake put a user on the socket, its token has not expired, and it
 * passed its post-connection ban check (no database read per event: a ban disconnects the socket).
 */
@Injectable()
export class WsGuard implements CanActivate {
  constructor(private readonly auth: SocketAuth) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const socket = context.switchToWs().getClient<Socket>();
    const user = socket.data.user as AuthUser | undefined;
    if (!user || (user.exp !== undefined && user.exp * 1000 <= Date.now())) {
      socket.disconnect(true);
      throw new WsException(
        new DomainError('UNAUTHENTICATED', 'Your access token has expired; reconnect with a new one.'),
      );
    }
    try {
      await this.auth.admitted(socket);
    } catch (error) {
      throw new WsException(error as DomainError);
    }
    return true;
  }
}
