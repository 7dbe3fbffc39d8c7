import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, map, Observable, of } from 'rxjs';
import type { Socket } from 'socket.io';
import { toErrorBody } from '../common/error-mapping';
import { ErrorBody } from '../common/errors';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: Omit<ErrorBody, 'statusCode'> & { statusCode: number } };

/**
 * Every client -> server event answers through its ack: `{ ok: true, data }` or
 * `{ ok: false, error }` with the same code the HTTP path would give.
 */
@Injectable()
export class WsAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger('LiveGateway');

  intercept(context: ExecutionContext, next: CallHandler): Observable<Ack<unknown>> {
    return next.handle().pipe(
      map((data) => ({ ok: true as const, data: data ?? null })),
      catchError((error: unknown) => {
        const body = toErrorBody(error);
        if (body.statusCode >= 500) {
          const socket = context.switchToWs().getClient<Socket>();
          this.logger.error({ err: error, event: context.switchToWs().getPattern(), socketId: socket.id }, 'Unhandled socket error');
        }
        return of({ ok: false as const, error: body });
      }),
    );
  }
}
