import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { QueryFilter, Model, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents, OnDomainEvent } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { isDuplicateKey } from '../common/mongo-errors';
import { keysetFilter, keysetPage, Page, PageQuery } from '../common/pagination';
import { LiveStream } from '../streams/schemas/live-stream.schema';
import { StreamsService } from '../streams/streams.service';
import { toViewerView, ViewerView } from './dto/viewer.view';
import { LeaveReason, LiveViewer } from './schemas/live-viewer.schema';

type ViewerRecord = LiveViewer & { _id: Types.ObjectId };
const CLOSE_CONCURRENCY = 20;

/**
 * Owns LiveViewer records and keeps the live's viewer counters equal to them: a visit is counted
 * in (+1) only once the live accepted it, and whoever closes a counted visit counts it out (-1).
 */
@Injectable()
export class ViewersService {
  constructor(
    @InjectModel(LiveViewer.name) private readonly viewers: Model<LiveViewer>,
    private readonly streams: StreamsService,
    private readonly events: DomainEvents,
  ) {}

  /** Joins the caller as a viewer (idempotent). The host is answered but never counted. */
  async join(liveId: string, user: AuthUser, claimedUid?: number): Promise<ViewerView> {
    if (claimedUid !== undefined && claimedUid !== user.uid) {
      throw new DomainError('IDENTITY_MISMATCH', "userUid must be the caller's own uid (or be left out).");
    }
    return this.joinLive(await this.streams.requireActiveLive(liveId, user.userId), user);
  }

  /**
   * The same join for a live the caller already checked is open to the user (the socket path checks
   * it before subscribing). The count itself is still gated by the live document.
   */
  async joinLive(live: LiveStream & { _id: Types.ObjectId }, user: AuthUser): Promise<ViewerView> {
    const liveId = live._id.toString();
    if (live.hostId === user.userId) {
      await this.streams.touchHost(liveId, [user.userId]);
      return this.hostView(liveId, user, live.startedAt);
    }
    if (live.hostUid === user.uid) throw uidConflict();

    const { visit, firstVisit, isNewVisit } = await this.openVisit(liveId, user);
    if (!isNewVisit) return toViewerView(visit);

    const viewerCount = await this.streams.countViewerIn(liveId, user.userId, firstVisit);
    if (viewerCount === null) {
      await this.closeVisit(
        visit,
        (await this.streams.findLive(liveId)).status === 'live' ? 'kicked' : 'live_ended',
        false,
      );
      await this.streams.requireActiveLive(liveId, user.userId); // throws the precise reason
      throw new DomainError('LIVE_ENDED', 'This live has ended.');
    }
    const marked = await this.viewers.updateOne(
      { _id: visit._id, sessionId: visit.sessionId, status: 'active' },
      { $set: { counted: true } },
    );
    if (marked.modifiedCount === 0) {
      // Closed (leave, kick, end) between our count and this mark: the closer saw it uncounted.
      await this.streams.countViewerOut(liveId);
      throw new DomainError('CONFLICT', 'You left this live while joining it; join again.');
    }
    const view = toViewerView({ ...visit, counted: true });
    this.events.emit('viewer.joined', { liveId, viewer: view, viewerCount });
    return view;
  }

  /** Leaves (idempotent; also fine after the live ended). */
  async leave(liveId: string, user: AuthUser): Promise<ViewerView | null> {
    const live = await this.streams.findLive(liveId);
    if (live.hostId === user.userId) return this.hostView(liveId, user, live.startedAt);
    const visit = await this.viewers.findOne({ liveId, userId: user.userId }).lean();
    if (!visit) return null;
    if (visit.status === 'active') await this.closeVisit(visit, 'left');
    return toViewerView((await this.viewers.findById(visit._id).lean())!);
  }

  /** REST heartbeat for socket-less clients: keeps the caller present. */
  async heartbeat(liveId: string, user: AuthUser): Promise<void> {
    const live = await this.streams.requireActiveLive(liveId, user.userId);
    if (live.hostId === user.userId) return this.streams.touchHost(liveId, [user.userId]);
    const touched = await this.viewers.updateOne(
      { liveId, userId: user.userId, status: 'active' },
      { $set: { lastSeenAt: new Date() } },
    );
    if (touched.matchedCount === 0) throw new DomainError('NOT_IN_LIVE', 'You are not in this live; join it first.');
  }

  /** Marks users who have a socket in the live's room as present (called by the gateway). */
  async touch(liveId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.viewers.updateMany(
      { liveId, userId: { $in: userIds }, status: 'active' },
      { $set: { lastSeenAt: new Date() } },
    );
  }

  /** True when the user is an active viewer of the live. */
  async isActiveViewer(liveId: string, userId: string): Promise<boolean> {
    return (await this.viewers.exists({ liveId, userId, status: 'active' })) !== null;
  }

  /** The lives the user is an active viewer of (a ban takes them out of each). */
  async activeLiveIds(userId: string): Promise<string[]> {
    const visits = await this.viewers.find({ userId, status: 'active' }, { liveId: 1 }).lean();
    return visits.map((visit) => visit.liveId.toString());
  }

  /** True when the user ever joined a live (this one, when given): a user this service knows. */
  async hasVisited(userId: string, liveId?: string): Promise<boolean> {
    return (await this.viewers.exists(liveId ? { liveId, userId } : { userId })) !== null;
  }

