import { crdOf } from './crds';
import { isRecord } from './problem';
import type { SchemaFinding } from './schema-check';

/**
 * The CEL rules (`x-kubernetes-validations`) of the vendored CRDs, evaluated the way the
 * apiextensions-apiserver runs them on create (k8s.io/apiextensions-apiserver
 * pkg/apiserver/schema/cel, k8s.io/apiserver pkg/cel), with @bufbuild/cel as the evaluator:
 * - schema defaults are applied first (structural defaulting), so rules see defaulted fields;
 * - each rule runs at its schema node with `self` bound to the value there, where a value exists;
 * - property names are escaped (k8s.io/apiserver pkg/cel/escaping.go: `namespace` ->
 *   `__namespace__`, `-` -> `__dash__`, ...); map keys (additionalProperties) are not;
 * - `integer` values are CEL ints, `number` doubles; int-or-string numbers are ints;
 * - transition rules (reading `oldSelf`) only run on update: skipped.
 * The environment is standard CEL, the cel-go strings extension and the Kubernetes regex library
 * (`find`, `findAll`: k8s.io/apiserver pkg/cel/library/regex.go). A rule that calls a function
 * outside it (the Kubernetes `quantity`, `url`, `ip` libraries) is reported as not evaluated, never
 * passed silently. Not mirrored: CEL cost limits; `messageExpression` (the static message is shown).
 */

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

function escapeProperty(name: string): string {
  if (RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__|[-./]/g, s => ({ '__': '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' } as Record<string, string>)[s]);
}

interface Cel {
  plan(rule: string): (ctx: any) => unknown;
  isError(v: unknown): v is { message: string };
}

let cel: Cel | undefined;
function celRuntime(): Cel {
  if (!cel) {
    // Loaded on first use: @bufbuild/cel is only needed by `modelship validate`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('@bufbuild/cel');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { strings } = require('@bufbuild/cel/ext');
    const regex = [
      lib.celMethod('find', lib.CelScalar.STRING, [lib.CelScalar.STRING], lib.CelScalar.STRING, function (this: string, re: string) {
        return new RegExp(re, 'u').exec(this)?.[0] ?? '';
      }),
      lib.celMethod('findAll', lib.CelScalar.STRING, [lib.CelScalar.STRING], lib.listType(lib.CelScalar.STRING), function (this: string, re: string) {
        return [...this.matchAll(new RegExp(re, 'gu'))].map(m => m[0]);
      }),
    ];
    const env = lib.celEnv({ funcs: [...strings, ...regex] });
    const programs = new Map<string, (ctx: any) => unknown>();
    cel = {
      plan: (rule: string) => {
        let p = programs.get(rule);
        if (!p) {
          p = lib.plan(env, lib.parse(rule)) as (ctx: any) => unknown;
          programs.set(rule, p);
        }
        return p;
      },
      isError: (v: unknown): v is { message: string } => lib.isCelError(v),
    };
  }
  return cel;
}

function applyDefaults(value: unknown, s: any): unknown {
  if (!isRecord(s)) return value;
  if (Array.isArray(value)) return value.map(x => applyDefaults(x, s.items));
  if (!isRecord(value)) return value;
  const out: Record<string, any> = { ...value };
  for (const [k, prop] of Object.entries<any>(s.properties ?? {})) {
    if (!(k in out) && prop && prop.default !== undefined) out[k] = structuredClone(prop.default);
  }
  for (const [k, v] of Object.entries(out)) out[k] = applyDefaults(v, s.properties?.[k] ?? (isRecord(s.additionalProperties) ? s.additionalProperties : undefined));
  return out;
}

function toCel(value: unknown, s: any): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    const intLike = s?.type === 'integer' || (s?.['x-kubernetes-int-or-string'] && Number.isInteger(value));
    return intLike && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(x => toCel(x, s?.items));
  const m = new Map<string, unknown>();
  for (const [k, v] of Object.entries(value)) {
    if (s?.properties && k in s.properties) m.set(escapeProperty(k), toCel(v, s.properties[k]));
    else m.set(k, toCel(v, isRecord(s?.additionalProperties) ? s.additionalProperties : undefined));
  }
  return m;
}

/** Every CEL rule of the object's vendored CRD that fails (or cannot be evaluated) on it. */
export function celFindings(obj: any): SchemaFinding[] {
  const crd = crdOf(obj);
  if (!crd) return [];
  const out: SchemaFinding[] = [];
  const walk = (value: unknown, s: any, path: string): void => {
    if (!isRecord(s) || value === undefined || value === null) return;
    const rules: any[] = s['x-kubernetes-validations'] ?? [];
    if (rules.length > 0) {
      const self = toCel(value, s);
      for (const r of rules) {
        if (typeof r?.rule !== 'string' || /\boldSelf\b/.test(r.rule)) continue;
        const where = path || '(root)';
        let result: unknown;
        try {
          result = celRuntime().plan(r.rule)({ self });
        } catch (e) {
          out.push({ path: where, message: `CEL rule not evaluated (${(e as Error).message.split('\n')[0]}): ${r.rule}` });
          continue;
        }
        if (celRuntime().isError(result)) out.push({ path: where, message: `CEL rule not evaluated (${result.message}): ${r.rule}` });
        else if (result !== true) out.push({ path: where, message: `${r.message ?? `failed rule: ${r.rule}`} (CEL rule of ${crd.kind}: ${r.rule.replace(/\s+/g, ' ')})` });
      }
    }
    if (Array.isArray(value)) {value.forEach((x, i) => walk(x, s.items, `${path}[${i}]`));} else if (isRecord(value)) {
      for (const [k, x] of Object.entries(value)) {
        if (s.properties?.[k]) walk(x, s.properties[k], path ? `${path}.${k}` : k);
        else if (isRecord(s.additionalProperties)) walk(x, s.additionalProperties, `${path}[${JSON.stringify(k)}]`);
      }
    }
  };
  walk(applyDefaults(obj, crd.schema), crd.schema, '');
  return out;
}
