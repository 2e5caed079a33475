/**
 * Schema validation for synthesized Kubernetes manifests (test-only helper).
 *
 * Input objects are plain JSON, e.g. from cdk8s `Testing.synth(chart)` or
 * `chart.toJson()`. Every object gets three layers of checks:
 *
 * 1. Generic checks (all kinds): apiVersion/kind present, metadata.name
 *    syntax, label/annotation syntax, and "leftovers" (undefined, NaN,
 *    non-JSON values, strings like `model-undefined` or `[object Object]`).
 * 2. Core Kubernetes kinds: the ajv validators that kubernetes-models 4.x ships,
 *    plus an unknown-field check (see `validateWithModel`).
 * 3. CRD kinds: the openAPIV3Schema of the vendored CRDs in vendor/crds,
 *    compiled with ajv and made strict about unknown fields (see `strictify`).
 *
 * Anything that is neither a core kind nor a vendored CRD is reported as an
 * error: silently accepting it would hide typos in apiVersion/kind.
 *
 * All validators are built lazily and cached per apiVersion+kind, so the
 * per-object cost after warm-up is a single validator run.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

/** Validates one object and returns human-readable problems (empty = valid). */
type Validator = (obj: any) => string[];

const CRD_DIR = path.join(__dirname, '..', '..', 'vendor', 'crds');

/**
 * Returns every problem found in one manifest object; an empty list means
 * the object is valid. Messages are prefixed with a dotted field path.
 */
export function schemaErrors(obj: any): string[] {
  const errors = genericErrors(obj);
  if (!isPlainObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    // Without a type we cannot pick a schema; genericErrors already said why.
    return errors;
  }
  return dedupe([...errors, ...validatorFor(obj.apiVersion, obj.kind)(obj)]);
}

/**
 * Throws an Error listing every problem of every invalid object (identified
 * as `kind/name`), so one failing test run shows all of them at once.
 */
export function expectSchemaValid(objs: any[]): void {
  const failures: string[] = [];
  objs.forEach((obj, index) => {
    const errors = schemaErrors(obj);
    if (errors.length > 0) {
      failures.push(`  [${index}] ${identify(obj)}\n${errors.map((e) => `      - ${e}`).join('\n')}`);
    }
  });
  if (failures.length > 0) {
    throw new Error(
      `${failures.length} of ${objs.length} object(s) failed schema validation:\n${failures.join('\n')}`,
    );
  }
}

/** `Kind/name (namespace ns) [apiVersion]` for error listings. */
function identify(obj: any): string {
  const kind = obj?.kind ?? '<no kind>';
  const name = obj?.metadata?.name ?? '<no name>';
  const ns = obj?.metadata?.namespace ? ` (namespace ${obj.metadata.namespace})` : '';
  const apiVersion = obj?.apiVersion ? ` [${obj.apiVersion}]` : '';
  return `${kind}/${name}${ns}${apiVersion}`;
}

// ---------------------------------------------------------------------------
// Validator lookup
// ---------------------------------------------------------------------------

const validatorCache = new Map<string, Validator>();

function validatorFor(apiVersion: string, kind: string): Validator {
  const key = `${apiVersion}|${kind}`;
  let validator = validatorCache.get(key);
  if (!validator) {
    validator = buildValidator(apiVersion, kind);
    validatorCache.set(key, validator);
  }
  return validator;
}

function buildValidator(apiVersion: string, kind: string): Validator {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);

  // A group served by a vendored CRD is never core. Checking the CRD files
  // named after the group first keeps core-only test files from parsing
  // every CRD (see crdsForGroup).
  const likelyCrds = crdsForGroup(group, false);
  if (likelyCrds.length > 0) return crdKindValidator(group, version, kind, likelyCrds);

  const model = coreModel(group, version, kind, apiVersion);
  if (model) return (obj) => validateWithModel(model, obj, '');

  const crds = crdsForGroup(group, true);
  if (crds.length > 0) return crdKindValidator(group, version, kind, crds);

  return fixed(
    `unknown kind "${kind}" for apiVersion "${apiVersion}": not a kubernetes-models type and no CRD in vendor/crds (add the CRD YAML there)`,
  );
}

