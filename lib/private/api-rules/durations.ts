/**
 * Durations, in the grammar of each consumer that parses them. One millisecond count renders
 * differently for each: Kubernetes `metav1.Duration` and Argo Rollouts `DurationString` read Go's
 * `time.ParseDuration`; the Gateway API allows at most five digits per unit; Prometheus has its own
 * units (d, w, y) and order.
 *
 * Upstream grammars reimplemented here:
 * - Go: golang/go src/time/format.go `ParseDuration` (go1.24): `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with
 *   units ns us µs μs ms s m h, the bare "0", and an overflow check at 2^63-1 ns (~2562047h).
 * - Gateway API: kubernetes-sigs/gateway-api apis/v1/shared_types.go `Duration` (GEP-2257), pattern
 *   `^([0-9]{1,5}(h|m|s|ms)){1,4}$` as vendored in vendor/crds/gateway.networking.k8s.io_httproutes.yaml
 *   (v1.6.1); the CRD's CEL rule also compares them with CEL `duration()`.
 * - Prometheus: prometheus/common model/time.go `ParseDuration` (v0.70.1): units y w d h m s ms, each at
 *   most once, biggest first, integers only, "0" alone allowed, empty refused, overflow at 2^63-1 ns;
 *   the Prometheus Operator CRDs (v0.93.0) pattern
 *   `^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`.
 * - Argo Rollouts v1.9.1: pkg/apis/rollouts/v1alpha1/analysis_types.go `DurationString.Duration()` is
 *   `time.ParseDuration`; types.go `RolloutPause.DurationSeconds()` takes an int, or a string that is
 *   an int32 number of seconds or a Go duration, cast to int32 seconds; validation/validation.go
 *   refuses a negative pause.
 */
import { INT32_MAX } from './numbers';
import { ProblemSink, describeType, report } from './sink';

const NS_PER_MS = 1_000_000n;
const INT64_MAX = (1n << 63n) - 1n;

const GO_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * Nanoseconds of a Go duration string, as `time.ParseDuration` reads it, or undefined when Go would
 * return an error. Fractions are exact to the nanosecond (Go uses float64 for them and can differ by
 * one nanosecond on long fractions; no consumer modelship writes for cares).
 */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [whole, intPart, fracPart] = [m[0], m[1], m[2] ?? ''];
    if (intPart === '' && fracPart === '') return undefined;
    s = s.slice(whole.length);
    const unitMatch = /^[^.0-9]+/.exec(s);
    if (!unitMatch) return undefined;
    const unit = GO_UNITS[unitMatch[0]];
    if (unit === undefined) return undefined;
    s = s.slice(unitMatch[0].length);
    const v = BigInt(intPart === '' ? '0' : intPart);
    if (v > (1n << 63n) / unit) return undefined;
    let amount = v * unit;
    if (fracPart !== '') amount += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += amount;
    if (total > 1n << 63n) return undefined;
  }
  if (!negative && total > INT64_MAX) return undefined;
  return negative ? -total : total;
}

/**
 * Nanoseconds of a Prometheus duration string, as prometheus/common `model.ParseDuration` reads it,
 * or undefined when it would return an error.
 */
export function parsePrometheusDuration(text: string): bigint | undefined {
  if (text === '0') return 0n;
  if (text === '') return undefined;
  const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  const mult: Record<string, bigint> = {
    y: 365n * 86_400_000_000_000n,
    w: 7n * 86_400_000_000_000n,
    d: 86_400_000_000_000n,
    h: 3_600_000_000_000n,
    m: 60_000_000_000n,
    s: 1_000_000_000n,
    ms: 1_000_000n,
  };
  let s = text;
  let last = -1;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d+)([^0-9]+)/.exec(s);
    if (!m) return undefined;
    const pos = order.indexOf(m[2]);
    if (pos < 0 || pos <= last) return undefined;
    last = pos;
    const v = BigInt(m[1]);
    if (v > (1n << 63n) / mult[m[2]]) return undefined;
    total += v * mult[m[2]];
    if (total > INT64_MAX) return undefined;
    s = s.slice(m[0].length);
  }
  return total;
}

const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
/** The longest duration the Gateway API grammar can write: 99999h99999m99999s99999ms. */
export const GATEWAY_DURATION_MAX_MS = 99_999 * 3_600_000 + 99_999 * 60_000 + 99_999 * 1000 + 99_999;

/** Consumers of a duration, each with its own grammar. */
export type DurationGrammar = 'kubernetes' | 'gateway' | 'prometheus' | 'argo';

const GRAMMAR_TITLE: Record<DurationGrammar, string> = {
  kubernetes: 'a Kubernetes duration (Go time.ParseDuration, e.g. "1h30m")',
  gateway: 'a Gateway API duration (1-4 of <1-5 digits><h|m|s|ms>, e.g. "1h30m")',
  prometheus: 'a Prometheus duration (units y w d h m s ms, biggest first, each once, e.g. "1h30m")',
  argo: 'an Argo Rollouts duration (Go time.ParseDuration, e.g. "5m")',
};

