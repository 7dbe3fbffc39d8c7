import { Injectable, PipeTransform } from '@nestjs/common';
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