function crdKindValidator(group: string, version: string, kind: string, crds: CrdKind[]): Validator {
  const crd = crds.find((c) => c.kind === kind);
  if (!crd) {
    return fixed(`unknown kind "${kind}" in group "${group}" (vendored CRDs define: ${crds.map((c) => c.kind).join(', ')})`);
  }
  const v = crd.versions.find((x) => x.name === version);
  if (!v) {
    return fixed(`${kind} has no version "${version}" in its CRD (available: ${crd.versions.map((x) => x.name).join(', ')})`);
  }
  if (!v.served) return fixed(`${kind} version "${version}" is not served by its CRD`);
  return crdValidator(v);
}

function fixed(message: string): Validator {
  return () => [message];
}

// ---------------------------------------------------------------------------
// Core kinds: kubernetes-models
// ---------------------------------------------------------------------------

/** A kubernetes-models class: its prototype.validate() throws an ajv ValidationError. */
interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly prototype: { validate(): void };
}

/**
 * Resolves apiVersion+kind to a kubernetes-models class, e.g. apps/v1
 * Deployment -> `kubernetes-models/apps/v1/Deployment`, v1 Service ->
 * `kubernetes-models/v1/Service`.
 */
function coreModel(group: string, version: string, kind: string, apiVersion: string): ModelClass | undefined {
  // Guard the inputs before they become part of a module path.
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind) || !/^v[0-9]+[a-z0-9]*$/.test(version) || !/^[a-z0-9.-]*$/.test(group)) {
    return undefined;
  }
  const modulePath = ['kubernetes-models', group, version, kind].filter((s) => s !== '').join('/');
  let mod: any;
  try {
    // kubernetes-models has one module per kind: loaded on demand (the test runs as CommonJS).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath);
  } catch (e: any) {
    if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(modulePath)) return undefined;
    throw e;
  }
  const cls = mod?.[kind];
  // Nested types (DeploymentSpec, ...) are classes too but have no
  // apiVersion/kind statics, so this also rejects `kind: DeploymentSpec`.
  if (typeof cls !== 'function' || cls.kind !== kind || cls.apiVersion !== apiVersion) return undefined;
  return cls as ModelClass;
}

let objectMetaModel: ModelClass | undefined;

/** ObjectMeta from @kubernetes-models/apimachinery (a dependency of kubernetes-models). */
function objectMeta(): ModelClass {
  if (!objectMetaModel) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    objectMetaModel = require('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta').ObjectMeta as ModelClass;
  }
  return objectMetaModel;
}

/**
 * Runs a kubernetes-models validator and additionally reports unknown fields.
 *
 * Why the extra step: kubernetes-models ships its schemas only as ajv
 * *precompiled* validator functions (no JSON schemas to re-compile), and they
 * are generated without `additionalProperties: false`, so `spec.replicaz`
 * passes. The generated code does read every declared property of an object
 * (`void 0 === data.replicas || validate(data.replicas)`, and `for..in` +
 * `data[key]` for maps), so we run it on a Proxy that records which keys the
 * validator read. For every object the validator looked into, any own key it
 * never read is not in the schema. Objects the validator never looked into
 * (free-form ones such as RawExtension, or maps of `{}`) are left alone,
 * which mirrors `x-kubernetes-preserve-unknown-fields`.
 *
 * The same pass rejects `null` in typed fields: the generated validators
 * treat every field as nullable, but a null in our output is a leftover.
 */
function validateWithModel(model: ModelClass, data: any, basePath: string): string[] {
  const tracker = new ReadTracker();
  const proxy = tracker.wrap(data, basePath);
  let ajvErrors: ErrorObject[] = [];
  try {
    model.prototype.validate.call(proxy);
  } catch (e: any) {
    if (!Array.isArray(e?.errors)) throw e;
    ajvErrors = e.errors;
  }
  return [...formatAjvErrors(ajvErrors, basePath), ...tracker.problems()];
}

interface TrackedNode {
  readonly value: any;
  readonly pointer: string;
  readonly read: Set<string>;
}

class ReadTracker {
  private readonly nodes: TrackedNode[] = [];

