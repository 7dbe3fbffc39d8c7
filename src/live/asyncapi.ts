import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse } from '../common/api-errors.decorator';
import { CLIENT_EVENTS, SERVER_EVENTS } from './event-catalogue';
import {
  AckDoc,
  ClientEventDoc,
  exampleOf,
  isNumbered,
  JsonSchema,
  orNull,
  PayloadClass,
  Receivers,
  referencedSchemas,
  ServerEventDoc,
  toJsonSchema,
} from './event-schema';
import { MissedRoomEvent } from './events/join-ack';
import { RoomEventStamp } from './events/room-event-stamp';
import { LiveModule } from './live.module';

export const ASYNCAPI_PATH = '/api/docs/asyncapi.json';

const INTRO = `Socket.IO 4 on the default namespace, at the same origin as the REST API (path \`/socket.io\`).

- **Connect** with \`io(BASE_URL, { transports: ['websocket'], auth: { token } })\` (or an \`Authorization: Bearer\` header). A connection without a valid token is refused with \`connect_error\`, \`err.data.code === 'UNAUTHENTICATED'\`.
- **Client events** are answered through the Socket.IO acknowledgement: \`{ ok: true, data }\` or \`{ ok: false, error: { statusCode, code, message, details? } }\`, with the same codes as the REST API. Each event below shows its ack under *Reply*.
- **Server events** carry exactly one argument, the payload. Those sent to a live's room (and \`live:ended\`) also carry \`seq\` and \`epoch\`: apply an event whose seq is the last one + 1, ignore one not above it, wait up to 300 ms for a missing one, then send \`live:join\` with \`sinceSeq\`; a new epoch means join again.

Behaviour notes (presence, recovery, seats, gifts) are in \`docs/socket-events.md\` in the repository.`;

const RECEIVERS: Record<Receivers, string> = {
  everyone: 'every connected client',
  'live room': "everyone in the live's room (joined with `live:join`)",
  'user room': "the user it concerns, on every socket of theirs (the user's room)",
  'this socket': 'only the socket concerned',
  'admin room': "admins' sockets that sent admin:watch (the operator console)",
};

const dotted = (event: string) => event.replace(/:/g, '.');
const ref = (path: string) => ({ $ref: path });
const schemaRef = (type: PayloadClass) => ref(`#/components/schemas/${type.name}`);

/** Every class the catalogue names, so their schemas can be built. */
export function eventCatalogueModels(): PayloadClass[] {
  const clients = Object.values<ClientEventDoc>(CLIENT_EVENTS).flatMap((doc) => [
    doc.payload,
    ...doc.acks.map((ack) => ack.data),
  ]);
  const servers = Object.values<ServerEventDoc>(SERVER_EVENTS).map((doc) => doc.payload);
  return [...new Set([...clients, ...servers, RoomEventStamp, ErrorResponse])];
}

/**
 * The OpenAPI schemas of the catalogue's classes, built by @nestjs/swagger exactly as for the REST
 * document. LiveModule has no controllers, so the document holds nothing but these models.
 */
export function eventClassSchemas(app: INestApplication): Record<string, JsonSchema> {
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().build(), {
    include: [LiveModule],
    extraModels: eventCatalogueModels(),
  });
  return (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
}

