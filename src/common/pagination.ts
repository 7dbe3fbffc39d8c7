import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from './optional-fields';
import { Types } from 'mongoose';
import { DomainError } from './errors';

/** Query for cursor-paginated lists: `?limit=20&cursor=<opaque>`. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, example: 20 })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page of this list; left out: the first page' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class PageMeta {
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null at the end' })
  nextCursor!: string | null;
}

/** Opaque cursors are base64url JSON, so their shape can change without breaking clients. */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(cursor: string | undefined): T | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value as T;
  } catch {
    // fall through
  }
  return undefined;
}

/**
 * Keyset pagination on (`field` descending, `_id` descending), the order every "newest / biggest
 * first" list uses. `keysetFilter` reads a cursor this list gave out (a malformed one is a 400);
 * `keysetPage` turns the `limit + 1` documents fetched into a page and its next cursor.
 */
export function keysetFilter(field: string, kind: 'number' | 'date', raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  const cursor = decodeCursor<{ v: unknown; id: unknown }>(raw);
  const validKey = kind === 'number' ? typeof cursor?.v === 'number' : !Number.isNaN(Date.parse(String(cursor?.v)));
  if (!cursor || !validKey || !Types.ObjectId.isValid(String(cursor.id))) {
    throw new DomainError('VALIDATION_FAILED', 'cursor is not a cursor this list gave out.');
  }
  const value = kind === 'date' ? new Date(String(cursor.v)) : cursor.v;
  const id = new Types.ObjectId(String(cursor.id));
  return { $or: [{ [field]: { $lt: value } }, { [field]: value, _id: { $lt: id } }] };
}

export function keysetPage<D, V extends { id: string }>(
  docs: D[],
  limit: number,
  view: (doc: D) => V,
  key: (item: V) => number | string,
): Page<V> {
  const items = docs.slice(0, limit).map(view);
  const last = docs.length > limit ? items[items.length - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor({ v: key(last), id: last.id }) : null };
}
