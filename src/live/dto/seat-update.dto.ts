import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { MAX_SEAT_INDEX } from '../../seats/dto/seat-actions.dto';
import { LiveRefDto } from './live-ref.dto';

/** live:seat:update actions, by the user on (or asking for) a seat. Host actions go through live:host:action. */
export const SEAT_UPDATE_ACTIONS = [
  'take',
  'leave',
  'move',
  'mic_on',
  'mic_off',
  'request',
  'cancel_request',
  'accept_invite',
  'decline_invite',
] as const;
export type SeatUpdateAction = (typeof SEAT_UPDATE_ACTIONS)[number];

/**
 * `{ liveStreamId, seatIndex, action, seatData }` (the note's shape). seatIndex: the seat to take
 * or move to, the seat asked for (request, optional), or your own seat (leave, mic_*: optional,
 * checked when given). seatData is accepted for the note's clients and not read.
 */
export class SeatUpdateDto extends LiveRefDto {
  @ApiProperty({ enum: SEAT_UPDATE_ACTIONS, example: 'take' })
  @IsIn(SEAT_UPDATE_ACTIONS)
  action!: SeatUpdateAction;

  @ApiPropertyOptional({ example: 2 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_SEAT_INDEX)
  seatIndex?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: {} })
  @IsOptionalNotNull()
  @IsObject()
  seatData?: Record<string, unknown>;
}
