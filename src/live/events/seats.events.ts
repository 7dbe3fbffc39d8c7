import { ApiProperty } from '@nestjs/swagger';
import {
  SEAT_CHANGES,
  SeatChange,
  SeatInviteView,
  SeatRequestView,
  SeatView,
  TICKET_STATUSES,
  TicketStatus,
} from '../../seats/dto/seat.view';
import { LIVE_ID_EXAMPLE } from './examples';

export class LiveSeatUpdateEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: 'integer', example: 2 }) seatIndex!: number;
  @ApiProperty({ enum: SEAT_CHANGES, example: 'take' }) action!: SeatChange;
  @ApiProperty({ type: SeatView, description: "The seat's full state after the change" }) seat!: SeatView;
  @ApiProperty({ type: 'integer', example: 7, description: 'The seat version: drop an update not newer than shown' })
  version!: number;
  @ApiProperty({ example: 'bob' }) actorId!: string;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Who lost the seat in this change (null if nobody, or if the same user still sits)',
  })
  previousUserId!: string | null;
  @ApiProperty({
    example: false,
    description: 'true: previousUserId lost their seat and must stop publishing (drop to audience)',
  })
  dropToAudience!: boolean;
}

export class LiveSeatJoinedEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: 'integer', example: 2 }) seatIndex!: number;
  @ApiProperty({ type: SeatView }) seat!: SeatView;
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ enum: SEAT_CHANGES, example: 'take', description: '`take` or `move_in`' }) action!: SeatChange;
}

export class LiveSeatLeftEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: 'integer', example: 2 }) seatIndex!: number;
  @ApiProperty({ type: SeatView, description: 'The seat, now empty' }) seat!: SeatView;
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ enum: SEAT_CHANGES, example: 'leave' }) action!: SeatChange;
  @ApiProperty({ example: true, description: 'false for move_out: the speaker is on their new seat' })
  dropToAudience!: boolean;
}

export class LiveSeatRequestEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ enum: TICKET_STATUSES, example: 'pending' }) status!: TicketStatus;
  @ApiProperty({ type: SeatRequestView }) request!: SeatRequestView;
}

export class LiveSeatInviteEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ enum: TICKET_STATUSES, example: 'pending' }) status!: TicketStatus;
  @ApiProperty({ type: SeatInviteView }) invite!: SeatInviteView;
}
