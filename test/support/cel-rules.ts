/**
 * Evaluates the CEL rules (`x-kubernetes-validations`) of the vendored CRDs (vendor/crds/) on emitted
 * objects, the way the apiextensions-apiserver does on create, with a real CEL evaluator
 * (@bufbuild/cel). Kubernetes' CEL environment is standard CEL plus libraries
 * (k8s.io/apiserver pkg/cel/library: regex `find`/`findAll`, lists, urls, quantity, ...) and the
 * cel-go strings extension; the vendored rules use only `find` and `split` beyond standard CEL
 * (see SUPPORTED_FUNCTIONS: a rule calling anything else fails the test that lists every rule).
 *
 * What the API server does and this mirrors (k8s.io/apiextensions-apiserver pkg/apiserver/schema/cel,
 * k8s.io/apiserver pkg/cel):
 * - schema defaults are applied first (structural defaulting), so rules see defaulted fields;
 * - each rule runs at its schema node with `self` bound to the value there, only where a value exists;
 * - object properties are exposed under escaped names (`namespace` -> `__namespace__`, '-' ->
 *   `__dash__`, ...; pkg/cel/escaping.go); map keys (additionalProperties) are not escaped;
 * - `integer` values are CEL ints, `number` values doubles; int-or-string numbers are ints;
 * - rules that read `oldSelf` (transition rules) only run on update: skipped here and counted.
 * Not mirrored: `format: date-time` strings are not converted to timestamps (no vendored rule reads
 * one), CEL cost limits, `messageExpression` (the static `message` or the expression text is shown).
 */
