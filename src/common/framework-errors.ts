import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from './error-mapping';
import { DomainError } from './errors';

/** Longest path parameter the router accepts (ids are 24 characters); longer answers 414 PATH_PARAM_TOO_LONG. */
export const MAX_PATH_PARAM_LENGTH = 100;

/**
 * Fastify answers a few malformed requests itself, before any route, hook or filter runs: a path
 * parameter over MAX_PATH_PARAM_LENGTH, a URL that does not decode. This gives those answers the
 * API's error shape and code (its `frameworkErrors` option).
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? toErrorBody(
          new DomainError(
            'PATH_PARAM_TOO_LONG',
            `A path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters.`,
            {
              maxLength: MAX_PATH_PARAM_LENGTH,
            },
          ),
        )
      : toErrorBody(error);
  void reply.status(body.statusCode).header('x-request-id', request.id).send(body);
}
