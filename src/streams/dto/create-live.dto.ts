import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUrl, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { CHANNEL_PATTERN } from '../channel-names';
import { LIVE_TYPES, LiveType, SEAT_MODES, SeatMode } from '../schemas/live-stream.schema';

export const MIN_SEATS = 2;
export const MAX_SEATS = 16;

export class CreateLiveDto {
  @ApiProperty({ enum: LIVE_TYPES, example: 'audio' })
  @IsIn(LIVE_TYPES)
  liveType!: LiveType;

  @ApiProperty({ example: 'Friday night karaoke', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  title!: string;

  @ApiPropertyOptional({
    example: 'test_channel_123',
    description: 'RTC channel; generated when absent. [A-Za-z0-9_-], 1..64',
  })
  @IsOptionalNotNull()
  @Matches(CHANNEL_PATTERN, { message: 'streamingChannel must be 1..64 characters of A-Z, a-z, 0-9, _ or -' })
  streamingChannel?: string;

  @ApiPropertyOptional({ example: 'call_abc123', description: 'ZEGOCLOUD call id; generated when absent' })
  @IsOptionalNotNull()
  @Matches(CHANNEL_PATTERN, { message: 'callId must be 1..64 characters of A-Z, a-z, 0-9, _ or -' })
  callId?: string;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/covers/1.jpg' })
  @IsOptionalNotNull()
  @IsUrl({ require_protocol: true })
  @MaxLength(512)
  coverUrl?: string;

  @ApiPropertyOptional({
    minimum: MIN_SEATS,
    maximum: MAX_SEATS,
    example: 9,
    description: 'party/audio only; default party 6, audio 9',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(MIN_SEATS)
  @Max(MAX_SEATS)
  seatCount?: number;

  @ApiPropertyOptional({ enum: SEAT_MODES, example: 'free', description: 'party/audio only' })
  @IsOptionalNotNull()
  @IsIn(SEAT_MODES)
  seatMode?: SeatMode;

  @ApiPropertyOptional({ example: 12345, description: "Compatibility: must equal the caller's uid" })
  @IsOptionalNotNull()
  @IsInt()
  authorUid?: number;
}
