import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../errors';

/**
 * The same problems as a ValidationError, as Pulumi's InputPropertiesError: the CLI prints each
 * one with its property path. The path is `<construct path>.<property>`; the reason carries the
 * value, what is wrong and the fix.
 */
export function toInputPropertiesError(error: ValidationError): pulumi.InputPropertiesError {
  return new pulumi.InputPropertiesError({
    message: error.message,
    errors: error.problems.map(p => ({
      propertyPath: `${p.path}.${p.property}`,
      reason: `${p.value}: ${p.reason} (fix: ${p.fix})`,
    })),
  });
}

/** Runs `fn`, rethrowing a ValidationError as InputPropertiesError; other errors pass unchanged. */
export function surfaceValidation<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) throw toInputPropertiesError(e);
    throw e;
  }
}
