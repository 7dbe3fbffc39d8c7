import { ApiProperty } from '@nestjs/swagger';
import { Types } from 'mongoose';
import { LIVE_TYPES, LiveType } from '../../streams/schemas/live-stream.schema';
import {
  CONNECTION_END_REASONS,
  CONNECTION_STATUSES,
  ConnectedLive,
  ConnectionEndReason,
  ConnectionStatus,
  LiveConnection,
} from '../schemas/live-connection.schema';

/** One of the two lives: who hosts it, and the ids its viewers' RTC SDK needs to watch it. */
export class ConnectedLiveView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveId!: string;
  @ApiProperty({ example: 'alice' }) hostId!: string;
  @ApiProperty({ type: 'integer', example: 2873461234 }) hostUid!: number;
  @ApiProperty({ example: 'Alice' }) hostName!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) hostAvatar!: string | null;
  @ApiProperty({ example: 'lv_k3j9x0a7qz2m' }) streamingChannel!: string;
  @ApiProperty({ example: 'call_p8d2m4t6w1' }) callId!: string;
}

/** A connection between two lives (and, while pending, the invitation to make it). */
export class ConnectionView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6b10' }) id!: string;
  @ApiProperty({ enum: CONNECTION_STATUSES, example: 'connected' }) status!: ConnectionStatus;
  @ApiProperty({ enum: LIVE_TYPES, example: 'party' }) liveType!: LiveType;
  @ApiProperty({ type: ConnectedLiveView, description: 'The live whose host sent the invitation' })
  inviter!: ConnectedLiveView;
  @ApiProperty({ type: ConnectedLiveView, description: 'The invited live' }) invitee!: ConnectedLiveView;
  @ApiProperty({ example: '2026-11-24T20:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-24T20:00:30.000Z', description: 'A pending invitation expires then' })
  expiresAt!: string;
  @ApiProperty({ example: '2026-11-24T20:00:05.000Z', nullable: true, type: String }) connectedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'The host who ended it, if one did' })
  endedBy!: string | null;
  @ApiProperty({ type: 'string', enum: [...CONNECTION_END_REASONS, null], nullable: true, example: null })
  endReason!: ConnectionEndReason | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'The latest battle on this connection (GET /api/live/:id/battles/current)',
  })
  battleId!: string | null;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

function toConnectedLiveView(live: ConnectedLive): ConnectedLiveView {
  return {
    liveId: live.liveId.toString(),
    hostId: live.hostId,
    hostUid: live.hostUid,
    hostName: live.hostName,
    hostAvatar: live.hostAvatar ?? null,
    streamingChannel: live.streamingChannel,
    callId: live.callId,
  };
}

export function toConnectionView(connection: LiveConnection & { _id: Types.ObjectId }): ConnectionView {
  // A connection that never became visible (claiming, aborted) is shown as what it is to clients: ended.
  const status = (CONNECTION_STATUSES as readonly string[]).includes(connection.status)
    ? (connection.status as ConnectionStatus)
    : 'ended';
  return {
    id: connection._id.toString(),
    status,
    liveType: connection.liveType,
    inviter: toConnectedLiveView(connection.inviter),
    invitee: toConnectedLiveView(connection.invitee),
    createdAt: connection.createdAt.toISOString(),
    expiresAt: connection.expiresAt.toISOString(),
    connectedAt: iso(connection.connectedAt),
    endedAt: iso(connection.endedAt),
    endedBy: connection.endedBy ?? null,
    endReason: connection.endReason ?? null,
    battleId: connection.battleId?.toString() ?? null,
  };
}
