import type { Type } from '@nestjs/common';

/** The module that owns an event (the page groups events by it). */
export type EventModule = 'streams' | 'viewers' | 'chat' | 'seats' | 'gifts' | 'battles' | 'moderation' | 'auth';

/** Who receives a server event: every client, a live's room, one user's room, one socket, or the admins watching. */
export type Receivers = 'everyone' | 'live room' | 'user room' | 'this socket' | 'admin room';

/** A payload: a DTO or view class whose @ApiProperty metadata gives its schema. */
export type PayloadClass = Type<object>;

export interface ServerEventDoc {
  module: EventModule;
  summary: string;
  /** Behaviour a client must know beyond the payload (markdown). */
  description?: string;
  receivers: Receivers;
  /** Carries the live room's seq and epoch although it is not a room event (live:ended). */
  numbered?: true;
  payload: PayloadClass;
}

/** What `data` holds in a `{ ok: true, data }` ack, for every action or for the listed ones. */
export interface AckDoc {
  data: PayloadClass;
  nullable?: true;
  /** The payload's `action`s answered with this shape; left out: every call. */
  actions?: readonly string[];
  description?: string;
}

export interface ClientEventDoc {
  module: EventModule;
  summary: string;
  description?: string;
  payload: PayloadClass;
  /** Example payloads by name, where one built from the schema's examples would mix different actions' fields. */
  examples?: Readonly<Record<string, object>>;
  /** One shape, or one per group of actions (covering every action once). */
  acks: readonly AckDoc[];
}

/** Events that carry the room's seq and epoch: every room event, and the ones that say so. */
export const isNumbered = (doc: ServerEventDoc): boolean => doc.receivers === 'live room' || doc.numbered === true;

export type JsonSchema = Record<string, any>;

/**
 * An OpenAPI 3.0 schema (as @nestjs/swagger builds it from the classes) as a closed JSON Schema
 * draft 7 one, the dialect of AsyncAPI: `nullable` becomes a null type, `example` becomes
 * `examples`, and objects refuse fields they do not list, so a payload that grows a field the
 * documents do not have fails validation.
 */
export function toJsonSchema(schema: JsonSchema): JsonSchema {
  const { nullable, example, ...rest } = schema;
  const converted: JsonSchema = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, convert(key, value)]),
  );
  if (example !== undefined) converted.examples = [example];
  if (converted.properties && converted.additionalProperties === undefined) converted.additionalProperties = false;
  return nullable === true ? orNull(converted) : converted;
}

function convert(key: string, value: unknown): unknown {
  if (key === 'properties') {
    return Object.fromEntries(Object.entries(value as JsonSchema).map(([name, s]) => [name, toJsonSchema(s)]));
  }
  if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) {
    return toJsonSchema(value as JsonSchema);
  }
  if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') return (value as JsonSchema[]).map(toJsonSchema);
  return value;
}

/** The schema, or null. */
export function orNull(schema: JsonSchema): JsonSchema {
  const { examples, description, ...rest } = schema;
  const annotations = { ...(description && { description }), ...(examples && { examples }) };
  // @nestjs/swagger writes a nullable class as { type: 'object', allOf: [{ $ref }] }.
  if (rest.allOf?.length === 1 && Object.keys(rest).every((key) => key === 'allOf' || key === 'type')) {
    return { oneOf: [rest.allOf[0], { type: 'null' }], ...annotations };
  }
  if (typeof rest.type === 'string' && !rest.$ref) {
    const enumOrNull = rest.enum && (rest.enum.includes(null) ? rest.enum : [...rest.enum, null]);
    return { ...rest, type: [rest.type, 'null'], ...(enumOrNull && { enum: enumOrNull }), ...annotations };
  }
  return { oneOf: [rest, { type: 'null' }], ...annotations };
}

/**
 * An example value built from the schema's own examples: an object lists its required fields and
 * the optional fields that declare an example; a schema without an example falls back on its first
 * alternative, enum value or items.
 */
export function exampleOf(schema: JsonSchema, schemas: Record<string, JsonSchema>): unknown {
  if (schema.$ref) return exampleOf(schemas[refName(schema.$ref)], schemas);
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternatives = schema.oneOf ?? schema.anyOf ?? schema.allOf;
  if (alternatives) return exampleOf(alternatives.find((s: JsonSchema) => s.type !== 'null') ?? {}, schemas);
  if (schema.properties) {
    const required = new Set<string>(schema.required ?? []);
    return Object.fromEntries(
      Object.entries<JsonSchema>(schema.properties)
        .filter(([name, property]) => required.has(name) || hasOwnExample(property))
        .map(([name, property]) => [name, exampleOf(property, schemas)]),
    );
  }
  if (schema.items) return [exampleOf(schema.items, schemas)];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return ({ string: '', integer: 0, number: 0, boolean: false, array: [], object: {} } as JsonSchema)[type] ?? null;
}

const hasOwnExample = (schema: JsonSchema): boolean => schema.examples?.length > 0 || schema.const !== undefined;

export const refName = (ref: string): string => ref.split('/').pop()!;

/** Names of the component schemas a value refers to, directly or through other schemas. */
export function referencedSchemas(value: unknown, schemas: Record<string, JsonSchema>, found = new Set<string>()) {
  if (Array.isArray(value)) value.forEach((item) => referencedSchemas(item, schemas, found));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')) {
        const name = refName(item);
        if (!found.has(name)) {
          found.add(name);
          referencedSchemas(schemas[name], schemas, found);
        }
      } else referencedSchemas(item, schemas, found);
    }
  }
  return found;
}
