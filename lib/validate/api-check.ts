import { appliedSize, LAST_APPLIED_ANNOTATION, MAX_ANNOTATIONS_BYTES } from '../object-size';
import { isRecord } from './problem';
import type { SchemaFinding } from './schema-check';
import {
  checkAnnotations, checkConfigMapKey, checkDns1035Label, checkDns1123Label, checkDns1123Subdomain, checkEnvVarName,
  checkImageReference, checkLabels, checkPort, checkPortName, checkQuantity, ProblemSink,
} from '../private/api-rules';

/**
 * The API server's own rules, which it enforces in Go code rather than in the OpenAPI schema, on
 * one rendered object: names per kind, namespace, labels and annotations (every label map in the
 * object: pod templates, selectors), container and volume names, environment variable names,
 * ports and port names, resource quantities, image references, ConfigMap keys. The rules are the
 * ones modelship's constructs check their input with (lib/private/api-rules, each citing its
 * upstream source); here they run on output, which may have been patched or hand-edited.
 */

class FindingSink implements ProblemSink {
  public readonly found: SchemaFinding[] = [];
  public add(property: string, value: unknown, reason: string, fix: string): void {
    const shown = typeof value === 'string' || typeof value === 'number' ? `${JSON.stringify(value)}: ` : '';
    this.found.push({ path: property, message: `${shown}${reason} (fix: ${fix})` });
  }
}

/** kubernetes pkg/apis/rbac/validation ValidateRBACName: a path segment name. */
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

function checkName(sink: FindingSink, kind: string, name: unknown): void {
  // Name rule per kind: kubernetes pkg/apis/core/validation ValidateServiceName (DNS-1035),
  // ValidateNamespaceName (DNS-1123 label), rbac ValidateRBACName (path segment), and
  // NameIsDNSSubdomain for the rest (custom resources too: apiextensions-apiserver).
  if (typeof name !== 'string' || name === '') {
    sink.found.push({ path: 'metadata.name', message: 'required: the object has no name' });
    return;
  }
  if (kind === 'Service') {checkDns1035Label(sink, 'metadata.name', name);} else if (kind === 'Namespace') {checkDns1123Label(sink, 'metadata.name', name);} else if (RBAC_KINDS.has(kind)) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) sink.found.push({ path: 'metadata.name', message: `"${name}" is not a valid path segment name (no "/" or "%", not "." or "..")` });
  } else {checkDns1123Subdomain(sink, 'metadata.name', name);}
}

function checkPodSpec(sink: FindingSink, spec: Record<string, any>, at: string): void {
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c: any, i: number) => {
      if (!isRecord(c)) return;
      const p = `${at}.${field}[${i}]`;
      checkDns1123Label(sink, `${p}.name`, c.name);
      if (c.image !== undefined) checkImageReference(sink, `${p}.image`, c.image);
      (Array.isArray(c.env) ? c.env : []).forEach((e: any, j: number) => checkEnvVarName(sink, `${p}.env[${j}].name`, e?.name));
      (Array.isArray(c.ports) ? c.ports : []).forEach((port: any, j: number) => {
        checkPort(sink, `${p}.ports[${j}].containerPort`, port?.containerPort);
        if (port?.name !== undefined) checkPortName(sink, `${p}.ports[${j}].name`, port.name);
      });
      for (const kind of ['requests', 'limits']) {
        const r = c.resources?.[kind];
        if (isRecord(r)) for (const [k, v] of Object.entries(r)) checkQuantity(sink, `${p}.resources.${kind}["${k}"]`, v, { allowZero: true });
      }
    });
  }
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: any, i: number) => checkDns1123Label(sink, `${at}.volumes[${i}].name`, v?.name));
}

/** Every label map, pod spec and quantity below the root metadata, found by shape. */
function walk(sink: FindingSink, value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(sink, v, `${path}[${i}]`));
    return;
  }
  if (!isRecord(value)) return;
  if (Array.isArray(value.containers)) checkPodSpec(sink, value, path);
  for (const [key, child] of Object.entries(value)) {
    const p = path === '' ? key : `${path}.${key}`;
    if (path !== '' && path !== 'metadata' && key === 'metadata' && isRecord(child)) {
      if (child.labels !== undefined) checkLabels(sink, `${p}.labels`, child.labels);
      if (child.annotations !== undefined) checkAnnotations(sink, `${p}.annotations`, child.annotations);
    }
    if (key === 'matchLabels') checkLabels(sink, p, child);
    if (path !== '' || key !== 'metadata') walk(sink, child, p);
  }
}

/** What the API server (and `kubectl apply`) would refuse in one object, beyond its schema. */
export function apiServerFindings(obj: any): SchemaFinding[] {
  if (!isRecord(obj)) return [];
  const sink = new FindingSink();
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  checkName(sink, String(obj.kind ?? ''), meta.name);
  if (meta.namespace !== undefined) checkDns1123Label(sink, 'metadata.namespace', meta.namespace);
  if (meta.labels !== undefined) checkLabels(sink, 'metadata.labels', meta.labels);
  if (meta.annotations !== undefined) checkAnnotations(sink, 'metadata.annotations', meta.annotations);
  if (obj.apiVersion === 'v1' && (obj.kind === 'ConfigMap' || obj.kind === 'Secret')) {
    for (const field of ['data', 'binaryData', 'stringData']) {
      if (isRecord(obj[field])) for (const k of Object.keys(obj[field])) checkConfigMapKey(sink, `${field}["${k}"]`, k);
    }
  }
  if (obj.apiVersion === 'v1' && obj.kind === 'Service' && Array.isArray(obj.spec?.ports)) {
    obj.spec.ports.forEach((port: any, i: number) => {
      checkPort(sink, `spec.ports[${i}].port`, port?.port);
      // pkg/apis/core/validation validateServicePort: a Service port name is a DNS-1123 label.
      if (port?.name !== undefined) checkDns1123Label(sink, `spec.ports[${i}].name`, port.name);
    });
  }
  walk(sink, obj, '');
  return sink.found;
}

/** Whether `kubectl apply` (client-side, Argo CD's default) can store the object: see lib/object-size.ts. */
export function objectSizeFindings(obj: any): SchemaFinding[] {
  const size = appliedSize(obj);
  if (size.annotationBytes <= MAX_ANNOTATIONS_BYTES) return [];
  return [{
    path: 'metadata.annotations',
    message: `${size.jsonBytes} bytes as JSON: kubectl apply stores the object in the ${LAST_APPLIED_ANNOTATION} annotation and the API server refuses annotations over ${MAX_ANNOTATIONS_BYTES} bytes (${size.annotationBytes} here); split it or apply server-side`,
  }];
}
