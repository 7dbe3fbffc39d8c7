import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ACTION_ERRORS, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { RtcCredentialsView } from '../rtc/dto/rtc-credentials.view';
import { ConnectionsService } from './connections.service';
import { InviteConnectionDto } from './dto/connection-requests.dto';
import { ConnectionView } from './dto/connection.view';

@ApiTags('connections and battles')
@ApiBearerAuth()
@Controller('live/:id/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({
    summary:
      "Invite another running live's host to connect (host only; same type, 'live' or 'party'). If that host already invited this live, the invitation is accepted instead",
  })
  @ApiErrors(
    ...LIVE_ACTION_ERRORS,
    'NOT_HOST',
    'CANNOT_TARGET_SELF',
    'INCOMPATIBLE_LIVE_TYPE',
    'ALREADY_CONNECTED',
    'INVITATION_EXPIRED',
    'CONNECTION_NOT_PENDING',
  )
  invite(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: InviteConnectionDto,
  ): Promise<ConnectionView> {
    return this.connections.invite(id, user, body.targetLiveId);
  }

  @Get('current')
  @ApiOperation({ summary: "The live's connection, or its pending invitation (sent or received)" })
  @ApiOkResponse({ type: ConnectionView })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'CONNECTION_NOT_FOUND')
  current(@ObjectIdParam('id') id: string): Promise<ConnectionView> {
    return this.connections.current(id);
  }

  @Post(':connectionId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation (the invited host; idempotent)' })
  @ApiOkResponse({ type: ConnectionView })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_HOST', 'CONNECTION_NOT_FOUND', 'INVITATION_EXPIRED', 'CONNECTION_NOT_PENDING')
  accept(
    @ObjectIdParam('id') id: string,
    @ObjectIdParam('connectionId') connectionId: string,
    @CurrentUser() user: AuthUser,
  ): Promise<ConnectionView> {
    return this.connections.accept(id, user, connectionId);
  }

  @Post(':connectionId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline an invitation (the invited host; idempotent)' })
  @ApiOkResponse({ type: ConnectionView })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_HOST', 'CONNECTION_NOT_FOUND', 'CONNECTION_NOT_PENDING')
  reject(
    @ObjectIdParam('id') id: string,
    @ObjectIdParam('connectionId') connectionId: string,
    @CurrentUser() user: AuthUser,
  ): Promise<ConnectionView> {
    return this.connections.reject(id, user, connectionId);
  }

  @Post(':connectionId/end')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'End the connection or withdraw the invitation (either host; idempotent). A battle in progress is forfeited by this side',
  })
  @ApiOkResponse({ type: ConnectionView })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'NOT_HOST', 'CONNECTION_NOT_FOUND')
  end(
    @ObjectIdParam('id') id: string,
    @ObjectIdParam('connectionId') connectionId: string,
    @CurrentUser() user: AuthUser,
  ): Promise<ConnectionView> {
    return this.connections.end(id, user, connectionId);
  }

  @Get(':connectionId/rtc-token')
  @ApiOperation({
    summary:
      "RTC credentials for the connected live's channel: publisher for this live's host, subscriber for everyone else in it (Agora tokens valid 60 s at most, renewed only while connected)",
  })
  @ApiOkResponse({ type: RtcCredentialsView })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'CONNECTION_NOT_FOUND', 'NOT_CONNECTED', 'RTC_NOT_CONFIGURED')
  rtcToken(
    @ObjectIdParam('id') id: string,
    @ObjectIdParam('connectionId') connectionId: string,
    @CurrentUser() user: AuthUser,
  ): Promise<RtcCredentialsView> {
    return this.connections.rtcCredentials(id, user, connectionId);
  }
}
