/**
 * A test-side reimplementation of the rules the Kubernetes API server enforces in Go code (not in the
 * OpenAPI schema), plus the few that the kubelet and the controllers modelship targets enforce when
 * they act on an object (image references, Argo Rollouts durations, the HPA KEDA creates).
 *
 * Input: plain JSON objects as emitted (`Testing.synth(chart)`, `chart.toJson()`, or the YAML of an
 * example). Output: every violation, with the object, the field path, the rule and who refuses it.
 *
 * Sources (every rule names its Go function):
 * - kubernetes v1.35 pkg/apis/core/validation/validation.go (ValidateObjectMeta name functions per
 *   kind, ValidateEnv, validateContainerPorts, ValidateVolumes, validateSecretKeySelector,
 *   ValidateResourceRequirements, validateProbe, ValidateService, ValidatePersistentVolumeClaim,
 *   ValidateConfigMap), pkg/apis/apps/validation, pkg/apis/policy/validation,
 *   pkg/apis/autoscaling/validation, pkg/apis/networking/validation, pkg/apis/rbac/validation;
 * - k8s.io/apimachinery v0.35.0 (see ./api-server-formats.ts);
 * - apiextensions-apiserver: custom resource names are DNS subdomains; `format: int32` ranges;
 * - etcd's default --max-request-bytes (1.5 MiB) for object size; kubectl's client-side apply
 *   last-applied-configuration annotation for the 256 KiB warning.
 *
 * INDEPENDENT of lib/: it never imports lib/private/api-rules (the module it checks).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import * as F from './api-server-formats';

/** Every class of rule the checker knows; tests prove each one fires. */
export const API_RULES = [
  'object-name', 'namespace', 'label-key', 'label-value', 'annotation-key', 'annotations-size', 'selector-mismatch',
  'env-name', 'quantity', 'resource-limits', 'int32', 'non-negative', 'port', 'port-name', 'service-port-name',
  'volume-name', 'volume-mount', 'container-name', 'duplicate-name', 'configmap-key', 'configmap-size', 'reference-name',
  'image', 'object-size', 'int-or-percent', 'duration', 'number', 'required', 'hpa-behavior', 'toleration', 'node-selector-requirement',
] as const;
export type ApiRule = typeof API_RULES[number];

/** One rule broken by one field of one emitted object. */
export interface ApiViolation {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Dotted field path, e.g. `spec.template.spec.containers[0].env[1].name`. */
  readonly path: string;
  readonly rule: ApiRule;
  readonly message: string;
  /** `error`: refused (or never works); `warning`: works only with care (server-side apply). */
  readonly severity: 'error' | 'warning';
  /** Who refuses it: the API server, the kubelet, a controller. */
  readonly enforcedBy: string;
}

const API = 'API server';
const KUBELET = 'kubelet';
const ETCD_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
const LAST_APPLIED_LIMIT = 256 * 1024;
const MAX_CONFIGMAP_BYTES = 1024 * 1024;
const INT32_MAX = 2147483647;

/** Every violation of every object. */
export function apiServerViolations(objects: readonly unknown[]): ApiViolation[] {
  const out: ApiViolation[] = [];
  for (const obj of objects) checkObject(obj, out);
  return out;
}

/**
 * Fails (throws) listing every error-severity violation except those `knownBug` accepts; returns
 * the warnings and the known bugs found, for the caller to print.
 */
export function expectApiServerAccepts(objects: readonly unknown[], knownBug: (v: ApiViolation) => boolean = () => false): { warnings: ApiViolation[]; known: ApiViolation[] } {
  const all = apiServerViolations(objects);
  const errors = all.filter(v => v.severity === 'error' && !knownBug(v));
  if (errors.length > 0) throw new Error(`${errors.length} violation(s) of the API server's rules:\n${errors.map(formatViolation).join('\n')}`);
  return { warnings: all.filter(v => v.severity === 'warning'), known: all.filter(v => v.severity === 'error' && knownBug(v)) };
}

export function formatViolation(v: ApiViolation): string {
  return `  ${v.object} ${v.path} [${v.rule}, ${v.enforcedBy}]: ${v.message}`;
}

// ---------------------------------------------------------------------------------------------

class Ctx {
  constructor(readonly id: string, private readonly out: ApiViolation[]) {}
  add(p: string, rule: ApiRule, message: string, enforcedBy = API, severity: 'error' | 'warning' = 'error'): void {
    this.out.push({ object: this.id, path: p, rule, message, severity, enforcedBy });
  }
  /** Adds one violation per error string. */
  errs(p: string, rule: ApiRule, value: unknown, errs: string[], enforcedBy = API): void {
    for (const e of errs) this.add(p, rule, `${JSON.stringify(value)}: ${e}`, enforcedBy);
  }
}

const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): v is string => typeof v === 'string';

