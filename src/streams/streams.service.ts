import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { QueryFilter, Model, Types, UpdateQuery } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { withinLease } from '../common/lease';
import { isDuplicateKey } from '../common/mongo-errors';
import { keysetFilter, keysetPage, Page } from '../common/pagination';
import { generateCallId, generateChannelName } from './channel-names';
import { CreateLiveDto } from './dto/create-live.dto';
import { ListLivesQuery } from './dto/list-lives.query';
import { toLiveView, LiveView } from './dto/live.view';
import { UpdateLiveDto } from './dto/update-live.dto';
import { assertHost, assertModerator, assertTargetable } from './live-roles';
import { EndReason, LiveStream, LiveStreamDocument, LiveStats } from './schemas/live-stream.schema';

const DEFAULT_SEATS = { live: 0, party: 6, audio: 9 } as const;

/** Owns the LiveStream documents: a live's life, its roles, its counters. */
@Injectable()
export class StreamsService {
  constructor(
    @InjectModel(LiveStream.name) private readonly lives: Model<LiveStream>,
    private readonly events: DomainEvents,
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
    try {
      const live = await this.lives.create({
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
      });
      const view = toLiveView(live);
      // Awaited: seats must exist when the create call returns.
      await this.events.emitAsync('live.created', { live: view });
      return view;
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
  }

  async listActive(query: ListLivesQuery): Promise<Page<LiveView>> {
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
    return live;
  }

  /** The live, if it is running and the user has not been removed from it; else the matching error. */
  async requireActiveLive(liveId: string, userId?: string): Promise<LiveStream & { _id: Types.ObjectId }> {
    const live = await this.findLive(liveId);
    assertLiveOpenTo(live, userId);
    return live;
  }

  async update(liveId: string, user: AuthUser, dto: UpdateLiveDto): Promise<LiveView> {
    const live = await this.requireActiveLive(liveId, user.userId);
    assertModerator(live, user.userId);
    if (dto.seatMode !== undefined && live.liveType === 'live') {
      throw new DomainError('VALIDATION_FAILED', "seatMode applies only to 'party' and 'audio' lives.");
    }
    const set: Record<string, unknown> = {};
    if (dto.title !== undefined) set.title = dto.title.trim();
    if (dto.coverUrl !== undefined) set.coverUrl = dto.coverUrl;
    if (dto.chatEnabled !== undefined) set['settings.chatEnabled'] = dto.chatEnabled;
    if (dto.seatMode !== undefined) set['settings.seatMode'] = dto.seatMode;
    const changes = Object.keys(set);
    if (changes.length === 0) throw new DomainError('VALIDATION_FAILED', 'Nothing to update: send at least one field.');
    const updated = await this.updateWhileLive(liveId, { $set: set });
    const view = toLiveView(updated);
    this.events.emit('live.updated', { live: view, changes, actorId: user.userId });
    return view;
  }

  /** Ends the live (host only). Idempotent: ending an ended live returns it as it is. */
  async end(liveId: string, user: AuthUser): Promise<LiveView> {
    const live = await this.findLive(liveId);
    assertHost(live, user.userId);
    return (await this.endLive({ _id: live._id }, 'host_ended')) ?? toLiveView(await this.findLive(liveId));
  }

  /** Ends every live whose host has not been seen since `cutoff`. Safe on several instances. */
  async endLivesOfAbsentHosts(cutoff: Date, limit = 100): Promise<number> {
    const stale = await this.lives
      .find({ status: 'live', hostSeenAt: { $lt: cutoff } }, { _id: 1 })
      .limit(limit)
      .lean();
    let ended = 0;
    for (const { _id } of stale) {
      if (await this.endLive({ _id, hostSeenAt: { $lt: cutoff } }, 'host_timeout')) ended++;
    }
    return ended;
  }

  async addCoHost(liveId: string, user: AuthUser, targetUserId: string): Promise<LiveView> {
    const live = await this.requireActiveLive(liveId, user.userId);
    assertHost(live, user.userId);
    assertTargetable(live, user.userId, targetUserId);
    const updated = await this.updateWhileLive(liveId, { $addToSet: { coHostIds: targetUserId } }, targetUserId);
    return this.announceRoleChange(updated, user, targetUserId, 'add_cohost');
  }

  async removeCoHost(liveId: string, user: AuthUser, targetUserId: string): Promise<LiveView> {
    const live = await this.requireActiveLive(liveId, user.userId);
    assertHost(live, user.userId);
    assertTargetable(live, user.userId, targetUserId);
    const updated = await this.updateWhileLive(liveId, { $pull: { coHostIds: targetUserId } });
    return this.announceRoleChange(updated, user, targetUserId, 'remove_cohost');
  }

  /** Removes a user for the rest of the live. Idempotent; reactions close their viewer record and seat. */
  async kick(liveId: string, user: AuthUser, targetUserId: string): Promise<LiveView> {
    const live = await this.requireActiveLive(liveId, user.userId);
    assertModerator(live, user.userId);
    assertTargetable(live, user.userId, targetUserId);
    if (live.coHostIds.includes(targetUserId) && live.hostId !== user.userId) {
      throw new DomainError('NOT_HOST', 'Only the host can remove a co-host.');
    }
    const updated = await this.updateWhileLive(liveId, {
      $addToSet: { removedUserIds: targetUserId },
      $pull: { coHostIds: targetUserId },
    });
    await this.events.emitAsync('live.user_kicked', { liveId, userId: targetUserId, actorId: user.userId });
    this.events.emit('live.host_action', { liveId, action: 'kick', actorId: user.userId, targetUserId });
    return toLiveView(updated);
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
   * update on the live document is what keeps joins from landing after an end or a kick.
   * Returns the new viewer count, or null when the live refused.
   */
  async countViewerIn(liveId: string, userId: string, firstVisit: boolean): Promise<number | null> {
    const inc: Record<string, number> = { 'stats.viewerCount': 1 };
    if (firstVisit) inc['stats.uniqueViewerCount'] = 1;
    const live = await this.lives
      .findOneAndUpdate(
        { _id: liveId, status: 'live', removedUserIds: { $ne: userId } },
        { $inc: inc },
        { returnDocument: 'after', projection: { stats: 1 } },
      )
      .lean();
    if (!live) return null;
    const count = live.stats.viewerCount;
    // The peak only grows: when it already covers this count, there is nothing to write.
    if (live.stats.peakViewerCount < count) {
      await this.lives.updateOne({ _id: liveId }, { $max: { 'stats.peakViewerCount': count } });
    }
    return count;
  }

  /** Counts a viewer out. After the end the count is already 0, so nothing moves. */
  async countViewerOut(liveId: string): Promise<number> {
    const live = await this.lives
      .findOneAndUpdate(
        { _id: liveId, status: 'live', 'stats.viewerCount': { $gt: 0 } },
        { $inc: { 'stats.viewerCount': -1 } },
        { returnDocument: 'after', projection: { stats: 1 } },
      )
      .lean();
    return live?.stats.viewerCount ?? 0;
  }

  /**
   * Adds to the live's counters (messages, gifts, diamonds) while it runs and, when `actorId` is
   * given, only if that user has not been removed: the live document gates work racing an end or a kick.
   */
  async incrementStats(
    liveId: string,
    inc: Partial<Record<keyof LiveStats, number>>,
    actorId?: string,
  ): Promise<LiveStats | null> {
    const update = Object.fromEntries(Object.entries(inc).map(([key, value]) => [`stats.${key}`, value]));
    const filter: QueryFilter<LiveStream> = { _id: liveId, status: 'live' };
    if (actorId) filter.removedUserIds = { $ne: actorId };
    const live = await this.lives
      .findOneAndUpdate(filter, { $inc: update }, { returnDocument: 'after', projection: { stats: 1 } })
      .lean();
    return live?.stats ?? null;
  }

  // ---- gifts: exactly-once gift bookkeeping on the live document ---------------------------
  // Each step is one conditional update that also leaves the gift's id as its guard, and runs only
  // within the settler's lease (by the database's clock), so a settler that resumes late changes nothing.

  /**
   * Accepts a gift into the live: only while it runs and the sender is not removed (the live's
   * document is the serialization point, so no gift lands after the end or a kick). Idempotent:
   * a gift accepted earlier stays accepted. Returns null when accepted, else why not.
   */
  async acceptGift(
    liveId: string,
    giftId: string,
    senderId: string,
    leaseUntil: Date,
  ): Promise<'LIVE_ENDED' | 'REMOVED_FROM_LIVE' | 'LEASE_OVER' | null> {
    const accepted = await this.lives.updateOne(
      {
        _id: liveId,
        status: 'live',
        removedUserIds: { $ne: senderId },
        acceptedGiftIds: { $ne: giftId },
        ...withinLease(leaseUntil),
      },
      { $push: { acceptedGiftIds: giftId } },
    );
    if (accepted.modifiedCount === 1) return null;
    const live = await this.lives.findById(liveId, { status: 1, removedUserIds: 1, acceptedGiftIds: 1 }).lean();
    if (live?.acceptedGiftIds?.includes(giftId)) return null;
    if (live?.removedUserIds?.includes(senderId)) return 'REMOVED_FROM_LIVE';
    if (live?.status !== 'live') return 'LIVE_ENDED';
    return 'LEASE_OVER';
  }

  /**
   * Adds an accepted gift to the live's totals once (also after the end: it was accepted while
   * live). Returns the new stats, or null when it was already counted or the lease is over.
   */
  async countGift(
    liveId: string,
    giftId: string,
    inc: { diamonds: number; giftCount: number },
    leaseUntil: Date,
  ): Promise<LiveStats | null> {
    const live = await this.lives
      .findOneAndUpdate(
        { _id: liveId, acceptedGiftIds: giftId, countedGiftIds: { $ne: giftId }, ...withinLease(leaseUntil) },
        {
          $inc: { 'stats.diamonds': inc.diamonds, 'stats.giftCount': inc.giftCount },
          $push: { countedGiftIds: giftId },
        },
        { returnDocument: 'after', projection: { stats: 1 } },
      )
      .lean();
    return live?.stats ?? null;
  }

  /** Drops a finished gift's guards; call only when no settler of it can still write. */
  async forgetGift(liveId: string, giftId: string): Promise<void> {
    await this.lives.updateOne(
      { _id: liveId, acceptedGiftIds: giftId },
      { $pull: { acceptedGiftIds: giftId, countedGiftIds: giftId } },
    );
  }

  // ---- end gifts ------------------------------------------------------------------------------

  private async endLive(filter: QueryFilter<LiveStream>, reason: EndReason): Promise<LiveView | null> {
    const ended = await this.lives
      .findOneAndUpdate(
        { ...filter, status: 'live' },
        {
          $set: { status: 'ended', endedAt: new Date(), endReason: reason, 'stats.viewerCount': 0 },
          $unset: { activeHostId: 1, activeChannel: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean();
    if (!ended) return null;
    const view = toLiveView(ended);
    // Awaited so the response already reflects closed viewers and freed seats.
    await this.events.emitAsync('live.ended', { live: view, reason });
    return view;
  }

  /** A conditional update on the running live; refused with the precise reason when it no longer runs. */
  private async updateWhileLive(
    liveId: string,
    update: UpdateQuery<LiveStream>,
    notRemovedUserId?: string,
  ): Promise<LiveStreamDocument> {
    const filter: QueryFilter<LiveStream> = { _id: liveId, status: 'live' };
    if (notRemovedUserId) filter.removedUserIds = { $ne: notRemovedUserId };
    const updated = await this.lives.findOneAndUpdate(filter, update, { returnDocument: 'after' });
    if (updated) return updated;
    const live = await this.findLive(liveId);
    assertLiveOpenTo(live, notRemovedUserId);
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

/** The live accepts this user's actions: it runs, and they were not removed from it. */
export function assertLiveOpenTo(live: Pick<LiveStream, 'status' | 'removedUserIds'>, userId?: string): void {
  if (userId && live.removedUserIds?.includes(userId)) {
    throw new DomainError('REMOVED_FROM_LIVE', 'You were removed from this live and cannot come back into it.');
  }
  if (live.status !== 'live') throw new DomainError('LIVE_ENDED', 'This live has ended.');
}
