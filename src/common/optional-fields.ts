import type { Type } from '@nestjs/common';
// The one place allowed to use PartialType: the wrapper below fixes how it treats null.
// eslint-disable-next-line no-restricted-imports
import { PartialType } from '@nestjs/swagger';
import { ValidateIf, ValidationOptions } from 'class-validator';

/*
 * How a field may be left out. class-validator's @IsOptional() skips the field's validators for
 * `null` as well as `undefined`, so `{"title": null}` would pass and reach the services. Here only
 * an absent field is skipped: `null` is validated like any other value and refused. The lint
 * configuration forbids @IsOptional() and PartialType() so every DTO, REST and socket, follows this.
 */

/** The field may be left out; `null` is refused by the field's validators. */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}

/** The field may be left out or be `null` (for fields where null clears a value, e.g. a live's cover). */
export function IsOptionalNullable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null, options);
}

/** A DTO with every field of `classRef` optional as by @IsOptionalNotNull (null still refused). */
export function PartialDto<T>(classRef: Type<T>): Type<Partial<T>> {
  return PartialType(classRef, { skipNullProperties: false });
}