function checkObject(obj: unknown, out: ApiViolation[]): void {
  if (!isObj(obj)) {
    out.push({ object: '(not an object)', path: '(root)', rule: 'required', message: 'not a JSON object', severity: 'error', enforcedBy: API });
    return;
  }
  const kind = str(obj.kind) ? obj.kind : '(no kind)';
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const ctx = new Ctx(`${kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '(no name)'}`, out);
  if (!str(obj.apiVersion) || obj.apiVersion === '') ctx.add('apiVersion', 'required', 'apiVersion is required');
  checkMetadata(ctx, kind, meta, 'metadata', true);
  checkNumbers(ctx, obj, '');
  checkSize(ctx, obj);
  const group = str(obj.apiVersion) && obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  switch (`${group}/${kind}`) {
    case 'apps/Deployment': case 'apps/ReplicaSet': case 'apps/StatefulSet':
      checkWorkload(ctx, obj.spec, 'spec');
      break;
    case 'apps/DaemonSet':
      checkWorkload(ctx, obj.spec, 'spec');
      checkRollingUpdate(ctx, obj.spec?.updateStrategy?.rollingUpdate, 'spec.updateStrategy.rollingUpdate', API);
      break;
    case 'batch/Job':
      checkPodTemplate(ctx, obj.spec?.template, 'spec.template', API);
      break;
    case 'batch/CronJob':
      checkPodTemplate(ctx, obj.spec?.jobTemplate?.spec?.template, 'spec.jobTemplate.spec.template', API);
      break;
    case '/Pod':
      checkPodSpec(ctx, obj.spec, 'spec', API);
      break;
    case '/Service': checkService(ctx, obj.spec); break;
    case '/PersistentVolumeClaim': checkPvc(ctx, obj.spec); break;
    case '/ConfigMap': case '/Secret': checkConfigData(ctx, obj); break;
    case '/ServiceAccount':
      arr(obj.imagePullSecrets).forEach((s, i) => refName(ctx, `imagePullSecrets[${i}].name`, s?.name, 'Secret', API));
      break;
    case 'policy/PodDisruptionBudget': checkPdb(ctx, obj.spec); break;
    case 'networking.k8s.io/NetworkPolicy': checkNetworkPolicy(ctx, obj.spec); break;
    case 'autoscaling/HorizontalPodAutoscaler': checkHpa(ctx, obj.spec, 'spec', API); break;
    case 'argoproj.io/Rollout': checkRollout(ctx, obj.spec); break;
    case 'argoproj.io/AnalysisTemplate': case 'argoproj.io/ClusterAnalysisTemplate': checkAnalysisTemplate(ctx, obj.spec); break;
    case 'keda.sh/ScaledObject': checkScaledObject(ctx, obj.spec); break;
    default: break;
  }
  if (group !== '' && !group.endsWith('.k8s.io') && !['apps', 'batch', 'policy', 'autoscaling'].includes(group)) {
    checkCustomResource(ctx, obj, group, kind);
  }
}

// ---------------------------------------------------------------------------------------------
// metadata

/** Which name function ValidateObjectMeta gets, per kind. */
function nameRule(kind: string): { title: string; fn: (v: string) => string[] } {
  switch (kind) {
    case 'Namespace': return { title: 'DNS-1123 label (ValidateNamespaceName)', fn: F.IsDNS1123Label };
    case 'Service': return { title: 'DNS-1035 label (ValidateServiceName)', fn: F.IsDNS1035Label };
    // apps/validation ValidateStatefulSetName: NameIsDNSLabel in current Kubernetes (older: subdomain).
    case 'StatefulSet': return { title: 'DNS-1123 label (ValidateStatefulSetName)', fn: F.IsDNS1123Label };
    case 'Role': case 'ClusterRole': case 'RoleBinding': case 'ClusterRoleBinding':
      return { title: 'path segment name (ValidateRBACName)', fn: F.IsValidPathSegmentName };
    // batch/validation: a CronJob's name plus an 11-character suffix must fit a 63-character label.
    case 'CronJob': return { title: 'DNS-1123 subdomain of at most 52 characters (ValidateCronJob)', fn: v => [...F.IsDNS1123Subdomain(v), ...(F.goLen(v) > 52 ? ['must be no more than 52 characters'] : [])] };
    default: return { title: 'DNS-1123 subdomain (NameIsDNSSubdomain)', fn: F.IsDNS1123Subdomain };
  }
}

function checkMetadata(ctx: Ctx, kind: string, meta: Record<string, any>, p: string, named: boolean): void {
  if (named) {
    if (!str(meta.name) || meta.name === '') {ctx.add(`${p}.name`, 'required', 'metadata.name is required');} else {
      const rule = nameRule(kind);
      const errs = rule.fn(meta.name);
      if (errs.length > 0) ctx.add(`${p}.name`, 'object-name', `${JSON.stringify(meta.name)} is not a valid ${kind} name, a ${rule.title}: ${errs.join('; ')}`);
    }
    if (meta.namespace !== undefined) {
      const errs = str(meta.namespace) ? F.IsDNS1123Label(meta.namespace) : ['must be a string'];
      if (errs.length > 0) ctx.errs(`${p}.namespace`, 'namespace', meta.namespace, errs);
    }
  }
  labelMap(ctx, `${p}.labels`, meta.labels, API);
  if (meta.annotations !== undefined) {
    if (!isObj(meta.annotations)) {ctx.add(`${p}.annotations`, 'annotation-key', 'annotations must be a map of strings');} else {
      let size = 0;
      for (const [k, v] of Object.entries(meta.annotations)) {
        // ValidateAnnotations: "The rule is QualifiedName except that case doesn't matter".
        ctx.errs(`${p}.annotations[${JSON.stringify(k)}]`, 'annotation-key', k, F.IsQualifiedName(k.toLowerCase()));
        if (!str(v)) ctx.add(`${p}.annotations[${JSON.stringify(k)}]`, 'annotation-key', 'annotation values must be strings');
        else size += F.goLen(k) + F.goLen(v);
      }
      if (size > 256 * 1024) ctx.add(`${p}.annotations`, 'annotations-size', `annotations total ${size} bytes, over 262144 (TotalAnnotationSizeLimitB)`);
    }
  }
}

function labelMap(ctx: Ctx, p: string, labels: unknown, by: string): void {
  if (labels === undefined) return;
  if (!isObj(labels)) { ctx.add(p, 'label-key', 'labels must be a map of strings', by); return; }
  for (const [k, v] of Object.entries(labels)) {
    ctx.errs(`${p}[${JSON.stringify(k)}]`, 'label-key', k, F.IsQualifiedName(k), by);
    if (!str(v)) ctx.add(`${p}[${JSON.stringify(k)}]`, 'label-value', `label value must be a string, got ${JSON.stringify(v)}`, by);
    else ctx.errs(`${p}[${JSON.stringify(k)}]`, 'label-value', v, F.IsValidLabelValue(v), by);
  }
}