import * as fs from 'fs';
import * as path from 'path';
import { celEnv, celMethod, CelEnv, CelScalar, isCelError, listType, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import * as YAML from 'yaml';

const CRD_DIR = path.join(__dirname, '..', '..', 'vendor', 'crds');

/** One rule of one vendored CRD version, where it sits in the schema. */
export interface CrdRule {
  readonly file: string;
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  /** Schema location, e.g. `spec.rules[].matches[].path`. */
  readonly schemaPath: string;
  readonly rule: string;
  readonly message: string;
  /** Reads oldSelf: runs only on update. */
  readonly transition: boolean;
}

/** The result of one rule on one value of one object. */
export interface CelOutcome {
  readonly object: string;
  readonly rule: CrdRule;
  /** Where in the object, e.g. `spec.rules[0].matches[0].path`. */
  readonly valuePath: string;
  readonly status: 'pass' | 'fail' | 'error';
  /** For `error`: what the evaluator said. */
  readonly error?: string;
}

export interface CelEvaluation {
  readonly outcomes: CelOutcome[];
  /** Transition rules (oldSelf) met on a present value and not run. */
  readonly transitionSkipped: number;
}

// ---------------------------------------------------------------------------------------------
// The CEL environment: standard CEL (@bufbuild/cel) + what the vendored rules use from Kubernetes.

/**
 * Kubernetes regex library (k8s.io/apiserver pkg/cel/library/regex.go): `<string>.find(<regex>)`
 * returns the first match or '' and `findAll` every match. Regexes run on JavaScript's engine; the
 * vendored rules' patterns (`^[^@]+`, `^([^/]+)`) mean the same in RE2.
 */
const K8S_REGEX = [
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (this: string, re: string) {
    return new RegExp(re, 'u').exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (this: string, re: string) {
    return [...this.matchAll(new RegExp(re, 'gu'))].map(m => m[0]);
  }),
];

let env: CelEnv | undefined;
function celEnvironment(): CelEnv {
  env ??= celEnv({ funcs: [...strings, ...K8S_REGEX] });
  return env;
}

/**
 * Functions (and operators) a vendored rule may call. Standard CEL as @bufbuild/cel implements it,
 * the cel-go strings extension it ships, and the Kubernetes regex library above. A rule calling
 * anything else is reported by `unsupportedCalls`.
 */
export const SUPPORTED_FUNCTIONS = new Set([
  // operators and macros
  '!_', '-_', '_&&_', '_||_', '_?_:_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_+_', '_-_', '_*_', '_/_', '_%_', '_[_]', '@in', '@not_strictly_false',
  // standard functions
  'size', 'contains', 'startsWith', 'endsWith', 'matches', 'int', 'uint', 'double', 'string', 'bool', 'bytes', 'duration', 'timestamp', 'type', 'dyn',
  // cel-go strings extension (@bufbuild/cel/ext strings)
  'charAt', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace', 'split', 'substring', 'trim', 'join', 'format',
  // Kubernetes regex library
  'find', 'findAll',
]);

/** Function names a rule calls that the environment does not provide. */
export function unsupportedCalls(rule: string): string[] {
  const out = new Set<string>();
  const visit = (e: any): void => {
    if (e === null || typeof e !== 'object') return;
    if (e.exprKind?.case === 'callExpr' && !SUPPORTED_FUNCTIONS.has(e.exprKind.value.function)) out.add(e.exprKind.value.function);
    for (const v of Object.values(e)) {
      if (Array.isArray(v)) v.forEach(visit);
      else if (typeof v === 'object') visit(v);
    }
  };
  const parsed: any = parse(rule);
  visit(parsed.expr ?? parsed);
  return [...out].sort();
}

const programs = new Map<string, (ctx: any) => unknown>();
function program(rule: string): (ctx: any) => unknown {
  let p = programs.get(rule);
  if (!p) {
    p = plan(celEnvironment(), parse(rule)) as (ctx: any) => unknown;
    programs.set(rule, p);
  }
  return p;
}

/** Evaluates one expression with `self` bound (already converted to CEL values). */
export function evaluate(rule: string, self: unknown): boolean | { error: string } {
  let result: unknown;
  try {
    result = program(rule)({ self });
  } catch (e) {
    return { error: `compile/eval threw: ${(e as Error).message}` };
  }
  if (isCelError(result)) return { error: result.message };
  if (typeof result !== 'boolean') return { error: `rule returned ${typeof result}, not a bool` };
  return result;
}

// ---------------------------------------------------------------------------------------------
// Vendored CRDs and their rules

interface CrdVersion { readonly file: string; readonly group: string; readonly kind: string; readonly version: string; readonly schema: any }
let versions: CrdVersion[] | undefined;

/** Every served version of every vendored CRD. */
export function crdVersions(): CrdVersion[] {
  if (!versions) {
    versions = [];
    for (const file of fs.readdirSync(CRD_DIR).filter(f => f.endsWith('.yaml')).sort()) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions) {
          if (v.served) versions.push({ file, group: crd.spec.group, kind: crd.spec.names.kind, version: v.name, schema: v.schema?.openAPIV3Schema });
        }
      }
    }
  }
  return versions;
}

function ruleOf(v: CrdVersion, schemaPath: string, r: any): CrdRule {
  return {
    file: v.file,
    kind: v.kind,
    group: v.group,
    version: v.version,
    schemaPath: schemaPath || '(root)',
    rule: r.rule,
    message: r.message ?? (r.messageExpression ? `messageExpression: ${r.messageExpression}` : `failed rule: ${r.rule}`),
    transition: /\boldSelf\b/.test(r.rule),
  };
}

