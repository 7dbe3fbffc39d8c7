import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { BanCheckedAfterWrite } from '../auth/ban-check.decorator';
import { Public } from '../auth/public.decorator';
import { ApiErrors, LIVE_ACTION_ERRORS, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { CREATE_LIVE_EXAMPLES, CreateLiveDto } from './dto/create-live.dto';
import { ListLivesQuery } from './dto/list-lives.query';
import { LivePage, LiveView } from './dto/live.view';
import { KickUserDto } from './dto/kick-user.dto';
import { TargetUserDto } from './dto/target-user.dto';
import { UPDATE_LIVE_EXAMPLES, UpdateLiveDto } from './dto/update-live.dto';
import { StreamsService } from './streams.service';

@ApiTags('lives')
@Controller('live')
export class StreamsController {
  constructor(private readonly streams: StreamsService) {}

  @Post('create')
  @ApiBody({ type: CreateLiveDto, examples: CREATE_LIVE_EXAMPLES })
  @ApiOperation({ summary: 'Start a live; the caller becomes its host (party/audio: seats are ready on return)' })
  @ApiErrors(
    'UNAUTHENTICATED',
    'IDENTITY_MISMATCH',
    'LIVE_ALREADY_ACTIVE',
    'CHANNEL_IN_USE',
    'LIVE_SETUP_FAILED',
    'BANNED',
  )
  @BanCheckedAfterWrite()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateLiveDto): Promise<LiveView> {
    return this.streams.create(user, body);
  }

  @Public()
  @Get('active')
  @ApiOperation({ summary: 'Active lives, most viewers first (public)' })
  @ApiErrors()
  listActive(@Query() query: ListLivesQuery): Promise<LivePage> {
    return this.streams.listActive(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'Live details (public)' })
  @ApiErrors('INVALID_ID', 'LIVE_NOT_FOUND')
  get(@ObjectIdParam('id') id: string): Promise<LiveView> {
    return this.streams.get(id);
  }

  @Patch(':id')
  @ApiBody({ type: UpdateLiveDto, examples: UPDATE_LIVE_EXAMPLES })
  @ApiOperation({ summary: 'Update title, cover or settings (host or co-host)' })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_HOST_OR_COHOST', 'CONFLICT')
  update(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: UpdateLiveDto,
  ): Promise<LiveView> {
    return this.streams.update(id, user, body);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the live (host only, idempotent): frees every seat, closes every viewer' })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'NOT_HOST', 'REACTIONS_INCOMPLETE')
  end(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<LiveView> {
    return this.streams.end(id, user);
  }

  @Post(':id/cohosts')
  @HttpCode(200)
  @ApiOperation({ summary: 'Name a co-host (host only)' })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_HOST', 'CANNOT_TARGET_HOST', 'CANNOT_TARGET_SELF', 'CONFLICT')
  addCoHost(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: TargetUserDto,
  ): Promise<LiveView> {
    return this.streams.addCoHost(id, user, body.targetUserId);
  }

  @Post(':id/cohosts/remove')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a co-host (host only)' })
  @ApiErrors(
    ...LIVE_ROUTE_ERRORS,
    'LIVE_ENDED',
    'NOT_HOST',
    'CANNOT_TARGET_HOST',
    'CANNOT_TARGET_SELF',
    'CONFLICT',
    'REACTIONS_INCOMPLETE',
  )
  removeCoHost(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: TargetUserDto,
  ): Promise<LiveView> {
    return this.streams.removeCoHost(id, user, body.targetUserId);
  }

  @Post(':id/kick')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Remove a user for the rest of the live, or for durationMs (host or co-host; never the host)',
    description:
      'The user is refused everywhere in the live (REMOVED_FROM_LIVE with details.until) until the removal ends.',
  })
  @ApiErrors(
    ...LIVE_ACTION_ERRORS,
    'NOT_HOST_OR_COHOST',
    'NOT_HOST',
    'CANNOT_TARGET_HOST',
    'CANNOT_TARGET_SELF',
    'CONFLICT',
    'REACTIONS_INCOMPLETE',
  )
  kick(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser, @Body() body: KickUserDto): Promise<LiveView> {
    return this.streams.kick(id, user, body.targetUserId, body.durationMs);
  }
}