  wrap(value: any, pointer: string): any {
    if (value === null || typeof value !== 'object') return value;
    const read = new Set<string>();
    this.nodes.push({ value, pointer, read });
    // Cache child proxies so repeated reads of one field see the same node.
    const children = new Map<string, any>();
    return new Proxy(value, {
      get: (target, key, receiver) => {
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) {
          if (typeof key === 'string') read.add(key);
          return Reflect.get(target, key, receiver);
        }
        read.add(key);
        if (!children.has(key)) children.set(key, this.wrap(target[key], `${pointer}/${escapePointer(key)}`));
        return children.get(key);
      },
      has: (target, key) => {
        if (typeof key === 'string') read.add(key);
        return Reflect.has(target, key);
      },
    });
  }

  problems(): string[] {
    const out: string[] = [];
    for (const node of this.nodes) {
      if (Array.isArray(node.value)) {
        node.value.forEach((item, i) => {
          if (item === null) out.push(`${pointerToPath(`${node.pointer}/${i}`)}: null value (remove it instead)`);
        });
        continue;
      }
      if (node.read.size === 0) continue; // free-form object: nothing is "known"
      for (const key of Object.keys(node.value)) {
        const where = pointerToPath(`${node.pointer}/${escapePointer(key)}`);
        if (!node.read.has(key)) {
          out.push(`${where}: unknown field "${key}" (not in the schema)`);
        } else if (node.value[key] === null) {
          out.push(`${where}: null value (omit the field instead)`);
        }
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------------------
// CRD kinds: vendor/crds/*.yaml + ajv
// ---------------------------------------------------------------------------

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly schema: any;
  validate?: ValidateFunction;
}

interface CrdKind {
  readonly group: string;
  readonly kind: string;
  readonly versions: CrdVersion[];
}

let crdFiles: string[] | undefined;
const parsedCrdFiles = new Set<string>();
const crdsByGroup = new Map<string, CrdKind[]>();

/**
 * Returns the vendored CRDs of one API group. YAML parsing dominates start-up
 * time (~0.6 s for all files), so by default only files named
 * `<group>_<plural>.yaml` (the controller-gen convention) are parsed;
 * `fullScan` parses every file, for CRDs saved under another name.
 */
function crdsForGroup(group: string, fullScan: boolean): CrdKind[] {
  if (group === '') return []; // the core group is never a CRD
  crdFiles ??= fs.existsSync(CRD_DIR)
    ? fs.readdirSync(CRD_DIR).filter((f) => /\.ya?ml$/.test(f)).sort()
    : [];
  for (const file of crdFiles) {
    if (fullScan || file.startsWith(`${group}_`)) parseCrdFile(file);
  }
  return crdsByGroup.get(group) ?? [];
}

function parseCrdFile(file: string): void {
  if (parsedCrdFiles.has(file)) return;
  parsedCrdFiles.add(file);
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'));
  for (const doc of docs) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const group: string = crd.spec.group;
    const entry: CrdKind = {
      group,
      kind: crd.spec.names.kind,
      versions: (crd.spec.versions ?? []).map((v: any) => ({
        name: v.name,
        served: v.served !== false,
        // A version without a schema accepts anything (legacy CRDs).
        schema: v.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
      })),
    };
    const list = crdsByGroup.get(group) ?? [];
    list.push(entry);
    crdsByGroup.set(group, list);
  }
}

function crdValidator(version: CrdVersion): Validator {
  return (obj) => {
    version.validate ??= compileCrdSchema(version.schema);
    // The API server validates metadata itself (CRD schemas only say
    // `type: object`), so check it against ObjectMeta, strictly.
    const { metadata, ...rest } = obj;
    const errors: string[] = [];
    if (!version.validate(rest)) errors.push(...formatAjvErrors(version.validate.errors ?? [], ''));
    if (metadata !== undefined) errors.push(...validateWithModel(objectMeta(), metadata, '/metadata'));
    return errors;
  };
}

let crdAjv: Ajv | undefined;

function ajvForCrds(): Ajv {
  if (!crdAjv) {
    crdAjv = new Ajv({
      strict: false, // x-kubernetes-* and other OpenAPI keywords are annotations to ajv
      allErrors: true,
      logger: false,
      // Kubernetes patterns are Go RE2 syntax; translate what JS lacks.
      code: { regExp: re2Compat },
    });
    crdAjv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    crdAjv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    // RFC 3339, as Kubernetes expects for date-time.
    crdAjv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  }
  return crdAjv;
}

/**
 * RegExp engine for ajv. RE2 allows leading inline flags such as `(?i)`,
 * which JS does not; they are turned into RegExp flags. Patterns that still
 * do not compile match everything rather than break every object of the kind
 * (the schema's other checks still apply).
 */
function re2Compat(pattern: string, flags: string): RegExp {
  let source = pattern;
  let extra = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    extra = inline[1].replace(/[^ims]/g, '');
  }
  // Non-unicode mode: RE2 escapes like `\-` or `\/` are syntax errors with `u`.
  const allFlags = [...new Set((flags.replace('u', '') + extra).split(''))].join('');
  try {
    return new RegExp(source, allFlags);
  } catch {
    return /(?:)/;
  }
}
re2Compat.code = 'new RegExp';