/** metav1 LabelSelector: matchLabels and matchExpressions (ValidateLabelSelector). */
function labelSelector(ctx: Ctx, p: string, sel: unknown, by: string): void {
  if (!isObj(sel)) return;
  labelMap(ctx, `${p}.matchLabels`, sel.matchLabels, by);
  arr(sel.matchExpressions).forEach((e, i) => {
    const q = `${p}.matchExpressions[${i}]`;
    if (!str(e?.key)) ctx.add(`${q}.key`, 'required', 'key is required', by);
    else ctx.errs(`${q}.key`, 'label-key', e.key, F.IsQualifiedName(e.key), by);
    const values = arr(e?.values);
    if ((e?.operator === 'In' || e?.operator === 'NotIn') && values.length === 0) ctx.add(`${q}.values`, 'required', `must be specified when operator is ${e.operator}`, by);
    if ((e?.operator === 'Exists' || e?.operator === 'DoesNotExist') && values.length > 0) ctx.add(`${q}.values`, 'required', `may not be specified when operator is ${e.operator}`, by);
    values.forEach((v, j) => { if (str(v)) ctx.errs(`${q}.values[${j}]`, 'label-value', v, F.IsValidLabelValue(v), by); });
  });
}

/** Does a LabelSelector's matchLabels select these labels (matchExpressions: In/NotIn/Exists/DoesNotExist)? */
function selects(sel: Record<string, any>, labels: Record<string, any>): boolean {
  for (const [k, v] of Object.entries(isObj(sel.matchLabels) ? sel.matchLabels : {})) if (labels[k] !== v) return false;
  for (const e of arr(sel.matchExpressions)) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = arr(e.values);
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// generic value checks

/** JSON cannot carry NaN or Infinity: YAML would write `.nan`/`.inf`, which no int or quantity field accepts. */
function checkNumbers(ctx: Ctx, v: unknown, p: string): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) ctx.add(p || '(root)', 'number', `${v} is not a JSON number`);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => checkNumbers(ctx, x, `${p}[${i}]`));
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) checkNumbers(ctx, x, p ? `${p}.${k}` : k);
  }
}

function checkSize(ctx: Ctx, obj: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(obj), 'utf8');
  if (bytes > ETCD_MAX_REQUEST_BYTES) {
    ctx.add('(object)', 'object-size', `object is ${bytes} bytes as JSON, over etcd's default 1.5 MiB request limit`, 'API server (etcd)');
  } else if (bytes > LAST_APPLIED_LIMIT) {
    ctx.add('(object)', 'object-size', `object is ${bytes} bytes as JSON: \`kubectl apply\` (client-side) stores it in the last-applied-configuration annotation, over the 256 KiB annotation limit; use server-side apply`, 'kubectl apply', 'warning');
  }
}

function int32(ctx: Ctx, p: string, v: unknown, min: number, by = API, max = INT32_MAX): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v)) ctx.add(p, 'int32', `${JSON.stringify(v)} is not an integer`, by);
  else if (v > INT32_MAX || v < -INT32_MAX - 1) ctx.add(p, 'int32', `${v} does not fit an int32 field`, by);
  else if (v < min) ctx.add(p, 'non-negative', `${v} must be at least ${min}`, by);
  else if (v > max) ctx.add(p, 'int32', `${v} must be at most ${max}`, by);
}

function quantity(ctx: Ctx, p: string, v: unknown, opts: { nonNegative?: boolean; positive?: boolean } = {}, by = API): F.ParsedQuantity | undefined {
  if (v === undefined) return undefined;
  const text = typeof v === 'number' ? String(v) : v;
  if (!str(text)) { ctx.add(p, 'quantity', `${JSON.stringify(v)} is not a quantity`, by); return undefined; }
  const q = F.ParseQuantity(text);
  if (!q.ok) { ctx.add(p, 'quantity', `${JSON.stringify(v)}: ${q.error}`, by); return undefined; }
  if (opts.nonNegative && q.negative) ctx.add(p, 'quantity', `${JSON.stringify(v)} must be greater than or equal to 0`, by);
  if (opts.positive && (q.negative || q.zero)) ctx.add(p, 'quantity', `${JSON.stringify(v)} must be greater than zero`, by);
  if (Math.abs(q.approx) >= 2 ** 63) ctx.add(p, 'quantity', `${JSON.stringify(v)} is capped at 2^63-1 by ParseQuantity`, by);
  return q;
}

/** A reference to an object by name that can only ever match a valid name. */
function refName(ctx: Ctx, p: string, v: unknown, kind: string, by: string, fn: (v: string) => string[] = F.IsDNS1123Subdomain): void {
  if (!str(v) || v === '') { ctx.add(p, 'required', `a ${kind} name is required`, by); return; }
  const errs = fn(v);
  if (errs.length > 0) ctx.add(p, 'reference-name', `${JSON.stringify(v)} cannot name a ${kind}: ${errs.join('; ')}`, by);
}

/** intstr as validated by ValidatePositiveIntOrPercent / IsValidPercent (+ <= 100% where asked). */
function intOrPercent(ctx: Ctx, p: string, v: unknown, by: string, maxPercent = Infinity): void {
  if (v === undefined) return;
  if (typeof v === 'number') {int32(ctx, p, v, 0, by);} else if (str(v)) {
    const errs = F.IsValidPercent(v);
    if (errs.length > 0) ctx.errs(p, 'int-or-percent', v, errs, by);
    else if (Number(v.slice(0, -1)) > maxPercent) ctx.add(p, 'int-or-percent', `${v} must not be greater than ${maxPercent}%`, by);
  } else {ctx.add(p, 'int-or-percent', `${JSON.stringify(v)} must be an integer or a percentage`, by);}
}

function portNumOrName(ctx: Ctx, p: string, v: unknown, by: string): void {
  if (v === undefined) return;
  if (typeof v === 'number') ctx.errs(p, 'port', v, F.IsValidPortNum(v), by);
  else if (str(v)) ctx.errs(p, 'port-name', v, F.IsValidPortName(v), by);
  else ctx.add(p, 'port', `${JSON.stringify(v)} must be a port number or name`, by);
}

// ---------------------------------------------------------------------------------------------
// workloads and pods

