import { HttpException, HttpStatus } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { DomainError, ErrorBody } from './errors';

const CODE_BY_STATUS: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]: 'VALIDATION_FAILED',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'ROUTE_NOT_FOUND',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'VALIDATION_FAILED',
  [HttpStatus.TOO_MANY_REQUESTS]: 'RATE_LIMITED',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
};

/** Maps anything thrown to the API's error shape (`ErrorBody`). Unknown errors become a 500 (a bug). */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError) {
    return { statusCode: error.status, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse() as string | { message?: string | string[]; code?: string };
    const rawMessage = typeof response === 'string' ? response : response.message;
    const message = Array.isArray(rawMessage) ? rawMessage.join('; ') : (rawMessage ?? error.message);
    const code = (typeof response === 'object' && response.code) || CODE_BY_STATUS[status] || 'ERROR';
    return { statusCode: status, code, message };
  }
  if (error instanceof WsException) {
    const inner = error.getError();
    if (inner instanceof DomainError) return toErrorBody(inner);
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: String(inner) };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
    // Fastify's own client errors (bad JSON, body too large, bad content type).
    return {
      statusCode: fastifyError.statusCode,
      code: CODE_BY_STATUS[fastifyError.statusCode] ?? 'VALIDATION_FAILED',
      message: fastifyError.message ?? 'Bad request',
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'INTERNAL_ERROR',
    message: 'Something went wrong on our side; retry later and quote the request id if it persists.',
  };
}