/** Every rule of every served version of every vendored CRD. */
export function vendoredRules(): CrdRule[] {
  const out: CrdRule[] = [];
  for (const v of crdVersions()) {
    const walk = (s: any, p: string): void => {
      if (!s || typeof s !== 'object') return;
      for (const r of s['x-kubernetes-validations'] ?? []) out.push(ruleOf(v, p, r));
      for (const [k, c] of Object.entries(s.properties ?? {})) walk(c, p ? `${p}.${k}` : k);
      if (s.items) walk(s.items, `${p}[]`);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${p}{}`);
    };
    walk(v.schema, '');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation on objects

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** k8s.io/apiserver pkg/cel/escaping.go Escape: how a property name is spelled in CEL. */
export function escapeProperty(name: string): string {
  if (RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__|[-./]/g, s => ({ '__': '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' } as Record<string, string>)[s]);
}

const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Structural defaulting: missing properties with a `default` get it, recursively. Returns a copy. */
export function applyDefaults(value: unknown, s: any): unknown {
  if (!isObj(s)) return value;
  if (Array.isArray(value)) return value.map(x => applyDefaults(x, s.items));
  if (!isObj(value)) return value;
  const out: Record<string, any> = { ...value };
  for (const [k, prop] of Object.entries<any>(s.properties ?? {})) {
    if (!(k in out) && prop && prop.default !== undefined) out[k] = structuredClone(prop.default);
  }
  for (const [k, v] of Object.entries(out)) {
    const child = s.properties?.[k] ?? (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
    out[k] = applyDefaults(v, child);
  }
  return out;
}

/** JSON -> CEL value, typed by the schema (ints, escaped property names). */
export function toCel(value: unknown, s: any): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    const intLike = s?.type === 'integer' || (s?.['x-kubernetes-int-or-string'] && Number.isInteger(value));
    return intLike && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(x => toCel(x, s?.items));
  const m = new Map<string, unknown>();
  const props = s?.properties;
  for (const [k, v] of Object.entries(value)) {
    if (props && k in props) m.set(escapeProperty(k), toCel(v, props[k]));
    else m.set(k, toCel(v, isObj(s?.additionalProperties) ? s.additionalProperties : undefined));
  }
  return m;
}

/** Finds the CRD version of an object, or undefined when its kind is not vendored. */
export function crdVersionOf(obj: any): CrdVersion | undefined {
  if (!isObj(obj) || typeof obj.apiVersion !== 'string' || !obj.apiVersion.includes('/')) return undefined;
  const [group, version] = obj.apiVersion.split('/');
  return crdVersions().find(v => v.group === group && v.version === version && v.kind === obj.kind);
}

/** Runs every applicable rule on every object of a vendored kind. */
export function evaluateCelRules(objects: readonly unknown[]): CelEvaluation {
  const outcomes: CelOutcome[] = [];
  let transitionSkipped = 0;
  for (const obj of objects as any[]) {
    const v = crdVersionOf(obj);
    if (!v) continue;
    const id = `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
    const defaulted = applyDefaults(obj, v.schema);
    const walk = (value: unknown, s: any, schemaPath: string, valuePath: string): void => {
      if (!isObj(s) || value === undefined || value === null) return;
      const rules = s['x-kubernetes-validations'] ?? [];
      if (rules.length > 0) {
        const self = toCel(value, s);
        for (const r of rules) {
          const rule = ruleOf(v, schemaPath, r);
          if (rule.transition) { transitionSkipped++; continue; }
          const result = evaluate(rule.rule, self);
          outcomes.push(typeof result === 'boolean'
            ? { object: id, rule, valuePath: valuePath || '(root)', status: result ? 'pass' : 'fail' }
            : { object: id, rule, valuePath: valuePath || '(root)', status: 'error', error: result.error });
        }
      }
      if (Array.isArray(value)) {value.forEach((x, i) => walk(x, s.items, `${schemaPath}[]`, `${valuePath}[${i}]`));} else if (isObj(value)) {
        for (const [k, x] of Object.entries(value)) {
          if (s.properties?.[k]) walk(x, s.properties[k], schemaPath ? `${schemaPath}.${k}` : k, valuePath ? `${valuePath}.${k}` : k);
          else if (isObj(s.additionalProperties)) walk(x, s.additionalProperties, `${schemaPath}{}`, `${valuePath}[${JSON.stringify(k)}]`);
        }
      }
    };
    walk(defaulted, v.schema, '', '');
  }
  return { outcomes, transitionSkipped };
}

/** `Kind object valuePath: message (rule)` for failure listings. */
export function formatOutcome(o: CelOutcome): string {
  return `  ${o.object} ${o.valuePath} [${o.rule.file}]: ${o.status === 'error' ? `EVALUATION ERROR ${o.error}` : o.rule.message}\n      rule: ${o.rule.rule.replace(/\s+/g, ' ')}`;
}
