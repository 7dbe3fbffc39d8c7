import { Body, Controller, Get, HttpCode, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard';
import { Public } from '../auth/public.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { CREATE_GIFT_EXAMPLES, CreateGiftDto, UPDATE_GIFT_EXAMPLES, UpdateGiftDto } from './dto/create-gift.dto';
import { GiftCatalogView, GiftView } from './dto/gift.view';
import { GiftCatalogService } from './gift-catalog.service';

@ApiTags('gifts')
@ApiBearerAuth()
@Controller()
export class GiftCatalogController {
  constructor(private readonly catalog: GiftCatalogService) {}

  @Public()
  @Get('live/gifts/all')
  @ApiSecurity({})
  @ApiOperation({ summary: 'The gift catalog: active gifts in panel order (public)' })
  @ApiOkResponse({ type: GiftCatalogView })
  @ApiErrors()
  all(): Promise<GiftCatalogView> {
    return this.catalog.listActive();
  }

  @Post('gifts')
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Add a gift to the catalog (admin)' })
  @ApiBody({ type: CreateGiftDto, examples: CREATE_GIFT_EXAMPLES })
  @ApiCreatedResponse({ type: GiftView })
  @ApiErrors('ADMIN_ONLY', 'GIFT_KEY_TAKEN')
  create(@Body() body: CreateGiftDto): Promise<GiftView> {
    return this.catalog.create(body);
  }

  @Patch('gifts/:giftId')
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Change a gift (admin); gifts already sent keep their price' })
  @ApiBody({ type: UpdateGiftDto, examples: UPDATE_GIFT_EXAMPLES })
  @ApiOkResponse({ type: GiftView })
  @ApiErrors('INVALID_ID', 'ADMIN_ONLY', 'GIFT_NOT_FOUND', 'GIFT_KEY_TAKEN')
  update(@ObjectIdParam('giftId') giftId: string, @Body() body: UpdateGiftDto): Promise<GiftView> {
    return this.catalog.update(giftId, body);
  }

  @Post('gifts/:giftId/deactivate')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Take a gift off the panel (admin, idempotent)' })
  @ApiOkResponse({ type: GiftView })
  @ApiErrors('INVALID_ID', 'ADMIN_ONLY', 'GIFT_NOT_FOUND')
  deactivate(@ObjectIdParam('giftId') giftId: string): Promise<GiftView> {
    return this.catalog.deactivate(giftId);
  }
}
