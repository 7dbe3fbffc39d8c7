import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../common/pagination';
import { LiveView } from '../../streams/dto/live.view';

export class LiveMinuteView {
  @ApiProperty({ example: '2026-11-24T20:05:00.000Z', description: "The minute's start (UTC)" }) minute!: string;
  @ApiProperty({
    type: 'integer',
    example: 42,
    description: 'Most viewers at once in the minute (carried over a quiet minute)',
  })
  viewers!: number;
  @ApiProperty({ type: 'integer', example: 7 }) joins!: number;
  @ApiProperty({ type: 'integer', example: 3 }) leaves!: number;
  @ApiProperty({ type: 'integer', example: 55 }) messages!: number;
  @ApiProperty({ type: 'integer', example: 9, description: 'Gift items' }) gifts!: number;
  @ApiProperty({ type: 'integer', example: 1200 }) diamonds!: number;
}

export class LiveTimelineView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({
    type: [LiveMinuteView],
    description:
      'One entry per minute from the start (at most the last 1,440), oldest first. The current minute fills in as it is flushed.',
  })
  minutes!: LiveMinuteView[];
}

export class HostLivesPage extends PageMeta {
  @ApiProperty({ type: [LiveView], description: "The host's lives, newest first, each with its totals (stats)" })
  items!: LiveView[];
}