  async list(liveId: string, query: PageQuery): Promise<Page<ViewerView>> {
    await this.streams.findLive(liveId);
    const filter: QueryFilter<LiveViewer> = {
      liveId,
      status: 'active',
      ...keysetFilter('joinedAt', 'date', query.cursor),
    };
    const docs = await this.viewers
      .find(filter)
      .sort({ joinedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toViewerView, (viewer) => viewer.joinedAt);
  }

  /** Watch time over every visit of the live, open visits up to now: summed by the database. */
  async watchTotals(liveId: string): Promise<{ totalWatchMs: number; visitors: number }> {
    const now = new Date();
    const openMs = { $max: [0, { $subtract: [now, '$joinedAt'] }] };
    const [totals] = await this.viewers.aggregate<{ watchMs: number; openMs: number; visitors: number }>([
      { $match: { liveId: new Types.ObjectId(liveId) } },
      {
        $group: {
          _id: null,
          visitors: { $sum: 1 },
          watchMs: { $sum: '$watchMs' },
          openMs: { $sum: { $cond: [{ $eq: ['$status', 'active'] }, openMs, 0] } },
        },
      },
    ]);
    return { totalWatchMs: (totals?.watchMs ?? 0) + (totals?.openMs ?? 0), visitors: totals?.visitors ?? 0 };
  }

  /** Marks viewers not seen since `cutoff` as left. Conditional, so safe on several instances. */
  async closeIdleVisits(cutoff: Date, limit = 500): Promise<number> {
    const idle = await this.viewers
      .find({ status: 'active', lastSeenAt: { $lt: cutoff } })
      .limit(limit)
      .lean();
    let closed = 0;
    await forEachLimited(idle, CLOSE_CONCURRENCY, async (visit) => {
      if (await this.closeVisit(visit, 'timeout', true, { lastSeenAt: { $lt: cutoff } })) closed++;
    });
    return closed;
  }

  @OnDomainEvent('live.ended')
  async onLiveEnded({ live }: { live: { id: string } }): Promise<void> {
    const open = await this.viewers.find({ liveId: live.id, status: 'active' }).lean();
    await forEachLimited(open, CLOSE_CONCURRENCY, (visit) => this.closeVisit(visit, 'live_ended'));
  }

  @OnDomainEvent('live.user_kicked')
  async onUserKicked({ liveId, userId }: { liveId: string; userId: string }): Promise<void> {
    const visit = await this.viewers.findOne({ liveId, userId, status: 'active' }).lean();
    if (visit) await this.closeVisit(visit, 'kicked');
  }

  /**
   * Activates the caller's visit: re-opens a closed record or inserts the first one.
   * A concurrent join of the same user finds it active and returns it (idempotent).
   */
  private async openVisit(
    liveId: string,
    user: AuthUser,
  ): Promise<{ visit: ViewerRecord; firstVisit: boolean; isNewVisit: boolean }> {
    const now = new Date();
    const fresh = {
      status: 'active' as const,
      sessionId: new Types.ObjectId(),
      counted: false,
      joinedAt: now,
      lastSeenAt: now,
    };
    const identity = { uid: user.uid, name: user.name, avatar: user.avatar };
    try {
      const reopened = await this.viewers
        .findOneAndUpdate(
          { liveId, userId: user.userId, status: 'left' },
          { $set: { ...fresh, ...identity, leftAt: null, leaveReason: null } },
          { returnDocument: 'after' },
        )
        .lean();
      if (reopened) return { visit: reopened, firstVisit: false, isNewVisit: true };
      const created = await this.viewers.create({
        liveId,
        userId: user.userId,
        ...identity,
        ...fresh,
        firstJoinedAt: now,
        watchMs: 0,
      });
      return { visit: created.toObject(), firstVisit: true, isNewVisit: true };
    } catch (error) {
      if (isDuplicateKey(error, 'userId')) {
        const existing = await this.viewers.findOne({ liveId, userId: user.userId }).lean();
        if (existing?.status === 'active') return { visit: existing, firstVisit: false, isNewVisit: false };
        return this.openVisit(liveId, user); // closed in between: open it again
      }
      if (isDuplicateKey(error, 'uid')) throw uidConflict();
      throw error;
    }
  }

  /**
   * Closes one visit (active -> left), adding its watch time. Only the caller whose update matched
   * counts it out, and only if it was counted in. Returns whether this call closed it.
   */
  private async closeVisit(
    visit: ViewerRecord,
    reason: LeaveReason,
    countOut = true,
    extraFilter: QueryFilter<LiveViewer> = {},
  ): Promise<boolean> {
    const now = new Date();
    const before = await this.viewers
      .findOneAndUpdate(
        { _id: visit._id, sessionId: visit.sessionId, status: 'active', ...extraFilter },
        {
          $set: { status: 'left', leftAt: now, leaveReason: reason },
          $inc: { watchMs: Math.max(0, now.getTime() - visit.joinedAt.getTime()) },
        },
        { returnDocument: 'before', projection: { counted: 1 } },
      )
      .lean();
    if (!before) return false;
    const liveId = visit.liveId.toString();
    const viewerCount = countOut && before.counted ? await this.streams.countViewerOut(liveId) : undefined;
    if (before.counted) {
      this.events.emit('viewer.left', { liveId, userId: visit.userId, reason, viewerCount: viewerCount ?? 0 });
    }
    return true;
  }

  private hostView(liveId: string, user: AuthUser, startedAt: Date): ViewerView {
    return {
      id: liveId,
      liveStreamId: liveId,
      userId: user.userId,
      uid: user.uid,
      name: user.name,
      avatar: user.avatar,
      role: 'host',
      status: 'active',
      joinedAt: startedAt.toISOString(),
      leftAt: null,
      leaveReason: null,
      watchMs: 0,
    };
  }
}

function uidConflict(): DomainError {
  return new DomainError(
    'UID_CONFLICT',
    "Your RTC uid is already used by someone in this live; ask the identity service for a token with an explicit 'uid' claim.",
  );
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) {
    await Promise.all(items.slice(i, i + limit).map(work));
  }
}
