import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors';
import { AuthUser, isAdmin } from './auth-user';

/** For admin-only routes: the token must carry the `admin` role. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest().user as AuthUser | undefined;
    if (user && isAdmin(user)) return true;
    throw new DomainError('ADMIN_ONLY', "This action needs a token with the 'admin' role.");
  }
}
