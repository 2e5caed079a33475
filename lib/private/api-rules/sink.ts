/**
 * The one shape every rule of this folder has.
 *
 * A rule is `checkXxx(sink, property, value, options?) => boolean`:
 * - it never throws, whatever `value` is (a number where a string belongs, `NaN`, `undefined`);
 * - when `value` breaks the rule it records exactly ONE problem on `sink` (every reason found,
 *   joined with "; ") and returns false, so the caller can skip checks that build on the value;
 * - when `value` is fine it records nothing and returns true.
 *
 * `Problems` from lib/errors.ts is a ProblemSink, so a construct calls
 * `checkDns1123Label(problems, 'namespace', ns)` and its `problems.throwIfAny()` turns what was
 * found into one ValidationError with path, property, value, reason and fix.
 *
 * Renderers (`renderGiB`, `renderDuration`, ...) turn a number into the string a consumer parses,
 * never in exponent notation, and return undefined after recording a problem when the number has
 * no valid rendering.
 */
export interface ProblemSink {
  /** Same signature as `Problems.add` in lib/errors.ts. */
  add(property: string, value: unknown, reason: string, fix: string): void;
}

/** Records one problem when `reasons` is not empty; true when it is. */
export function report(sink: ProblemSink, property: string, value: unknown, reasons: readonly string[], fix: string): boolean {
  if (reasons.length === 0) return true;
  sink.add(property, value, reasons.join('; '), fix);
  return false;
}

/** A sink that keeps what it is given, for callers that only want a yes/no or the reasons. */
export class CollectingSink implements ProblemSink {
  /** What was recorded, in order. */
  public readonly found: Array<{ property: string; value: unknown; reason: string; fix: string }> = [];

  public add(property: string, value: unknown, reason: string, fix: string): void {
    this.found.push({ property, value, reason, fix });
  }
}

/** Length in bytes, as Go's `len(string)` counts it (the API server's limits are in bytes). */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** `"abc"` for a string, the type otherwise: for reasons about values of the wrong type. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