/** Whether `text` parses in the given grammar. */
export function isDuration(text: string, grammar: DurationGrammar): boolean {
  switch (grammar) {
    case 'gateway': return GATEWAY_DURATION.test(text);
    case 'prometheus': return parsePrometheusDuration(text) !== undefined;
    case 'kubernetes':
    case 'argo': return parseGoDuration(text) !== undefined;
  }
}

/** Checks a duration string written for one consumer. */
export function checkDuration(sink: ProblemSink, property: string, value: unknown, grammar: DurationGrammar): boolean {
  const fix = `write ${GRAMMAR_TITLE[grammar]}`;
  if (typeof value !== 'string') return report(sink, property, value, [`must be a duration string, got ${describeType(value)}`], fix);
  if (isDuration(value, grammar)) return true;
  return report(sink, property, value, [`is not ${GRAMMAR_TITLE[grammar]}`], fix);
}

/**
 * Renders a number of milliseconds in a consumer's grammar, or records a problem and returns
 * undefined when it has none: negative, not a whole number of milliseconds, or too long for the
 * grammar (the Gateway API stops at 99999h99999m99999s99999ms; Go and Prometheus at 2^63-1 ns).
 * Output is the largest units first, zero parts left out (`5400000` -> `1h30m`, `0` -> `0s`).
 */
export function renderDuration(sink: ProblemSink, property: string, millis: unknown, grammar: DurationGrammar): string | undefined {
  const max = grammar === 'gateway' ? GATEWAY_DURATION_MAX_MS : Number((INT64_MAX / NS_PER_MS));
  const fix = `give a whole number of milliseconds from 0 to ${max} (${GRAMMAR_TITLE[grammar]})`;
  if (typeof millis !== 'number' || !Number.isFinite(millis)) {
    report(sink, property, millis, [`a duration must be a finite number of milliseconds, got ${describeType(millis)}`], fix);
    return undefined;
  }
  const reasons: string[] = [];
  if (millis < 0) reasons.push('a duration must not be negative');
  if (!Number.isInteger(millis)) reasons.push('a duration must be a whole number of milliseconds');
  if (millis > max) reasons.push(`is longer than ${GRAMMAR_TITLE[grammar]} can write (at most ${max} ms)`);
  if (!report(sink, property, millis, reasons, fix)) return undefined;
  return grammar === 'prometheus' ? prometheusText(millis) : hmsText(millis, grammar === 'gateway');
}

/** h, m, s, ms parts; for the Gateway API the hours stay below 100000 (checked by the caller). */
function hmsText(millis: number, gateway: boolean): string {
  if (millis === 0) return '0s';
  let rest = BigInt(millis);
  const parts: string[] = [];
  for (const [unit, size] of [['h', 3_600_000n], ['m', 60_000n], ['s', 1000n], ['ms', 1n]] as const) {
    let v = rest / size;
    // The Gateway grammar allows five digits per unit: carry what does not fit into the next unit.
    if (gateway && v > 99_999n) v = 99_999n;
    if (v > 0n) parts.push(`${v}${unit}`);
    rest -= v * size;
  }
  return parts.join('');
}

/** Like prometheus/common `model.Duration.String()`. */
function prometheusText(millis: number): string {
  if (millis === 0) return '0s';
  let rest = BigInt(millis);
  const parts: string[] = [];
  for (const [unit, size] of [['y', 31_536_000_000n], ['w', 604_800_000n], ['d', 86_400_000n], ['h', 3_600_000n], ['m', 60_000n], ['s', 1000n], ['ms', 1n]] as const) {
    const v = rest / size;
    if (v > 0n) parts.push(`${v}${unit}`);
    rest -= v * size;
  }
  return parts.join('');
}

/**
 * Checks an Argo Rollouts pause duration (`steps[].pause.duration`): a whole number of seconds, or a
 * string that is a number of seconds or a Go duration, at most int32 seconds and not negative.
 */
export function checkArgoPauseDuration(sink: ProblemSink, property: string, value: unknown): boolean {
  const fix = `give whole seconds from 0 to ${INT32_MAX}, or a Go duration like "5m"`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > INT32_MAX) {
      return report(sink, property, value, [`a pause is a whole number of seconds from 0 to ${INT32_MAX}`], fix);
    }
    return true;
  }
  if (typeof value !== 'string') return report(sink, property, value, [`a pause must be seconds or a duration string, got ${describeType(value)}`], fix);
  if (/^[+-]?\d+$/.test(value)) {
    const n = Number(value);
    return report(sink, property, value, n < 0 || n > INT32_MAX ? [`a pause is 0 to ${INT32_MAX} seconds`] : [], fix);
  }
  const ns = parseGoDuration(value);
  if (ns === undefined) return report(sink, property, value, ['is neither a number of seconds nor a Go duration (Argo Rollouts would treat it as invalid)'], fix);
  const seconds = ns / 1_000_000_000n;
  return report(sink, property, value, seconds < 0n || seconds > BigInt(INT32_MAX) ? [`a pause is 0 to ${INT32_MAX} seconds`] : [], fix);
}
