import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
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
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Fastify assigns the id (see app.factory); the log line carries the same one.
            genReqId: (req) => (req as { id?: string }).id ?? randomUUID(),
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customLogLevel: (_req, res, error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
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
        LiveModule,
        // trust and safety
        ModerationModule,
        StatsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
