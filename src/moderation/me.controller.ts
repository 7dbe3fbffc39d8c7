import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { AllowBanned } from '../auth/ban-check.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorResponse } from '../common/api-errors.decorator';
import { BansService } from './bans.service';
import { MyBanView } from './dto/ban.dto';

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly bans: BansService) {}

  @Get('ban')
  @AllowBanned()
  @ApiOperation({ summary: "The caller's own ban, if any (the one route a banned user can still call)" })
  @ApiResponse({ status: 401, type: ErrorResponse, description: 'Error codes: UNAUTHENTICATED' })
  ban(@CurrentUser() user: AuthUser): Promise<MyBanView> {
    return this.bans.standing(user.userId);
  }
}
