import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsMongoId, IsString, Length } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { PageMeta, PageQuery } from '../../common/pagination';

export class ListAuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: '665f1c2e8a1b2c3d4e5f6a7b' })
  @IsOptionalNotNull()
  @IsMongoId()
  liveId?: string;

  @ApiPropertyOptional({ example: 'admin-1' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 128)
  actorId?: string;

  @ApiPropertyOptional({ example: 'bob', description: 'Entries about this user, live, message or report id' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 128)
  targetId?: string;
}

export class AuditEntryView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6aa1' }) id!: string;
  @ApiProperty({ example: 'alice', description: 'Who acted' }) actorId!: string;
  @ApiProperty({
    example: 'kick',
    description:
      'kick, mute_chat, unmute_chat, add_cohost, remove_cohost, delete_message, seat_lock, seat_unlock, seat_mute, seat_unmute, seat_remove, update_live, ban_from_app, unban, resolve_report',
  })
  action!: string;
  @ApiProperty({ enum: ['user', 'live', 'message', 'seat', 'report'], example: 'user' }) targetType!: string;
  @ApiProperty({ example: 'bob' }) targetId!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b', nullable: true, type: String }) liveId!: string | null;
  @ApiProperty({ example: 'spam', nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { until: '2026-11-24T21:00:00.000Z' } })
  result!: Record<string, unknown>;
  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' }) at!: string;
}

export class AuditPage extends PageMeta {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
}

export class RemovalView {
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'null: for the rest of the live' })
  until!: string | null;
  @ApiProperty({ example: false, description: 'Written by an app-wide ban (lifted with it)' }) byBan!: boolean;
}
