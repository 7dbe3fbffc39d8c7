import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthUser, TokenClaims, userFromClaims } from './auth-user';
import { TokenVerifier } from './token-verifier';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(verifier: TokenVerifier) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: verifier.secretOrKey,
      algorithms: verifier.verifyOptions.algorithms,
      issuer: verifier.verifyOptions.issuer as string | undefined,
      audience: verifier.verifyOptions.audience as string | undefined,
      ignoreExpiration: false,
    });
  }

  validate(claims: TokenClaims): AuthUser | false {
    return userFromClaims(claims) ?? false;
  }
}
