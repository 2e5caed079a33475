import { crdOf, crdsOfGroup, CrdSchema, splitApiVersion } from './crds';
import { escapePointer, isRecord, pointerToPath } from './problem';

/**
 * Schema validation of one object: core kinds against the OpenAPI schemas of Kubernetes as the
 * `kubernetes-models` package compiles them (one ajv validator per kind), custom resources
 * against the vendored CRD's `openAPIV3Schema` (ajv). Both are made strict about unknown fields,
 * which the API server drops silently (a typo would vanish instead of failing).
 *
 * The dependencies (kubernetes-models, ajv) load on the first call, never on `import 'modelship'`.
 */

/** `path: message` lines of one object (empty = valid). */
export type SchemaFinding = { readonly path: string; readonly message: string };

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: any;
  readonly message?: string;
}

/** Validates one object against its kind's schema. */
export function schemaFindings(obj: any): SchemaFinding[] {
  if (!isRecord(obj)) return [{ path: '(root)', message: 'not an object' }];
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') return [{ path: 'apiVersion', message: 'required non-empty string' }];
  if (typeof obj.kind !== 'string' || obj.kind === '') return [{ path: 'kind', message: 'required non-empty string' }];
  const { group, version } = splitApiVersion(obj.apiVersion);
  const crds = crdsOfGroup(group);
  if (crds.length > 0) {
    const crd = crdOf(obj);
    if (!crd) {
      const known = [...new Set(crds.map(c => `${c.kind} ${c.group}/${c.version}`))].join(', ');
      return [{ path: '(root)', message: `no vendored CRD defines ${obj.kind} in ${obj.apiVersion} (known in the group: ${known})` }];
    }
    if (!crd.served) return [{ path: 'apiVersion', message: `${obj.kind} ${version} is not served by its CRD` }];
    return crdFindings(crd, obj);
  }
  const model = coreModel(group, version, obj.kind, obj.apiVersion);
  if (!model) return [{ path: '(root)', message: `unknown kind ${obj.kind} in ${obj.apiVersion}: neither a Kubernetes kind nor a CRD modelship vendors` }];
  return modelFindings(model, obj, '');
}

// ---------------------------------------------------------------------------------------------
// Core kinds: kubernetes-models

interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly prototype: { validate(): void };
}

const models = new Map<string, ModelClass | undefined>();

/** `apps/v1 Deployment` -> `kubernetes-models/apps/v1/Deployment` (one module per kind, loaded on demand). */
function coreModel(group: string, version: string, kind: string, apiVersion: string): ModelClass | undefined {
  const key = `${apiVersion}|${kind}`;
  if (models.has(key)) return models.get(key);
  let found: ModelClass | undefined;
  // Guard the parts before they become a module path.
  if (/^[A-Z][A-Za-z0-9]*$/.test(kind) && /^v[0-9]+[a-z0-9]*$/.test(version) && /^[a-z0-9.-]*$/.test(group)) {
    const modulePath = ['kubernetes-models', group, version, kind].filter(s => s !== '').join('/');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cls = require(modulePath)?.[kind];
      // Nested types (DeploymentSpec) have no apiVersion/kind statics: `kind: DeploymentSpec` is refused.
      if (typeof cls === 'function' && cls.kind === kind && cls.apiVersion === apiVersion) found = cls;
    } catch (e: any) {
      if (e?.code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  models.set(key, found);
  return found;
}

/**
 * Runs a kubernetes-models validator on a proxy that records which keys it reads. The generated
 * validators read every declared property, so a key of an object the validator looked into but
 * never read is not in the schema: an unknown field. Objects it never looked into (free-form
 * `RawExtension`, maps of anything) are left alone, like `x-kubernetes-preserve-unknown-fields`.
 * The validators also accept `null` everywhere; a null in a manifest is refused here.
 */
function modelFindings(model: ModelClass, data: any, base: string): SchemaFinding[] {
  const nodes: Array<{ value: any; pointer: string; read: Set<string> }> = [];
  const wrap = (value: any, pointer: string): any => {
    if (value === null || typeof value !== 'object') return value;
    const read = new Set<string>();
    nodes.push({ value, pointer, read });
    const children = new Map<string, any>();
    return new Proxy(value, {
      get: (target, key, receiver) => {
        if (typeof key !== 'string') return Reflect.get(target, key, receiver);
        read.add(key);
        if (!Object.prototype.hasOwnProperty.call(target, key)) return Reflect.get(target, key, receiver);
        if (!children.has(key)) children.set(key, wrap(target[key], `${pointer}/${escapePointer(key)}`));
        return children.get(key);
      },
      has: (target, key) => {
        if (typeof key === 'string') read.add(key);
        return Reflect.has(target, key);
      },
    });
  };
  let errors: AjvError[] = [];
  try {
    model.prototype.validate.call(wrap(data, base));
  } catch (e: any) {
    if (!Array.isArray(e?.errors)) throw e;
    errors = e.errors;
  }
  const out = formatAjvErrors(errors, base);
  for (const node of nodes) {
    if (Array.isArray(node.value)) {
      node.value.forEach((item, i) => {
        if (item === null) out.push({ path: pointerToPath(`${node.pointer}/${i}`), message: 'null value' });
      });
      continue;
    }
    if (node.read.size === 0) continue;
    for (const key of Object.keys(node.value)) {
      const path = pointerToPath(`${node.pointer}/${escapePointer(key)}`);
      if (!node.read.has(key)) out.push({ path, message: `unknown field "${key}" (not in the schema; the API server drops it)` });
      else if (node.value[key] === null) out.push({ path, message: 'null value (omit the field instead)' });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Custom resources: the vendored CRD's openAPIV3Schema

const compiled = new WeakMap<CrdSchema, (data: any) => boolean>();
let ajvInstance: any;

function ajv(): any {
  if (!ajvInstance) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv').default;
    ajvInstance = new Ajv({ strict: false, allErrors: true, logger: false, code: { regExp: re2Compat } });
    ajvInstance.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajvInstance.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    // RFC 3339, as Kubernetes reads date-time.
    ajvInstance.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  }
  return ajvInstance;
}

/**
 * RegExp engine for ajv: Kubernetes patterns are Go RE2, which allows leading inline flags such as
 * `(?i)`; they become RegExp flags. A pattern JavaScript still cannot compile matches everything
 * (the schema's other checks apply) rather than break every object of the kind.
 */
function re2Compat(pattern: string, flags: string): RegExp {
  let source = pattern;
  let extra = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    extra = inline[1].replace(/[^ims]/g, '');
  }
  const all = [...new Set((flags.replace('u', '') + extra).split(''))].join('');
  try {
    return new RegExp(source, all);
  } catch {
    return /(?:)/;
  }
}
re2Compat.code = 'new RegExp';

function formatsOf(schema: any, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {schema.forEach(s => formatsOf(s, out));} else if (isRecord(schema)) {
    if (typeof schema.format === 'string' && schema.format !== '') out.add(schema.format);
    for (const [k, v] of Object.entries(schema)) if (k !== 'enum' && k !== 'default' && k !== 'example') formatsOf(v, out);
  }
  return out;
}

/**
 * A copy of a structural schema where unknown fields are errors (the API server prunes them):
 * `additionalProperties: false` on every object node with `properties`, except nodes with
 * `x-kubernetes-preserve-unknown-fields`; only structural positions are rewritten (never
 * anyOf/allOf/oneOf branches); `x-kubernetes-int-or-string` becomes `type: [integer, string]`;
 * the root and embedded resources allow apiVersion, kind and metadata.
 */
function strict(node: any, isRoot = false): any {
  if (!isRecord(node)) return node;
  const out: any = { ...node };
  if (out['x-kubernetes-int-or-string'] === true && out.type === undefined) out.type = ['integer', 'string'];
  if (out.properties && (isRoot || out['x-kubernetes-embedded-resource'] === true)) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
  }
  if (isRecord(out.properties)) out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, strict(v)]));
  if (isRecord(out.items)) out.items = strict(out.items);
  if (isRecord(out.additionalProperties)) out.additionalProperties = strict(out.additionalProperties);
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

