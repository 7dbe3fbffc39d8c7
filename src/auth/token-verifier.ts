import { Inject, Injectable } from '@nestjs/common';
import jwt, { Algorithm } from 'jsonwebtoken';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuthUser, TokenClaims, userFromClaims } from './auth-user';

/** Verifies access tokens for HTTP (passport strategy) and sockets (handshake) alike. */
@Injectable()
export class TokenVerifier {
  private readonly key: string;
  private readonly options: jwt.VerifyOptions;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = (config.jwt.publicKey ?? config.jwt.secret) as string;
    this.options = {
      algorithms: config.jwt.algorithms as Algorithm[],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    };
  }

  get secretOrKey(): string {
    return this.key;
  }

  get verifyOptions(): jwt.VerifyOptions {
    return this.options;
  }

  /** The user the token names, or undefined for any invalid, expired or incomplete token. */
  verify(token: string | undefined): AuthUser | undefined {
    if (!token) return undefined;
    try {
      const claims = jwt.verify(token, this.key, this.options) as TokenClaims;
      return userFromClaims(claims);
    } catch {
      return undefined;
    }
  }
}

/** `Bearer abc` -> `abc`. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}
