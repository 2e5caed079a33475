/**
 * Runtime type guards for the public boundary. TypeScript checks props at compile time, but
 * JavaScript callers and config-driven code (props read from YAML or JSON) reach the constructs
 * with anything: a number where a Duration belongs, a string where an array belongs, a plain object
 * where a `Model` belongs, a required prop left out. Without a guard those end in a raw TypeError
 * deep inside planning or cdk8s; with one, in a ValidationError naming the property, the value and
 * the fix. Each construct describes its props once (`<construct>/prop-shapes.ts`) and calls
 * `guardProps` first thing; value rules (ranges, names) stay with the construct.
 *
 * A guard has the shape of the rules in ./api-rules: `(sink, property, value) => boolean`, one
 * problem at most per value, never throws.
 */
import { show, ValidationError } from '../errors';
import { ProblemSink, report } from './api-rules';

/** Checks the type of one value; records one problem (with the fix) and returns false when it is wrong. */
export type Guard = (sink: ProblemSink, property: string, value: unknown) => boolean;

/** A field of an object: its guard, and whether it must be given. */
export interface Field {
  readonly guard: Guard;
  readonly required?: boolean;
  /** The fix when a required field is missing. @default - the guard's own */
  readonly missing?: string;
}

/** Fields of an object, by name. */
export type Fields = Readonly<Record<string, Guard | Field>>;

/** What a value is, for messages: `a number`, `a string`, `an array`, `a Duration`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'a plain object';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return `a ${typeof value}`;
}

function typeGuard(ok: (v: unknown) => boolean, expected: string, fix: string): Guard {
  return (sink, property, value) => ok(value) || report(sink, property, value, [`must be ${expected}, got ${describeValue(value)}`], fix);
}

/** A plain object (a literal or `JSON.parse` result), not an array, a class instance or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Any object but an array (an options object may be a class instance implementing the interface). */
function isObjectLike(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A cdk8s Duration, recognised by its methods rather than `instanceof`, so a Duration from another
 * copy of cdk8s in node_modules still counts.
 */
export function isDurationLike(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { toMilliseconds?: unknown }).toMilliseconds === 'function'
    && typeof (value as { toSeconds?: unknown }).toSeconds === 'function';
}

/** The guards. */
export const is = {
  string: (example: string): Guard => typeGuard(v => typeof v === 'string', 'a string', `give a string, e.g. ${JSON.stringify(example)}`),
  /** Any number, NaN and Infinity included: the value rules that follow name what is wrong with those. */
  number: (example: number): Guard => typeGuard(v => typeof v === 'number', 'a number', `give a number, e.g. ${example}`),
  boolean: (): Guard => typeGuard(v => typeof v === 'boolean', 'true or false', 'give true or false'),
  function: (example: string): Guard => typeGuard(v => typeof v === 'function', 'a function', `give a function, e.g. ${example}`),
  duration: (example = 'Duration.minutes(5)'): Guard => typeGuard(isDurationLike, 'a Duration',
    `pass a cdk8s Duration, e.g. ${example} (a bare number could be seconds or milliseconds)`),
  /** An instance of a modelship class, made by its factories. */
  instance: (cls: { readonly prototype: object; readonly name: string }, factory: string): Guard => typeGuard(
    v => v !== null && typeof v === 'object' && cls.prototype.isPrototypeOf(v),
    `a ${cls.name} (a plain object has none of its behaviour)`, `create it with ${factory}`),
  /** One of an enum's values. */
  oneOf: (values: readonly unknown[], name: string): Guard => (sink, property, value) => values.includes(value)
    || report(sink, property, value, [`must be one of ${name} (${values.map(v => JSON.stringify(v)).join(', ')}), got ${describeValue(value)}`], `use ${name}.<value>`),
  array: (item: Guard, example: string): Guard => (sink, property, value) => {
    if (!Array.isArray(value)) return report(sink, property, value, [`must be an array, got ${describeValue(value)}`], `give an array, e.g. ${example}`);
    let ok = true;
    value.forEach((v, i) => { ok = item(sink, `${property}[${i}]`, v) && ok; });
    return ok;
  },
  /** A map of string keys to values of one type. */
  record: (item: Guard, example: string): Guard => (sink, property, value) => {
    if (!isPlainObject(value)) return report(sink, property, value, [`must be a map, got ${describeValue(value)}`], `give a map, e.g. ${example}`);
    let ok = true;
    for (const [k, v] of Object.entries(value)) ok = item(sink, `${property}["${k}"]`, v) && ok;
    return ok;
  },
  /** An object with known fields. */
  object: (fields: Fields, example: string): Guard => (sink, property, value) => {
    if (!isObjectLike(value)) {
      return report(sink, property, value, [`must be an object, got ${describeValue(value)}`], `give an object, e.g. ${example}`);
    }
    return guardFields(sink, property, value as Record<string, unknown>, fields);
  },
  /** Accepts a value any of the guards accepts. */
  either: (guards: readonly Guard[], expected: string, fix: string): Guard => (sink, property, value) => {
    const trial = { add: () => undefined };
    return guards.some(g => g(trial, property, value)) || report(sink, property, value, [`must be ${expected}, got ${describeValue(value)}`], fix);
  },
  /** Anything (checked elsewhere). */
  any: (): Guard => () => true,
};

/** A required field. */
export function required(guard: Guard, missing?: string): Field {
  return { guard, required: true, missing };
}

/** Checks every field of an object; `prefix` is the property path of the object ('' at the top). */
export function guardFields(sink: ProblemSink, prefix: string, value: Record<string, unknown>, fields: Fields): boolean {
  let ok = true;
  for (const [name, spec] of Object.entries(fields)) {
    const field: Field = typeof spec === 'function' ? { guard: spec } : spec;
    const property = prefix ? `${prefix}.${name}` : name;
    const v = value[name];
    if (v === undefined) {
      if (field.required) {
        const probe: string[] = [];
        field.guard({ add: (_p, _v, _r, fix) => probe.push(fix) }, property, undefined);
        ok = report(sink, property, undefined, ['is required'], field.missing ?? probe[0] ?? `give ${property}`) && ok;
      }
      continue;
    }
    ok = field.guard(sink, property, v) && ok;
  }
  return ok;
}

/**
 * Checks a construct's props object and its fields; false (with the problems recorded) when
 * anything has the wrong type. The caller throws then: the rest of the construct assumes the types.
 */
export function guardProps(sink: ProblemSink, props: unknown, fields: Fields, example: string): boolean {
  if (!isObjectLike(props)) {
    return report(sink, 'props', props, [`the props must be an object, got ${describeValue(props)}`], `pass the props as the third argument, e.g. ${example}`);
  }
  return guardFields(sink, '', props as Record<string, unknown>, fields);
}

/**
 * The options object a factory was given (`Model.huggingFace(id, options)`): `{}` for undefined or
 * null, the object itself, or a ValidationError right away for anything else (a string, a number,
 * an array), since every option would silently read as undefined. There is no construct path yet:
 * the factory call is the path.
 */
export function factoryOptions<T extends object>(factory: string, options: T | undefined | null, example: string): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options === 'object' && !Array.isArray(options)) return options;
  throw new ValidationError([{
    path: factory,
    property: 'options',
    value: show(options),
    reason: `the options of ${factory} must be an object, got ${describeValue(options)}`,
    fix: `pass an options object, e.g. ${factory}(${example})`,
  }]);
}
