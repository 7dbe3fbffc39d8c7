import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import type { MongoClient } from 'mongodb';
import { Connection, QueryFilter, Model, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents, OnDomainEvent } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { GroupCommit } from '../common/group-commit';
import { isDuplicateKey, upsertWithRetry } from '../common/mongo-errors';
import { SnapshotPart } from '../common/snapshot-part';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { keysetFilter, keysetPage, Page, PageQuery } from '../common/pagination';
import { BansService } from '../moderation/bans.service';
import { LiveRecord } from '../streams/schemas/live-stream.schema';
import { assertLiveOpenTo, LiveFacts, StreamsService } from '../streams/streams.service';
import { multiWrite, namespaceOf } from '../database/multi-write';
import { toViewerView, ViewerView } from './dto/viewer.view';
import { LeaveReason, LiveViewer } from './schemas/live-viewer.schema';

type ViewerRecord = LiveViewer & { _id: Types.ObjectId };
const CLOSE_CONCURRENCY = 20;
/** Presence touches per write (see touch). */
const TOUCHES_PER_WRITE = 500;
/** Visits opened on this instance that it keeps to close them without a read; past it, it starts over. */
const KEPT_VISITS = 100_000;
/** How long a count-out waits, between tries, for the count-in it undoes to land. */
const COUNT_OUT_WAITS_MS = [5, 20, 100, 0];

const visitKey = (liveId: string, userId: string) => `${liveId}:${userId}`;
/** The name a leave reads the leaver's visit under, beside the parts reactions asked for (see alsoReadOnLeave). */
const LEAVER = 'leaver';

/**
 * Owns LiveViewer records and keeps the live's viewer counters equal to them: a visit is counted
 * in (+1) only once the live accepted it, and whoever closes a counted visit counts it out (-1).
 */
@Injectable()
export class ViewersService {
  /** A re-join refreshes the visit's presence only when older than this (as a socket's touch would). */
  private readonly presenceFreshMs: number;

  constructor(
    @InjectModel(LiveViewer.name) private readonly viewers: Model<LiveViewer>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly streams: StreamsService,
    private readonly events: DomainEvents,
    private readonly bans: BansService,
    @InjectConnection() connection: Connection,
  ) {
    this.client = connection.getClient();
    this.presenceFreshMs = config.presence.touchIntervalMs;
  }

  private readonly openVisits = new Map<string, ViewerRecord>();
  /** What reactions to viewer.left have read with the leave (see alsoReadOnLeave). */
  private readonly leaveReads: ((facts: LiveFacts, userId: string) => Record<string, SnapshotPart<unknown>>)[] = [];
  private readonly client: MongoClient;
  /** Visits being opened, per live in a group commit (see openVisit). */
  private readonly visitOpenings = new GroupCommit<VisitOpening, OpenedVisit>(
    (liveId, opening) => this.openOneVisit(liveId, opening),
    (liveId, openings) => this.insertFirstVisits(liveId, openings),
  );

  /**
   * Joins the caller as a viewer (idempotent). The host is answered but never counted.
   * A new visit is written first and then passes the live's gate, which counts it in: a kick or an
   * end either comes before the gate (which refuses, and the visit is closed again) or after it
   * (and its reaction closes the visit it finds). A user already in passes the gate with a read
   * (with their visit, in one command, when this instance opened it).
   */
  async join(liveId: string, user: AuthUser, claimedUid?: number): Promise<ViewerView> {
    if (claimedUid !== undefined && claimedUid !== user.uid) {
      throw new DomainError('IDENTITY_MISMATCH', "userUid must be the caller's own uid (or be left out).");
    }
    const { view } = await this.enter(liveId, user, { readBan: true });
    return view;
  }

