import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'isPublic';
/** OpenAPI extension the Swagger setup turns into "no security" for the operation. */
export const PUBLIC_EXTENSION = 'x-public';

/** Opts a route out of the global JWT guard (secure by default); Swagger shows it without a lock. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));
