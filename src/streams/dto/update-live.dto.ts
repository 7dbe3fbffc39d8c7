import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { IsOptionalNotNull, IsOptionalNullable } from '../../common/optional-fields';
import { SEAT_MODES, SeatMode } from '../schemas/live-stream.schema';

/** What a host or co-host can change while live (REST PATCH and socket live:update). */
export class UpdateLiveDto {
  @ApiPropertyOptional({ example: 'New title' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 100)
  title?: string;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/covers/2.jpg', nullable: true, type: String })
  @IsOptionalNullable()
  @IsUrl({ require_protocol: true })
  @MaxLength(512)
  coverUrl?: string | null;

  @ApiPropertyOptional({ example: false })
  @IsOptionalNotNull()
  @IsBoolean()
  chatEnabled?: boolean;

  @ApiPropertyOptional({ enum: SEAT_MODES, example: 'request', description: 'party/audio only' })
  @IsOptionalNotNull()
  @IsIn(SEAT_MODES)
  seatMode?: SeatMode;
}

/** Request examples: one change each (seatMode applies to party and audio lives only). */
export const UPDATE_LIVE_EXAMPLES = {
  title: { summary: 'Rename the live', value: { title: 'New title' } },
  chat: { summary: 'Turn chat off', value: { chatEnabled: false } },
  cover: { summary: 'Remove the cover', value: { coverUrl: null } },
} satisfies Record<string, { summary: string; value: UpdateLiveDto }>;