function checkWorkload(ctx: Ctx, spec: any, p: string): void {
  if (!isObj(spec)) return;
  int32(ctx, `${p}.replicas`, spec.replicas, 0);
  int32(ctx, `${p}.minReadySeconds`, spec.minReadySeconds, 0);
  int32(ctx, `${p}.revisionHistoryLimit`, spec.revisionHistoryLimit, 0);
  int32(ctx, `${p}.progressDeadlineSeconds`, spec.progressDeadlineSeconds, 0);
  if (typeof spec.progressDeadlineSeconds === 'number' && typeof spec.minReadySeconds === 'number' && spec.progressDeadlineSeconds <= spec.minReadySeconds) {
    ctx.add(`${p}.progressDeadlineSeconds`, 'non-negative', 'must be greater than minReadySeconds');
  }
  labelSelector(ctx, `${p}.selector`, spec.selector, API);
  checkRollingUpdate(ctx, spec.strategy?.rollingUpdate, `${p}.strategy.rollingUpdate`, API);
  checkPodTemplate(ctx, spec.template, `${p}.template`, API);
  if (isObj(spec.selector) && isObj(spec.template?.metadata)) {
    const labels = isObj(spec.template.metadata.labels) ? spec.template.metadata.labels : {};
    if (!selects(spec.selector, labels)) ctx.add(`${p}.template.metadata.labels`, 'selector-mismatch', '`selector` does not match template `labels`');
  }
}

function checkRollingUpdate(ctx: Ctx, ru: any, p: string, by: string): void {
  if (!isObj(ru)) return;
  intOrPercent(ctx, `${p}.maxSurge`, ru.maxSurge, by);
  intOrPercent(ctx, `${p}.maxUnavailable`, ru.maxUnavailable, by, 100);
  const zero = (v: unknown) => v === 0 || v === '0%';
  if (zero(ru.maxSurge) && (ru.maxUnavailable === undefined ? false : zero(ru.maxUnavailable))) {
    ctx.add(`${p}.maxUnavailable`, 'int-or-percent', 'may not be 0 when `maxSurge` is 0', by);
  }
}

function checkPodTemplate(ctx: Ctx, template: any, p: string, by: string): void {
  if (!isObj(template)) return;
  if (isObj(template.metadata)) checkMetadata(ctx, 'Pod', template.metadata, `${p}.metadata`, false);
  checkPodSpec(ctx, template.spec, `${p}.spec`, by);
}

function checkPodSpec(ctx: Ctx, spec: any, p: string, by: string): void {
  if (!isObj(spec)) return;
  const volumes = new Set<string>();
  arr(spec.volumes).forEach((vol, i) => {
    const q = `${p}.volumes[${i}]`;
    if (!str(vol?.name) || vol.name === '') {ctx.add(`${q}.name`, 'required', 'volume name is required', by);} else {
      ctx.errs(`${q}.name`, 'volume-name', vol.name, F.IsDNS1123Label(vol.name), by);
      if (volumes.has(vol.name)) ctx.add(`${q}.name`, 'duplicate-name', `duplicate volume ${JSON.stringify(vol.name)}`, by);
      volumes.add(vol.name);
    }
    if (vol?.persistentVolumeClaim) refName(ctx, `${q}.persistentVolumeClaim.claimName`, vol.persistentVolumeClaim.claimName, 'PersistentVolumeClaim', by);
    if (vol?.secret) refName(ctx, `${q}.secret.secretName`, vol.secret.secretName, 'Secret', by);
    if (vol?.configMap) refName(ctx, `${q}.configMap.name`, vol.configMap.name, 'ConfigMap', by);
    for (const src of ['secret', 'configMap'] as const) {
      arr(vol?.[src]?.items).forEach((it, j) => ctx.errs(`${q}.${src}.items[${j}].key`, 'configmap-key', it?.key, str(it?.key) ? F.IsConfigMapKey(it.key) : ['key is required'], by));
    }
    if (vol?.emptyDir) quantity(ctx, `${q}.emptyDir.sizeLimit`, vol.emptyDir.sizeLimit, { nonNegative: true }, by);
  });
  const containerNames = new Set<string>();
  const containers = [
    ...arr(spec.initContainers).map((c, i) => [c, `${p}.initContainers[${i}]`] as const),
    ...arr(spec.containers).map((c, i) => [c, `${p}.containers[${i}]`] as const),
  ];
  if (arr(spec.containers).length === 0) ctx.add(`${p}.containers`, 'required', 'a pod needs at least one container', by);
  for (const [c, q] of containers) checkContainer(ctx, c, q, by, volumes, containerNames);
  labelMap(ctx, `${p}.nodeSelector`, spec.nodeSelector, by);
  if (spec.serviceAccountName !== undefined) refName(ctx, `${p}.serviceAccountName`, spec.serviceAccountName, 'ServiceAccount', by);
  if (spec.priorityClassName !== undefined && spec.priorityClassName !== '') refName(ctx, `${p}.priorityClassName`, spec.priorityClassName, 'PriorityClass', by);
  arr(spec.imagePullSecrets).forEach((s, i) => refName(ctx, `${p}.imagePullSecrets[${i}].name`, s?.name, 'Secret', by));
  if (spec.terminationGracePeriodSeconds !== undefined) {
    const v = spec.terminationGracePeriodSeconds;
    // An int64: JSON integers up to 2^63-1 decode, even above 2^53 where JavaScript loses precision.
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** 63) ctx.add(`${p}.terminationGracePeriodSeconds`, 'non-negative', `${v} must be a non-negative int64`, by);
  }
  arr(spec.tolerations).forEach((t, i) => checkToleration(ctx, t, `${p}.tolerations[${i}]`, by));
  const na = spec.affinity?.nodeAffinity;
  arr(na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).forEach((term, i) =>
    arr(term?.matchExpressions).forEach((r, j) => nodeSelectorRequirement(ctx, r, `${p}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}].matchExpressions[${j}]`, by)));
  arr(na?.preferredDuringSchedulingIgnoredDuringExecution).forEach((pref, i) =>
    arr(pref?.preference?.matchExpressions).forEach((r, j) => nodeSelectorRequirement(ctx, r, `${p}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference.matchExpressions[${j}]`, by)));
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = spec.affinity?.[kind];
    const terms = [...arr(a?.requiredDuringSchedulingIgnoredDuringExecution), ...arr(a?.preferredDuringSchedulingIgnoredDuringExecution).map(w => w?.podAffinityTerm)];
    terms.forEach((t, i) => {
      labelSelector(ctx, `${p}.affinity.${kind}[${i}].labelSelector`, t?.labelSelector, by);
      if (!str(t?.topologyKey) || t.topologyKey === '') ctx.add(`${p}.affinity.${kind}[${i}].topologyKey`, 'required', 'topologyKey is required', by);
      else ctx.errs(`${p}.affinity.${kind}[${i}].topologyKey`, 'label-key', t.topologyKey, F.IsQualifiedName(t.topologyKey), by);
    });
  }
  arr(spec.topologySpreadConstraints).forEach((c, i) => {
    const q = `${p}.topologySpreadConstraints[${i}]`;
    int32(ctx, `${q}.maxSkew`, c?.maxSkew, 1, by);
    if (!str(c?.topologyKey) || c.topologyKey === '') ctx.add(`${q}.topologyKey`, 'required', 'topologyKey is required', by);
    else ctx.errs(`${q}.topologyKey`, 'label-key', c.topologyKey, F.IsQualifiedName(c.topologyKey), by);
    labelSelector(ctx, `${q}.labelSelector`, c?.labelSelector, by);
  });
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) int32(ctx, `${p}.securityContext.${f}`, spec.securityContext?.[f], 0, by);
}

