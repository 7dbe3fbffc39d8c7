/**
 * Payloads built from the JSON schemas of the served documents (OpenAPI for REST bodies, AsyncAPI
 * for socket events), so the hostile-input walkers cover every field as soon as it is documented.
 */
type Schema = Record<string, any>;
export type Schemas = Record<string, Schema>;

/** Follows `$ref`s (and a lone `allOf`, or a `oneOf` with null) to the schema they name. */
export function resolveSchema(schema: Schema, schemas: Schemas): Schema {
  if (schema.$ref) return resolveSchema(schemas[String(schema.$ref).split('/').pop()!], schemas);
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return resolveSchema(schema.allOf[0], schemas);
  const notNull = (schema.oneOf as Schema[] | undefined)?.filter((s) => s.type !== 'null');
  if (notNull?.length === 1) return resolveSchema(notNull[0], schemas);
  return schema;
}

/** Whether null is a documented value: OpenAPI's `nullable`, or JSON Schema's null type (AsyncAPI). */
const acceptsNull = (schema: Schema): boolean =>
  schema.nullable === true ||
  (Array.isArray(schema.type) && schema.type.includes('null')) ||
  (Array.isArray(schema.oneOf) && schema.oneOf.some((s: Schema) => s.type === 'null'));

/** A value for every property (optional ones included), from the documented examples. */
export function sampleOf(schema: Schema, schemas: Schemas): unknown {
  const resolved = resolveSchema(schema, schemas);
  if (resolved.properties) {
    return Object.fromEntries(
      Object.entries<Schema>(resolved.properties).map(([name, property]) => [name, sampleOf(property, schemas)]),
    );
  }
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.examples?.length) return resolved.examples[0];
  if (resolved.enum) return resolved.enum[0];
  const byType: Record<string, unknown> = { string: 'x', number: 1, integer: 1, boolean: true, array: [], object: {} };
  return byType[Array.isArray(resolved.type) ? resolved.type[0] : resolved.type] ?? 'x';
}

export interface FieldPath {
  path: string[];
  /** The document says null is a meaningful value here (it clears the field). */
  nullable: boolean;
}

/** Every field of the schema, nested objects' fields included, with whether it accepts null. */
export function fieldsOf(schema: Schema, schemas: Schemas, prefix: string[] = []): FieldPath[] {
  const resolved = resolveSchema(schema, schemas);
  return Object.entries<Schema>(resolved.properties ?? {}).flatMap(([name, property]) => {
    const path = [...prefix, name];
    const field = { path, nullable: acceptsNull(resolveSchema(property, schemas)) || acceptsNull(property) };
    return [field, ...fieldsOf(property, schemas, path)];
  });
}

/** A deep copy of `value` with `path` set to `replacement`. */
export function withValueAt(value: unknown, path: string[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string, any>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path[path.length - 1]] = replacement;
  return copy;
}

/** `levels` arrays nested in one another: a few kilobytes that overflow a recursive walker. */
export function nestedArrays(levels: number, leaf: unknown = 'x'): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** Whether a VALIDATION_FAILED answer names the field (its problems start with the dotted path). */
export function namesField(error: { details?: { problems?: string[] } } | undefined, path: string[]): boolean {
  const dotted = path.join('.');
  return (error?.details?.problems ?? []).some(
    (problem) => problem.startsWith(`${dotted} `) || problem.startsWith(`${dotted}:`),
  );
}