  /**
   * The join itself, for REST and socket, with the live as its gate saw it (the count-in's update,
   * or a read when the caller was already in). `readBan`: the caller's ban is read here (REST, see
   * BanCheckedInGate: in the already-in read, else on its own); a socket's was read at its handshake.
   */
  async enter(
    liveId: string,
    user: AuthUser,
    { readBan }: { readBan: boolean } = { readBan: false },
  ): Promise<{ view: ViewerView; live: LiveRecord }> {
    const facts = await this.streams.liveFacts(liveId);
    if (facts.hostId === user.userId) {
      if (readBan) await this.bans.assertNotBanned(user.userId);
      const live = await this.streams.requireActiveLive(liveId, user.userId);
      await this.streams.touchHost(liveId, [user.userId]);
      return { view: this.hostView(liveId, user, live.startedAt), live };
    }
    if (facts.hostUid === user.uid) throw uidConflict();
    // A visit this instance opened is most likely still active: one read answers (see stillIn).
    if (this.openVisits.has(visitKey(liveId, user.userId))) {
      const inside = await this.stillIn(liveId, user, readBan);
      if (inside) return inside;
    } else if (readBan) {
      await this.bans.assertNotBanned(user.userId);
    }

    const { visit, firstVisit, isNewVisit } = await this.openVisit(liveId, user);
    // Already in: still passes the gate (a kick or an end whose reactions have not closed it yet).
    if (!isNewVisit)
      return { view: toViewerView(visit), live: await this.streams.requireActiveLive(liveId, user.userId) };

    const live = await this.streams.countViewerIn(liveId, user.userId, firstVisit);
    if (!live) await this.refused(visit, user);
    const view = toViewerView(visit);
    this.events.emit('viewer.joined', { liveId, viewer: view, viewerCount: live!.stats.viewerCount });
    return { view, live: live! };
  }