function nodeSelectorRequirement(ctx: Ctx, r: any, p: string, by: string): void {
  if (!str(r?.key) || r.key === '') { ctx.add(`${p}.key`, 'required', 'key is required', by); return; }
  ctx.errs(`${p}.key`, 'label-key', r.key, F.IsQualifiedName(r.key), by);
  const values = arr(r.values);
  switch (r.operator) {
    case 'In': case 'NotIn':
      if (values.length === 0) ctx.add(`${p}.values`, 'node-selector-requirement', `must be specified when operator is ${r.operator}`, by);
      values.forEach((v, i) => { if (str(v)) ctx.errs(`${p}.values[${i}]`, 'label-value', v, F.IsValidLabelValue(v), by); });
      break;
    case 'Exists': case 'DoesNotExist':
      if (values.length > 0) ctx.add(`${p}.values`, 'node-selector-requirement', `may not be specified when operator is ${r.operator}`, by);
      break;
    case 'Gt': case 'Lt':
      if (values.length !== 1 || !/^-?[0-9]+$/.test(String(values[0]))) ctx.add(`${p}.values`, 'node-selector-requirement', 'must be specified single value when `operator` is \'Lt\' or \'Gt\'', by);
      break;
    default: ctx.add(`${p}.operator`, 'node-selector-requirement', `${JSON.stringify(r.operator)} is not a supported operator`, by);
  }
}

function checkToleration(ctx: Ctx, t: any, p: string, by: string): void {
  if (!isObj(t)) return;
  if (str(t.key) && t.key !== '') ctx.errs(`${p}.key`, 'label-key', t.key, F.IsQualifiedName(t.key), by);
  if (t.operator === 'Exists' && t.value !== undefined && t.value !== '') ctx.add(`${p}.value`, 'toleration', 'value must be empty when `operator` is \'Exists\'', by);
  if (t.operator !== undefined && !['Exists', 'Equal'].includes(t.operator)) ctx.add(`${p}.operator`, 'toleration', `${JSON.stringify(t.operator)} is not Exists or Equal`, by);
  if ((t.key === undefined || t.key === '') && t.operator !== 'Exists') ctx.add(`${p}.operator`, 'toleration', 'operator must be Exists when `key` is empty', by);
  if (t.effect !== undefined && t.effect !== '' && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) ctx.add(`${p}.effect`, 'toleration', `${JSON.stringify(t.effect)} is not a taint effect`, by);
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') ctx.add(`${p}.effect`, 'toleration', 'effect must be \'NoExecute\' when `tolerationSeconds` is set', by);
  if (str(t.value) && t.value !== '') ctx.errs(`${p}.value`, 'label-value', t.value, F.IsValidLabelValue(t.value), by);
}

