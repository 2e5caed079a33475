/**
 * The CEL rules (`x-kubernetes-validations`) of the vendored CRDs, evaluated on synthesized
 * objects with an independent CEL implementation (@bufbuild/cel), the way the API server
 * evaluates them on create: each rule with `self` bound to the value at its schema node.
 * Schema defaults are applied first, as the API server defaults before it validates. Transition
 * rules (those reading `oldSelf`) only apply to updates and are skipped.
 *
 * The ajv check in schema.ts covers the structural schema; this covers what ajv cannot read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CelInput, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import * as YAML from 'yaml';

const CRD_DIR = path.join(__dirname, '..', '..', 'vendor', 'crds');

interface Rule { readonly rule: string; readonly message?: string }

let schemas: Map<string, any> | undefined;

/** `group/version|Kind` -> openAPIV3Schema of every vendored CRD. */
function crdSchemas(): Map<string, any> {
  if (schemas) return schemas;
  schemas = new Map();
  for (const file of fs.readdirSync(CRD_DIR).filter(f => /\.ya?ml$/.test(f))) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJSON();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions ?? []) {
        schemas.set(`${crd.spec.group}/${v.name}|${crd.spec.names.kind}`, v.schema?.openAPIV3Schema);
      }
    }
  }
  return schemas;
}

/** Whether a vendored CRD defines this apiVersion and kind. */
export function hasCrd(apiVersion: string, kind: string): boolean {
  return crdSchemas().has(`${apiVersion}|${kind}`);
}

/** Every CEL rule the object breaks, as `path: message`; empty when none (or when no CRD defines its kind). */
export function celErrors(obj: any): string[] {
  const schema = crdSchemas().get(`${obj?.apiVersion}|${obj?.kind}`);
  if (!schema) return [];
  const errors: string[] = [];
  walk(schema, withDefaults(JSON.parse(JSON.stringify(obj)), schema), obj?.kind ?? '', errors);
  return errors;
}

/** Fills in the schema's `default`s of missing fields in present objects (structural defaulting). */
function withDefaults(value: any, schema: any): any {
  if (!schema || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(v => withDefaults(v, schema.items));
  if (typeof value === 'object') {
    for (const [k, child] of Object.entries<any>(schema.properties ?? {})) {
      if (value[k] === undefined && child?.default !== undefined) value[k] = JSON.parse(JSON.stringify(child.default));
    }
    for (const [k, v] of Object.entries(value)) {
      value[k] = withDefaults(v, schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined));
    }
  }
  return value;
}

/** Throws when any object breaks a CEL rule of its CRD; returns how many rules were evaluated. */
export function expectCelValid(objs: any[]): void {
  const failures = objs.flatMap(o => celErrors(o).map(e => `${o.kind}/${o.metadata?.name}: ${e}`));
  if (failures.length > 0) throw new Error(`CEL rules broken:\n  ${failures.join('\n  ')}`);
}

/** How many CEL rules apply to an object (so a test can show the check is not vacuous). */
export function celRuleCount(obj: any): number {
  const schema = crdSchemas().get(`${obj?.apiVersion}|${obj?.kind}`);
  let count = 0;
  const visit = (s: any, v: any): void => {
    if (!s || v === undefined || v === null) return;
    count += rulesOf(s).length;
    if (Array.isArray(v) && s.items) {v.forEach(x => visit(s.items, x));} else if (typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) visit(s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined), x);
    }
  };
  visit(schema, obj);
  return count;
}

function rulesOf(schema: any): Rule[] {
  return ((schema?.['x-kubernetes-validations'] ?? []) as Rule[]).filter(r => !/\boldSelf\b/.test(r.rule));
}

function walk(schema: any, value: any, at: string, errors: string[]): void {
  if (!schema || value === undefined || value === null) return;
  for (const r of rulesOf(schema)) {
    let result: unknown;
    try {
      result = run(r.rule, { self: toCel(value, schema) }, { funcs: strings });
    } catch (e) {
      result = e;
    }
    if (result !== true) {
      const why = result === false ? '' : ` (evaluation: ${String((result as Error)?.message ?? result)})`;
      errors.push(`${at}: ${r.message ?? r.rule}${why}`);
    }
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(schema.items, v, `${at}[${i}]`, errors));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      walk(child, v, `${at}.${k}`, errors);
    }
  }
}

/** JSON to CEL values by the schema: objects to maps, `integer` (and int-or-string numbers) to int. */
function toCel(value: any, schema: any): CelInput {
  if (Array.isArray(value)) return value.map(v => toCel(v, schema?.items));
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v, schema?.properties?.[k] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined))]));
  }
  if (typeof value === 'number' && Number.isInteger(value) && (schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'])) return BigInt(value);
  return value;
}
