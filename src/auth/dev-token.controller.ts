import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DevTokenRequest, DevTokenResponse } from './dto/dev-token.dto';
import { mintToken } from './mint-token';
import { Public } from './public.decorator';

/** Registered only when DEV_TOKENS_ENABLED=true and NODE_ENV is not production (see AuthModule). */
@ApiTags('auth (development only)')
@Controller('auth')
export class DevTokenController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Post('dev-token')
  @ApiOperation({ summary: 'Mint a development token (absent in production)' })
  issue(@Body() body: DevTokenRequest): DevTokenResponse {
    return { token: mintToken(this.config.jwt.secret as string, body) };
  }
}
