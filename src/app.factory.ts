import helmet from '@fastify/helmet';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { Logger } from 'nestjs-pino';
import { register } from 'prom-client';
import { AppModule } from './app.module';
import { PUBLIC_EXTENSION } from './auth/public.decorator';
import { MAX_PAYLOAD_BYTES } from './common/payload-limits';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { serveConsole } from './console/console-static';
import { eventCatalogueModels, serveEventDocs } from './live/asyncapi';
import { SocketIoAdapter } from './live/socket-io.adapter';
import { observeHttpLatency } from './metrics/http-metrics';

export const API_PREFIX = 'api';

/** Builds the configured application (HTTP, Socket.IO, docs), not yet listening. Shared by main and tests. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  // Metrics live in prom-client's global registry; a second app in one process (tests) starts clean.
  register.clear();
  const adapter = new FastifyAdapter({
    trustProxy: true,
    bodyLimit: MAX_PAYLOAD_BYTES,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
  });
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  await app.register(helmet, { contentSecurityPolicy: false });
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
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Live backend')
      .setDescription(
        'REST API of the live-streaming backend: lives, viewers, chat, party seats, gifts and wallets. ' +
          'Authenticate with a JWT (`Authorization: Bearer <token>`). Real-time events are described in ' +
          '[the Socket.IO event reference](/api/docs/events). Errors are `{ statusCode, code, message, details? }`.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
    { extraModels: eventCatalogueModels() },
  );
  // Secure by default, like the guard: every operation needs the bearer token unless @Public().
  document.security = [{ bearer: [] }];
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as { [PUBLIC_EXTENSION]?: boolean; security?: unknown[] }[]) {
      if (operation?.[PUBLIC_EXTENSION]) operation.security = [];
    }
  }
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, {
    jsonDocumentUrl: `${API_PREFIX}/docs-json`,
    swaggerOptions: { persistAuthorization: true },
  });
  serveEventDocs(app, document);
}
