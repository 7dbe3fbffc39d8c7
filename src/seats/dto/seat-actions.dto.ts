import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { SEAT_MODES, SeatMode } from '../../streams/schemas/live-stream.schema';

/** Seat indexes never exceed the largest seat count (16 seats: 0..15); the live's count is checked in the service. */
export const MAX_SEAT_INDEX = 15;

export class MicDto {
  @ApiProperty({ example: true, description: 'true: mic on, false: mic off' })
  @IsBoolean()
  on!: boolean;
}

export class OptionalSeatIndexDto {
  @ApiPropertyOptional({ type: 'integer', example: 3, description: 'The seat wanted; left out: the first free seat' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_SEAT_INDEX)
  seatIndex?: number;
}

export class InviteToSeatDto extends OptionalSeatIndexDto {
  @ApiProperty({ example: 'dave', description: 'The user invited to sit' })
  @IsString()
  @Length(1, 128)
  targetUserId!: string;
}

export class MoveSeatDto {
  @ApiPropertyOptional({
    example: 'bob',
    description: 'Host/co-host only: the speaker to move (left out: the caller moves)',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 128)
  targetUserId?: string;
}

export class SeatModeDto {
  @ApiProperty({ enum: SEAT_MODES, example: 'request' })
  @IsIn(SEAT_MODES)
  seatMode!: SeatMode;
}
