import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuthUser, TokenClaims, userFromClaims } from './auth-user';
import { jwtVerification } from './token-verifier';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { key, options } = jwtVerification(config);
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt passes the key to jsonwebtoken, which takes a KeyObject; its types predate that.
      secretOrKey: key as unknown as Buffer,
      algorithms: options.algorithms,
      issuer: options.issuer as string | undefined,
      audience: options.audience as string | undefined,
      ignoreExpiration: false,
    });
  }

  validate(claims: TokenClaims): AuthUser | false {
    return userFromClaims(claims) ?? false;
  }
}
