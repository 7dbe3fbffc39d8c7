import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsMongoId, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { PageMeta, PageQuery } from '../../common/pagination';
import { MAX_REMOVAL_MS, MIN_REMOVAL_MS } from '../../streams/dto/kick-user.dto';
import {
  REPORT_ACTIONS,
  REPORT_REASONS,
  REPORT_STATUSES,
  REPORT_TARGET_TYPES,
  ReportAction,
  ReportReason,
  ReportStatus,
  ReportTargetType,
} from '../schemas/report.schema';

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_TARGET_TYPES, example: 'message' })
  @IsIn(REPORT_TARGET_TYPES)
  targetType!: ReportTargetType;

  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a80', description: "The live's or message's id, or the user's id" })
  @IsString()
  @Length(1, 128)
  targetId!: string;

  @ApiPropertyOptional({ example: '665f1c2e8a1b2c3d4e5f6a7b', description: 'For a user: the live it happened in' })
  @IsOptionalNotNull()
  @IsMongoId()
  liveId?: string;

  @ApiProperty({ enum: REPORT_REASONS, example: 'harassment' })
  @IsIn(REPORT_REASONS)
  reason!: ReportReason;

  @ApiPropertyOptional({ example: 'Keeps insulting the host' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  text?: string;
}

export class ListReportsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REPORT_STATUSES, example: 'open', description: 'Default: open' })
  @IsOptionalNotNull()
  @IsIn(REPORT_STATUSES)
  status?: ReportStatus;

  @ApiPropertyOptional({ enum: REPORT_TARGET_TYPES })
  @IsOptionalNotNull()
  @IsIn(REPORT_TARGET_TYPES)
  targetType?: ReportTargetType;

  @ApiPropertyOptional({ example: 'bob', description: 'Only reports about this live, message or user id' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 128)
  targetId?: string;
}

export class ResolveReportDto {
  @ApiProperty({ enum: REPORT_ACTIONS, example: 'ban_from_app' })
  @IsIn(REPORT_ACTIONS)
  action!: ReportAction;

  @ApiPropertyOptional({
    type: 'integer',
    example: 86_400_000,
    description:
      'kick, ban_from_live, ban_from_app: how long (1,000 ms to 30 days); left out: the rest of the live, or for good',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(MIN_REMOVAL_MS)
  @Max(MAX_REMOVAL_MS)
  durationMs?: number;

  @ApiPropertyOptional({ example: 'Confirmed by two moderators' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class ResolutionView {
  @ApiProperty({ enum: REPORT_ACTIONS, example: 'ban_from_app' }) action!: ReportAction;
  @ApiProperty({ example: 86_400_000, nullable: true, type: 'integer' }) durationMs!: number | null;
  @ApiProperty({ example: null, nullable: true, type: String }) note!: string | null;
  @ApiProperty({ example: 'admin-1' }) actorId!: string;
  @ApiProperty({ example: '2026-11-24T20:05:00.000Z' }) at!: string;
  @ApiProperty({
    example: 'applied',
    description:
      "'applied', or the code of the refusal the action met (e.g. LIVE_ENDED); the report is resolved either way",
  })
  result!: string;
}

/** A report as its reporter and the admins see it. It never names other reporters. */
export class ReportView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a99' }) id!: string;
  @ApiProperty({ example: 'carol' }) reporterId!: string;
  @ApiProperty({ enum: REPORT_TARGET_TYPES, example: 'message' }) targetType!: ReportTargetType;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a80' }) targetId!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b', nullable: true, type: String }) liveId!: string | null;
  @ApiProperty({ example: 'bob', description: 'Whom the report is about (the user, the sender, the host)' })
  targetUserId!: string;
  @ApiProperty({ example: 'you are all idiots', nullable: true, type: String }) targetText!: string | null;
  @ApiProperty({ enum: REPORT_REASONS, example: 'harassment' }) reason!: ReportReason;
  @ApiProperty({ example: null, nullable: true, type: String }) text!: string | null;
  @ApiProperty({ enum: REPORT_STATUSES, example: 'open' }) status!: ReportStatus;
  @ApiProperty({ type: ResolutionView, nullable: true }) resolution!: ResolutionView | null;
  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' }) createdAt!: string;
}

export class ReportPage extends PageMeta {
  @ApiProperty({ type: [ReportView] }) items!: ReportView[];
}
