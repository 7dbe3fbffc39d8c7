import { ApiProperty } from '@nestjs/swagger';
import { LiveView } from '../../streams/dto/live.view';
import { END_REASONS, EndReason } from '../../streams/schemas/live-stream.schema';
import { LIVE_ID_EXAMPLE } from './examples';

/** The host actions announced to the room as live:host:action. */
export const ANNOUNCED_HOST_ACTIONS = ['kick', 'add_cohost', 'remove_cohost', 'mute_chat', 'unmute_chat'] as const;
export type AnnouncedHostAction = (typeof ANNOUNCED_HOST_ACTIONS)[number];

export class LiveCreatedEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: LiveView }) live!: LiveView;
}

export class LiveEndedEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: LiveView, description: 'The live as it ended (status ended, endedAt, endReason)' })
  live!: LiveView;
  @ApiProperty({ enum: END_REASONS, example: 'host_ended' }) reason!: EndReason;
}

export class LiveUpdateEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: LiveView }) live!: LiveView;
  @ApiProperty({ type: [String], example: ['title'], description: "The live's fields that changed" })
  changes!: string[];
  @ApiProperty({ example: 'alice', description: 'Who made the change' }) actorId!: string;
}

export class LiveHostActionEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ enum: ANNOUNCED_HOST_ACTIONS, example: 'kick' }) action!: AnnouncedHostAction;
  @ApiProperty({ example: 'alice', description: 'The host or co-host who acted' }) actorId!: string;
  @ApiProperty({ example: 'bob', description: 'The user acted on' }) targetUserId!: string;
}

export class LiveKickedEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ example: 'alice', description: 'The host or co-host who removed you' }) actorId!: string;
}
