import { Injectable } from '@nestjs/common';
import { ChatService } from '../chat/chat.service';
import { GiftLeaderboardService } from '../gifts/gift-leaderboard.service';
import { SeatTicketsService } from '../seats/seat-tickets.service';
import { SeatsService } from '../seats/seats.service';
import { LiveType } from '../streams/schemas/live-stream.schema';
import { StreamsService } from '../streams/streams.service';

/** How many top gifters the join snapshot carries. */
const SNAPSHOT_TOP_GIFTERS = 10;
/** How long joiners of one live share the parts of their snapshot that decide no write. */
export const SNAPSHOT_SHARE_MS = 250;

type SharedSnapshot = Awaited<ReturnType<LiveSnapshots['read']>>;

/**
 * The parts of the live:join snapshot that are the same for every joiner and decide no write
 * (recent messages, seats, top gifters, pending seat invitations): read in one command and
 * shared by the live's joiners for SNAPSHOT_SHARE_MS, so a join storm reads them a few times a
 * second, not once per joiner. The gate, the role, the count and the joiner's mute are read fresh.
 */
@Injectable()
export class LiveSnapshots {
  private readonly shared = new Map<string, { until: number; snapshot: Promise<SharedSnapshot> }>();

  constructor(
    private readonly streams: StreamsService,
    private readonly chat: ChatService,
    private readonly seats: SeatsService,
    private readonly tickets: SeatTicketsService,
    private readonly leaderboard: GiftLeaderboardService,
  ) {}

  of(live: { id: string; liveType: LiveType }): Promise<SharedSnapshot> {
    const now = Date.now();
    for (const [id, entry] of this.shared) if (entry.until <= now) this.shared.delete(id);
    const cached = this.shared.get(live.id);
    if (cached) return cached.snapshot;
    const snapshot = this.read(live);
    this.shared.set(live.id, { until: now + SNAPSHOT_SHARE_MS, snapshot });
    snapshot.catch(() => this.shared.delete(live.id));
    return snapshot;
  }

  private async read(live: { id: string; liveType: LiveType }) {
    const hasSeats = live.liveType !== 'live';
    const { parts } = await this.streams.readLiveWith(live.id, {
      recentMessages: this.chat.recentPart(live.id),
      topGifters: this.leaderboard.topPart(live.id, SNAPSHOT_TOP_GIFTERS),
      ...(hasSeats ? { seats: this.seats.snapshotPart(live.id), invites: this.tickets.invitesPart(live.id) } : {}),
    });
    return { ...parts, seats: parts.seats ?? [], invites: parts.invites ?? [] };
  }
}
