import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { BanCheckedInGate } from '../auth/ban-check.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ACTION_ERRORS, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { PageQuery } from '../common/pagination';
import { LiveStatisticsView } from '../streams/dto/live.view';
import { JOIN_LIVE_EXAMPLES, JoinLiveDto } from './dto/join-live.dto';
import { ViewerPage, ViewerView } from './dto/viewer.view';
import { LiveStatisticsService } from './live-statistics.service';
import { ViewersService } from './viewers.service';

@ApiTags('viewers')
@ApiExtraModels(ViewerView)
@Controller('live')
export class ViewersController {
  constructor(
    private readonly viewers: ViewersService,
    private readonly statistics: LiveStatisticsService,
  ) {}

  @Post(':id/join')
  @BanCheckedInGate()
  @HttpCode(200)
  @ApiOperation({ summary: 'Join as a viewer (idempotent). The host gets role "host" and is not counted.' })
  @ApiBody({ type: JoinLiveDto, required: false, examples: JOIN_LIVE_EXAMPLES })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'IDENTITY_MISMATCH', 'UID_CONFLICT', 'CONFLICT')
  join(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser, @Body() body: JoinLiveDto): Promise<ViewerView> {
    return this.viewers.join(id, user, body.userUid);
  }

  @Post(':id/leave')
  @HttpCode(200)
  @ApiOperation({ summary: 'Leave (idempotent). Answers the closed viewer record, or null if never joined.' })
  @ApiOkResponse({
    description: 'The closed viewer record; null (the JSON literal) when the caller had not joined',
    schema: { nullable: true, allOf: [{ $ref: getSchemaPath(ViewerView) }] },
  })
  @ApiErrors(...LIVE_ROUTE_ERRORS)
  leave(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<ViewerView | null> {
    return this.viewers.leave(id, user);
  }

  @Post(':id/heartbeat')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stay present without a socket (call more often than the viewer idle timeout)' })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_IN_LIVE')
  heartbeat(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<void> {
    return this.viewers.heartbeat(id, user);
  }

  @Get(':id/viewers')
  @ApiOperation({ summary: 'Current viewers, most recent first' })
  @ApiErrors(...LIVE_ROUTE_ERRORS)
  list(@ObjectIdParam('id') id: string, @Query() query: PageQuery): Promise<ViewerPage> {
    return this.viewers.list(id, query);
  }

  @Get(':id/stats')
  @ApiOperation({ summary: "The live's statistics (host or co-host)" })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'NOT_HOST_OR_COHOST')
  stats(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<LiveStatisticsView> {
    return this.statistics.forHost(id, user);
  }
}