function compileCrdSchema(schema: any): ValidateFunction {
  const ajv = ajvForCrds();
  // Unknown formats would make ajv throw; Kubernetes ignores unknown formats.
  for (const format of collectFormats(schema)) {
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
  return ajv.compile(strictify(schema, true));
}

function collectFormats(schema: any, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    schema.forEach((s) => collectFormats(s, out));
  } else if (isPlainObject(schema)) {
    if (typeof schema.format === 'string' && schema.format !== '') out.add(schema.format);
    for (const [key, value] of Object.entries(schema)) {
      if (key !== 'enum' && key !== 'default' && key !== 'example') collectFormats(value, out);
    }
  }
  return out;
}

/**
 * Returns a copy of a structural CRD schema in which unknown fields are
 * errors. The API server *prunes* fields a structural schema does not
 * declare, so a typo in our output would be dropped silently; we want it to
 * fail instead. Rules:
 *
 * - An object node with `properties` and no `additionalProperties` gets
 *   `additionalProperties: false`, unless it has
 *   `x-kubernetes-preserve-unknown-fields: true` (then unknown fields are
 *   kept by the server, so they are legitimate). As in Kubernetes, that flag
 *   only covers its own node: nested nodes that declare properties are
 *   strict again.
 * - Only the structural positions (properties, items, additionalProperties)
 *   are rewritten, never anyOf/allOf/oneOf/not branches: in structural
 *   schemas those carry value checks only, and a branch with
 *   `additionalProperties: false` would reject fields declared outside it.
 * - `x-kubernetes-int-or-string: true` without a type becomes
 *   `type: [integer, string]` (ajv does not know the extension).
 * - `x-kubernetes-embedded-resource` nodes and the root implicitly allow
 *   apiVersion, kind and metadata.
 * - `x-kubernetes-validations` (CEL) are ignored.
 */
