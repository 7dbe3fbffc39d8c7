import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ACTION_ERRORS, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { PageQuery } from '../common/pagination';
import { BattlesService } from './battles.service';
import { BattleRankingsQuery, StartBattleDto } from './dto/connection-requests.dto';
import { BattlePage, BattleRankingPage, BattleView } from './dto/battle.view';

@ApiTags('connections and battles')
@ApiBearerAuth()
@Controller()
export class BattlesController {
  constructor(private readonly battles: BattlesService) {}

  @Post('live/:id/battles')
  @ApiOperation({
    summary:
      'Start a battle with the connected live (host only): gifts recorded in either live during durationMs score for its side',
  })
  @ApiCreatedResponse({ type: BattleView })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_HOST', 'NOT_CONNECTED', 'BATTLE_IN_PROGRESS')
  start(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: StartBattleDto,
  ): Promise<BattleView> {
    return this.battles.start(id, user, body);
  }

  @Get('live/:id/battles/current')
  @ApiOperation({ summary: "The live's battle in progress, or in its punishment period" })
  @ApiOkResponse({ type: BattleView })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'BATTLE_NOT_FOUND')
  current(@ObjectIdParam('id') id: string): Promise<BattleView> {
    return this.battles.current(id);
  }

  @Get('live/:id/battles')
  @ApiOperation({ summary: "The live's battles, newest first (with results once ended)" })
  @ApiOkResponse({ type: BattlePage })
  @ApiErrors(...LIVE_ROUTE_ERRORS)
  history(@ObjectIdParam('id') id: string, @Query() query: PageQuery): Promise<BattlePage> {
    return this.battles.history(id, query);
  }

  @Post('live/:id/battles/:battleId/end')
  @HttpCode(200)
  @ApiOperation({
    summary: 'End the battle early (a host of either side; idempotent): that side forfeits, the other side wins',
  })
  @ApiOkResponse({ type: BattleView })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'NOT_HOST', 'BATTLE_NOT_FOUND')
  end(
    @ObjectIdParam('id') id: string,
    @ObjectIdParam('battleId') battleId: string,
    @CurrentUser() user: AuthUser,
  ): Promise<BattleView> {
    return this.battles.endByHost(id, user, battleId);
  }

  @Get('battles/rankings')
  @ApiOperation({ summary: 'Battle wins per host in the current UTC day or week (from Monday)' })
  @ApiOkResponse({ type: BattleRankingPage })
  @ApiErrors('UNAUTHENTICATED')
  rankings(@Query() query: BattleRankingsQuery): Promise<BattleRankingPage> {
    return this.battles.rankings(query.period, query.limit);
  }
}
