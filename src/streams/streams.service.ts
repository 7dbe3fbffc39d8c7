import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PipelineStage, QueryFilter, Model, Types, UpdateQuery } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEventMap } from '../common/domain-event-map';
import { DomainEventName, DomainEvents, ReactionError } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { GroupCommit } from '../common/group-commit';
import { groupBy } from '../common/group-by';
import {
  GuardRemovals,
  guardIdsOf,
  HOLDING_GUARDS,
  holdsGuard,
  setGuard,
  unguarded,
  unsetGuards,
} from '../common/guards';
import { withinLease } from '../common/lease';
import { isDuplicateKey } from '../common/mongo-errors';
import { namespaceOf, Write } from '../database/multi-write';
import { keysetFilter, keysetPage, Page, PageQuery } from '../common/pagination';
import { SnapshotPart } from '../common/snapshot-part';
import { bannedError, BansService, refuseIfBanned } from '../moderation/bans.service';
import { generateCallId, generateChannelName } from './channel-names';
import { CreateLiveDto } from './dto/create-live.dto';
import { MAX_REMOVAL_MS } from './dto/kick-user.dto';
import { ListLivesQuery } from './dto/list-lives.query';
import { toLiveView, LiveView } from './dto/live.view';
import { UpdateLiveDto } from './dto/update-live.dto';
import { assertHost, assertModerator, assertTargetable } from './live-roles';
import {
  EndReason,
  LiveRecord,
  LiveStats,
  LiveStream,
  LiveStreamDocument,
  LiveType,
  PendingKick,
  Removal,
} from './schemas/live-stream.schema';

const DEFAULT_SEATS = { live: 0, party: 6, audio: 9 } as const;
/** How long a page of the public active list is reused on this instance. */
const ACTIVE_LIST_CACHE_MS = 1_000;
/** Distinct pages kept at once (filters and cursors); past it the cache starts over. */
const ACTIVE_LIST_CACHE_KEYS = 1_000;

/** Lives whose facts (and peak state) one instance keeps; past it, it starts over. */
const KEPT_LIVES = 10_000;

/** What never changes in a live once created. */
export interface LiveFacts {
  id: string;
  hostId: string;
  hostUid: number;
  liveType: LiveType;
  seatCount: number;
  startedAt: Date;
}

function factsOf(live: LiveRecord): LiveFacts {
  const { hostId, hostUid, liveType, startedAt } = live;
  return { id: live._id.toString(), hostId, hostUid, liveType, seatCount: live.settings.seatCount, startedAt };
}

/** Owns the LiveStream documents: a live's life, its roles, its counters. */
@Injectable()
export class StreamsService {
  private readonly logger = new Logger('StreamsService');
  private readonly activeLists = new Map<string, { until: number; page: Promise<Page<LiveView>> }>();
  private readonly facts = new Map<string, LiveFacts>();
  /** Whether each live was last seen below its peak: which count-in case to try first. */
  private readonly belowPeak = new Map<string, boolean>();
  /** Guards of gifts finished here, by live: removed by the live's next acceptance (see acceptGift). */
  private readonly finishedGiftGuards = new GuardRemovals();
  /** Count-ins, per live in a group commit (see countViewerIn). */
  private readonly countIns = new GroupCommit<Joiner, LiveRecord | null>(
    (liveId, joiner) => this.countOneIn(liveId, joiner),
    // Together or not at all: when the one update does not match, each goes in on its own.
    async (liveId, joiners) => {
      const together = await this.applyCountIn(liveId, joiners);
      return joiners.map(() => together ?? undefined);
    },
  );

  constructor(
    @InjectModel(LiveStream.name) private readonly lives: Model<LiveStream>,
    private readonly events: DomainEvents,
    private readonly bans: BansService,
  ) {}

  async create(user: AuthUser, dto: CreateLiveDto): Promise<LiveView> {
    if (dto.authorUid !== undefined && dto.authorUid !== user.uid) {
      throw new DomainError('IDENTITY_MISMATCH', "authorUid must be the caller's own uid (or be left out).");
    }
    const hasSeats = dto.liveType !== 'live';
    if (!hasSeats && (dto.seatCount !== undefined || dto.seatMode !== undefined)) {
      throw new DomainError('VALIDATION_FAILED', "seatCount and seatMode apply only to 'party' and 'audio' lives.");
    }
    const channel = dto.streamingChannel ?? generateChannelName();
    const now = new Date();
    let live: LiveStreamDocument;
    try {
      live = await this.lives.create({
        hostId: user.userId,
        hostUid: user.uid,
        hostName: user.name,
        hostAvatar: user.avatar,
        liveType: dto.liveType,
        title: dto.title.trim(),
        coverUrl: dto.coverUrl ?? null,
        streamingChannel: channel,
        callId: dto.callId ?? generateCallId(),
        status: 'live',
        startedAt: now,
        hostSeenAt: now,
        settings: {
          seatCount: dto.seatCount ?? DEFAULT_SEATS[dto.liveType],
          seatMode: hasSeats ? (dto.seatMode ?? 'free') : 'free',
          chatEnabled: true,
        },
        activeHostId: user.userId,
        activeChannel: channel,
        pendingSetup: true,
      });
    } catch (error) {
      if (isDuplicateKey(error, 'activeHostId')) {
        const running = await this.lives.findOne({ activeHostId: user.userId }, { _id: 1 }).lean();
        throw new DomainError(
          'LIVE_ALREADY_ACTIVE',
          'You already have a live running; end it before starting another.',
          {
            liveId: running?._id.toString(),
          },
        );
      }
      if (isDuplicateKey(error, 'activeChannel')) {
        throw new DomainError(
          'CHANNEL_IN_USE',
          `The channel '${channel}' is used by an active live; pick another or leave it out.`,
        );
      }
      throw error;
    }
    this.remember(live.toObject());
    // The host's ban is read after the live exists: a ban racing this create either sees the live
    // (and ends it) or is seen here. The guard skips its own read for this route.
    const ban = await this.bans.activeBan(user.userId);
    if (ban) {
      await this.endLive({ _id: live._id }, 'host_banned').catch(endedAnyway);
      throw bannedError(ban.until);
    }
    return this.setUp(toLiveView(live));
  }

