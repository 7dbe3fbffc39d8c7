import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ERROR_STATUS, ErrorCode } from './errors';

export class ErrorResponse {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'LIVE_ENDED' }) code!: string;
  @ApiProperty({ example: 'This live has ended.' }) message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { liveId: '665f1c2e8a1b2c3d4e5f6a7b' } })
  details?: Record<string, unknown>;
}

/**
 * Documents a route's error codes in Swagger, grouped by HTTP status. A route that needs a token
 * also answers BANNED (the auth guard refuses a banned caller).
 */
export function ApiErrors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  const banned: ErrorCode[] = codes.includes('UNAUTHENTICATED') ? ['BANNED'] : [];
  for (const code of ['VALIDATION_FAILED', ...codes, ...banned] as ErrorCode[]) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({ status, type: ErrorResponse, description: `Error codes: ${list.join(', ')}` }),
    ),
  );
}

/** What any route on /live/:id can answer: a bad or unknown id, a missing token. */
export const LIVE_ROUTE_ERRORS: ErrorCode[] = ['INVALID_ID', 'UNAUTHENTICATED', 'LIVE_NOT_FOUND'];
/** What an action inside a running live can answer besides: the live ended, the caller was removed. */
export const LIVE_ACTION_ERRORS: ErrorCode[] = [...LIVE_ROUTE_ERRORS, 'LIVE_ENDED', 'REMOVED_FROM_LIVE'];
