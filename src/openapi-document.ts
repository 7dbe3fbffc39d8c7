import { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
  SwaggerDocumentOptions,
  SwaggerModule,
} from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ALLOW_BANNED_EXTENSION } from './auth/ban-check.decorator';
import { PUBLIC_EXTENSION } from './auth/public.decorator';
import { ERROR_CODES_EXTENSION, ErrorResponse } from './common/api-errors.decorator';
import { ERROR_EXAMPLES } from './common/error-examples';
import { ERROR_STATUS, ErrorCode } from './common/errors';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Shown in Swagger UI's Authorize dialog. */
const BEARER_HELP =
  'A JWT from the identity service. For development: `npm run token -- --sub alice` (add `--admin` for ' +
  'admin routes) prints one; or, on a server started with `DEV_TOKENS_ENABLED=true` (never in production), ' +
  '`POST /api/auth/dev-token` with `{ "sub": "alice" }` answers one. Paste the token alone, without `Bearer`.';

/**
 * The OpenAPI document of the REST API: Nest's scan of the controllers, then the rules no route
 * repeats: every operation needs the bearer token unless @Public(); every operation lists each
 * error it can answer (its declared codes plus those implied by its shape) with an example; request
 * bodies refuse unknown fields.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  extraModels: SwaggerDocumentOptions['extraModels'] = [],
): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Live backend')
      .setDescription(
        'REST API of the live-streaming backend: lives, viewers, chat, party seats, gifts and wallets. ' +
          'Authenticate with a JWT (`Authorization: Bearer <token>`; *Authorize* says how to get one for ' +
          'development). Real-time events are described in [the Socket.IO event reference](/api/docs/events). ' +
          'Errors are `{ statusCode, code, message, details? }`: branch on `code`; each error response lists ' +
          'the codes that route answers with that status, with an example of each.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: BEARER_HELP })
      .build(),
    { extraModels: [ErrorResponse, ...extraModels] },
  );
  // Secure by default, like the guard: every operation needs the bearer token unless @Public().
  document.security = [{ bearer: [] }];
  for (const { operation } of operationsOf(document)) {
    if (operation[PUBLIC_EXTENSION]) operation.security = [];
  }
  for (const { path, method, operation } of operationsOf(document)) documentErrors(path, method, operation);
  closeRequestBodies(document);
  return document;
}

/** The validation pipe refuses unknown fields: every object a request body can hold says so. */
function closeRequestBodies(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const closed = new Set<SchemaObject>();
  const close = (schema: SchemaObject | ReferenceObject | undefined): void => {
    if (!schema) return;
    if ('$ref' in schema) return close(schemas[schema.$ref.split('/').pop()!]);
    if (closed.has(schema)) return;
    closed.add(schema);
    if (schema.properties) {
      schema.additionalProperties = false;
      Object.values(schema.properties).forEach(close);
    }
    [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].forEach(close);
    if (schema.items) close(schema.items);
  };
  for (const { operation } of operationsOf(document)) {
    const body = operation.requestBody as RequestBodyObject | undefined;
    Object.values(body?.content ?? {}).forEach((media) => close(media.schema));
  }
}

type Operation = OperationObject & Record<string, unknown>;

function* operationsOf(document: OpenAPIObject): Generator<{ path: string; method: string; operation: Operation }> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation) yield { path, method, operation };
    }
  }
}

/** A route answers these whatever it does, by its shape alone. */
export function impliedErrorCodes(method: string, operation: OperationObject): ErrorCode[] {
  const parameters = (operation.parameters ?? []) as { in?: string }[];
  const codes: ErrorCode[] = [];
  // Parameters and bodies are validated; any body is parsed as JSON first, even where none is expected.
  if (parameters.length > 0 || operation.requestBody || method !== 'get') codes.push('VALIDATION_FAILED');
  if (operation.requestBody) codes.push('PAYLOAD_TOO_DEEP');
  if (method !== 'get') codes.push('PAYLOAD_TOO_LARGE');
  if (parameters.some((parameter) => parameter.in === 'path')) codes.push('PATH_PARAM_TOO_LONG');
  // The guard: a missing or bad token, and too many failed authentications from one address.
  const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
  if (!isPublic) codes.push('UNAUTHENTICATED', 'RATE_LIMITED');
  // The guard also refuses a banned caller, except on the routes a banned user may still call.
  if (!isPublic && !(operation as unknown as Record<string, unknown>)[ALLOW_BANNED_EXTENSION]) codes.push('BANNED');
  return codes;
}

function documentErrors(path: string, method: string, operation: Operation): void {
  const declared = (operation[ERROR_CODES_EXTENSION] as ErrorCode[] | undefined) ?? [];
  const implied = impliedErrorCodes(method, operation);
  delete operation[ERROR_CODES_EXTENSION];
  delete operation[ALLOW_BANNED_EXTENSION];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...implied, ...declared])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = { ...operation.responses } as Record<string, ResponseObject>;
  for (const [status, codes] of byStatus) {
    if (responses[status]) throw new Error(`${method.toUpperCase()} ${path}: status ${status} is documented twice`);
    responses[status] = errorResponse(status, codes);
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}

function errorResponse(status: number, codes: ErrorCode[]): ResponseObject {
  const examples = Object.fromEntries(
    codes.map((code) => [code, { value: { statusCode: status, code, ...ERROR_EXAMPLES[code] } }]),
  );
  const response: ResponseObject = {
    description: `${STATUS_CODES[status]}: ${codes.join(', ')}`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' }, examples } },
  };
  if (codes.includes('RATE_LIMITED')) {
    response.headers = {
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
    };
  }
  return response;
}
