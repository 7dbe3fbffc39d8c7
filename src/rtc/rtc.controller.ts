import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ACTION_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { RtcCredentialsView } from './dto/rtc-credentials.view';
import { RtcService } from './rtc.service';

@ApiTags('rtc')
@ApiBearerAuth()
@Controller('live')
export class RtcController {
  constructor(private readonly rtc: RtcService) {}

  @Get(':id/rtc-token')
  @ApiOperation({
    summary: 'RTC credentials for the live (call again to renew): publisher for host, co-hosts and seated speakers',
  })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'RTC_NOT_CONFIGURED')
  credentials(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<RtcCredentialsView> {
    return this.rtc.credentials(id, user);
  }
}