/** The AsyncAPI 3.1 document of every Socket.IO event, built from the event catalogue. */
export function buildAsyncApi(classSchemas: Record<string, JsonSchema>, version: string): JsonSchema {
  const schemas: Record<string, JsonSchema> = Object.fromEntries(
    Object.entries(classSchemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
  );
  // An event sent beside the room (live:ended) carries the room's last seq: 0 when it had no event.
  const lastSeqStamp = {
    ...schemas[RoomEventStamp.name],
    properties: {
      ...schemas[RoomEventStamp.name].properties,
      seq: {
        type: 'integer',
        minimum: 0,
        examples: [42],
        description: "The room's last seq (0: the room had no event)",
      },
    },
  };
  const payloadOf = (doc: ServerEventDoc) => {
    if (!isNumbered(doc)) return schemaRef(doc.payload);
    return withStamp(
      schemas[doc.payload.name],
      doc.receivers === 'live room' ? schemas[RoomEventStamp.name] : lastSeqStamp,
    );
  };
  schemas[MissedRoomEvent.name] = {
    description: 'One room event the joiner missed, as it was sent: `event` names it, `data` is its payload.',
    oneOf: Object.entries<ServerEventDoc>(SERVER_EVENTS)
      .filter(([, doc]) => doc.receivers === 'live room')
      .map(([event, doc]) => ({
        type: 'object',
        title: event,
        properties: { event: { const: event }, data: payloadOf(doc) },
        required: ['event', 'data'],
        additionalProperties: false,
      })),
  };

  const messages: Record<string, JsonSchema> = {};
  const message = (key: string, name: string, payload: JsonSchema, extra: JsonSchema = {}, examples?: object) => {
    messages[key] = {
      name,
      title: name,
      ...extra,
      payload,
      examples: Object.entries(examples ?? { [extra.title ?? name]: exampleOf(payload, schemas) }).map(
        ([exampleName, example]) => ({ name: exampleName, payload: example as unknown }),
      ),
    };
    return ref(`#/components/messages/${key}`);
  };
  // One channel per event name (its Socket.IO "address"); a client event's acks travel on it too.
  const channels: Record<string, JsonSchema> = {};
  const channel = (event: string) =>
    (channels[dotted(event)] ??= { address: event, title: event, messages: {} }).messages as Record<string, JsonSchema>;
  const inChannel = (event: string, key: string) => ref(`#/channels/${dotted(event)}/messages/${key}`);
  const operations: Record<string, JsonSchema> = {};

  const errorAck = message(
    'ack.error',
    'error ack',
    closedObject({ ok: { const: false }, error: schemaRef(ErrorResponse) }),
    {
      title: 'Error',
      summary: 'The action was refused, with the same codes as the REST API (e.g. LIVE_ENDED, VALIDATION_FAILED).',
    },
  );

  for (const [event, doc] of Object.entries<ClientEventDoc>(CLIENT_EVENTS)) {
    const key = `client.${dotted(event)}`;
    channel(event)[key] = message(key, event, schemaRef(doc.payload), { summary: doc.summary }, doc.examples);
    const acks = doc.acks.map((ack, index) => {
      const ackKey = `ack.${dotted(event)}${doc.acks.length > 1 ? `.${index + 1}` : ''}`;
      channel(event)[ackKey] = message(ackKey, `${event} ack`, ackPayload(ack), {
        title: ack.actions ? `Ack of ${ack.actions.join(', ')}` : 'Ack',
        summary: ack.description ?? `data: ${ack.nullable ? `${ack.data.name} or null` : ack.data.name}`,
        ...(ack.actions && { 'x-actions': ack.actions }),
      });
      return inChannel(event, ackKey);
    });
    channel(event)['ack.error'] = errorAck;
    operations[key] = {
      action: 'receive',
      channel: ref(`#/channels/${dotted(event)}`),
      title: event,
      summary: doc.summary,
      ...(doc.description && { description: doc.description }),
      tags: [{ name: doc.module }],
      messages: [inChannel(event, key)],
      reply: { channel: ref(`#/channels/${dotted(event)}`), messages: [...acks, inChannel(event, 'ack.error')] },
    };
  }

  for (const [event, doc] of Object.entries<ServerEventDoc>(SERVER_EVENTS)) {
    const key = `server.${dotted(event)}`;
    channel(event)[key] = message(key, event, payloadOf(doc), { summary: doc.summary, 'x-receivers': doc.receivers });
    operations[key] = {
      action: 'send',
      channel: ref(`#/channels/${dotted(event)}`),
      title: event,
      summary: doc.summary,
      description: [`**Sent to:** ${RECEIVERS[doc.receivers]}.`, doc.description].filter(Boolean).join('\n\n'),
      tags: [{ name: doc.module }],
      messages: [inChannel(event, key)],
    };
  }

  const used = referencedSchemas(messages, schemas);
  return {
    asyncapi: '3.1.0',
    info: { title: 'Live backend: Socket.IO events', version, description: INTRO },
    defaultContentType: 'application/json',
    servers: {
      app: {
        host: '{host}',
        protocol: 'ws',
        pathname: '/socket.io',
        description: 'Socket.IO 4 (websocket, polling fallback), on the REST API origin',
        variables: { host: { default: 'localhost:3000', description: 'The REST API host' } },
        security: [ref('#/components/securitySchemes/jwt')],
      },
    },
    channels,
    operations,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))),
      messages,
      securitySchemes: {
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The JWT in the handshake: `auth: { token }`, or an `Authorization: Bearer <token>` header.',
        },
      },
    },
  };
}

function closedObject(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

function ackPayload(ack: AckDoc): JsonSchema {
  const data = schemaRef(ack.data);
  return closedObject({ ok: { const: true }, data: ack.nullable ? orNull(data) : data });
}

/** The payload's fields with the room's seq and epoch added. */
function withStamp(payload: JsonSchema, stamp: JsonSchema): JsonSchema {
  return {
    ...payload,
    properties: { ...payload.properties, ...stamp.properties },
    required: [...(payload.required ?? []), ...stamp.required],
  };
}
