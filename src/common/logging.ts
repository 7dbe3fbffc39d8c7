import type { FastifyInstance } from 'fastify';
import { Logger, pino } from 'pino';
import { AppConfig } from '../config/app-config';

/** The app's one pino logger: Nest's logger (nestjs-pino) and the request lines write through it. */
export function createLogger(config: AppConfig): Logger {
  return pino({ level: config.logLevel });
}

/**
 * One line per HTTP response, with its request id (the same id the client gets in x-request-id).
 * Flat primitive fields only, so pino writes it on its fast path: no per-request child logger, no
 * header serialization (so nothing to redact: tokens and cookies are never read), no async context.
 * 5xx lines are errors and 4xx warnings, so LOG_LEVEL=warn keeps only the failures.
 */
export function logResponses(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          reqId: request.id,
          method: request.method,
          url: request.url,
          statusCode,
          responseTime: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      );
    }
    done();
  });
}
