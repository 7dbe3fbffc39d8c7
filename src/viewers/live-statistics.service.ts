import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { LiveStatisticsView } from '../streams/dto/live.view';
import { assertModerator } from '../streams/live-roles';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from './viewers.service';

/** The host's numbers for one live: counters from the live, watch time from the viewer records. */
@Injectable()
export class LiveStatisticsService {
  constructor(
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
  ) {}

  async forHost(liveId: string, user: AuthUser): Promise<LiveStatisticsView> {
    const live = await this.streams.findLive(liveId);
    assertModerator(live, user.userId);
    const { totalWatchMs, visitors } = await this.viewers.watchTotals(liveId);
    const end = live.endedAt ?? new Date();
    return {
      liveStreamId: liveId,
      durationMs: Math.max(0, end.getTime() - live.startedAt.getTime()),
      currentViewers: live.stats.viewerCount,
      peakViewers: live.stats.peakViewerCount,
      uniqueViewers: live.stats.uniqueViewerCount,
      totalWatchMs,
      averageWatchMs: visitors === 0 ? 0 : Math.round(totalWatchMs / visitors),
      messages: live.stats.messageCount,
      gifts: live.stats.giftCount,
      diamonds: live.stats.diamonds,
    };
  }
}
