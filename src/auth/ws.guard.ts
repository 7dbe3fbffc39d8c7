import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { DomainError } from '../common/errors';
import { AuthUser } from './auth-user';

/** Socket message guard: the handshake put a user on the socket, and its token has not expired. */
@Injectable()
export class WsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const socket = context.switchToWs().getClient<Socket>();
    const user = socket.data.user as AuthUser | undefined;
    if (user && (user.exp === undefined || user.exp * 1000 > Date.now())) return true;
    socket.disconnect(true);
    throw new WsException(
      new DomainError('UNAUTHENTICATED', 'Your access token has expired; reconnect with a new one.'),
    );
  }
}