function strictify(node: any, isRoot = false): any {
  if (!isPlainObject(node)) return node;
  const out: any = { ...node };

  if (out['x-kubernetes-int-or-string'] === true && out.type === undefined) {
    out.type = ['integer', 'string'];
  }
  if (out.properties && (isRoot || out['x-kubernetes-embedded-resource'] === true)) {
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...out.properties,
    };
  }
  if (isPlainObject(out.properties)) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, strictify(v)]));
  }
  if (Array.isArray(out.items)) {
    out.items = out.items.map((s: any) => strictify(s));
  } else if (isPlainObject(out.items)) {
    out.items = strictify(out.items);
  }
  if (isPlainObject(out.additionalProperties)) {
    out.additionalProperties = strictify(out.additionalProperties);
  } else if (
    out.properties &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Generic checks (every object)
// ---------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** Typical traces of a template string or concatenation that went wrong. */
const LEFTOVER = /\[object Object\]|(^|[-./:_=])(undefined|NaN)($|[-./:_])/;
/** RBAC names are "path segment names", e.g. `system:metrics-reader` is fine. */
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function genericErrors(obj: any): string[] {
  if (!isPlainObject(obj)) return [`(root): expected a JSON object, got ${typeName(obj)}`];
  const errors: string[] = [];
  for (const field of ['apiVersion', 'kind']) {
    if (typeof obj[field] !== 'string' || obj[field] === '') errors.push(`${field}: required non-empty string`);
  }
  const meta = obj.metadata;
  if (!isPlainObject(meta)) {
    errors.push('metadata: required object');
  } else {
    errors.push(...nameErrors(obj.kind, meta.name));
    if (meta.namespace !== undefined && !isDnsLabel(meta.namespace)) {
      errors.push(`metadata.namespace: "${meta.namespace}" is not a DNS-1123 label`);
    }
    errors.push(...labelMapErrors(meta.labels, 'metadata.labels'));
    errors.push(...annotationErrors(meta.annotations));
  }
  if ((obj.kind === 'ConfigMap' || obj.kind === 'Secret') && obj.apiVersion === 'v1') {
    for (const field of ['data', 'binaryData', 'stringData']) {
      for (const key of Object.keys(isPlainObject(obj[field]) ? obj[field] : {})) {
        if (!CONFIG_KEY.test(key) || key.length > 253) errors.push(`${field}["${key}"]: invalid key (allowed: [-._a-zA-Z0-9]+, ≤253)`);
      }
    }
  }
  walkValues(obj, '', errors);
  return errors;
}

function nameErrors(kind: unknown, name: unknown): string[] {
  if (typeof name !== 'string' || name === '') return ['metadata.name: required non-empty string'];
  const bad = (rule: string) => [`metadata.name: "${name}" is not a valid ${rule}`];
  if (kind === 'Service') {
    return name.length <= 63 && DNS1035_LABEL.test(name) ? [] : bad('Service name (DNS-1035 label: [a-z]([-a-z0-9]*[a-z0-9])?, ≤63)');
  }
  if (kind === 'Namespace') {
    return isDnsLabel(name) ? [] : bad('Namespace name (DNS-1123 label, ≤63)');
  }
  if (typeof kind === 'string' && RBAC_KINDS.has(kind)) {
    return name !== '.' && name !== '..' && !/[/%]/.test(name) ? [] : bad('RBAC name (no "/" or "%", not "." or "..")');
  }
  return isDnsSubdomain(name) ? [] : bad('DNS-1123 subdomain (lowercase alphanumerics, "-" and ".", ≤253)');
}

function isDnsLabel(s: unknown): boolean {
  return typeof s === 'string' && s.length <= 63 && DNS1123_LABEL.test(s);
}

function isDnsSubdomain(s: unknown): boolean {
  return typeof s === 'string' && s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** Label/annotation key: `[prefix/]name`, prefix a DNS subdomain, name ≤63. */
function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2 && !isDnsSubdomain(parts[0])) return `prefix "${parts[0]}" is not a DNS-1123 subdomain`;
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return `name part "${name}" must be ≤63 chars of [-A-Za-z0-9_.], starting and ending alphanumeric`;
  }
  return undefined;
}

function labelMapErrors(labels: unknown, where: string): string[] {
  if (labels === undefined) return [];
  if (!isPlainObject(labels)) return [`${where}: must be a map of strings`];
  const errors: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyError = qualifiedNameError(key);
    if (keyError) errors.push(`${where}["${key}"]: invalid label key: ${keyError}`);
    if (typeof value !== 'string') {
      errors.push(`${where}["${key}"]: label value must be a string, got ${typeName(value)}`);
    } else if (value.length > 63 || !LABEL_VALUE.test(value)) {
      errors.push(`${where}["${key}"]: invalid label value "${value}" (≤63 chars of [-A-Za-z0-9_.], alphanumeric at both ends)`);
    }
  }
  return errors;
}

