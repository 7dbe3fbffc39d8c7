import type { Type } from '@nestjs/common';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * A payload's shape in the event catalogue: a DTO or view class (its @ApiProperty metadata gives
 * the schema, shared with the OpenAPI document) or an inline JSON schema built with the helpers below.
 */
export type PayloadSpec = Type<unknown> | SchemaObject;

export const str = (example?: string): SchemaObject => ({ type: 'string', ...(example !== undefined && { example }) });
export const int = (example?: number): SchemaObject => ({ type: 'integer', ...(example !== undefined && { example }) });
export const oneOf = (values: readonly string[]): SchemaObject => ({ type: 'string', enum: [...values] });
export const arrayOf = (items: PayloadSpec): SchemaObject => ({ type: 'array', items: items as SchemaObject });

/** An object whose listed fields are all required. */
export function object(fields: Record<string, PayloadSpec>, description?: string): SchemaObject {
  return {
    type: 'object',
    ...(description && { description }),
    properties: fields as Record<string, SchemaObject>,
    required: Object.keys(fields),
  };
}

/** The id of the live every live event carries. */
export const liveStreamId = str('665f1c2e8a1b2c3d4e5f6a7b');

const isClass = (spec: unknown): spec is Type<unknown> => typeof spec === 'function';

/** Classes named anywhere in a spec (so they can be added to the document's components). */
export function classesIn(spec: unknown, found = new Set<Type<unknown>>()): Set<Type<unknown>> {
  if (isClass(spec)) found.add(spec);
  else if (Array.isArray(spec)) spec.forEach((item) => classesIn(item, found));
  else if (spec && typeof spec === 'object') Object.values(spec).forEach((value) => classesIn(value, found));
  return found;
}

/** The spec as JSON schema, classes replaced by `$ref`s to #/components/schemas. */
export function toJsonSchema(spec: unknown): unknown {
  if (isClass(spec)) return { $ref: `#/components/schemas/${spec.name}` };
  if (Array.isArray(spec)) return spec.map(toJsonSchema);
  if (spec && typeof spec === 'object') {
    return Object.fromEntries(Object.entries(spec).map(([key, value]) => [key, toJsonSchema(value)]));
  }
  return spec;
}
