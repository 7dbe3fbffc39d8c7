import { ApiProperty } from '@nestjs/swagger';
import { LIVE_ID_EXAMPLE } from './examples';

export class LiveMessageDeletedEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a90' }) messageId!: string;
  @ApiProperty({ example: 'alice', description: 'The sender, the host or a co-host' }) actorId!: string;
}

export class LiveChatMutedEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ example: true, description: 'false: you were unmuted' }) muted!: boolean;
  @ApiProperty({
    example: '2026-11-24T20:15:00.000Z',
    nullable: true,
    type: String,
    description: 'Muted until then; null when unmuted',
  })
  until!: string | null;
  @ApiProperty({ example: 'alice' }) actorId!: string;
}
