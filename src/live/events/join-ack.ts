import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BattleView } from '../../battles/dto/battle.view';
import { ConnectionView } from '../../battles/dto/connection.view';
import { MessageView } from '../../chat/dto/message.view';
import { GifterView } from '../../gifts/dto/gift-result.view';
import { SeatInviteView, SeatView } from '../../seats/dto/seat.view';
import { LiveView } from '../../streams/dto/live.view';
import type { MissedEvent } from '../client-events';

/** Everything a client needs to draw the room. */
export class LiveSnapshot {
  @ApiProperty({ type: LiveView }) live!: LiveView;
  @ApiProperty({ type: 'integer', example: 12 }) viewerCount!: number;
  @ApiProperty({ enum: ['host', 'cohost', 'viewer'], example: 'viewer', description: "The joiner's role" })
  role!: 'host' | 'cohost' | 'viewer';
  // chat
  @ApiProperty({ type: [MessageView], description: 'The last messages (up to 30), oldest first' })
  recentMessages!: MessageView[];
  // seats
  @ApiProperty({ type: [SeatView], description: 'Every seat of a party or audio live (empty for a one-host live)' })
  seats!: SeatView[];
  // gifts
  @ApiProperty({
    type: [GifterView],
    description: "The live's top ten gifters (the first page of GET /api/live/:id/gifts/top)",
  })
  topGifters!: GifterView[];
  // battles
  @ApiProperty({
    type: ConnectionView,
    nullable: true,
    description: "The live's connection to another live, or its pending invitation; null when none",
  })
  connection!: ConnectionView | null;
  @ApiProperty({
    type: BattleView,
    nullable: true,
    description: "The connection's battle in progress, settling or in its punishment period; null when none",
  })
  battle!: BattleView | null;
}

/** What a user must not miss while away, as state. */
export class JoinerState {
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: "Muted in this live's chat until then; null when not muted",
  })
  chatMutedUntil!: string | null;
  @ApiProperty({ type: SeatInviteView, nullable: true, description: 'An invitation to a seat waiting for an answer' })
  pendingSeatInvite!: SeatInviteView | null;
}

/**
 * One room event the joiner missed, as it was sent. The AsyncAPI document lists the exact shape of
 * each room event (`event` names it, `data` is its payload with seq and epoch).
 */
export class MissedRoomEvent {
  @ApiProperty({ example: 'live:message' }) event!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

/** live:join's ack: the snapshot, where the room's sequence stands, and what the joiner missed. */
export class LiveJoinAck extends LiveSnapshot {
  @ApiProperty({ example: 'e1j5q0x2', description: "The room's epoch" }) epoch!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 41,
    description: "The room's last seq, read before the snapshot (the snapshot may already hold later events)",
  })
  seq!: number;
  @ApiPropertyOptional({
    type: [MissedRoomEvent],
    description: 'With sinceSeq: every room event in (sinceSeq, seq], in order, when the server still holds them all',
  })
  missed?: MissedEvent[];
  @ApiPropertyOptional({
    enum: [true],
    example: true,
    description: 'With sinceSeq, when the missed events cannot be given: the snapshot is the truth',
  })
  resync?: true;
  @ApiProperty({ type: JoinerState }) me!: JoinerState;
}