  /**
   * The public list of running lives, shared per instance for ACTIVE_LIST_CACHE_MS: it decides no
   * write, and a storm of app launches then costs one query per second per page, not one per request.
   */
  listActive(query: ListLivesQuery): Promise<Page<LiveView>> {
    const key = JSON.stringify([query.liveType ?? null, query.cursor ?? null, query.limit]);
    const now = Date.now();
    const cached = this.activeLists.get(key);
    if (cached && cached.until > now) return cached.page;
    if (this.activeLists.size >= ACTIVE_LIST_CACHE_KEYS) this.activeLists.clear();
    const page = this.queryActive(query);
    this.activeLists.set(key, { until: now + ACTIVE_LIST_CACHE_MS, page });
    page.catch(() => this.activeLists.delete(key));
    return page;
  }

  private async queryActive(query: ListLivesQuery): Promise<Page<LiveView>> {
    const filter: QueryFilter<LiveStream> = {
      status: 'live',
      ...keysetFilter('stats.viewerCount', 'number', query.cursor),
    };
    if (query.liveType) filter.liveType = query.liveType;
    const docs = await this.lives
      .find(filter)
      .sort({ 'stats.viewerCount': -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toLiveView, (live) => live.stats.viewerCount);
  }

  async get(liveId: string): Promise<LiveView> {
    return toLiveView(await this.findLive(liveId));
  }

  /** The live document, or 404. */
  async findLive(liveId: string): Promise<LiveStream & { _id: Types.ObjectId }> {
    const live = await this.lives.findById(liveId).lean();
    if (!live) throw new DomainError('LIVE_NOT_FOUND', `No live with id ${liveId}.`);
    this.remember(live);
    return live;
  }

  /**
   * The live, if it is running and the user has not been removed from it; else the matching error.
   * A timed removal that has ended is lifted here, before any gate on the live document runs.
   */
  async requireActiveLive(liveId: string, userId?: string): Promise<LiveStream & { _id: Types.ObjectId }> {
    let live = await this.findLive(liveId);
    if (userId && removalHasEnded(live, userId)) live = await this.liftRemoval(live, userId);
    assertLiveOpenTo(live, userId);
    return live;
  }

  async update(liveId: string, user: AuthUser, dto: UpdateLiveDto): Promise<LiveView> {
    const mayUpdate = (live: LiveRecord) => {
      assertLiveOpenTo(live, user.userId);
      assertModerator(live, user.userId);
    };
    const live = await this.findLive(liveId);
    mayUpdate(live);
    if (dto.seatMode !== undefined && live.liveType === 'live') {
      throw new DomainError('VALIDATION_FAILED', "seatMode applies only to 'party' and 'audio' lives.");
    }
    const set: Record<string, unknown> = {};
    if (dto.title !== undefined) set.title = dto.title.trim();
    if (dto.coverUrl !== undefined) set.coverUrl = dto.coverUrl;
    if (dto.chatEnabled !== undefined) set['settings.chatEnabled'] = dto.chatEnabled;
    if (dto.seatMode !== undefined) set['settings.seatMode'] = dto.seatMode;
    if (dto.slowModeMs !== undefined) set['settings.slowModeMs'] = dto.slowModeMs;
    if (dto.blockedWords !== undefined) {
      set['settings.blockedWords'] = [...new Set(dto.blockedWords.map((w) => w.trim().toLowerCase()).filter(Boolean))];
    }
    const changes = Object.keys(set);
    if (changes.length === 0) throw new DomainError('VALIDATION_FAILED', 'Nothing to update: send at least one field.');
    const updated = await this.updateWhileLive(liveId, { $set: set }, actingAs('moderator', user.userId), mayUpdate);
    const view = toLiveView(updated);
    this.events.emit('live.updated', { live: view, changes, actorId: user.userId });
    return view;
  }

  /**
   * Ends the live (host only). Idempotent: ending an ended live returns it as it is, after
   * finishing the end's reactions if an earlier attempt left them undone.
   */
  async end(liveId: string, user: AuthUser): Promise<LiveView> {
    const live = await this.findLive(liveId);
    assertHost(live, user.userId);
    return this.endOnce(liveId, 'host_ended');
  }

  /** Ends a live by an admin's decision (idempotent, like the host's end). */
  async endByAdmin(liveId: string): Promise<LiveView> {
    await this.findLive(liveId);
    return this.endOnce(liveId, 'admin');
  }

  /** Ends the host's running live, if any (a banned host). */
  async endLiveOfHost(hostId: string, reason: EndReason): Promise<LiveView | null> {
    return this.endLive({ activeHostId: hostId }, reason).catch((error: unknown) => {
      endedAnyway(error); // its reactions are finished by the repair sweep
      return null;
    });
  }

  private async endOnce(liveId: string, reason: EndReason): Promise<LiveView> {
    const ended = await this.endLive({ _id: liveId }, reason);
    if (ended) return ended;
    const now = await this.findLive(liveId);
    if (now.pendingEnd) await this.finishEnd(now);
    return toLiveView(now);
  }

  /** Ends every live whose host has not been seen since `cutoff`. Safe on several instances. */
  async endLivesOfAbsentHosts(cutoff: Date, limit = 100): Promise<number> {
    const stale = await this.lives
      .find({ status: 'live', hostSeenAt: { $lt: cutoff } }, { _id: 1 })
      .limit(limit)
      .lean();
    let ended = 0;
    for (const { _id } of stale) {
      // Ended even when its reactions failed (they were logged and counted; the repair sweep finishes them).
      if (await this.endLive({ _id, hostSeenAt: { $lt: cutoff } }, 'host_timeout').catch(endedAnyway)) ended++;
    }
    return ended;
  }

  /**
   * Finishes what requests left half-done for longer than `cutoff` (failed reactions, a crash):
   * a live whose set-up never completed is ended (`setup_failed`), never opened late; the
   * reactions of an end or a kick run again (they are idempotent). Safe on several instances.
   * Returns how many lives it finished.
   */
  async repairPendingReactions(cutoff: Date, limit = 100): Promise<number> {
    const lives = await this.lives
      .find({
        $or: [
          { pendingSetup: true, createdAt: { $lt: cutoff } },
          { pendingEnd: true, endedAt: { $lt: cutoff } },
          { 'pendingKicks.at': { $lt: cutoff } },
        ],
      })
      .limit(limit)
      .lean();
    let repaired = 0;
    for (const live of lives) {
      try {
        if (live.pendingSetup && live.createdAt < cutoff) {
          await this.endLive({ _id: live._id, pendingSetup: true }, 'setup_failed');
        } else if (live.pendingEnd && live.endedAt && live.endedAt < cutoff) {
          await this.finishEnd(live);
        }
        const kicks = new Map((live.pendingKicks ?? []).filter((k) => k.at < cutoff).map((k) => [k.userId, k]));
        for (const kick of kicks.values()) await this.finishKick(live._id.toString(), kick, live.moderatorEpoch ?? 0);
        repaired++;
      } catch (error) {
        if (!isIncomplete(error)) throw error; // failed again: logged and counted, retried next run
      }
    }
    return repaired;
  }

  async addCoHost(liveId: string, user: AuthUser, targetUserId: string): Promise<LiveView> {
    const mayAdd = (live: LiveRecord) => {
      assertLiveOpenTo(live, user.userId);
      assertHost(live, user.userId);
      assertTargetable(live, user.userId, targetUserId);
      if (live.removedUserIds.includes(targetUserId)) {
        throw new DomainError('REMOVED_FROM_LIVE', 'That user was removed from this live.');
      }
    };
    mayAdd(await this.findLive(liveId));
    const updated = await this.updateWhileLive(
      liveId,
      { $addToSet: { coHostIds: targetUserId } },
      { ...actingAs('host', user.userId), removedUserIds: { $ne: targetUserId } },
      mayAdd,
    );
    return this.announceRoleChange(updated, user, targetUserId, 'add_cohost');
  }

  /**
   * Takes the co-host role away. The live's `moderatorEpoch` grows with it, and the seats are
   * fenced with the new value before the answer: a seat action the co-host was allowed before
   * cannot land after it (idempotent, so a retry fences again).
   */
  async removeCoHost(liveId: string, user: AuthUser, targetUserId: string): Promise<LiveView> {
    const mayRemove = (live: LiveRecord) => {
      assertLiveOpenTo(live, user.userId);
      assertHost(live, user.userId);
      assertTargetable(live, user.userId, targetUserId);
    };
    mayRemove(await this.findLive(liveId));
    const updated = await this.updateWhileLive(
      liveId,
      { $pull: { coHostIds: targetUserId }, $inc: { moderatorEpoch: 1 } },
      actingAs('host', user.userId),
      mayRemove,
    );
    const fence = { liveId, userId: targetUserId, moderatorEpoch: updated.moderatorEpoch };
    await this.react('live.cohost_removed', fence, () =>
      incomplete('The co-host is removed, but fencing the seats against their last actions failed', liveId),
    );
    return this.announceRoleChange(updated, user, targetUserId, 'remove_cohost');
  }

  /**
   * Removes a user for the rest of the live, or for `durationMs` (host or co-host; a co-host only
   * by the host). Idempotent (kicking again sets the new end); reactions close their viewer record
   * and free their seat.
   */
  async kick(liveId: string, user: AuthUser, targetUserId: string, durationMs?: number): Promise<LiveView> {
    const mayKick = (live: LiveRecord) => {
      assertLiveOpenTo(live, user.userId);
      assertModerator(live, user.userId);
      assertTargetable(live, user.userId, targetUserId);
      if (live.coHostIds.includes(targetUserId) && live.hostId !== user.userId) {
        throw new DomainError('NOT_HOST', 'Only the host can remove a co-host.');
      }
    };
    const live = await this.findLive(liveId);
    mayKick(live);
    // The roles just checked are the write's condition: if the actor lost theirs, or the target
    // became a co-host, meanwhile, the kick does not land.
    const targetIsCoHost = live.coHostIds.includes(targetUserId);
    const condition: QueryFilter<LiveStream> = targetIsCoHost
      ? actingAs('host', user.userId)
      : { ...actingAs('moderator', user.userId), coHostIds: { $ne: targetUserId } };
    // The kick stays pending until its reactions are in: a retry or the repair sweep finishes it.
    return this.remove(liveId, { targetUserId, actorId: user.userId, durationMs, targetIsCoHost }, condition, mayKick);
  }

  /** An admin's kick (a report's resolution): no role in the live needed; never the host. */
  async kickByAdmin(liveId: string, actorId: string, targetUserId: string, durationMs?: number): Promise<LiveView> {
    const mayKick = (live: LiveRecord) => {
      assertLiveOpenTo(live);
      if (live.hostId === targetUserId) {
        throw new DomainError('CANNOT_TARGET_HOST', 'The host cannot be kicked from their own live; end it instead.');
      }
    };
    const live = await this.findLive(liveId);
    mayKick(live);
    const targetIsCoHost = live.coHostIds.includes(targetUserId);
    return this.remove(liveId, { targetUserId, actorId, durationMs, targetIsCoHost }, {}, mayKick);
  }

  /**
   * The removal itself, one conditional write on the live (the gate every join, message, seat and
   * gift passes), then its end time if it has one. Between the two the removal is permanent: the
   * safe side. The kick stays pending until its reactions are in (a retry or the sweep finishes it).
   */
  private async remove(
    liveId: string,
    input: { targetUserId: string; actorId: string; durationMs?: number; targetIsCoHost: boolean },
    condition: QueryFilter<LiveStream>,
    recheck: (live: LiveRecord) => void,
  ): Promise<LiveView> {
    const { targetUserId, actorId, durationMs, targetIsCoHost } = input;
    if (durationMs !== undefined && durationMs > MAX_REMOVAL_MS) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'durationMs must be at most 30 days; leave it out for the rest of the live.',
      );
    }
    const kick = { userId: targetUserId, actorId, at: new Date() };
    const updated = await this.updateWhileLive(
      liveId,
      {
        $addToSet: { removedUserIds: targetUserId },
        $pull: { coHostIds: targetUserId, removals: { userId: targetUserId, byBan: false } },
        $push: { pendingKicks: kick },
        ...(targetIsCoHost ? { $inc: { moderatorEpoch: 1 } } : {}),
      },
      condition,
      recheck,
    );
    const until = durationMs ? new Date(kick.at.getTime() + durationMs) : null;
    // The answer is the live as the kick's own write left it: this second write may already see
    // later changes (a co-host removed meanwhile), which the kick must not report as its own.
    await this.lives.updateOne(
      {
        _id: liveId,
        removedUserIds: targetUserId,
        removals: { $not: { $elemMatch: { userId: targetUserId, byBan: false } } },
      },
      { $push: { removals: { userId: targetUserId, until, byBan: false } } },
    );
    await this.finishKick(liveId, kick, updated.moderatorEpoch);
    this.events.emit('live.host_action', {
      liveId,
      action: 'kick',
      actorId,
      targetUserId,
      until: until?.toISOString() ?? null,
    });
    return toLiveView(updated);
  }

  // ---- app-wide bans: the live documents are the gate ------------------------------------------

  /**
   * Removes a banned user from every running live until the ban ends, beside any kick of theirs
   * (a removal ends when all of its entries have), and takes their co-host roles. This write is
   * the ban's gate: every join, message, seat and gift passes a live's document, and every
   * moderator action the role in it, so none of theirs lands after it. Banning
   * again replaces the ban's entries (the user stays removed in between). One or two writes,
   * whatever the number of lives.
   */
  async excludeFromRunningLives(userId: string, until: Date | null): Promise<void> {
    await this.lives.updateMany(
      { status: 'live', removals: { $elemMatch: { userId, byBan: true } } },
      { $addToSet: { removedUserIds: userId }, $pull: { removals: { userId, byBan: true }, coHostIds: userId } },
    );
    await this.lives.updateMany(
      // A user removed with no entry at all is out for the rest of the live already.
      { status: 'live', $or: [{ removedUserIds: { $ne: userId } }, { 'removals.userId': userId }] },
      {
        $addToSet: { removedUserIds: userId },
        $push: { removals: { userId, until, byBan: true } },
        $pull: { coHostIds: userId },
      },
    );
  }

  /** Lifts what a ban wrote into the running lives; kicks of the user's own stay. */
  async readmitToRunningLives(userId: string): Promise<void> {
    await this.lives.updateMany(
      {
        status: 'live',
        removals: { $elemMatch: { userId, byBan: true }, $not: { $elemMatch: { userId, byBan: false } } },
      },
      { $pull: { removedUserIds: userId, removals: { userId } } },
    );
    await this.lives.updateMany(
      { status: 'live', removals: { $elemMatch: { userId, byBan: true } } },
      { $pull: { removals: { userId, byBan: true } } },
    );
  }

  /** Running lives where the user is a co-host. */
  async livesCoHostedBy(userId: string): Promise<string[]> {
    const lives = await this.lives.find({ status: 'live', coHostIds: userId }, { _id: 1 }).lean();
    return lives.map((live) => live._id.toString());
  }

  /**
   * Takes a banned user out of a live they are in (viewer record, seat; a former co-host's seat
   * actions are fenced), through the kick's reactions. The ban's gate write already took the
   * co-host role with it; this only tidies up.
   */
  async expelBannedUser(liveId: string, userId: string, actorId: string, wasCoHost: boolean): Promise<void> {
    const kick = { userId, actorId, at: new Date() };
    const before = await this.lives
      .findOneAndUpdate(
        { _id: liveId, status: 'live', removals: { $elemMatch: { userId, byBan: true } } },
        { $pull: { coHostIds: userId }, $push: { pendingKicks: kick } },
        { returnDocument: 'before', projection: { moderatorEpoch: 1 } },
      )
      .lean();
    if (!before) return;
    let epoch = before.moderatorEpoch ?? 0;
    if (wasCoHost) {
      const raised = await this.lives
        .findOneAndUpdate({ _id: liveId }, { $inc: { moderatorEpoch: 1 } }, { returnDocument: 'after' })
        .lean();
      epoch = raised?.moderatorEpoch ?? epoch + 1;
    }
    await this.finishKick(liveId, kick, epoch);
    this.events.emit('live.host_action', { liveId, action: 'kick', actorId, targetUserId: userId });
  }

  /** Who is removed from the live now, and until when (null: for the rest of the live). */
  async removals(liveId: string): Promise<{ userId: string; until: string | null; byBan: boolean }[]> {
    const live = await this.findLive(liveId);
    return live.removedUserIds.flatMap((userId) => {
      const removal = activeRemoval(live, userId);
      return removal ? [{ userId, until: removal.until?.toISOString() ?? null, byBan: removal.byBan }] : [];
    });
  }

  /** The host's lives, newest first. */
  async livesOfHost(hostId: string, query: PageQuery): Promise<Page<LiveView>> {
    const docs = await this.lives
      .find({ hostId, ...keysetFilter('startedAt', 'date', query.cursor) })
      .sort({ startedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toLiveView, (live) => live.startedAt);
  }

  /** True when the user has ever hosted a live. */
  async hasHosted(userId: string): Promise<boolean> {
    return (await this.lives.exists({ hostId: userId })) !== null;
  }

  /** Lifts a removal all of whose entries have ended (conditional: a kick or a ban meanwhile stays). */
  private async liftRemoval(live: LiveRecord, userId: string): Promise<LiveRecord> {
    const lifted = await this.lives
      .findOneAndUpdate(
        {
          _id: live._id,
          removedUserIds: userId,
          removals: {
            $elemMatch: { userId },
            $not: { $elemMatch: { userId, $or: [{ until: null }, { until: { $gt: new Date() } }] } },
          },
        },
        { $pull: { removedUserIds: userId, removals: { userId } } },
        { returnDocument: 'after' },
      )
      .lean();
    return lifted ?? (await this.findLive(live._id.toString()));
  }

  /** Marks the host as present if they are among `userIds` (socket in the room or REST heartbeat). */
  async touchHost(liveId: string, userIds: string[]): Promise<void> {
    await this.lives.updateOne(
      { _id: liveId, hostId: { $in: userIds }, status: 'live' },
      { $set: { hostSeenAt: new Date() } },
    );
  }

  /**
   * Counts a viewer in, only while the live runs and the user is not removed: the conditional
   * update on the live document is what keeps joins from landing after an end or a kick. Returns
   * the live as it is after the count, or null when the live refused.
   *
   * Group commit: while one count-in of a live is in flight, the joiners that come meanwhile wait
   * for it and then go in together, in one update whose gate covers them all (the live runs, none
   * of them is removed): a join storm pays one command for many count-ins, and a lone join waits
   * for nothing. When that update does not match (someone removed, the live ended, the peak lies
   * within the batch), each goes in on its own as before.
   */
  countViewerIn(liveId: string, userId: string, firstVisit: boolean): Promise<LiveRecord | null> {
    return this.countIns.run(liveId, { userId, firstVisit });
  }

  /**
   * One conditional update that counts these joiners in: its gate (the live runs, none of them is
   * removed) and the peak in the same update, in two cases tried in the order this live was last
   * seen in: at the peak, count and peak both grow; below it by at least the joiners, only the
   * count does. The live after it, or null when neither case matched.
   */
  private async applyCountIn(liveId: string, joiners: Joiner[]) {
    const n = joiners.length;
    const gate: QueryFilter<LiveStream> = {
      _id: liveId,
      status: 'live',
      removedUserIds: { $nin: joiners.map((joiner) => joiner.userId) },
    };
    const inc: Record<string, number> = { 'stats.viewerCount': n };
    const firstVisits = joiners.filter((joiner) => joiner.firstVisit).length;
    if (firstVisits) inc['stats.uniqueViewerCount'] = firstVisits;
    const atPeak = { $expr: { $lte: ['$stats.peakViewerCount', '$stats.viewerCount'] } };
    const belowPeak = { $expr: { $gte: ['$stats.peakViewerCount', { $add: ['$stats.viewerCount', n] }] } };
    const cases = [
      { filter: atPeak, update: { $inc: { ...inc, 'stats.peakViewerCount': n } } },
      { filter: belowPeak, update: { $inc: inc } },
    ];
    if (this.belowPeak.get(liveId)) cases.reverse();
    for (const { filter, update } of cases) {
      const live = await this.lives
        .findOneAndUpdate({ ...gate, ...filter }, update, { returnDocument: 'after' })
        .lean();
      if (live) {
        this.remember(live);
        return live;
      }
    }
    return null;
  }

  /** One viewer's count-in; a refusal is read to tell a removal that has ended (lifted, then again). */
  private async countOneIn(liveId: string, joiner: Joiner): Promise<LiveRecord | null> {
    const { userId } = joiner;
    for (let attempt = 0; attempt < 3; attempt++) {
      const counted = await this.applyCountIn(liveId, [joiner]);
      if (counted) return counted;
      // Neither case matched: the gate refused, or the count moved between the two tries. A timed
      // removal that has ended still refuses at the gate: it is lifted here, then the gate retried.
      let live = await this.findLive(liveId);
      if (removalHasEnded(live, userId)) live = await this.liftRemoval(live, userId);
      if (!isOpenTo(live, userId)) return null;
    }
    throw new DomainError('CONFLICT', 'The live changed while this request ran; retry.');
  }

  /**
   * Counts a viewer out, never below zero and never after the end (the end sets the count to 0).
   * Returns the new count, or null when nothing moved: the live ended, or the count is 0 because
   * the visit's count-in has not landed yet (see ViewersService).
   */
  async countViewerOut(liveId: string): Promise<number | null> {
    const { filter, update } = viewerCountOut(liveId);
    const live = await this.lives
      .findOneAndUpdate(filter, update, { returnDocument: 'after', projection: { stats: 1 } })
      .lean();
    if (live) this.belowPeak.set(liveId, true);
    return live?.stats.viewerCount ?? null;
  }

  /**
   * countViewerOut as a write of a multi-write (see ViewersService.leaveKnownVisit): the same gate and
   * decrement, without the count back. A write that matched nothing counted nothing out.
   */
  viewerCountOutWrite(liveId: string): Write {
    const { filter, update } = viewerCountOut(liveId);
    // updatedAt as Mongoose's timestamps would set it: this write bypasses the model.
    return {
      name: 'updateOne',
      namespace: namespaceOf(this.lives),
      filter,
      update: { ...update, $set: { updatedAt: new Date() } },
    };
  }

  /** Gives back a count taken out of a visit whose count-in was then refused, or that another closed (see ViewersService). */
  async restoreViewerCount(liveId: string): Promise<void> {
    await this.lives.updateOne({ _id: liveId, status: 'live' }, { $inc: { 'stats.viewerCount': 1 } });
  }

  /**
   * Sets the viewer counts of running lives to the number of their active visits (the peak keeps
   * up). Run at start-up: it repairs a count a crash left between a visit's write and its count.
   * Only while nothing else counts (see ViewerCountRepair); each write is still conditional on the
   * count it read, so a count that moved meanwhile is left alone.
   */
  async resetViewerCounts(activeVisits: Map<string, number>): Promise<number> {
    const running = await this.lives.find({ status: 'live' }, { stats: 1 }).lean();
    const wrong = running.filter((live) => live.stats.viewerCount !== (activeVisits.get(live._id.toString()) ?? 0));
    if (wrong.length === 0) return 0;
    await this.lives.bulkWrite(
      wrong.map((live) => {
        const count = activeVisits.get(live._id.toString()) ?? 0;
        return {
          updateOne: {
            filter: { _id: live._id, status: 'live', 'stats.viewerCount': live.stats.viewerCount },
            update: { $set: { 'stats.viewerCount': count }, $max: { 'stats.peakViewerCount': count } },
          },
        };
      }),
    );
    return wrong.length;
  }

  /**
   * The live's document and the given parts of other collections, in one aggregation around it
   * (a `$lookup` each): a join snapshot, or a gate that needs the live and the user's visit.
   */
  async readLiveWith<P extends Record<string, SnapshotPart<unknown> | undefined>>(
    liveId: string,
    parts: P,
  ): Promise<{ live: LiveRecord; parts: PartValues<P> }> {
    // A part left undefined is not read (and is undefined in the answer).
    const wanted = Object.entries(parts).filter((entry): entry is [string, SnapshotPart<unknown>] => !!entry[1]);
    const [row] = await this.lives.aggregate<LiveRecord & Record<string, unknown[]>>([
      { $match: { _id: new Types.ObjectId(liveId) } },
      ...wanted.map(([name, part]) => ({ $lookup: { from: part.from, pipeline: part.pipeline, as: `$${name}` } })),
    ] as PipelineStage[]);
    if (!row) throw new DomainError('LIVE_NOT_FOUND', `No live with id ${liveId}.`);
    const read = Object.fromEntries(wanted.map(([name, part]) => [name, part.read(row[`$${name}`] ?? [])]));
    for (const [name] of wanted) delete row[`$${name}`];
    this.remember(row);
    return { live: row, parts: read as PartValues<P> };
  }

  /**
   * The gate for a caller: the live's document, the given parts and (unless `ban: false`, for a
   * socket, whose ban was read at its handshake) the caller's ban, in one command. Throws BANNED
   * (see BanCheckedInGate), or the gate's refusal (see admit); else the live as admitted, and the parts.
   */
  async readGate<P extends Record<string, SnapshotPart<unknown> | undefined>>(
    liveId: string,
    userId: string,
    parts: P,
    { ban = true }: { ban?: boolean } = {},
  ) {
    const read = await this.readLiveWith(liveId, { ...parts, ban: ban ? this.bans.activeBanPart(userId) : undefined });
    refuseIfBanned((read.parts.ban ?? null) as Parameters<typeof refuseIfBanned>[0]);
    return { live: await this.admit(read.live, userId), parts: read.parts };
  }

  /**
   * The gate on a live's document read with something else (see readLiveWith): throws unless the
   * live runs and the user is not removed. A timed removal that has ended is lifted first (one
   * write, only then), so the write gates after it let the user through.
   */
  async admit(live: LiveRecord, userId: string): Promise<LiveRecord> {
    const admitted = removalHasEnded(live, userId) ? await this.liftRemoval(live, userId) : live;
    assertLiveOpenTo(admitted, userId);
    return admitted;
  }

  /**
   * What never changes in a live once created (host, type, seat count), kept per instance: hot
   * paths that only need these read nothing. Whether the live runs, and for whom, is never kept.
   */
  async liveFacts(liveId: string): Promise<LiveFacts> {
    return this.facts.get(liveId) ?? factsOf(await this.findLive(liveId));
  }

  private remember(live: LiveRecord): void {
    const id = live._id.toString();
    if (!this.facts.has(id)) {
      if (this.facts.size >= KEPT_LIVES) this.facts.clear();
      this.facts.set(id, factsOf(live));
    }
    if (live.stats) {
      if (this.belowPeak.size >= KEPT_LIVES) this.belowPeak.clear();
      this.belowPeak.set(id, live.stats.peakViewerCount > live.stats.viewerCount);
    }
  }

  /**
   * Counts chat messages into the live's stats while it runs and none of their senders is removed:
   * the gate a message's insert races (an end, a kick), written in one command with the inserts
   * (see ChatService.accept). A write that matched nothing means the live refused them.
   */
  messageCountWrite(liveId: string, senderIds: string[]): Write {
    return {
      name: 'updateOne',
      namespace: namespaceOf(this.lives),
      filter: { _id: new Types.ObjectId(liveId), status: 'live', removedUserIds: { $nin: senderIds } },
      // updatedAt as Mongoose's timestamps would set it: this write bypasses the model.
      update: { $inc: { 'stats.messageCount': senderIds.length }, $set: { updatedAt: new Date() } },
    };
  }

  // ---- gifts: exactly-once gift bookkeeping on the live document ---------------------------
  // Each step is one conditional update that also leaves the gift's id as its guard, and runs only
  // within the settler's lease (by the database's clock), so a settler that resumes late changes nothing.

  /**
   * Accepts a paid gift into its live and adds it to the live's totals, once, in one conditional
   * update: only while the live runs and the sender is not removed (the gate against an end or a
   * kick), and only within the settler's lease. The gift's id stays on the live as its guard; the
   * same update removes the guards of gifts finished here since (see forgetGiftSoon). An earlier
   * settler's acceptance counts as this one's (its totals are read back). Also returns the live's
   * battle then, if one may score the gift.
   */
  async acceptGift(
    liveId: string,
    giftId: string,
    senderId: string,
    inc: { diamonds: number; giftCount: number },
    leaseUntil: Date,
  ): Promise<GiftAcceptance> {
    const finished = this.finishedGiftGuards.pendingFor(liveId);
    const accepted = await this.lives
      .findOneAndUpdate(
        {
          _id: liveId,
          status: 'live',
          removedUserIds: { $ne: senderId },
          ...unguarded(giftId),
          ...withinLease(leaseUntil),
        },
        {
          $inc: { 'stats.diamonds': inc.diamonds, 'stats.giftCount': inc.giftCount },
          $set: setGuard(giftId),
          ...unsetGuards(finished),
        },
        { returnDocument: 'after', projection: { battleId: 1, stats: 1 } },
      )
      .lean();
    if (accepted) this.finishedGiftGuards.removed(liveId, finished);
    const live =
      accepted ??
      (await this.lives.findById(liveId, { status: 1, removedUserIds: 1, guards: 1, battleId: 1, stats: 1 }).lean());
    if (accepted || holdsGuard(live, giftId)) {
      return { accepted: true, battleId: live!.battleId?.toString() ?? null, stats: live!.stats };
    }
    if (live?.removedUserIds?.includes(senderId)) return { accepted: false, refusal: 'REMOVED_FROM_LIVE' };
    if (live?.status !== 'live') return { accepted: false, refusal: 'LIVE_ENDED' };
    return { accepted: false, refusal: 'LEASE_OVER' };
  }

  /** A finished gift's guard goes with this instance's next acceptance in its live (or the recovery sweep). */
  forgetGiftSoon(liveId: string, giftId: string): void {
    this.finishedGiftGuards.add(liveId, giftId);
  }

  /** Ids of gifts whose guard some lives still hold (at most `limit` lives read): for the recovery sweep. */
  async guardedGiftIds(limit: number): Promise<string[]> {
    const lives = await this.lives.find(HOLDING_GUARDS, { guards: 1 }).limit(limit).lean();
    return lives.flatMap(guardIdsOf);
  }

  /** Drops finished gifts' guards, one command for all; call only when no settler of them can still write. */
  async forgetGifts(gifts: { liveId: string; giftId: string }[]): Promise<void> {
    const byLive = groupBy(
      gifts,
      (gift) => gift.liveId,
      (gift) => gift.giftId,
    );
    if (byLive.size === 0) return;
    await this.lives.bulkWrite(
      [...byLive].map(([liveId, ids]) => ({
        updateOne: { filter: { _id: new Types.ObjectId(liveId) }, update: unsetGuards(ids) },
      })),
      { ordered: false },
    );
  }

  /** Writes the guard removals still waiting for a next acceptance (a stopping instance's last batch). */
  async forgetFinishedGifts(): Promise<void> {
    const waiting = this.finishedGiftGuards.drain();
    await this.forgetGifts([...waiting].flatMap(([liveId, ids]) => ids.map((giftId) => ({ liveId, giftId }))));
  }

  // ---- end gifts ------------------------------------------------------------------------------

  // ---- links to connections and battles (kept by the battles module) ------------------------

  /** Sets the lives' link to their connection or battle (while each runs). */
  async link(liveIds: string[], field: 'connectionId' | 'battleId', id: string): Promise<void> {
    await this.lives.updateMany(
      { _id: { $in: liveIds }, status: 'live' },
      { $set: { [field]: new Types.ObjectId(id) } },
    );
  }

  /** Clears the link, only where it still names `id` (a newer connection or battle keeps its own). */
  async unlink(liveIds: string[], field: 'connectionId' | 'battleId', id: string): Promise<void> {
    await this.lives.updateMany({ _id: { $in: liveIds }, [field]: new Types.ObjectId(id) }, { $unset: { [field]: 1 } });
  }

  /**
   * Runs the set-up reactions (party/audio: the seats, the host on seat 0) and only then opens
   * the live. If they fail, the live is ended again and the request fails: no live runs half set
   * up. A live whose request died midway stays `pendingSetup`; the repair sweep ends it.
   */
  private async setUp(view: LiveView): Promise<LiveView> {
    const setupFailed = () =>
      new DomainError(
        'LIVE_SETUP_FAILED',
        'The live could not be set up (its seats), so it was ended; start it again.',
        {
          liveId: view.id,
        },
      );
    try {
      await this.events.emitAsync('live.created', { live: view });
    } catch (error) {
      this.logger.warn({ err: error, liveId: view.id }, 'live set-up failed; ending it');
      await this.endLive({ _id: view.id, pendingSetup: true }, 'setup_failed').catch((endError: unknown) => {
        // Its reactions were logged and counted; anything else is logged here. The sweep finishes either.
        if (!isIncomplete(endError))
          this.logger.error({ err: endError, liveId: view.id }, 'ending a failed set-up failed');
      });
      throw setupFailed();
    }
    const opened = await this.lives.updateOne(
      { _id: view.id, status: 'live', pendingSetup: true },
      { $unset: { pendingSetup: 1 } },
    );
    if (opened.modifiedCount === 1) return view;
    // Ended meanwhile: by the repair sweep (the set-up took too long), or by its host.
    const now = await this.findLive(view.id);
    if (now.endReason === 'setup_failed') throw setupFailed();
    return toLiveView(now);
  }

  private async endLive(filter: QueryFilter<LiveStream>, reason: EndReason): Promise<LiveView | null> {
    const ended = await this.lives
      .findOneAndUpdate(
        { ...filter, status: 'live' },
        {
          $set: {
            status: 'ended',
            endedAt: new Date(),
            endReason: reason,
            'stats.viewerCount': 0,
            pendingEnd: true,
          },
          $unset: { activeHostId: 1, activeChannel: 1, pendingSetup: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean();
    if (!ended) return null;
    await this.finishEnd(ended);
    return toLiveView(ended);
  }

  /** The end's reactions (viewers closed, seats freed), awaited so the response reflects them. Idempotent. */
  private async finishEnd(live: LiveRecord): Promise<void> {
    await this.react('live.ended', { live: toLiveView(live), reason: live.endReason ?? 'host_ended' }, () =>
      incomplete('The live has ended, but closing its viewers or freeing its seats failed', live._id.toString()),
    );
    await this.lives.updateOne({ _id: live._id, pendingEnd: true }, { $unset: { pendingEnd: 1 } });
  }

  /** A kick's reactions (viewer record closed, seat freed, seats fenced, the user told). Idempotent. */
  private async finishKick(
    liveId: string,
    kick: Pick<PendingKick, 'userId' | 'actorId'>,
    moderatorEpoch: number,
  ): Promise<void> {
    const payload = { liveId, userId: kick.userId, actorId: kick.actorId, moderatorEpoch };
    await this.react('live.user_kicked', payload, () =>
      incomplete('The user is removed, but closing their viewer record or freeing their seat failed', liveId),
    );
    await this.lives.updateOne({ _id: liveId }, { $pull: { pendingKicks: { userId: kick.userId } } });
  }

  /** Awaits an event's reactions; their failure (already logged and counted) becomes `failure()`. */
  private async react<K extends DomainEventName>(
    name: K,
    payload: DomainEventMap[K],
    failure: () => DomainError,
  ): Promise<void> {
    try {
      await this.events.emitAsync(name, payload);
    } catch (error) {
      if (error instanceof ReactionError) throw failure();
      throw error;
    }
  }

  /**
   * A conditional update on the running live under `condition` (e.g. the actor's role), so a
   * check and its write are one step. When it does not match, `recheck` on the live as it is now
   * throws the precise reason; if nothing it checks changed, the answer is CONFLICT.
   */
  private async updateWhileLive(
    liveId: string,
    update: UpdateQuery<LiveStream>,
    condition: QueryFilter<LiveStream>,
    recheck: (live: LiveRecord) => void,
  ): Promise<LiveStreamDocument> {
    const updated = await this.lives.findOneAndUpdate({ _id: liveId, status: 'live', ...condition }, update, {
      returnDocument: 'after',
    });
    if (updated) return updated;
    recheck(await this.findLive(liveId));
    throw new DomainError('CONFLICT', 'The live changed while this request ran; retry.');
  }

  private announceRoleChange(
    updated: LiveStreamDocument,
    user: AuthUser,
    targetUserId: string,
    action: 'add_cohost' | 'remove_cohost',
  ): LiveView {
    const view = toLiveView(updated);
    this.events.emit('live.updated', { live: view, changes: ['coHostIds'], actorId: user.userId });
    this.events.emit('live.host_action', { liveId: view.id, action, actorId: user.userId, targetUserId });
    return view;
  }

  // ---- metrics (issue 7) --------------------------------------------------------------------

  /** Running lives and the sum of their viewer counts: one aggregation, read when /metrics is scraped. */
  async liveTotals(): Promise<{ lives: number; viewers: number }> {
    const [totals] = await this.lives.aggregate<{ lives: number; viewers: number }>([
      { $match: { status: 'live' } },
      { $group: { _id: null, lives: { $sum: 1 }, viewers: { $sum: '$stats.viewerCount' } } },
    ]);
    return { lives: totals?.lives ?? 0, viewers: totals?.viewers ?? 0 };
  }
}

/** The actor still holds the role, as a filter: put in a write, the role check and the write are one step. */
function actingAs(role: 'host' | 'moderator', actorId: string): QueryFilter<LiveStream> {
  return role === 'host' ? { hostId: actorId } : { $or: [{ hostId: actorId }, { coHostIds: actorId }] };
}

/** The state is written; a retry (or the repair sweep) finishes the reactions that failed. */
function incomplete(what: string, liveId: string): DomainError {
  return new DomainError('REACTIONS_INCOMPLETE', `${what}; retry to finish (the server also retries on its own).`, {
    liveId,
  });
}

function isIncomplete(error: unknown): boolean {
  return error instanceof DomainError && error.code === 'REACTIONS_INCOMPLETE';
}

/** For callers that count ends: the live ended even when its reactions did not all finish. */
function endedAnyway(error: unknown): true {
  if (isIncomplete(error)) return true;
  throw error;
}

/** A viewer's count-out: never below zero, never after the end (see countViewerOut). */
function viewerCountOut(liveId: string) {
  return {
    filter: { _id: new Types.ObjectId(liveId), status: 'live' as const, 'stats.viewerCount': { $gt: 0 } },
    update: { $inc: { 'stats.viewerCount': -1 } },
  };
}

/** The values read for each part (see readLiveWith): a part that may be left out may be undefined. */
type PartValues<P> = {
  [K in keyof P]: NonNullable<P[K]> extends SnapshotPart<infer T>
    ? undefined extends P[K]
      ? T | undefined
      : T
    : undefined;
};

/** A viewer being counted in, and whether this is their first visit (also a unique viewer). */
interface Joiner {
  userId: string;
  firstVisit: boolean;
}

/** A gift's acceptance into its live, and the live's battle then (which may score the gift). */
export type GiftAcceptance =
  | { accepted: true; battleId: string | null; stats: LiveStats }
  | { accepted: false; refusal: 'LIVE_ENDED' | 'REMOVED_FROM_LIVE' | 'LEASE_OVER' };

type RemovalFields = Pick<LiveStream, 'status' | 'removedUserIds'> & { removals?: Removal[] };

/** The live accepts this user's actions: it runs, and they were not removed from it (or that removal ended). */
export function assertLiveOpenTo(live: RemovalFields, userId?: string): void {
  const removal = userId ? activeRemoval(live, userId) : null;
  if (removal) throw removedFromLive(removal);
  if (live.status !== 'live') throw new DomainError('LIVE_ENDED', 'This live has ended.');
}

function isOpenTo(live: Pick<LiveStream, 'status' | 'removedUserIds'>, userId: string): boolean {
  return live.status === 'live' && !live.removedUserIds?.includes(userId);
}

/**
 * The user's removal in force, or null. A removed user with no entry is out for the rest of the
 * live; otherwise the removal lasts while any entry does (a ban's entry answers for it first).
 */
export function activeRemoval(live: RemovalFields, userId: string): Pick<Removal, 'until' | 'byBan'> | null {
  if (!live.removedUserIds?.includes(userId)) return null;
  const entries = (live.removals ?? []).filter((r) => r.userId === userId);
  if (entries.length === 0) return { until: null, byBan: false };
  const now = new Date();
  const inForce = entries.filter((r) => r.until === null || r.until > now);
  if (inForce.length === 0) return null;
  const ban = inForce.find((r) => r.byBan);
  if (ban) return ban;
  if (inForce.some((r) => r.until === null)) return { until: null, byBan: false };
  return { until: new Date(Math.max(...inForce.map((r) => r.until!.getTime()))), byBan: false };
}

/** A removed user whose every removal entry has ended (not yet lifted from the document). */
function removalHasEnded(live: RemovalFields, userId: string): boolean {
  return (
    !!live.removedUserIds?.includes(userId) &&
    live.removals?.some((r) => r.userId === userId) === true &&
    activeRemoval(live, userId) === null
  );
}

/**
 * The refusal of a removed user; `until` says when the removal ends (null: for the rest of the
 * live). A removal written by an app-wide ban answers BANNED.
 */
export function removedFromLive(removal?: Pick<Removal, 'until' | 'byBan'>): DomainError {
  const until = removal?.until?.toISOString() ?? null;
  if (removal?.byBan) return bannedError(removal.until);
  return new DomainError(
    'REMOVED_FROM_LIVE',
    until
      ? 'You were removed from this live for a while; come back once `until` has passed.'
      : 'You were removed from this live and cannot come back into it.',
    { until },
  );
}
