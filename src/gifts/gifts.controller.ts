import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { BanCheckedInGate } from '../auth/ban-check.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { PageQuery } from '../common/pagination';
import { GiftersQuery } from './dto/gifters.query';
import { GifterPage, GiftResultView, RecentGiftPage } from './dto/gift-result.view';
import { SendGiftDto } from './dto/send-gift.dto';
import { GiftsService } from './gifts.service';

/** Every error a send can answer (REST and the live:gift:send ack alike). */
export const SEND_GIFT_ERRORS = [
  'INVALID_ID',
  'UNAUTHENTICATED',
  'LIVE_NOT_FOUND',
  'LIVE_ENDED',
  'REMOVED_FROM_LIVE',
  'NOT_IN_LIVE',
  'CANNOT_TARGET_SELF',
  'INVALID_RECEIVER',
  'GIFT_NOT_FOUND',
  'GIFT_INACTIVE',
  'INSUFFICIENT_BALANCE',
  'IDEMPOTENCY_KEY_REUSED',
  'GIFT_PENDING',
  'RATE_LIMITED',
] as const;

@ApiTags('gifts')
@ApiBearerAuth()
@Controller()
export class GiftsController {
  constructor(private readonly gifts: GiftsService) {}

  @Post('live/:id/gifts')
  @BanCheckedInGate()
  @ApiOperation({
    summary:
      'Send a gift (to the host unless receiverId names a co-host or seated speaker); idempotent by idempotencyKey',
  })
  @ApiCreatedResponse({ type: GiftResultView })
  @ApiErrors(...SEND_GIFT_ERRORS)
  send(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: SendGiftDto,
  ): Promise<GiftResultView> {
    return this.gifts.send(id, user, body);
  }

  @Get('live/:id/gifts/top')
  @ApiOperation({ summary: "The live's top gifters, most diamonds first" })
  @ApiOkResponse({ type: GifterPage })
  @ApiErrors(...LIVE_ROUTE_ERRORS)
  top(@ObjectIdParam('id') id: string, @Query() query: PageQuery): Promise<GifterPage> {
    return this.gifts.topGifters(id, query);
  }

  @Get('live/:id/gifts/recent')
  @ApiOperation({ summary: "The live's latest gifts, newest first" })
  @ApiOkResponse({ type: RecentGiftPage })
  @ApiErrors(...LIVE_ROUTE_ERRORS)
  recent(@ObjectIdParam('id') id: string, @Query() query: PageQuery): Promise<RecentGiftPage> {
    return this.gifts.recent(id, query);
  }

  @Get('users/:userId/gifters')
  @ApiOperation({
    summary: 'Who gave this user the most diamonds this UTC day or week (from Monday): the profile ranking',
  })
  @ApiOkResponse({ type: GifterPage })
  @ApiErrors('UNAUTHENTICATED')
  giftersOf(@Param('userId') userId: string, @Query() query: GiftersQuery): Promise<GifterPage> {
    return this.gifts.giftersOf(userId, query.period, query.limit);
  }
}
