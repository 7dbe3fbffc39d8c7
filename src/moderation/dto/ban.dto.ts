import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { PageMeta } from '../../common/pagination';
import { MAX_REMOVAL_MS, MIN_REMOVAL_MS } from '../../streams/dto/kick-user.dto';
import { REPORT_REASONS, ReportReason } from '../schemas/report.schema';

/** The longest timed ban or kick: 30 days. Longer ones are permanent (leave durationMs out). */
export const MAX_BAN_MS = MAX_REMOVAL_MS;

export class BanUserDto {
  @ApiProperty({ example: 'bob' })
  @IsString()
  @Length(1, 128)
  userId!: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 3_600_000,
    description: 'How long the ban lasts, 1,000 ms to 30 days; left out: permanent',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(MIN_REMOVAL_MS)
  @Max(MAX_BAN_MS)
  durationMs?: number;

  @ApiPropertyOptional({ enum: REPORT_REASONS, example: 'spam' })
  @IsOptionalNotNull()
  @IsIn(REPORT_REASONS)
  reason?: ReportReason;

  @ApiPropertyOptional({ example: 'Repeated spam after warnings' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class BanView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a90' }) id!: string;
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ example: '2026-11-25T20:00:00.000Z', nullable: true, type: String, description: 'null: permanent' })
  until!: string | null;
  @ApiProperty({ example: 'spam', nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ example: 'admin-1' }) actorId!: string;
  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' }) createdAt!: string;
}

export class BanPage extends PageMeta {
  @ApiProperty({ type: [BanView] }) items!: BanView[];
}

/** The caller's own standing: `GET /api/me/ban` answers it even while banned. */
export class MyBanView {
  @ApiProperty({ example: true }) banned!: boolean;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'null: permanent (or not banned)' })
  until!: string | null;
  @ApiProperty({ example: 'spam', nullable: true, type: String }) reason!: string | null;
}

export class UnbanView {
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ example: false }) banned!: boolean;
  @ApiProperty({ example: true, description: 'false: there was no ban in force (the call is idempotent)' })
  lifted!: boolean;
}
