import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthUser } from './auth-user';

/** The authenticated caller (HTTP: set by the JWT guard; socket: set at the handshake). */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  if (context.getType() === 'ws') return context.switchToWs().getClient().data.user as AuthUser;
  return context.switchToHttp().getRequest().user as AuthUser;
});
