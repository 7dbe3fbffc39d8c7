import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/errors';
import { BansService } from '../moderation/bans.service';
import { AuthFailures } from './auth-failures';
import { AuthUser } from './auth-user';
import { BAN_CHECK, BanCheck } from './ban-check.decorator';
import { IS_PUBLIC } from './public.decorator';

/**
 * Global HTTP guard: every route needs a valid bearer token unless marked @Public(), and a banned
 * caller is refused (403 BANNED). The ban check is the one database read this guard adds to an
 * authenticated request; routes whose service checks after its write (@BanCheckedAfterWrite), or
 * in its gate's read (@BanCheckedInGate), skip it.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly failures: AuthFailures,
    private readonly bans: BansService,
  ) {
    super();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    try {
      await super.canActivate(context);
    } catch (error) {
      await this.failures.record(context.switchToHttp().getRequest<{ ip?: string }>().ip);
      throw error;
    }
    const banCheck = this.reflector.getAllAndOverride<BanCheck>(BAN_CHECK, targets) ?? 'guard';
    if (banCheck === 'guard') {
      await this.bans.assertNotBanned(context.switchToHttp().getRequest<{ user: AuthUser }>().user.userId);
    }
    return true;
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
