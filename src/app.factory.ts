import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { Logger } from 'nestjs-pino';
import { register } from 'prom-client';
import { AppModule } from './app.module';
import { createLogger, logResponses } from './common/logging';
import { answerFrameworkError, MAX_PATH_PARAM_LENGTH } from './common/framework-errors';
import { MAX_PAYLOAD_BYTES } from './common/payload-limits';
import { securityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { serveConsole } from './console/console-static';
import { serveEventDocs } from './live/event-docs';
import { SocketIoAdapter } from './live/socket-io.adapter';
import { observeHttpLatency } from './metrics/http-metrics';
import { buildOpenApiDocument } from './openapi-document';

export const API_PREFIX = 'api';

/** Builds the configured application (HTTP, Socket.IO, docs), not yet listening. Shared by main and tests. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  // Metrics live in prom-client's global registry; a second app in one process (tests) starts clean.
  register.clear();
  const adapter = new FastifyAdapter({
    trustProxy: true,
    bodyLimit: MAX_PAYLOAD_BYTES,
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors: answerFrameworkError,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
    // No Nest middleware runs (request lines come from a hook), so no middleware runner per request.
    skipMiddie: true,
  });
  const fastify = adapter.getInstance();
  // Swagger UI needs inline scripts, so no content security policy: the rest is the same for every request.
  const headers = await securityHeaders({ contentSecurityPolicy: false });
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  const logger = createLogger(config);
  logResponses(fastify, logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.enableCors({ origin: config.corsOrigins, credentials: true });
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new SocketIoAdapter(app, config));
  observeHttpLatency(app);
  setUpSwagger(app);
  await serveConsole(app);
  return app;
}

function setUpSwagger(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, {
    jsonDocumentUrl: `${API_PREFIX}/docs-json`,
    swaggerOptions: { persistAuthorization: true },
  });
  serveEventDocs(app, document.info.version);
}
