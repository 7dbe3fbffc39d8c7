import { ApiProperty } from '@nestjs/swagger';
import { LeaveReason, ViewerView } from '../../viewers/dto/viewer.view';
import { LEAVE_REASONS } from '../../viewers/schemas/live-viewer.schema';
import { LIVE_ID_EXAMPLE } from './examples';

export class LiveViewerJoinedEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: ViewerView }) viewer!: ViewerView;
  @ApiProperty({ type: 'integer', example: 12, description: 'Viewers now (the host not counted)' })
  viewerCount!: number;
}

export class LiveViewerLeftEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ enum: LEAVE_REASONS, example: 'left' }) reason!: LeaveReason;
  @ApiProperty({ type: 'integer', example: 11 }) viewerCount!: number;
}

/** A user as other clients see them in notices. */
export class UserSummary {
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ type: 'integer', example: 67890, description: 'RTC uid' }) uid!: number;
  @ApiProperty({ example: 'Bob' }) name!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
}

export class ViewerDeparture {
  @ApiProperty({ example: 'carol' }) userId!: string;
  @ApiProperty({ enum: LEAVE_REASONS, example: 'left' }) reason!: LeaveReason;
}

export class LiveViewersEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: [UserSummary], description: 'The first 20 who joined in this window' })
  joined!: UserSummary[];
  @ApiProperty({ type: [ViewerDeparture], description: 'The first 20 who left in this window' })
  left!: ViewerDeparture[];
  @ApiProperty({ type: 'integer', example: 3, description: 'Everyone who joined in this window' })
  joinedCount!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Everyone who left in this window' })
  leftCount!: number;
  @ApiProperty({ type: 'integer', example: 14 }) viewerCount!: number;
}
