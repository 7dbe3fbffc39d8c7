import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIVE_ID_EXAMPLE } from './examples';

export class AuthBannedEvent {
  @ApiProperty({ enum: ['BANNED'], example: 'BANNED' }) code!: 'BANNED';
  @ApiProperty({ example: 'You are banned from this app; GET /api/me/ban says until when.' }) message!: string;
  @ApiProperty({
    example: '2026-11-25T20:00:00.000Z',
    nullable: true,
    type: String,
    description: 'When the ban ends; null: for good',
  })
  until!: string | null;
}

/** A live's counts as the operator console shows them; only the counts that changed are present. */
export class AdminLiveCounts {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiPropertyOptional({ type: 'integer', example: 12 }) viewerCount?: number;
  @ApiPropertyOptional({ type: 'integer', example: 5200 }) diamonds?: number;
  @ApiPropertyOptional({ type: 'integer', example: 17 }) giftCount?: number;
  @ApiPropertyOptional({ type: 'integer', example: 3, description: 'Messages since the previous admin:live:stats' })
  newMessages?: number;
}

export class AdminLiveStatsEvent {
  @ApiProperty({ type: [AdminLiveCounts], description: 'The lives whose counts changed since the last one' })
  lives!: AdminLiveCounts[];
}

export class AdminWatchAck {
  @ApiProperty({ example: true }) watching!: boolean;
}
