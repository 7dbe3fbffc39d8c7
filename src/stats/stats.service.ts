import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AuthUser, isAdmin } from '../auth/auth-user';
import { DomainError } from '../common/errors';
import { Page, PageQuery } from '../common/pagination';
import { LiveView } from '../streams/dto/live.view';
import { assertModerator } from '../streams/live-roles';
import { StreamsService } from '../streams/streams.service';
import { LiveMinuteView, LiveTimelineView } from './dto/stats.view';
import { LiveMinute } from './schemas/live-minute.schema';

const MINUTE_MS = 60_000;
/** A timeline holds at most a day of minutes (the last one). */
const MAX_MINUTES = 1_440;

/** Statistics over time: a live's minutes, a host's lives. */
@Injectable()
export class StatsService {
  constructor(
    @InjectModel(LiveMinute.name) private readonly minutes: Model<LiveMinute>,
    private readonly streams: StreamsService,
  ) {}

  /**
   * The live's minutes from its start, one entry per minute (host, co-host or admin). A quiet
   * minute keeps the viewers of the one before and counts nothing.
   */
  async timeline(liveId: string, user: AuthUser): Promise<LiveTimelineView> {
    const live = await this.streams.findLive(liveId);
    if (!isAdmin(user)) assertModerator(live, user.userId);
    const last = floorMinute((live.endedAt ?? new Date()).getTime());
    const first = Math.max(floorMinute(live.startedAt.getTime()), last - (MAX_MINUTES - 1) * MINUTE_MS);
    const docs = await this.minutes
      .find({ liveId: new Types.ObjectId(liveId), minute: { $gte: new Date(first), $lte: new Date(last) } })
      .lean();
    const byMinute = new Map(docs.map((doc) => [doc.minute.getTime(), doc]));
    const minutes: LiveMinuteView[] = [];
    let viewers = 0;
    for (let at = first; at <= last; at += MINUTE_MS) {
      const doc = byMinute.get(at);
      viewers = doc ? doc.viewers : viewers;
      minutes.push({
        minute: new Date(at).toISOString(),
        viewers,
        joins: doc?.joins ?? 0,
        leaves: doc?.leaves ?? 0,
        messages: doc?.messages ?? 0,
        gifts: doc?.gifts ?? 0,
        diamonds: doc?.diamonds ?? 0,
      });
    }
    return {
      liveStreamId: liveId,
      startedAt: live.startedAt.toISOString(),
      endedAt: live.endedAt?.toISOString() ?? null,
      minutes,
    };
  }

  /** A host's lives across time with their totals: the host themself, or an admin. */
  async hostLives(hostId: string, user: AuthUser, query: PageQuery): Promise<Page<LiveView>> {
    if (hostId !== user.userId && !isAdmin(user)) {
      throw new DomainError('FORBIDDEN', "Only the host (or an admin) can read a host's history.");
    }
    return this.streams.livesOfHost(hostId, query);
  }
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
