/**
 * Numbers the API server stores in fixed-width fields: int32 counts (replicas, maxSurge, seconds),
 * port numbers, and plain finite numbers modelship computes with.
 *
 * JavaScript numbers are float64, so `1e10` replicas, `NaN` or `Infinity` type-check but render as
 * JSON the API server refuses (an int32 field rejects 1e10; `.inf` is not JSON; NaN becomes null).
 * Port range from k8s.io/apimachinery pkg/util/validation/validation.go `IsValidPortNum` (v0.35.0):
 * 1-65535; int32 fields are Go `int32` in k8s.io/api (e.g. apps/v1 `DeploymentSpec.Replicas *int32`).
 */
import { ProblemSink, describeType, report } from './sink';

/** Largest value of a Kubernetes int32 field. */
export const INT32_MAX = 2_147_483_647;
/** Smallest value of a Kubernetes int32 field. */
export const INT32_MIN = -2_147_483_648;

/** Bounds and kind of a number. */
export interface NumberRuleOptions {
  /** Smallest allowed value (inclusive). @default - no lower bound */
  readonly min?: number;
  /** Largest allowed value (inclusive). @default - no upper bound */
  readonly max?: number;
  /** Whether the value must be greater than `min` rather than equal or greater. @default false */
  readonly exclusiveMin?: boolean;
  /** Whether it must be a whole number. @default false */
  readonly integer?: boolean;
  /** What the number counts, for messages ("replicas", "GiB"). @default - none */
  readonly unit?: string;
}

/** Checks that a value is a finite number (not NaN, not Infinity, not a string) within bounds. */
export function checkNumber(sink: ProblemSink, property: string, value: unknown, options: NumberRuleOptions = {}): boolean {
  const unit = options.unit ? ` ${options.unit}` : '';
  const range = describeRange(options);
  const fix = range ? `give a ${options.integer ? 'whole number' : 'number'}${range}` : `give a finite ${options.integer ? 'whole number' : 'number'}`;
  if (typeof value !== 'number') return report(sink, property, value, [`must be a number${unit ? ` (${options.unit})` : ''}, got ${describeType(value)}`], fix);
  if (!Number.isFinite(value)) return report(sink, property, value, [`must be a finite number${unit ? ` (${options.unit})` : ''}, got ${value}`], fix);
  const reasons: string[] = [];
  if (options.integer && !Number.isInteger(value)) reasons.push(`must be a whole number${unit ? ` (${options.unit})` : ''}`);
  if (options.min !== undefined) {
    if (options.exclusiveMin ? value <= options.min : value < options.min) {
      reasons.push(`must be ${options.exclusiveMin ? 'greater than' : 'at least'} ${options.min}${unit}`);
    }
  }
  if (options.max !== undefined && value > options.max) reasons.push(`must be at most ${options.max}${unit}`);
  return report(sink, property, value, reasons, fix);
}

/**
 * Checks a value bound for an int32 field. `min` and `max` narrow the int32 range (replicas are
 * at least 0 by default, as the API server's `ValidateNonnegativeField` requires).
 */
export function checkInt32(sink: ProblemSink, property: string, value: unknown, options: Omit<NumberRuleOptions, 'integer'> = {}): boolean {
  return checkNumber(sink, property, value, {
    ...options,
    integer: true,
    min: Math.max(options.min ?? 0, INT32_MIN),
    max: Math.min(options.max ?? INT32_MAX, INT32_MAX),
  });
}

/** Checks a port number: a whole number from 1 to 65535. */
export function checkPort(sink: ProblemSink, property: string, value: unknown): boolean {
  return checkNumber(sink, property, value, { integer: true, min: 1, max: 65535 });
}

function describeRange(o: NumberRuleOptions): string {
  const parts: string[] = [];
  if (o.min !== undefined) parts.push(`${o.exclusiveMin ? 'greater than' : 'at least'} ${o.min}`);
  if (o.max !== undefined) parts.push(`at most ${o.max}`);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}