function crdFindings(crd: CrdSchema, obj: any): SchemaFinding[] {
  let validate = compiled.get(crd);
  if (!validate) {
    const a = ajv();
    for (const f of formatsOf(crd.schema)) if (!a.formats[f]) a.addFormat(f, true);
    validate = a.compile(strict(crd.schema, true)) as (data: any) => boolean;
    compiled.set(crd, validate);
  }
  // The API server checks metadata itself (CRD schemas say only `type: object`): as ObjectMeta.
  const { metadata, ...rest } = obj;
  const out: SchemaFinding[] = [];
  if (!validate(rest)) out.push(...formatAjvErrors((validate as any).errors ?? [], ''));
  // Through a ConfigMap's validator, whose ObjectMeta is the one every kind has (no direct
  // dependency on @kubernetes-models/apimachinery): only its metadata findings count.
  const configMap = coreModel('', 'v1', 'ConfigMap', 'v1');
  if (metadata !== undefined && configMap) {
    out.push(...modelFindings(configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata }, '').filter(f => f.path.startsWith('metadata')));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** One line per problem; failed anyOf/oneOf branches merge into one line at their path. */
function formatAjvErrors(errors: readonly AjvError[], base: string): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  const byPath = new Map<string, AjvError[]>();
  for (const e of errors) {
    const pointer = base + e.instancePath;
    if (e.keyword === 'additionalProperties') {
      const field = e.params.additionalProperty;
      out.push({ path: pointerToPath(`${pointer}/${escapePointer(field)}`), message: `unknown field "${field}" (not in the schema; the API server drops it)` });
    } else if (e.keyword === 'required') {
      out.push({ path: pointerToPath(`${pointer}/${escapePointer(e.params.missingProperty)}`), message: 'required field is missing' });
    } else {
      const list = byPath.get(pointer) ?? [];
      list.push(e);
      byPath.set(pointer, list);
    }
  }
  for (const [pointer, list] of byPath) {
    const alternatives = list.some(e => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const messages = [...new Set(list.filter(e => !(alternatives && (e.keyword === 'anyOf' || e.keyword === 'oneOf'))).map(messageOf))];
    if (alternatives) out.push({ path: pointerToPath(pointer), message: `matches none of the allowed forms${messages.length > 0 ? ` (${messages.join(', or ')})` : ''}` });
    else for (const m of messages) out.push({ path: pointerToPath(pointer), message: m });
  }
  return out;
}

function messageOf(e: AjvError): string {
  if (e.keyword === 'type') return `must be ${e.params.type}`;
  if (e.keyword === 'enum') return `must be one of ${(e.params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'format') return `must match format "${e.params.format}"`;
  if (e.keyword === 'pattern') return `must match pattern ${e.params.pattern}`;
  return e.message ?? `fails "${e.keyword}"`;
}
