import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './errors';
import { MAX_PAYLOAD_DEPTH, nestsDeeperThan } from './payload-limits';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message.replace(error.property, path) : `${path}: ${message}`,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * Refuses payloads nested deeper than MAX_PAYLOAD_DEPTH before class-transformer sees them: it
 * recurses once per level and would exhaust the call stack on a few kilobytes of `[[[...]]]`.
 */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom' && nestsDeeperThan(value, MAX_PAYLOAD_DEPTH)) {
      throw new DomainError('PAYLOAD_TOO_DEEP', `The payload nests more than ${MAX_PAYLOAD_DEPTH} levels deep.`, {
        maxDepth: MAX_PAYLOAD_DEPTH,
      });
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe, for HTTP bodies, queries and params and for socket payloads alike:
 * depth first, then whitelisting and the DTO's rules (null is refused wherever a DTO does not
 * declare the field @IsOptionalNullable, see optional-fields.ts).
 */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
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
