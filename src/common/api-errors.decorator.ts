import { ApiExtension, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './errors';

/** The body of every error answer (the `ErrorBody` interface, as the API documents show it). */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 409, description: 'The HTTP status, repeated' })
  statusCode!: number;
  @ApiProperty({ example: 'LIVE_ENDED', description: 'Stable upper-snake code: branch on this' })
  code!: string;
  @ApiProperty({ example: 'This live has ended.', description: 'For people; its wording may change' })
  message!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'What a client needs to act, e.g. retryAfterMs, liveId, problems',
  })
  details?: Record<string, unknown>;
}

/** The OpenAPI extension that carries a route's declared codes to the document builder (openapi-document.ts). */
export const ERROR_CODES_EXTENSION = 'x-error-codes';

/**
 * Declares the error codes a route answers beyond those every route of its kind answers (a bad
 * body, a missing token, a path id over the limit: see `impliedErrorCodes`). The document shows
 * them grouped by HTTP status, with a named example per code.
 */
export function ApiErrors(...codes: ErrorCode[]) {
  return ApiExtension(ERROR_CODES_EXTENSION, codes);
}

/** What any route on /live/:id can answer: a bad or unknown id, a missing token. */
export const LIVE_ROUTE_ERRORS: ErrorCode[] = ['INVALID_ID', 'UNAUTHENTICATED', 'LIVE_NOT_FOUND'];
/** What an action inside a running live can answer besides: the live ended, the caller was removed. */
export const LIVE_ACTION_ERRORS: ErrorCode[] = [...LIVE_ROUTE_ERRORS, 'LIVE_ENDED', 'REMOVED_FROM_LIVE'];
