import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Type } from '@nestjs/common';
import { CLIENT_EVENTS, SERVER_EVENTS } from './event-catalogue';
import { classesIn, toJsonSchema } from './event-schema';

export const ASYNCAPI_PATH = '/api/docs/asyncapi.json';
export const EVENTS_PAGE_PATH = '/api/docs/events';

const INTRO =
  'Socket.IO 4 on the default namespace, at the same origin as the REST API. Authenticate with ' +
  '`auth: { token: "<JWT>" }` (or an `Authorization: Bearer` header). Client events are answered through the ' +
  'ack: `{ ok: true, data }` or `{ ok: false, error: { code, message, details? } }` with the same codes as REST. ' +
  'Room events (a live room, your user room) are replayed after a drop when you reconnect within the recovery ' +
  'window (`socket.recovered === true`); otherwise re-join each live with `live:join` to get a fresh snapshot.';

/** Classes the catalogue names, so the OpenAPI document (and so this one) carries their schemas. */
export function eventCatalogueModels(): Type<unknown>[] {
  return [...classesIn([CLIENT_EVENTS, SERVER_EVENTS])];
}

const messageKey = (direction: 'client' | 'server', event: string) => `${direction}.${event.replace(/:/g, '.')}`;

const ACK_ERROR = {
  type: 'object',
  properties: {
    ok: { type: 'boolean', const: false },
    error: {
      type: 'object',
      properties: { code: { type: 'string', example: 'LIVE_ENDED' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message'],
    },
  },
  required: ['ok', 'error'],
};

/** The AsyncAPI 2.6 document of every Socket.IO event, built from the event catalogue. */
export function buildAsyncApi(openApi: OpenAPIObject): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  for (const [event, doc] of Object.entries(CLIENT_EVENTS)) {
    messages[messageKey('client', event)] = {
      name: event,
      summary: doc.summary,
      payload: toJsonSchema(doc.payload),
      'x-module': doc.module,
      'x-ack': {
        oneOf: [
          {
            type: 'object',
            properties: { ok: { type: 'boolean', const: true }, data: toJsonSchema(doc.ack) },
            required: ['ok'],
          },
          { $ref: '#/components/schemas/AckError' },
        ],
      },
    };
  }
  for (const [event, doc] of Object.entries(SERVER_EVENTS)) {
    messages[messageKey('server', event)] = {
      name: event,
      summary: doc.summary,
      payload: toJsonSchema(doc.payload),
      'x-module': doc.module,
      'x-receivers': doc.receivers,
    };
  }
  const refs = (direction: 'client' | 'server', events: object) =>
    Object.keys(events).map((event) => ({ $ref: `#/components/messages/${messageKey(direction, event)}` }));
  return {
    asyncapi: '2.6.0',
    info: { title: 'Live backend: Socket.IO events', version: openApi.info.version, description: INTRO },
    defaultContentType: 'application/json',
    servers: { app: { url: '/', protocol: 'ws', description: 'Socket.IO 4 (websocket, polling fallback)' } },
    channels: {
      '/': {
        description: 'The default Socket.IO namespace',
        publish: {
          operationId: 'clientEvents',
          summary: 'client -> server',
          message: { oneOf: refs('client', CLIENT_EVENTS) },
        },
        subscribe: {
          operationId: 'serverEvents',
          summary: 'server -> client',
          message: { oneOf: refs('server', SERVER_EVENTS) },
        },
      },
    },
    components: { messages, schemas: { ...(openApi.components?.schemas ?? {}), AckError: ACK_ERROR } },
  };
}

/** Serves the AsyncAPI document and a plain HTML reference built from it, next to Swagger UI. */
export function serveEventDocs(app: NestFastifyApplication, openApi: OpenAPIObject): void {
  const document = buildAsyncApi(openApi);
  const page = renderPage(document);
  const http = app.getHttpAdapter().getInstance();
  http.get(ASYNCAPI_PATH, async () => document);
  http.get(EVENTS_PAGE_PATH, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const json = (value: unknown) =>
  escape(JSON.stringify(value, null, 2)).replace(
    /&quot;#\/components\/schemas\/(\w+)&quot;/g,
    '<a href="#schema-$1">$1</a>',
  );

function renderPage(document: Record<string, unknown>): string {
  const components = document.components as { messages: Record<string, any>; schemas: Record<string, unknown> };
  const rows = (direction: 'client' | 'server') =>
    Object.entries(components.messages)
      .filter(([key]) => key.startsWith(`${direction}.`))
      .map(
        ([, m]) =>
          `<tr><td><code>${escape(m.name)}</code><br><small>${escape(m['x-module'])}</small></td><td>${escape(m.summary)}` +
          `${m['x-receivers'] ? `<br><b>To:</b> ${escape(m['x-receivers'])}` : ''}</td><td><pre>${json(m.payload)}</pre></td>` +
          `${direction === 'client' ? `<td><pre>${json(m['x-ack'].oneOf[0].properties.data)}</pre></td>` : ''}</tr>`,
      )
      .join('\n');
  const schemas = Object.entries(components.schemas)
    .map(([name, schema]) => `<h3 id="schema-${escape(name)}">${escape(name)}</h3><pre>${json(schema)}</pre>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Socket.IO events</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}pre{margin:0;font-size:.8rem}</style></head>
<body><h1>Socket.IO events</h1><p>${escape((document.info as { description: string }).description)}</p>
<p>Machine-readable: <a href="${ASYNCAPI_PATH}">AsyncAPI 2.6 document</a>. REST: <a href="/api/docs">Swagger UI</a>.</p>
<h2>Client &rarr; server</h2><table><tr><th>Event</th><th>What</th><th>Payload</th><th>Ack data</th></tr>
${rows('client')}</table>
<h2>Server &rarr; client</h2><table><tr><th>Event</th><th>What</th><th>Payload</th></tr>
${rows('server')}</table>
<h2>Schemas</h2>${schemas}</body></html>`;
}
