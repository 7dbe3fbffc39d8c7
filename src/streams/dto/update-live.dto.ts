import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Length, MaxLength, ValidateIf } from 'class-validator';
import { SEAT_MODES, SeatMode } from '../schemas/live-stream.schema';

/** What a host or co-host can change while live (REST PATCH and socket live:update). */
export class UpdateLiveDto {
  @ApiPropertyOptional({ example: 'New title' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  title?: string;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/covers/2.jpg', nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUrl({ require_protocol: true })
  @MaxLength(512)
  coverUrl?: string | null;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  chatEnabled?: boolean;

  @ApiPropertyOptional({ enum: SEAT_MODES, example: 'request', description: 'party/audio only' })
  @IsOptional()
  @IsIn(SEAT_MODES)
  seatMode?: SeatMode;
}
