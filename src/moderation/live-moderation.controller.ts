import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, isAdmin } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { PageQuery } from '../common/pagination';
import { assertHost, assertModerator } from '../streams/live-roles';
import { StreamsService } from '../streams/streams.service';
import { AuditLogService } from './audit-log.service';
import { AuditPage, RemovalView } from './dto/audit.dto';

/** A live's own moderation record, for its host (and co-hosts, for who is out) and admins. */
@ApiTags('moderation')
@ApiBearerAuth()
@Controller('live')
export class LiveModerationController {
  constructor(
    private readonly streams: StreamsService,
    private readonly auditLog: AuditLogService,
  ) {}

  @Get(':id/audit')
  @ApiOperation({ summary: "The live's moderation actions, newest first (its host, or an admin)" })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'NOT_HOST')
  async audit(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Query() query: PageQuery,
  ): Promise<AuditPage> {
    const live = await this.streams.findLive(id);
    if (!isAdmin(user)) assertHost(live, user.userId);
    return this.auditLog.list({ ...query, liveId: id });
  }

  @Get(':id/bans')
  @ApiOperation({ summary: 'Who is removed from the live now, and until when (host, co-host or admin)' })
  @ApiOkResponse({ type: [RemovalView] })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'NOT_HOST_OR_COHOST')
  async bans(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<RemovalView[]> {
    const live = await this.streams.findLive(id);
    if (!isAdmin(user)) assertModerator(live, user.userId);
    return this.streams.removals(id);
  }
}
