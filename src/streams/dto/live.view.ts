import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../common/pagination';
import {
  END_REASONS,
  EndReason,
  LIVE_TYPES,
  LiveStream,
  LiveType,
  SEAT_MODES,
  SeatMode,
} from '../schemas/live-stream.schema';

export class LiveSettingsView {
  @ApiProperty({ type: 'integer', example: 9 }) seatCount!: number;
  @ApiProperty({ enum: SEAT_MODES, example: 'free' }) seatMode!: SeatMode;
  @ApiProperty({ example: true }) chatEnabled!: boolean;
  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Slow mode: least ms between two messages of one viewer (0: off)',
  })
  slowModeMs!: number;
  @ApiProperty({ type: [String], example: ['spoiler'], description: "Words masked in this live's chat" })
  blockedWords!: string[];
}

export class LiveStatsView {
  @ApiProperty({ type: 'integer', example: 12 }) viewerCount!: number;
  @ApiProperty({ type: 'integer', example: 30 }) peakViewerCount!: number;
  @ApiProperty({ type: 'integer', example: 41 }) uniqueViewerCount!: number;
  @ApiProperty({ type: 'integer', example: 5200 }) diamonds!: number;
  @ApiProperty({ type: 'integer', example: 17 }) giftCount!: number;
  @ApiProperty({ type: 'integer', example: 230 }) messageCount!: number;
}

/** A live as clients see it. */
export class LiveView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) id!: string;
  @ApiProperty({ example: 'alice' }) hostId!: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 2873461234 }) hostUid!: number;
  @ApiProperty({ example: 'Alice' }) hostName!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) hostAvatar!: string | null;
  @ApiProperty({ enum: LIVE_TYPES, example: 'audio' }) liveType!: LiveType;
  @ApiProperty({ example: 'Friday night karaoke' }) title!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) coverUrl!: string | null;
  @ApiProperty({ example: 'lv_k3j9x0a7qz2m' }) streamingChannel!: string;
  @ApiProperty({ example: 'call_p8d2m4t6w1' }) callId!: string;
  @ApiProperty({ enum: ['live', 'ended'], example: 'live' }) status!: 'live' | 'ended';
  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ type: 'string', enum: [...END_REASONS, null], nullable: true, example: null })
  endReason!: EndReason | null;
  @ApiProperty({ type: [String], example: ['bob'] }) coHostIds!: string[];
  @ApiProperty({ type: LiveSettingsView }) settings!: LiveSettingsView;
  @ApiProperty({ type: LiveStatsView }) stats!: LiveStatsView;
}

export class LivePage extends PageMeta {
  @ApiProperty({ type: [LiveView] }) items!: LiveView[];
}

export class LiveStatisticsView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ type: 'integer', example: 3600000, description: 'Milliseconds live so far (or in all, once ended)' })
  durationMs!: number;
  @ApiProperty({ type: 'integer', example: 12 }) currentViewers!: number;
  @ApiProperty({ type: 'integer', example: 30 }) peakViewers!: number;
  @ApiProperty({ type: 'integer', example: 41 }) uniqueViewers!: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: 7200000 }) totalWatchMs!: number;
  @ApiProperty({ type: 'integer', example: 175609 }) averageWatchMs!: number;
  @ApiProperty({ type: 'integer', example: 230 }) messages!: number;
  @ApiProperty({ type: 'integer', example: 17 }) gifts!: number;
  @ApiProperty({ type: 'integer', example: 5200 }) diamonds!: number;
}

type LiveLike = Pick<
  LiveStream,
  | 'hostId'
  | 'hostUid'
  | 'hostName'
  | 'hostAvatar'
  | 'liveType'
  | 'title'
  | 'coverUrl'
  | 'streamingChannel'
  | 'callId'
  | 'status'
  | 'startedAt'
  | 'endedAt'
  | 'endReason'
  | 'coHostIds'
  | 'settings'
  | 'stats'
> & { _id: { toString(): string } };

export function toLiveView(live: LiveLike): LiveView {
  const stats = live.stats ?? ({} as LiveLike['stats']);
  return {
    id: live._id.toString(),
    hostId: live.hostId,
    hostUid: live.hostUid,
    hostName: live.hostName,
    hostAvatar: live.hostAvatar ?? null,
    liveType: live.liveType,
    title: live.title,
    coverUrl: live.coverUrl ?? null,
    streamingChannel: live.streamingChannel,
    callId: live.callId,
    status: live.status,
    startedAt: live.startedAt.toISOString(),
    endedAt: live.endedAt ? live.endedAt.toISOString() : null,
    endReason: live.endReason ?? null,
    coHostIds: [...(live.coHostIds ?? [])],
    settings: {
      seatCount: live.settings.seatCount,
      seatMode: live.settings.seatMode,
      chatEnabled: live.settings.chatEnabled,
      slowModeMs: live.settings.slowModeMs ?? 0,
      blockedWords: [...(live.settings.blockedWords ?? [])],
    },
    stats: {
      viewerCount: Math.max(0, stats.viewerCount ?? 0),
      peakViewerCount: stats.peakViewerCount ?? 0,
      uniqueViewerCount: stats.uniqueViewerCount ?? 0,
      diamonds: stats.diamonds ?? 0,
      giftCount: stats.giftCount ?? 0,
      messageCount: stats.messageCount ?? 0,
    },
  };
}
