import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../common/pagination';
import { LEAVE_REASONS, LeaveReason, LiveViewer } from '../schemas/live-viewer.schema';

export type { LeaveReason } from '../schemas/live-viewer.schema';

export class ViewerView {
  @ApiProperty({
    example: '665f1c2e8a1b2c3d4e5f6a7c',
    description: "The viewer record's id (the live's id for its host)",
  })
  id!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 67890 }) uid!: number;
  @ApiProperty({ example: 'Bob' }) name!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
  @ApiProperty({ enum: ['host', 'viewer'], example: 'viewer', description: 'The host is never counted as a viewer' })
  role!: 'host' | 'viewer';
  @ApiProperty({ enum: ['active', 'left'], example: 'active' }) status!: 'active' | 'left';
  @ApiProperty({ example: '2026-11-24T20:01:00.000Z' }) joinedAt!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) leftAt!: string | null;
  @ApiProperty({ type: 'string', enum: [...LEAVE_REASONS, null], nullable: true, example: null })
  leaveReason!: LeaveReason | null;
  @ApiProperty({ type: 'integer', example: 120000, description: 'Milliseconds watched over every visit, closed ones' })
  watchMs!: number;
}

export class ViewerPage extends PageMeta {
  @ApiProperty({ type: [ViewerView] }) items!: ViewerView[];
}

export function toViewerView(viewer: LiveViewer & { _id: { toString(): string } }): ViewerView {
  return {
    id: viewer._id.toString(),
    liveStreamId: viewer.liveId.toString(),
    userId: viewer.userId,
    uid: viewer.uid,
    name: viewer.name,
    avatar: viewer.avatar ?? null,
    role: 'viewer',
    status: viewer.status,
    joinedAt: viewer.joinedAt.toISOString(),
    leftAt: viewer.leftAt ? viewer.leftAt.toISOString() : null,
    leaveReason: viewer.leaveReason ?? null,
    watchMs: viewer.watchMs,
  };
}