  /** Leaves (idempotent; also fine after the live ended). */
  async leave(liveId: string, user: AuthUser): Promise<ViewerView | null> {
    const facts = await this.streams.liveFacts(liveId);
    if (facts.hostId === user.userId) return this.hostView(liveId, user, facts.startedAt);
    const known = this.openVisits.get(visitKey(liveId, user.userId));
    const left = known && (await this.leaveKnownVisit(known, facts));
    if (left) return left;
    const visit = await this.viewers.findOne({ liveId, userId: user.userId }).lean();
    if (!visit) return null;
    if (visit.status !== 'active') return toViewerView(visit);
    return toViewerView((await this.closeVisit(visit, 'left')) ?? (await this.viewers.findById(visit._id).lean())!);
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

  /**
   * Marks users who have a socket in the live's room as present (called by the gateway), in writes
   * of TOUCHES_PER_WRITE statements that each find one visit by its unique key alone: an index
   * lookup on any server, and a short hold of the embedded one's lock. (One `updateMany` with an
   * `$in` of 5,000 users matched each visit against the whole list there: 1.8 s of its lock.) A
   * visit closed meanwhile gets its `lastSeenAt` refreshed too, which nothing reads: only an active
   * visit's presence counts, and a re-join sets it anew.
   */
  async touch(liveId: string, userIds: string[]): Promise<void> {
    const lastSeenAt = new Date();
    for (let i = 0; i < userIds.length; i += TOUCHES_PER_WRITE) {
      await this.viewers.bulkWrite(
        userIds.slice(i, i + TOUCHES_PER_WRITE).map((userId) => ({
          updateOne: { filter: { liveId, userId }, update: { $set: { lastSeenAt } } },
        })),
        { ordered: false },
      );
    }
  }

  /** True when the user is an active viewer of the live. */
  async isActiveViewer(liveId: string, userId: string): Promise<boolean> {
    return (await this.viewers.exists({ liveId, userId, status: 'active' })) !== null;
  }

  /** Whether the user is an active viewer, as a part read with the live's document. */
  activeVisitPart(liveId: string, userId: string): SnapshotPart<boolean> {
    const part = this.activeVisitsPart(liveId, [userId]);
    return { ...part, read: (docs) => part.read(docs).has(userId) };
  }

  /** Those of these users who are active viewers, as a part read with the live's document. */
  activeVisitsPart(liveId: string, userIds: string[]): SnapshotPart<Set<string>> {
    return {
      from: this.viewers.collection.collectionName,
      pipeline: [
        { $match: { liveId: new Types.ObjectId(liveId), userId: { $in: userIds }, status: 'active' } },
        { $project: { _id: 0, userId: 1 } },
      ],
      read: (docs) => new Set((docs as { userId: string }[]).map((visit) => visit.userId)),
    };
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
      if (await this.closeVisit(visit, 'timeout', { lastSeenAt: { $lt: cutoff } })) closed++;
    });
    return closed;
  }

  @OnDomainEvent('live.ended')
  async onLiveEnded({ live }: { live: { id: string } }): Promise<void> {
    const open = await this.viewers.find({ liveId: live.id, status: 'active' }).lean();
    // The end set the count to 0: nothing to count out.
    await forEachLimited(open, CLOSE_CONCURRENCY, (visit) => this.closeVisit(visit, 'live_ended', {}, false));
  }

  @OnDomainEvent('live.user_kicked')
  async onUserKicked({ liveId, userId }: { liveId: string; userId: string }): Promise<void> {
    const visit = await this.viewers.findOne({ liveId, userId, status: 'active' }).lean();
    if (visit) await this.closeVisit(visit, 'kicked');
  }

  /**
   * Recounts the viewers of running lives from their active visits. Run at start-up: a crash
   * between a visit's write and its count (or count-out) leaves the count off until then. Exact
   * only while no join or leave runs anywhere (see ViewerCountRepair: one instance, before it
   * serves or sweeps).
   */
  async recountViewers(): Promise<number> {
    const active = await this.viewers.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { status: 'active' } },
      { $group: { _id: '$liveId', n: { $sum: 1 } } },
    ]);
    return this.streams.resetViewerCounts(new Map(active.map(({ _id, n }) => [_id.toString(), n])));
  }

  /**
   * Already in, in one read: the live's gate with the caller's visit (and ban, for REST). It
   * answers when the gate lets the caller in and the visit is active, fresh (seen within a touch
   * interval) and under the caller's identity; otherwise (null) the join goes the usual way, which
   * writes.
   */
  private async stillIn(
    liveId: string,
    user: AuthUser,
    readBan: boolean,
  ): Promise<{ view: ViewerView; live: LiveRecord } | null> {
    const { live, parts } = await this.streams.readGate(
      liveId,
      user.userId,
      { visit: this.visitPart(liveId, user.userId) },
      { ban: readBan },
    );
    const { visit } = parts;
    const current =
      visit?.status === 'active' &&
      Date.now() - visit.lastSeenAt.getTime() < this.presenceFreshMs &&
      visit.uid === user.uid &&
      visit.name === user.name &&
      (visit.avatar ?? null) === user.avatar;
    return current ? { view: toViewerView(visit), live } : null;
  }

  /** The user's visit of the live, as a part read with the live's document. */
  private visitPart(liveId: string, userId: string): SnapshotPart<ViewerRecord | undefined> {
    return {
      from: this.viewers.collection.collectionName,
      pipeline: [{ $match: { liveId: new Types.ObjectId(liveId), userId } }, { $limit: 1 }],
      read: (docs) => (docs as ViewerRecord[])[0],
    };
  }

  /**
   * The gate refused a visit this join opened: close it again (uncounted), or, if a kick's
   * reaction closed it first and counted it out, give that count back. Throws the reason.
   */
  private async refused(visit: ViewerRecord, user: AuthUser): Promise<never> {
    const liveId = visit.liveId.toString();
    const live = await this.streams.findLive(liveId);
    const reason = live.status === 'live' ? 'kicked' : 'live_ended';
    // Never counted in, so never announced: closing it again is silent.
    if (!(await this.closeVisit(visit, reason, {}, false, false))) await this.streams.restoreViewerCount(liveId);
    assertLiveOpenTo(live, user.userId);
    throw new DomainError('CONFLICT', 'The live changed while you joined it; join again.');
  }

  /**
   * Activates the caller's visit in one upsert: inserts the first one, or finds it active (then
   * only its presence is refreshed), or finds it closed and re-opens it. A visit is counted from
   * its opening (whoever closes it counts it out); the join then counts it in at the live's gate.
   * The visits of a live's joiners that come while one is being opened are inserted together, in
   * one write (see insertFirstVisits); a lone join pays its own upsert.
   */
  private openVisit(liveId: string, user: AuthUser): Promise<OpenedVisit> {
    return this.visitOpenings.run(liveId, { user, sessionId: new Types.ObjectId(), at: new Date() });
  }

  /** One visit's opening (see openVisit). A visit found with the opening's session is its own (see insertFirstVisits). */
  private async openOneVisit(liveId: string, { user, sessionId, at }: VisitOpening): Promise<OpenedVisit> {
    try {
      // Its $set changes neither status nor session: the visit as it was, fresher.
      const visit = await upsertWithRetry(() =>
        this.viewers
          .findOneAndUpdate({ liveId, userId: user.userId }, visitUpsert(user, sessionId, at), {
            upsert: true,
            returnDocument: 'after',
          })
          .lean(),
      );
      if (visit!.sessionId.equals(sessionId)) return this.opened(visit!, true);
      if (visit!.status === 'active') return { visit: visit!, firstVisit: false, isNewVisit: false };
      const reopened = await this.viewers
        .findOneAndUpdate(
          { _id: visit!._id, status: 'left' },
          { $set: { ...freshVisit(sessionId, at), leftAt: null, leaveReason: null } },
          { returnDocument: 'after' },
        )
        .lean();
      // Opened by a concurrent join: find it active.
      if (!reopened) return this.openOneVisit(liveId, { user, sessionId: new Types.ObjectId(), at: new Date() });
      return this.opened(reopened, false);
    } catch (error) {
      if (isDuplicateKey(error, 'uid')) throw uidConflict();
      throw error;
    }
  }

  /**
   * The openings of several joiners in one unordered write of their upserts. A joiner whose visit
   * it inserted is answered from what was written; the others (a visit already there, a write
   * error) open theirs on their own, which also recognizes a visit this write inserted by its session.
   */
  private async insertFirstVisits(liveId: string, openings: VisitOpening[]): Promise<(OpenedVisit | undefined)[]> {
    const written = await this.viewers
      .bulkWrite(
        openings.map(({ user, sessionId, at }) => ({
          updateOne: {
            filter: { liveId, userId: user.userId },
            update: visitUpsert(user, sessionId, at),
            upsert: true,
          },
        })),
        { ordered: false },
      )
      // Two instances' upserts of one visit race (one gets E11000), a uid collides: each goes on its own.
      .catch(() => null);
    if (!written) return openings.map(() => undefined);
    const live = new Types.ObjectId(liveId);
    return openings.map(({ user, sessionId, at }, i) => {
      const id = written.upsertedIds[i] as Types.ObjectId | undefined;
      if (!id) return undefined;
      const { $set, $setOnInsert } = visitUpsert(user, sessionId, at);
      return this.opened({ _id: id, liveId: live, userId: user.userId, ...$set, ...$setOnInsert }, true);
    });
  }

  private opened(visit: ViewerRecord, firstVisit: boolean): OpenedVisit {
    if (this.openVisits.size >= KEPT_VISITS) this.openVisits.clear();
    this.openVisits.set(visitKey(visit.liveId.toString(), visit.userId), visit);
    return { visit, firstVisit, isNewVisit: true };
  }

  /**
   * Has `parts` read with the live's document right after each leave of a visit this instance
   * opened (the read that gives viewer.left its count), into the event's `alsoRead`: a reaction
   * that needs to know what the leaver holds in the live (their seat) then reads nothing itself.
   */
  alsoReadOnLeave(parts: (facts: LiveFacts, userId: string) => Record<string, SnapshotPart<unknown>>): void {
    this.leaveReads.push(parts);
  }

  /**
   * A leave of a visit this instance opened, in two commands: its close and its count-out in one
   * (see multiWrite), then the live's document (the event's count) with what reactions asked for
   * (see alsoReadOnLeave). The count-out goes before the close is known to have matched: when it
   * did not (a kick, a sweep or another leave closed the visit first, and counted it out), the
   * count is given back and null answered, for the caller to find the visit as it is.
   */
  private async leaveKnownVisit(visit: ViewerRecord, facts: LiveFacts): Promise<ViewerView | null> {
    const { id: liveId } = facts;
    const key = visitKey(liveId, visit.userId);
    if (this.openVisits.get(key)?.sessionId.equals(visit.sessionId)) this.openVisits.delete(key);
    const now = new Date();
    const closing = {
      $set: { status: 'left' as const, leftAt: now, leaveReason: 'left' as const },
      $inc: { watchMs: Math.max(0, now.getTime() - visit.joinedAt.getTime()) },
    };
    const [closed, countedOut] = await multiWrite(this.client, [
      {
        name: 'updateOne',
        namespace: namespaceOf(this.viewers),
        filter: { _id: visit._id, sessionId: visit.sessionId, status: 'active', counted: true },
        update: closing,
      },
      this.streams.viewerCountOutWrite(liveId),
    ]);
    if (!closed) {
      if (countedOut) await this.streams.restoreViewerCount(liveId);
      return null;
    }
    const alsoReadParts: Record<string, SnapshotPart<unknown>> = Object.assign(
      {},
      ...this.leaveReads.map((read) => read(facts, visit.userId)),
    );
    const read = await this.streams.readLiveWith(liveId, {
      ...alsoReadParts,
      [LEAVER]: this.visitPart(liveId, visit.userId),
    });
    const { [LEAVER]: leaver, ...alsoRead } = read.parts;
    const stored = leaver as ViewerRecord | undefined;
    // Not counted out: the visit's count-in has not landed yet, or the live ended (see countOut).
    const viewerCount = countedOut ? read.live.stats.viewerCount : await this.countOut(liveId);
    this.events.emit('viewer.left', { liveId, userId: visit.userId, reason: 'left', viewerCount, alsoRead });
    // As the close left it (unless a join re-opened it since: then as the close wrote it).
    const asClosed = { ...visit, ...closing.$set, watchMs: visit.watchMs + closing.$inc.watchMs };
    return toViewerView(stored?.sessionId.equals(visit.sessionId) ? stored : asClosed);
  }

  /**
   * Closes one visit (active -> left), adding its watch time, and returns it closed. Only the
   * caller whose update matched counts it out, and only if it was counted. null: not this call.
   */
  private async closeVisit(
    visit: Pick<ViewerRecord, '_id' | 'sessionId' | 'joinedAt' | 'liveId' | 'userId'>,
    reason: LeaveReason,
    extraFilter: QueryFilter<LiveViewer> = {},
    countOut = true,
    announce = true,
  ): Promise<ViewerRecord | null> {
    const now = new Date();
    const liveId = visit.liveId.toString();
    const key = visitKey(liveId, visit.userId);
    if (this.openVisits.get(key)?.sessionId.equals(visit.sessionId)) this.openVisits.delete(key);
    const closed = await this.viewers
      .findOneAndUpdate(
        { _id: visit._id, sessionId: visit.sessionId, status: 'active', ...extraFilter },
        {
          $set: { status: 'left', leftAt: now, leaveReason: reason },
          $inc: { watchMs: Math.max(0, now.getTime() - visit.joinedAt.getTime()) },
        },
        { returnDocument: 'after' },
      )
      .lean();
    if (!closed) return null;
    const viewerCount = countOut && closed.counted ? await this.countOut(liveId) : undefined;
    if (closed.counted && announce) {
      this.events.emit('viewer.left', { liveId, userId: visit.userId, reason, viewerCount: viewerCount ?? 0 });
    }
    return closed;
  }

  /**
   * Counts a closed visit out. When the count is 0 while the live runs, the visit's count-in (or
   * the give-back of a refused join) has not landed yet: it will, so wait for it briefly; past
   * that, the start-up recount repairs it.
   */
  private async countOut(liveId: string): Promise<number> {
    for (const wait of COUNT_OUT_WAITS_MS) {
      const count = await this.streams.countViewerOut(liveId);
      if (count !== null) return count;
      const live = await this.streams.findLive(liveId);
      if (live.status !== 'live') return 0;
      if (live.stats.viewerCount > 0) continue;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return 0;
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

/** A visit being opened: whose, under which session, when. */
interface VisitOpening {
  user: AuthUser;
  sessionId: Types.ObjectId;
  at: Date;
}

/** An opened visit: the user's first in this live, and whether this join opened it (else it was active). */
interface OpenedVisit {
  visit: ViewerRecord;
  firstVisit: boolean;
  isNewVisit: boolean;
}

/** A visit opened at `at` under this session: counted from its opening. */
function freshVisit(sessionId: Types.ObjectId, at: Date) {
  return { status: 'active' as const, sessionId, counted: true, joinedAt: at };
}

/** The upsert that opens a user's visit: identity and presence always, the rest only when it inserts. */
function visitUpsert(user: AuthUser, sessionId: Types.ObjectId, at: Date) {
  return {
    $set: { uid: user.uid, name: user.name, avatar: user.avatar, lastSeenAt: at },
    $setOnInsert: { ...freshVisit(sessionId, at), firstJoinedAt: at, watchMs: 0, leftAt: null, leaveReason: null },
  };
}