function checkContainer(ctx: Ctx, c: any, p: string, by: string, volumes: Set<string>, names: Set<string>): void {
  if (!isObj(c)) return;
  if (!str(c.name) || c.name === '') {ctx.add(`${p}.name`, 'required', 'container name is required', by);} else {
    ctx.errs(`${p}.name`, 'container-name', c.name, F.IsDNS1123Label(c.name), by);
    if (names.has(c.name)) ctx.add(`${p}.name`, 'duplicate-name', `duplicate container ${JSON.stringify(c.name)}`, by);
    names.add(c.name);
  }
  if (!str(c.image) || c.image === '') ctx.add(`${p}.image`, 'required', 'image is required', by);
  else ctx.errs(`${p}.image`, 'image', c.image, F.ParseNormalizedNamed(c.image), `${KUBELET} (InvalidImageName)`);
  const portNames = new Set<string>();
  arr(c.ports).forEach((port, i) => {
    const q = `${p}.ports[${i}]`;
    if (port?.containerPort === undefined) ctx.add(`${q}.containerPort`, 'required', 'containerPort is required', by);
    else portNumOrName(ctx, `${q}.containerPort`, typeof port.containerPort === 'number' ? port.containerPort : NaN, by);
    if (port?.hostPort !== undefined && port.hostPort !== 0) portNumOrName(ctx, `${q}.hostPort`, port.hostPort, by);
    if (port?.name !== undefined) {
      if (!str(port.name)) {ctx.add(`${q}.name`, 'port-name', 'port name must be a string', by);} else {
        ctx.errs(`${q}.name`, 'port-name', port.name, F.IsValidPortName(port.name), by);
        if (portNames.has(port.name)) ctx.add(`${q}.name`, 'duplicate-name', `duplicate port name ${JSON.stringify(port.name)}`, by);
        portNames.add(port.name);
      }
    }
  });
  arr(c.env).forEach((e, i) => {
    const q = `${p}.env[${i}]`;
    if (!str(e?.name) || e.name === '') ctx.add(`${q}.name`, 'required', 'env name is required', by);
    else ctx.errs(`${q}.name`, 'env-name', e.name, F.IsEnvVarName(e.name), by);
    for (const sel of ['secretKeyRef', 'configMapKeyRef'] as const) {
      const ref = e?.valueFrom?.[sel];
      if (!ref) continue;
      refName(ctx, `${q}.valueFrom.${sel}.name`, ref.name, sel === 'secretKeyRef' ? 'Secret' : 'ConfigMap', by);
      if (!str(ref.key) || ref.key === '') ctx.add(`${q}.valueFrom.${sel}.key`, 'required', 'key is required', by);
      else ctx.errs(`${q}.valueFrom.${sel}.key`, 'configmap-key', ref.key, F.IsConfigMapKey(ref.key), by);
    }
  });
  arr(c.envFrom).forEach((e, i) => {
    const q = `${p}.envFrom[${i}]`;
    if (str(e?.prefix) && e.prefix !== '') ctx.errs(`${q}.prefix`, 'env-name', e.prefix, F.IsEnvVarName(e.prefix), by);
    if (e?.configMapRef) refName(ctx, `${q}.configMapRef.name`, e.configMapRef.name, 'ConfigMap', by);
    if (e?.secretRef) refName(ctx, `${q}.secretRef.name`, e.secretRef.name, 'Secret', by);
  });
  checkResources(ctx, c.resources, `${p}.resources`, by);
  for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe = c[probeName];
    if (!isObj(probe)) continue;
    const q = `${p}.${probeName}`;
    portNumOrName(ctx, `${q}.httpGet.port`, probe.httpGet?.port, by);
    portNumOrName(ctx, `${q}.tcpSocket.port`, probe.tcpSocket?.port, by);
    if (probe.grpc) portNumOrName(ctx, `${q}.grpc.port`, typeof probe.grpc.port === 'number' ? probe.grpc.port : NaN, by);
    if (str(probe.httpGet?.port) && !portNames.has(probe.httpGet.port)) ctx.add(`${q}.httpGet.port`, 'port-name', `no container port is named ${JSON.stringify(probe.httpGet.port)}`, KUBELET);
    for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) int32(ctx, `${q}.${f}`, probe[f], 0, by);
    if ((probeName === 'livenessProbe' || probeName === 'startupProbe') && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
      ctx.add(`${q}.successThreshold`, 'int32', 'must be 1', by);
    }
  }
  arr(c.volumeMounts).forEach((m, i) => {
    if (!str(m?.name) || !volumes.has(m.name)) ctx.add(`${p}.volumeMounts[${i}].name`, 'volume-mount', `no volume named ${JSON.stringify(m?.name)}`, by);
    if (!str(m?.mountPath) || m.mountPath === '') ctx.add(`${p}.volumeMounts[${i}].mountPath`, 'required', 'mountPath is required', by);
  });
  for (const f of ['runAsUser', 'runAsGroup'] as const) int32(ctx, `${p}.securityContext.${f}`, c.securityContext?.[f], 0, by);
}

/** ValidateResourceRequirements: names, quantities, requests <= limits, extended resources whole and equal. */
function checkResources(ctx: Ctx, r: any, p: string, by: string): void {
  if (!isObj(r)) return;
  const parsed: Record<'requests' | 'limits', Record<string, F.ParsedQuantity | undefined>> = { requests: {}, limits: {} };
  for (const which of ['requests', 'limits'] as const) {
    if (!isObj(r[which])) continue;
    for (const [name, v] of Object.entries(r[which])) {
      const q = `${p}.${which}[${JSON.stringify(name)}]`;
      ctx.errs(q, 'label-key', name, F.IsQualifiedName(name), by);
      const parsedQ = quantity(ctx, q, v, { nonNegative: true }, by);
      parsed[which][name] = parsedQ;
      // helper.IsExtendedResourceName: a domain-prefixed name outside kubernetes.io, not requests./hugepages-.
      const extended = name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.');
      if (extended && parsedQ?.ok && !Number.isInteger(parsedQ.approx)) ctx.add(q, 'resource-limits', `${JSON.stringify(v)} must be a whole number: ${name} is an extended resource`, by);
    }
  }
  for (const [name, req] of Object.entries(parsed.requests)) {
    const lim = parsed.limits[name];
    if (!req?.ok || !lim?.ok) continue;
    const extended = name.includes('/') && !name.includes('kubernetes.io/');
    if (extended && req.approx !== lim.approx) ctx.add(`${p}.requests[${JSON.stringify(name)}]`, 'resource-limits', `must be equal to ${name} limit`, by);
    else if (req.approx > lim.approx) ctx.add(`${p}.requests[${JSON.stringify(name)}]`, 'resource-limits', `must be less than or equal to ${name} limit`, by);
  }
  for (const name of Object.keys(parsed.requests)) {
    const extended = name.includes('/') && !name.includes('kubernetes.io/');
    // helper.IsOvercommitAllowed is false for extended resources: "Limit must be set for non overcommitable resources".
    if (extended && !(name in parsed.limits)) ctx.add(`${p}.limits[${JSON.stringify(name)}]`, 'resource-limits', `${name} is an extended resource: a request needs an equal limit`, by);
  }
}

// ---------------------------------------------------------------------------------------------
// other core kinds

function checkService(ctx: Ctx, spec: any): void {
  if (!isObj(spec)) return;
  const ports = arr(spec.ports);
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') ctx.add('spec.ports', 'required', 'a Service needs at least one port');
  const names = new Set<string>();
  ports.forEach((sp, i) => {
    const q = `spec.ports[${i}]`;
    if (ports.length > 1 && (!str(sp?.name) || sp.name === '')) ctx.add(`${q}.name`, 'required', 'every port needs a name when a Service has more than one');
    if (str(sp?.name) && sp.name !== '') {
      ctx.errs(`${q}.name`, 'service-port-name', sp.name, F.IsDNS1123Label(sp.name));
      if (names.has(sp.name)) ctx.add(`${q}.name`, 'duplicate-name', `duplicate port name ${JSON.stringify(sp.name)}`);
      names.add(sp.name);
    }
    portNumOrName(ctx, `${q}.port`, typeof sp?.port === 'number' ? sp.port : NaN, API);
    portNumOrName(ctx, `${q}.targetPort`, sp?.targetPort, API);
    if (sp?.nodePort !== undefined) portNumOrName(ctx, `${q}.nodePort`, sp.nodePort, API);
  });
  labelMap(ctx, 'spec.selector', spec.selector, API);
}

