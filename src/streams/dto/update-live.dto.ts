import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { IsOptionalNotNull, IsOptionalNullable } from '../../common/optional-fields';
import { SEAT_MODES, SeatMode } from '../schemas/live-stream.schema';

export const SLOW_MODE_MIN_MS = 1_000;
export const SLOW_MODE_MAX_MS = 120_000;

/** Slow mode is off (0) or 1,000-120,000 ms. */
const IsSlowMode = () =>
  ValidateBy({
    name: 'isSlowMode',
    validator: {
      validate: (value: unknown) => value === 0 || (typeof value === 'number' && value >= SLOW_MODE_MIN_MS),
      defaultMessage: () => `slowModeMs must be 0 (off) or ${SLOW_MODE_MIN_MS}-${SLOW_MODE_MAX_MS}`,
    },
  });

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

  @ApiPropertyOptional({
    type: 'integer',
    example: 10_000,
    description: `Least milliseconds between two messages of one viewer: 0 (off) or ${SLOW_MODE_MIN_MS}-${SLOW_MODE_MAX_MS}. Hosts and co-hosts are exempt.`,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(SLOW_MODE_MAX_MS)
  @IsSlowMode()
  slowModeMs?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['spoiler'],
    description: 'Words masked with *** in this live, beside the app-wide list (replaces the list; up to 100)',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  blockedWords?: string[];
}

/** Request examples: one change each (seatMode applies to party and audio lives only). */
export const UPDATE_LIVE_EXAMPLES = {
  title: { summary: 'Rename the live', value: { title: 'New title' } },
  chat: { summary: 'Turn chat off', value: { chatEnabled: false } },
  cover: { summary: 'Remove the cover', value: { coverUrl: null } },
} satisfies Record<string, { summary: string; value: UpdateLiveDto }>;
