import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { CreditCoinsDto } from './dto/credit-coins.dto';
import { WalletView } from './dto/wallet.view';
import { WalletService } from './wallet.service';

@ApiTags('wallet')
@ApiBearerAuth()
@Controller('wallet')
export class WalletController {
  constructor(private readonly wallets: WalletService) {}

  @Get()
  @ApiOperation({ summary: "The caller's coins and diamonds, with their latest ledger entries" })
  @ApiOkResponse({ type: WalletView })
  @ApiErrors('UNAUTHENTICATED')
  mine(@CurrentUser() user: AuthUser): Promise<WalletView> {
    return this.wallets.view(user.userId);
  }

  @Post('credit')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Add coins after a purchase verified elsewhere (admin; idempotent by purchaseRef)' })
  @ApiOkResponse({ type: WalletView })
  @ApiErrors('UNAUTHENTICATED', 'ADMIN_ONLY', 'IDEMPOTENCY_KEY_REUSED', 'PURCHASE_PENDING')
  credit(@Body() body: CreditCoinsDto): Promise<WalletView> {
    return this.wallets.credit(body);
  }
}