function checkPvc(ctx: Ctx, spec: any): void {
  if (!isObj(spec)) return;
  if (arr(spec.accessModes).length === 0 && spec.dataSourceRef === undefined) ctx.add('spec.accessModes', 'required', 'at least 1 access mode is required');
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) ctx.add('spec.resources.requests.storage', 'required', 'storage request is required');
  else quantity(ctx, 'spec.resources.requests.storage', storage, { positive: true });
  // ValidatePersistentVolumeClaimSpec: a non-empty storageClassName is a class name (ValidateClassName = DNS subdomain).
  if (str(spec.storageClassName) && spec.storageClassName !== '') ctx.errs('spec.storageClassName', 'reference-name', spec.storageClassName, F.IsDNS1123Subdomain(spec.storageClassName));
  if (spec.volumeName !== undefined) refName(ctx, 'spec.volumeName', spec.volumeName, 'PersistentVolume', API);
}

function checkConfigData(ctx: Ctx, obj: any): void {
  let size = 0;
  const seen = new Set<string>();
  for (const field of ['data', 'binaryData', 'stringData']) {
    if (!isObj(obj[field])) continue;
    for (const [k, v] of Object.entries(obj[field])) {
      ctx.errs(`${field}[${JSON.stringify(k)}]`, 'configmap-key', k, F.IsConfigMapKey(k));
      if (field !== 'stringData' && seen.has(k)) ctx.add(`${field}[${JSON.stringify(k)}]`, 'duplicate-name', 'duplicate of a key in data');
      seen.add(k);
      size += F.goLen(k) + (str(v) ? (field === 'binaryData' || (obj.kind === 'Secret' && field === 'data') ? Math.floor(v.length * 3 / 4) : F.goLen(v)) : 0);
    }
  }
  if (size > MAX_CONFIGMAP_BYTES) ctx.add('data', 'configmap-size', `${obj.kind} data total ${size} bytes, over 1048576 (MaxSecretSize)`);
}

function checkPdb(ctx: Ctx, spec: any): void {
  if (!isObj(spec)) return;
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) ctx.add('spec', 'int-or-percent', 'minAvailable and maxUnavailable cannot be both set');
  intOrPercent(ctx, 'spec.minAvailable', spec.minAvailable, API, 100);
  intOrPercent(ctx, 'spec.maxUnavailable', spec.maxUnavailable, API, 100);
  labelSelector(ctx, 'spec.selector', spec.selector, API);
}

function checkNetworkPolicy(ctx: Ctx, spec: any): void {
  if (!isObj(spec)) return;
  labelSelector(ctx, 'spec.podSelector', spec.podSelector, API);
  for (const dir of ['ingress', 'egress'] as const) {
    arr(spec[dir]).forEach((rule, i) => {
      arr(rule?.ports).forEach((port, j) => {
        const q = `spec.${dir}[${i}].ports[${j}]`;
        portNumOrName(ctx, `${q}.port`, port?.port, API);
        if (port?.endPort !== undefined) {
          if (typeof port.port !== 'number') ctx.add(`${q}.endPort`, 'port', 'may not be specified when `port` is not a number');
          else if (port.endPort < port.port) ctx.add(`${q}.endPort`, 'port', 'must be greater than or equal to `port`');
          portNumOrName(ctx, `${q}.endPort`, port.endPort, API);
        }
      });
      arr(rule?.[dir === 'ingress' ? 'from' : 'to']).forEach((peer, j) => {
        const q = `spec.${dir}[${i}].${dir === 'ingress' ? 'from' : 'to'}[${j}]`;
        labelSelector(ctx, `${q}.podSelector`, peer?.podSelector, API);
        labelSelector(ctx, `${q}.namespaceSelector`, peer?.namespaceSelector, API);
      });
    });
  }
}

/** autoscaling/validation: replicas and behavior (also what the HPA KEDA creates must satisfy). */
function checkHpa(ctx: Ctx, spec: any, p: string, by: string): void {
  if (!isObj(spec)) return;
  const min = spec.minReplicas ?? spec.minReplicaCount;
  const max = spec.maxReplicas ?? spec.maxReplicaCount;
  int32(ctx, `${p}.minReplicas`, spec.minReplicas, 1, by);
  int32(ctx, `${p}.maxReplicas`, spec.maxReplicas, 1, by);
  if (typeof min === 'number' && typeof max === 'number' && max < min) ctx.add(`${p}.maxReplicas`, 'int32', 'must be greater than or equal to `minReplicas`', by);
  checkBehavior(ctx, spec.behavior, `${p}.behavior`, by);
}

