import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, from, map, Observable, of, switchMap } from 'rxjs';
import type { Socket } from 'socket.io';
import { toErrorBody } from '../common/error-mapping';
import { ErrorBody } from '../common/errors';
import { RateLimits } from '../common/rate-limit';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Client events per socket, whatever the event (chat and gifts add their own per-user limits). */
const SOCKET_EVENT_BUCKET = 'socket_events';

/**
 * Every client -> server event passes the per-socket rate limit and answers through its ack:
 * `{ ok: true, data }` or `{ ok: false, error }` with the same code the HTTP path would give.
 */
@Injectable()
export class WsAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger('LiveGateway');

  constructor(
    private readonly rateLimits: RateLimits,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    rateLimits.define(SOCKET_EVENT_BUCKET, [config.socket.eventRateLimit]);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<Ack<unknown>> {
    const socket = context.switchToWs().getClient<Socket>();
    return from(this.rateLimits.consume(SOCKET_EVENT_BUCKET, socket.id)).pipe(
      switchMap(() => next.handle()),
      map((data) => ({ ok: true as const, data: data ?? null })),
      catchError((error: unknown) => {
        const body = toErrorBody(error);
        if (body.statusCode >= 500) {
          this.logger.error(
            { err: error, event: context.switchToWs().getPattern(), socketId: socket.id },
            'Unhandled socket error',
          );
        }
        return of({ ok: false as const, error: body });
      }),
    );
  }
}