function annotationErrors(annotations: unknown): string[] {
  if (annotations === undefined) return [];
  if (!isPlainObject(annotations)) return ['metadata.annotations: must be a map of strings'];
  const errors: string[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    // k8s.io/apimachinery pkg/api/validation/objectmeta.go ValidateAnnotations: "The rule is
    // QualifiedName except that case doesn't matter, so convert to lowercase before checking."
    const keyError = qualifiedNameError(key.toLowerCase());
    if (keyError) errors.push(`metadata.annotations["${key}"]: invalid key: ${keyError}`);
    if (typeof value !== 'string') {
      errors.push(`metadata.annotations["${key}"]: value must be a string, got ${typeName(value)}`);
    } else {
      size += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
  }
  if (size > MAX_ANNOTATIONS_BYTES) errors.push(`metadata.annotations: total size ${size} bytes exceeds 256 KiB`);
  return errors;
}

/**
 * Walks the whole object looking for values that cannot be what we meant:
 * undefined, NaN/Infinity, functions or class instances (e.g. an unresolved
 * cdk8s token), interpolation leftovers, and invalid label maps nested in
 * pod templates and selectors.
 */
function walkValues(value: any, pointer: string, errors: string[]): void {
  const where = () => pointerToPath(pointer);
  if (value === undefined) {
    errors.push(`${where()}: value is undefined`);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) errors.push(`${where()}: number is ${value}`);
  } else if (typeof value === 'string') {
    if (LEFTOVER.test(value)) errors.push(`${where()}: suspicious string ${JSON.stringify(truncate(value))} (interpolation leftover?)`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walkValues(item, `${pointer}/${i}`, errors));
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childPointer = `${pointer}/${escapePointer(key)}`;
      // Root metadata.labels is checked by genericErrors already.
      if (key === 'matchLabels' || (key === 'labels' && pointer.endsWith('/metadata') && pointer !== '/metadata')) {
        errors.push(...labelMapErrors(child, pointerToPath(childPointer)));
      }
      walkValues(child, childPointer, errors);
    }
  } else if (value !== null && typeof value !== 'boolean') {
    errors.push(`${where()}: not a JSON value (${typeName(value)})`);
  }
}

// ---------------------------------------------------------------------------
// Error formatting
// ---------------------------------------------------------------------------

/**
 * Turns ajv errors into one line per problem. Failed anyOf/oneOf branches
 * report at the same path as the anyOf/oneOf itself; those are merged into
 * one line ("must be number, or must match format quantity").
 */
function formatAjvErrors(errors: ErrorObject[], basePath: string): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  const lines: string[] = [];
  for (const e of errors) {
    const pointer = basePath + e.instancePath;
    if (e.keyword === 'additionalProperties') {
      const field = e.params.additionalProperty;
      lines.push(`${pointerToPath(`${pointer}/${escapePointer(field)}`)}: unknown field "${field}" (not in the schema; the API server would drop it)`);
    } else if (e.keyword === 'required') {
      lines.push(`${pointerToPath(`${pointer}/${escapePointer(e.params.missingProperty)}`)}: required field is missing`);
    } else {
      const list = byPath.get(pointer) ?? [];
      list.push(e);
      byPath.set(pointer, list);
    }
  }
  for (const [pointer, list] of byPath) {
    const alternatives = list.some((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const messages = [...new Set(list.filter((e) => !(alternatives && (e.keyword === 'anyOf' || e.keyword === 'oneOf'))).map(errorMessage))];
    if (alternatives) {
      lines.push(`${pointerToPath(pointer)}: matches none of the allowed forms${messages.length > 0 ? ` (${messages.join(', or ')})` : ''}`);
    } else {
      lines.push(...messages.map((m) => `${pointerToPath(pointer)}: ${m}`));
    }
  }
  return lines;
}

function errorMessage(e: ErrorObject): string {
  switch (e.keyword) {
    case 'type':
      return `must be ${e.params.type}`;
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format':
      return `must match format "${e.params.format}"`;
    case 'pattern':
      return `must match pattern ${e.params.pattern}`;
    default:
      return e.message ?? `fails "${e.keyword}" ${JSON.stringify(e.params)}`;
  }
}

/** `/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu` -> `spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]`. */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

// ---------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------

/**
 * True for `{...}` literals and JSON.parse/YAML output. Compares prototype
 * shape rather than identity with Object.prototype, because jest runs test
 * code in its own realm (vm context) with its own Object.prototype.
 */
function isPlainObject(value: unknown): value is Record<string, any> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function truncate(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
