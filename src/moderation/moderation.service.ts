import { Injectable, Logger } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents, ReactionError } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from '../viewers/viewers.service';
import { BansService } from './bans.service';
import { BanUserDto, BanView, UnbanView } from './dto/ban.dto';

/**
 * App-wide bans and what follows them. The order is the guarantee that nothing of the user is
 * accepted after the ban:
 * 1. the ban is written: every new request (the guard) and socket handshake is refused from here;
 * 2. every socket of the user is cut, on every instance, and that is confirmed;
 * 3. their own live ends (`host_banned`): nothing more of its host lands in it;
 * 4. the user is removed from every running live, and loses every co-host role (one write: the
 *    gate). Every join, message, seat and gift passes a live's document, and every moderator
 *    action the role in it, so a request that passed the guard before step 1 and lands after
 *    step 4 is refused there; lives created after step 4 were never seen by a request or a
 *    socket of theirs (neither exists any more);
 * 5. they leave the lives they were in (viewer record, seat; a former co-host's seat actions are
 *    fenced) through the kick's reactions.
 */
@Injectable()
export class ModerationService {
  private readonly logger = new Logger('ModerationService');

  constructor(
    private readonly bans: BansService,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly events: DomainEvents,
  ) {}

  async ban(admin: AuthUser, dto: BanUserDto): Promise<BanView> {
    return this.banUser(admin.userId, dto.userId, dto.durationMs, dto.reason ?? null, dto.note);
  }

  async banUser(
    actorId: string,
    userId: string,
    durationMs: number | undefined,
    reason: string | null,
    note?: string,
  ): Promise<BanView> {
    if (userId === actorId) throw new DomainError('CANNOT_TARGET_SELF', 'You cannot ban yourself.');
    const until = durationMs ? new Date(Date.now() + durationMs) : null;
    const ban = await this.bans.write(userId, { until, reason, actorId });
    await this.events.emitAsync('user.banned', { userId, until: ban.until, actorId }).catch((error: unknown) => {
      if (!(error instanceof ReactionError)) throw error; // logged and counted; the gate still closes
    });
    const ended = await this.streams.endLiveOfHost(userId, 'host_banned');
    const coHosted = new Set(await this.streams.livesCoHostedBy(userId));
    await this.streams.excludeFromRunningLives(userId, until);
    const lives = new Set([...(await this.viewers.activeLiveIds(userId)), ...coHosted]);
    for (const liveId of lives) {
      await this.streams.expelBannedUser(liveId, userId, actorId, coHosted.has(liveId)).catch((error: unknown) => {
        // A kick left pending is finished by the repair sweep; the gate is already closed.
        this.logger.warn({ err: error, liveId, userId }, 'taking a banned user out of a live is not finished');
      });
    }
    this.events.emit('moderation.action', {
      actorId,
      action: 'ban_from_app',
      targetType: 'user',
      targetId: userId,
      liveId: null,
      reason,
      result: { until: ban.until, endedLiveId: ended?.id ?? null, leftLives: lives.size, ...(note && { note }) },
    });
    return ban;
  }

  /** Lifts a ban (idempotent: lifting none answers `lifted: false`). */
  async unban(admin: AuthUser, userId: string): Promise<UnbanView> {
    const lifted = await this.bans.remove(userId);
    await this.streams.readmitToRunningLives(userId);
    this.events.emit('moderation.action', {
      actorId: admin.userId,
      action: 'unban',
      targetType: 'user',
      targetId: userId,
      liveId: null,
      reason: null,
      result: { lifted },
    });
    return { userId, banned: false, lifted };
  }
}
