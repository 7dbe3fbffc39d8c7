import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AppConfig } from '../config/app-config';
import { AuthFailures } from './auth-failures';
import { DevTokenController } from './dev-token.controller';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { SocketAuth } from './socket-auth';
import { jwtVerification, TokenVerifier } from './token-verifier';
import { WsGuard } from './ws.guard';

@Module({})
export class AuthModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { key, options } = jwtVerification(config);
    return {
      module: AuthModule,
      global: true,
      imports: [
        PassportModule,
        JwtModule.register({
          ...(config.jwt.publicKey ? { publicKey: key } : { secret: key }),
          verifyOptions: options,
        }),
      ],
      controllers: config.devTokensEnabled && config.jwt.secret ? [DevTokenController] : [],
      providers: [
        TokenVerifier,
        AuthFailures,
        SocketAuth,
        JwtStrategy,
        WsGuard,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
      ],
      exports: [TokenVerifier, AuthFailures, SocketAuth, WsGuard],
    };
  }
}
