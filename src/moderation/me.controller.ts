import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { AllowBanned } from '../auth/ban-check.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
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
  ban(@CurrentUser() user: AuthUser): Promise<MyBanView> {
    return this.bans.standing(user.userId);
  }
}
