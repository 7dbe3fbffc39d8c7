import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from './error-mapping';
import { DomainError } from './errors';

/** One filter for every HTTP error: `{ statusCode, code, message, details? }` (docs/contract.md). */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const body = toErrorBody(error);
    // A DomainError (e.g. 503 RTC_NOT_CONFIGURED) is a decided answer, not a bug to log.
    if (body.statusCode >= 500 && !(error instanceof DomainError)) {
      this.logger.error({ err: error, requestId: request.id }, 'Unhandled error');
      body.details = { requestId: request.id };
    }
    if ((body.code === 'RATE_LIMITED' || body.code === 'SLOW_MODE') && typeof body.details?.retryAfterMs === 'number') {
      reply.header('Retry-After', Math.ceil(body.details.retryAfterMs / 1000));
    }
    void reply.status(body.statusCode).send(body);
  }
}
