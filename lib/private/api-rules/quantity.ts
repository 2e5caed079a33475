/**
 * Resource quantities (`cpu: 500m`, `memory: 80Gi`, `storage: 200Gi`) and how to render a number as one.
 *
 * Reimplements k8s.io/apimachinery pkg/api/resource/quantity.go at v0.35.0: the serialization grammar
 * `<signedNumber><suffix>` where the suffix is ONE of a binary SI suffix (Ki Mi Gi Ti Pi Ei), a decimal
 * SI suffix (n u m "" k M G T P E) or a decimal exponent (`e`/`E` and a signed integer: `ParseQuantity`
 * reads it with strconv.ParseInt), so `1e-9Gi` (exponent AND suffix) is refused. The accepted
 * strings are those both `ParseQuantity` and the OpenAPI pattern CRDs embed for `int-or-string`
 * quantities accept. `ParseQuantity` silently caps anything above 2^63-1 base units
 * ("Numbers larger or more precise will be capped or rounded up"), so larger values are refused here
 * rather than changed. Container requests and limits must not be negative
 * (kubernetes pkg/apis/core/validation/validation.go `ValidateNonnegativeQuantity`).
 */
import { ProblemSink, describeType, report } from './sink';

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** The largest quantity, in base units (bytes, cores), the API server keeps unchanged. */
export const QUANTITY_MAX = 2 ** 63 - 1;
const GIB = 2 ** 30;

/** What a quantity may be. */
export interface QuantityRuleOptions {
  /** Whether a negative quantity is allowed (it is not for requests, limits, sizes). @default false */
  readonly allowNegative?: boolean;
  /** Whether zero is allowed. @default true */
  readonly allowZero?: boolean;
}

/**
 * The value of a quantity in base units, approximately (float64), or undefined when the string is
 * not a quantity. For comparisons and range checks, never for rendering.
 */
export function quantityValue(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m;
  let n = Number(digits.endsWith('.') ? digits.slice(0, -1) : digits);
  if (suffix in BINARY) n *= BINARY[suffix];
  else if (suffix in DECIMAL) n *= 10 ** DECIMAL[suffix];
  else if (suffix !== '') n *= 10 ** Number(suffix.slice(1));
  return sign === '-' ? -n : n;
}

/** Checks a resource quantity given as a string (or a number, which Kubernetes also accepts). */
export function checkQuantity(sink: ProblemSink, property: string, value: unknown, options: QuantityRuleOptions = {}): boolean {
  const fix = 'write it like "500m", "2", "80Gi" or "1.5Ti": a number and at most one suffix, without spaces';
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return report(sink, property, value, [`a quantity must be a finite number, got ${value}`], fix);
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return report(sink, property, value, [`a quantity must be a string like "80Gi", got ${describeType(value)}`], fix);
  }
  const n = quantityValue(text);
  if (n === undefined) {
    const reason = /^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])$/.test(text)
      ? 'is not a Kubernetes quantity: it has both an exponent and a unit suffix'
      : 'is not a Kubernetes quantity (a number, then at most one of Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or e<exponent>)';
    return report(sink, property, value, [reason], fix);
  }
  const reasons: string[] = [];
  if (n < 0 && !options.allowNegative) reasons.push('must not be negative');
  if (n === 0 && options.allowZero === false) reasons.push('must be greater than zero');
  // float64 cannot tell 2^63-1 from 2^63: compare with 2^63, the first value Kubernetes caps.
  if (Math.abs(n) >= 2 ** 63) reasons.push('is larger than the largest quantity Kubernetes keeps (2^63-1); the API server would silently cap it');
  return report(sink, property, value, reasons, fix);
}

/** Bounds of a number rendered as a quantity. */
export interface RenderQuantityOptions {
  /** Smallest allowed value, exclusive unless `inclusiveMin`. @default 0 (exclusive: the number must be positive) */
  readonly min?: number;
  /** Whether `min` itself is allowed. @default false */
  readonly inclusiveMin?: boolean;
  /** Largest allowed value, inclusive. @default - the largest quantity Kubernetes keeps */
  readonly max?: number;
}

/**
 * Renders a number of GiB as a binary quantity without exponent notation: whole GiB as `80Gi`, whole
 * MiB as `1536Mi`, anything else rounded UP to whole KiB (`1153434Ki`). Records a problem and returns
 * undefined for NaN, Infinity, values out of bounds, or more bytes than Kubernetes keeps.
 */
export function renderGiB(sink: ProblemSink, property: string, gib: unknown, options: RenderQuantityOptions = {}): string | undefined {
  if (!checkRenderable(sink, property, gib, 'GiB', options, QUANTITY_MAX / GIB)) return undefined;
  const n = gib as number;
  if (Number.isInteger(n)) return `${integerText(n)}Gi`;
  if (Number.isInteger(n * 1024)) return `${integerText(n * 1024)}Mi`;
  return `${integerText(Math.ceil(n * 1024 * 1024))}Ki`;
}

/**
 * Renders a number of cores (or any decimal amount) as a decimal quantity without exponent notation:
 * whole numbers as `4`, anything else rounded UP to thousandths (`1500m`).
 */
export function renderDecimal(sink: ProblemSink, property: string, amount: unknown, options: RenderQuantityOptions = {}): string | undefined {
  if (!checkRenderable(sink, property, amount, '', options, QUANTITY_MAX / 1000)) return undefined;
  const n = amount as number;
  if (Number.isInteger(n)) return integerText(n);
  return `${integerText(Math.ceil(n * 1000))}m`;
}

function checkRenderable(sink: ProblemSink, property: string, value: unknown, unit: string, o: RenderQuantityOptions, largest: number): boolean {
  const min = o.min ?? 0;
  const max = Math.min(o.max ?? largest, largest);
  const u = unit ? ` ${unit}` : '';
  const fix = `give a number ${o.inclusiveMin ? 'of at least' : 'greater than'} ${min} and at most ${max}${u}`;
  if (typeof value !== 'number') return report(sink, property, value, [`must be a number${unit ? ` (${unit})` : ''}, got ${describeType(value)}`], fix);
  if (!Number.isFinite(value)) return report(sink, property, value, [`must be a finite number${unit ? ` (${unit})` : ''}, got ${value}`], fix);
  const reasons: string[] = [];
  if (o.inclusiveMin ? value < min : value <= min) reasons.push(`must be ${o.inclusiveMin ? 'at least' : 'greater than'} ${min}${u}`);
  if (value > max) reasons.push(`must be at most ${max}${u}`);
  return report(sink, property, value, reasons, fix);
}

/** Digits of a whole number, never in exponent notation. */
function integerText(n: number): string {
  return BigInt(n).toString();
}
