import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { SEAT_MODES, SeatMode } from '../../streams/schemas/live-stream.schema';
import { LiveRefDto } from './live-ref.dto';

export const HOST_ACTIONS = [
  'kick',
  'add_cohost',
  'remove_cohost',
  'end',
  // chat
  'mute_chat',
  'unmute_chat',
  // seats (party/audio lives): see SeatsService / SeatTicketsService
  'invite_to_seat',
  'accept_request',
  'reject_request',
  'remove_from_seat',
  'mute_seat',
  'unmute_seat',
  'lock_seat',
  'unlock_seat',
  'move_speaker',
  'set_seat_mode',
] as const;
export type HostAction = (typeof HOST_ACTIONS)[number];

export class HostActionDto extends LiveRefDto {
  @ApiProperty({ enum: HOST_ACTIONS, example: 'kick' })
  @IsIn(HOST_ACTIONS)
  action!: HostAction;

  @ApiPropertyOptional({ example: 'bob' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 128)
  targetUserId?: string;

  @ApiPropertyOptional({ example: 2 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(15)
  targetSeatIndex?: number;

  // chat
  @ApiPropertyOptional({
    example: 600000,
    description:
      'mute_chat: milliseconds (CHAT_MUTE_DEFAULT_MS when left out); kick: how long the user stays out (up to 30 days; left out: the rest of the live)',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1000)
  durationMs?: number;
  // seats: the new mode for set_seat_mode
  @ApiPropertyOptional({ enum: SEAT_MODES, example: 'request' })
  @IsOptionalNotNull()
  @IsIn(SEAT_MODES)
  seatMode?: SeatMode;
}
