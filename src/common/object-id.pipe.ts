import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { isValidObjectId } from 'mongoose';
import { DomainError } from './errors';

/** Route ids are ObjectIds: a malformed one is a 400 INVALID_ID before any database call. */
@Injectable()
export class ObjectIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isObjectIdString(value)) {
      throw new DomainError('INVALID_ID', `'${String(value).slice(0, 40)}' is not a valid id (24 hex characters)`);
    }
    return value;
  }
}

export function isObjectIdString(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value) && isValidObjectId(value);
}

/** How a route id looks in the API documents. */
export const OBJECT_ID_SCHEMA = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{24}$',
  example: '665f1c2e8a1b2c3d4e5f6a7b',
} as const;

/**
 * `@Param(name)` read through ObjectIdPipe (a malformed id answers 400 INVALID_ID before any
 * database call), and documented as an id: 24 hex characters.
 */
export function ObjectIdParam(name: string): ParameterDecorator {
  return (target, key, index) => {
    Param(name, ObjectIdPipe)(target, key!, index);
    ApiParam({ name, schema: { ...OBJECT_ID_SCHEMA } })(target, key!, Object.getOwnPropertyDescriptor(target, key!)!);
  };
}
