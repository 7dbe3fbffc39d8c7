import { Injectable, Logger } from '@nestjs/common';
import { BAN_NOTICE, SocketAuth } from '../auth/socket-auth';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { bannedError } from '../moderation/bans.service';
import { LiveBroadcaster } from './live-broadcaster';

/**
 * A ban's side in real time: every instance notes it (for handshakes in flight, see SocketAuth),
 * the user is told, then every socket of theirs, on every instance, is cut.
 */
@Injectable()
export class BanEnforcer {
  private readonly logger = new Logger('BanEnforcer');

  constructor(
    private readonly to: LiveBroadcaster,
    private readonly auth: SocketAuth,
  ) {}

  /** Awaited by the ban before its gate write, so no socket of the user outlives it unnoticed. */
  @OnDomainEvent('user.banned')
  async onUserBanned({ userId, until }: DomainEventMap['user.banned']): Promise<void> {
    const refusal = bannedError(until ? new Date(until) : null);
    // Noted everywhere before the cut below: the adapter delivers the two in this order.
    this.auth.noteBan(userId, until, 'local');
    this.to.toOtherInstances(BAN_NOTICE, userId, until);
    this.to.toUsers([userId], 'auth:banned', { code: 'BANNED', message: refusal.message, until });
    if (!(await this.to.disconnectUser(userId).catch(() => false))) {
      // An instance that does not answer gets no events either; its sockets still meet every gate.
      this.logger.warn({ userId }, 'could not confirm that every socket of a banned user is gone');
    }
  }
}
