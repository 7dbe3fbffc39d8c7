import { ApiProperty } from '@nestjs/swagger';
import type { SeatRecord } from '../schemas/audio-chat-user.schema';
import type { TicketRecord } from '../schemas/seat-ticket.schema';

/** What changed on a seat (the `action` of live:seat:update). */
export const SEAT_CHANGES = [
  'take',
  'leave',
  'move_out',
  'move_in',
  'mic_on',
  'mic_off',
  'lock',
  'unlock',
  'mute',
  'unmute',
  'remove',
  'kicked',
  'left_live',
] as const;
export type SeatChange = (typeof SEAT_CHANGES)[number];

export const TICKET_STATUSES = ['pending', 'cancelled', 'accepted', 'rejected', 'declined'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** A seat as clients see it. Empty seats have userId, uid, name and avatar null. */
export class SeatView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ type: 'integer', example: 2 }) seatIndex!: number;
  @ApiProperty({ example: 'bob', nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ example: 67890, nullable: true, type: 'integer', format: 'int64' }) uid!: number | null;
  @ApiProperty({ example: 'Bob', nullable: true, type: String }) name!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
  @ApiProperty({ example: false }) locked!: boolean;
  @ApiProperty({ example: false, description: 'Muted by the host or a co-host: the speaker cannot unmute' })
  hostMuted!: boolean;
  @ApiProperty({ example: true, description: "The speaker's own mic switch; audible = micOn && !hostMuted" })
  micOn!: boolean;
  @ApiProperty({
    type: 'integer',
    example: 7,
    description: 'Grows with every change: drop an update older than the one shown',
  })
  version!: number;
}

export class SeatRequestView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ example: 'carol' }) userId!: string;
  @ApiProperty({ example: 13579, nullable: true, type: 'integer', format: 'int64' }) uid!: number | null;
  @ApiProperty({ example: 'Carol', nullable: true, type: String }) name!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
  @ApiProperty({ example: 3, nullable: true, type: 'integer', description: 'null: any free seat' }) seatIndex!:
    number | null;
  @ApiProperty({ example: '2026-11-24T20:02:00.000Z' }) expiresAt!: string;
}

export class SeatInviteView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ example: 'dave', description: 'The invited user' }) userId!: string;
  @ApiProperty({ example: 'alice', description: 'Who sent the invitation' }) actorId!: string;
  @ApiProperty({ example: 4, nullable: true, type: 'integer', description: 'null: any free seat' }) seatIndex!:
    number | null;
  @ApiProperty({ example: '2026-11-24T20:02:00.000Z' }) expiresAt!: string;
}

export function toSeatView(seat: SeatRecord): SeatView {
  return {
    liveStreamId: seat.liveId.toString(),
    seatIndex: seat.index,
    userId: seat.userId ?? null,
    uid: seat.uid ?? null,
    name: seat.name ?? null,
    avatar: seat.avatar ?? null,
    locked: seat.locked,
    hostMuted: seat.hostMuted,
    micOn: seat.micOn,
    version: seat.version,
  };
}

export function toRequestView(ticket: TicketRecord): SeatRequestView {
  return {
    liveStreamId: ticket.liveId.toString(),
    userId: ticket.userId,
    uid: ticket.uid ?? null,
    name: ticket.name ?? null,
    avatar: ticket.avatar ?? null,
    seatIndex: ticket.seatIndex ?? null,
    expiresAt: ticket.expiresAt.toISOString(),
  };
}

export function toInviteView(ticket: TicketRecord): SeatInviteView {
  return {
    liveStreamId: ticket.liveId.toString(),
    userId: ticket.userId,
    actorId: ticket.actorId,
    seatIndex: ticket.seatIndex ?? null,
    expiresAt: ticket.expiresAt.toISOString(),
  };
}
