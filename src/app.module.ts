import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import { BattlesModule } from './battles/battles.module';
import { ChatModule } from './chat/chat.module';
import { CommonModule } from './common/common.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { GiftsModule } from './gifts/gifts.module';
import { HealthModule } from './health/health.module';
import { LiveModule } from './live/live.module';
import { RtcModule } from './rtc/rtc.module';
import { SeatsModule } from './seats/seats.module';
import { MetricsModule } from './metrics/metrics.module';
import { BansModule } from './moderation/bans.module';
import { ModerationModule } from './moderation/moderation.module';
import { StatsModule } from './stats/stats.module';
import { StreamsModule } from './streams/streams.module';
import { ViewersModule } from './viewers/viewers.module';
import { WalletModule } from './wallet/wallet.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Nest's logger only: its pino-http middleware (a child logger, serialized headers and an async
        // context per request) is bound to no route; one hook logs each response (see logging.ts).
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
        EventEmitterModule.forRoot({ wildcard: false, maxListeners: 50 }),
        CommonModule,
        MetricsModule.forRoot(),
        DatabaseModule,
        BansModule,
        AuthModule.forRoot(config),
        HealthModule,
        StreamsModule,
        ViewersModule,
        ChatModule,
        // seats and RTC credentials
        SeatsModule,
        RtcModule,
        // gifts and wallet
        WalletModule,
        GiftsModule,
        // connections between lives and PK battles
        BattlesModule,
        LiveModule,
        // trust and safety
        ModerationModule,
        StatsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
