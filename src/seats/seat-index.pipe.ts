import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { DomainError } from '../common/errors';
import { MAX_SEAT_INDEX } from './dto/seat-actions.dto';

/** `:index` in seat routes: an integer 0..15, else 400 INVALID_SEAT_INDEX (the live's own count is checked later). */
@Injectable()
export class SeatIndexPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const index = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(index) || index > MAX_SEAT_INDEX) {
      throw new DomainError(
        'INVALID_SEAT_INDEX',
        `'${String(value).slice(0, 20)}' is not a seat index (0..${MAX_SEAT_INDEX}).`,
      );
    }
    return index;
  }
}

/** `@Param('index')` read through SeatIndexPipe, and documented as the integer it must be. */
export function SeatIndexParam(): ParameterDecorator {
  return (target, key, index) => {
    Param('index', SeatIndexPipe)(target, key!, index);
    ApiParam({
      name: 'index',
      schema: { type: 'integer', minimum: 0, maximum: MAX_SEAT_INDEX },
      description: "The seat's index; seat 0 is the host's",
    })(target, key!, Object.getOwnPropertyDescriptor(target, key!)!);
  };
}