function checkBehavior(ctx: Ctx, behavior: any, p: string, by: string): void {
  if (!isObj(behavior)) return;
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const rules = behavior[dir];
    if (!isObj(rules)) continue;
    // validateScalingRules: stabilizationWindowSeconds 0..3600; policies value > 0, periodSeconds 1..1800.
    const w = rules.stabilizationWindowSeconds;
    if (w !== undefined && (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 3600)) {
      ctx.add(`${p}.${dir}.stabilizationWindowSeconds`, 'hpa-behavior', `${w} must be 0 to 3600 seconds`, by);
    }
    arr(rules.policies).forEach((pol, i) => {
      int32(ctx, `${p}.${dir}.policies[${i}].value`, pol?.value, 1, by);
      int32(ctx, `${p}.${dir}.policies[${i}].periodSeconds`, pol?.periodSeconds, 1, by, 1800);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// controllers' own rules (the object is stored, then the controller refuses or mishandles it)

const ARGO = 'Argo Rollouts controller';

function checkRollout(ctx: Ctx, spec: any): void {
  if (!isObj(spec)) return;
  // Argo creates ReplicaSets (and so pods) from spec.template: the API server checks those.
  checkPodTemplate(ctx, spec.template, 'spec.template', `${API} (on the ReplicaSets Argo creates)`);
  labelSelector(ctx, 'spec.selector', spec.selector, API);
  if (isObj(spec.selector) && isObj(spec.template?.metadata) && !selects(spec.selector, spec.template.metadata.labels ?? {})) {
    ctx.add('spec.template.metadata.labels', 'selector-mismatch', '`selector` does not match template `labels`', ARGO);
  }
  const canary = spec.strategy?.canary;
  if (isObj(canary)) {
    intOrPercent(ctx, 'spec.strategy.canary.maxSurge', canary.maxSurge, ARGO);
    intOrPercent(ctx, 'spec.strategy.canary.maxUnavailable', canary.maxUnavailable, ARGO, 100);
    arr(canary.steps).forEach((step, i) => {
      const q = `spec.strategy.canary.steps[${i}]`;
      if (step?.setWeight !== undefined && (typeof step.setWeight !== 'number' || step.setWeight < 0 || step.setWeight > 100)) ctx.add(`${q}.setWeight`, 'int32', 'must be 0 to 100', ARGO);
      if (isObj(step?.pause) && step.pause.duration !== undefined && F.RolloutPauseDurationSeconds(step.pause.duration) < 0) {
        ctx.add(`${q}.pause.duration`, 'duration', `${JSON.stringify(step.pause.duration)} is not a valid pause (seconds, or a Go duration, within int32)`, ARGO);
      }
    });
  }
}

function checkAnalysisTemplate(ctx: Ctx, spec: any): void {
  if (!isObj(spec)) return;
  arr(spec.metrics).forEach((m, i) => {
    for (const f of ['interval', 'initialDelay'] as const) {
      if (m?.[f] === undefined) continue;
      const d = str(m[f]) ? F.ParseDuration(m[f]) : 'not a string';
      if (typeof d === 'string') ctx.add(`spec.metrics[${i}].${f}`, 'duration', `${JSON.stringify(m[f])}: ${d} (DurationString is read with time.ParseDuration)`, ARGO);
    }
    for (const f of ['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit'] as const) {
      if (typeof m?.[f] === 'number') int32(ctx, `spec.metrics[${i}].${f}`, m[f], 0, ARGO);
    }
  });
}

function checkScaledObject(ctx: Ctx, spec: any): void {
  if (!isObj(spec)) return;
  const KEDA_HPA = 'API server (on the HPA KEDA creates)';
  int32(ctx, 'spec.minReplicaCount', spec.minReplicaCount, 0, KEDA_HPA);
  int32(ctx, 'spec.maxReplicaCount', spec.maxReplicaCount, 1, KEDA_HPA);
  const hpa = spec.advanced?.horizontalPodAutoscalerConfig;
  if (isObj(hpa)) {
    if (hpa.name !== undefined) refName(ctx, 'spec.advanced.horizontalPodAutoscalerConfig.name', hpa.name, 'HorizontalPodAutoscaler', KEDA_HPA);
    checkBehavior(ctx, hpa.behavior, 'spec.advanced.horizontalPodAutoscalerConfig.behavior', KEDA_HPA);
  }
  if (!str(spec.scaleTargetRef?.name) || spec.scaleTargetRef.name === '') ctx.add('spec.scaleTargetRef.name', 'required', 'scaleTargetRef.name is required', 'KEDA operator');
}

// ---------------------------------------------------------------------------------------------
// custom resources: what the apiextensions-apiserver checks beyond patterns (schema-driven)

const CRD_DIR = path.join(__dirname, '..', '..', 'vendor', 'crds');
let crdSchemas: Map<string, any> | undefined;

function schemaFor(group: string, version: string, kind: string): any {
  if (!crdSchemas) {
    crdSchemas = new Map();
    for (const file of fs.readdirSync(CRD_DIR).filter(f => f.endsWith('.yaml')).sort()) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions) crdSchemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema?.openAPIV3Schema);
      }
    }
  }
  return crdSchemas.get(`${group}/${version}/${kind}`);
}

function checkCustomResource(ctx: Ctx, obj: any, group: string, kind: string): void {
  const version = String(obj.apiVersion).split('/')[1];
  const schema = schemaFor(group, version, kind);
  if (!schema) return; // unknown kinds are reported by the schema test, not here
  walkSchema(ctx, obj, schema, '');
  nestedLabels(ctx, obj.spec, 'spec');
}

/**
 * Label maps nested in a custom resource (a NodePool's node template, selectors): they end up on
 * Nodes, pods or selectors the API server validates when the controller creates them.
 */
function nestedLabels(ctx: Ctx, v: unknown, p: string): void {
  if (Array.isArray(v)) v.forEach((x, i) => nestedLabels(ctx, x, `${p}[${i}]`));
  if (!isObj(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const q = `${p}.${k}`;
    if (k === 'matchLabels' || (k === 'labels' && p.endsWith('.metadata'))) labelMap(ctx, q, x, `${API} (on the objects the controller creates)`);
    else nestedLabels(ctx, x, q);
  }
}

/** `format: int32/int64` ranges and int-or-string quantities, which patterns alone do not bound. */
function walkSchema(ctx: Ctx, v: unknown, s: any, p: string): void {
  if (!isObj(s) || v === undefined) return;
  if (s.type === 'integer' && typeof v === 'number') {
    if (!Number.isInteger(v)) ctx.add(p, 'int32', `${v} is not an integer`);
    else if (s.format === 'int32' && (v > INT32_MAX || v < -INT32_MAX - 1)) ctx.add(p, 'int32', `${v} does not fit format int32`);
    else if (Math.abs(v) >= 2 ** 63) ctx.add(p, 'int32', `${v} does not fit format int64`);
  }
  if (s['x-kubernetes-int-or-string'] && str(v) && typeof s.pattern === 'string' && s.pattern.includes('[KMGTPE]i')) {
    quantity(ctx, p, v);
  }
  if (Array.isArray(v) && s.items) {v.forEach((x, i) => walkSchema(ctx, x, s.items, `${p}[${i}]`));} else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      const child = s.properties?.[k] ?? (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
      walkSchema(ctx, x, child, p ? `${p}.${k}` : k);
    }
  }
}
