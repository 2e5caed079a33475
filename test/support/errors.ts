import { ValidationError } from '../../lib';

/** Runs `fn` and returns the ValidationError it throws; anything else (or nothing) fails the test. */
export function expectValidationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}
