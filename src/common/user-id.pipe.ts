import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from './errors';

/** A user id in a path (a token's subject): 1-128 characters. */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
      throw new DomainError('VALIDATION_FAILED', 'userId must be 1-128 characters.');
    }
    return value;
  }
}
