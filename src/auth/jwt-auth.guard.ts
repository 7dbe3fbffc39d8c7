import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/errors';
import { AuthFailures } from './auth-failures';
import { IS_PUBLIC } from './public.decorator';

/** Global HTTP guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly failures: AuthFailures,
  ) {
    super();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    try {
      return (await super.canActivate(context)) as boolean;
    } catch (error) {
      await this.failures.record(context.switchToHttp().getRequest<{ ip?: string }>().ip);
      throw error;
    }
  }

  handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error || !user) {
      const reason = info instanceof Error ? info.message : 'missing bearer token';
      throw new DomainError(
        'UNAUTHENTICATED',
        `A valid access token is required (${reason}); send it as 'Authorization: Bearer <token>'.`,
      );
    }
    return user;
  }
}
