import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './errors';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message.replace(error.property, path) : `${path}: ${message}`,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** The one validation pipe, for HTTP bodies and queries and for socket payloads alike. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      return new DomainError('VALIDATION_FAILED', problems.join('; ') || 'Invalid request', { problems });
    },
  });
}
