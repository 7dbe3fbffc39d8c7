import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { PageQuery } from '../common/pagination';
import { UserIdPipe } from '../common/user-id.pipe';
import { HostLivesPage, LiveTimelineView } from './dto/stats.view';
import { StatsService } from './stats.service';

@ApiTags('statistics')
@ApiBearerAuth()
@Controller()
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('live/:id/stats/timeline')
  @ApiOperation({
    summary:
      "The live's statistics per minute: viewers, joins, leaves, messages, gifts, diamonds (host, co-host or admin)",
    description: 'Counted in memory and written once a minute per live: the current minute appears once flushed.',
  })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'NOT_HOST_OR_COHOST')
  timeline(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<LiveTimelineView> {
    return this.stats.timeline(id, user);
  }

  @Get('hosts/:hostId/lives')
  @ApiOperation({ summary: "A host's lives, newest first, with their totals (the host themself, or an admin)" })
  @ApiErrors('UNAUTHENTICATED', 'FORBIDDEN')
  hostLives(
    @Param('hostId', UserIdPipe) hostId: string,
    @CurrentUser() user: AuthUser,
    @Query() query: PageQuery,
  ): Promise<HostLivesPage> {
    return this.stats.hostLives(hostId, user, query);
  }
}
