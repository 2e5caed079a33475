/**
 * Synth-time copies of the CEL rules (x-kubernetes-validations) of the vendored CRDs that user input
 * to modelship can break (see /work/research/cel-user-breakable.md for the inventory), so the user
 * gets a ValidationError with a fix instead of an API server refusal at apply time. Same shape as
 * lib/private/api-rules (see ProblemSink). Each function quotes the rule it mirrors; the tests
 * (test/crd-rules.test.ts) run the real rule from vendor/crds/ with a CEL evaluator on the same
 * inputs and require the same verdict.
 *
 * CRDs: aws/karpenter-provider-aws v1.14.1 (karpenter.sh_nodepools.yaml, karpenter.k8s.aws_ec2nodeclasses.yaml),
 * kubernetes-sigs/gateway-api v1.6.1 standard (gateway.networking.k8s.io_httproutes.yaml),
 * kedacore/keda v2.20.2 (keda.sh_scaledobjects.yaml).
 */
import { ProblemSink, describeType, report } from './api-rules/sink';

// ---------------------------------------------------------------------------------------------
// Karpenter EC2NodeClass

/**
 * `spec.role`: `self != ''` ("role cannot be empty"); `spec.instanceProfile`: `self != ''`
 * ("instanceProfile cannot be empty"). Exactly one of the two is checked by the pool already.
 */
export function checkKarpenterIdentity(sink: ProblemSink, property: string, value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'string') return report(sink, property, value, [`must be a string, got ${describeType(value)}`], 'give the IAM role or instance profile name');
  return report(sink, property, value, value === '' ? ['must not be empty (Karpenter\'s EC2NodeClass refuses an empty role or instanceProfile)'] : [],
    'give the IAM role name, e.g. "KarpenterNodeRole-my-cluster", or leave it out');
}

/**
 * `spec.subnetSelectorTerms[].tags` and `spec.securityGroupSelectorTerms[].tags`:
 * `self.all(k, k != '' && self[k] != '')` ("empty tag keys or values aren't supported"), and the
 * schema's `maxProperties: 20`. Applies to `discoveryTags` and to the
 * `{ 'karpenter.sh/discovery': clusterName }` modelship builds from `clusterName`.
 * An empty map passes the CRD; it is refused here as modelship policy (a term without tags does not
 * narrow the subnets and security groups; what Karpenter then selects is not verified here).
 */
export function checkKarpenterSelectorTags(sink: ProblemSink, property: string, tags: unknown): boolean {
  const fix = 'give 1 to 20 tags with non-empty keys and values, e.g. { "karpenter.sh/discovery": "my-cluster" }';
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return report(sink, property, tags, [`must be a map of tags, got ${describeType(tags)}`], fix);
  const entries = Object.entries(tags);
  const reasons: string[] = [];
  if (entries.length === 0) reasons.push('selects by no tag, so it does not narrow the subnets and security groups the nodes get');
  if (entries.length > 20) reasons.push(`has ${entries.length} tags, over the 20 the EC2NodeClass schema allows`);
  for (const [k, v] of entries) {
    if (k === '') reasons.push("has an empty tag key (Karpenter's EC2NodeClass refuses it)");
    if (v === '') reasons.push(`tag "${k}" has an empty value (Karpenter's EC2NodeClass refuses it)`);
    if (typeof v !== 'string') reasons.push(`tag "${k}" value must be a string, got ${describeType(v)}`);
  }
  return report(sink, property, tags, reasons, fix);
}

/** AMI families the EC2NodeClass rule accepts: `self.split('@')[0] in ['al2','al2023','bottlerocket','windows2019','windows2022','windows2025']`. */
export const KARPENTER_AMI_FAMILIES = ['al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'] as const;

/** Options of {@link checkKarpenterAmiAlias}. */
export interface AmiAliasOptions {
  /** Families this caller supports (a subset of KARPENTER_AMI_FAMILIES). @default KARPENTER_AMI_FAMILIES */
  readonly families?: readonly string[];
  /**
   * Whether `family@latest` is allowed. Not a CRD rule: modelship's policy, because `@latest` replaces
   * every GPU node (and restarts every model server) on each AMI release. @default false
   */
  readonly allowLatest?: boolean;
}

/**
 * `spec.amiSelectorTerms[].alias`: `self.matches('^[a-zA-Z0-9]+@.+$')` ("'alias' is improperly
 * formatted, must match the format 'family@version'"), the family list above, and
 * `self.split('@')[0] in ['windows2019','windows2022','windows2025'] ? self.split('@')[1] == 'latest' : true`.
 */
export function checkKarpenterAmiAlias(sink: ProblemSink, property: string, value: unknown, options: AmiAliasOptions = {}): boolean {
  const families = options.families ?? KARPENTER_AMI_FAMILIES;
  const fix = `use "<family>@<version>" with a pinned version, e.g. "al2023@v20250807" (families: ${families.join(', ')})`;
  if (typeof value !== 'string') return report(sink, property, value, [`must be a string, got ${describeType(value)}`], fix);
  if (!/^[a-zA-Z0-9]+@.+$/.test(value)) return report(sink, property, value, ["is not an AMI alias of the form 'family@version'"], fix);
  const [family, version] = value.split('@');
  const reasons: string[] = [];
  if (!(KARPENTER_AMI_FAMILIES as readonly string[]).includes(family)) reasons.push(`family "${family}" is not one Karpenter supports (${KARPENTER_AMI_FAMILIES.join(', ')})`);
  else if (!families.includes(family)) reasons.push(`family "${family}" is not supported here (${families.join(', ')})`);
  if (family.startsWith('windows') && version !== 'latest') reasons.push('Windows families may only use version "latest"');
  if (version === 'latest' && !family.startsWith('windows') && !options.allowLatest) {
    reasons.push('"@latest" replaces every node of the pool, restarting its model servers, on each AMI release');
  }
  return report(sink, property, value, reasons, fix);
}

// ---------------------------------------------------------------------------------------------
// Karpenter NodePool

/** `karpenter.k8s.aws` labels the NodePool rule allows on nodes (the rule's list, v1.14.1). */
export const KARPENTER_AWS_NODE_LABELS: readonly string[] = [
  'karpenter.k8s.aws/instance-tenancy', 'karpenter.k8s.aws/capacity-reservation-type', 'karpenter.k8s.aws/capacity-reservation-id',
  'karpenter.k8s.aws/capacity-reservation-interruptible', 'karpenter.k8s.aws/ec2nodeclass', 'karpenter.k8s.aws/instance-encryption-in-transit-supported',
  'karpenter.k8s.aws/instance-category', 'karpenter.k8s.aws/instance-hypervisor', 'karpenter.k8s.aws/instance-family', 'karpenter.k8s.aws/instance-generation',
  'karpenter.k8s.aws/instance-local-nvme', 'karpenter.k8s.aws/instance-size', 'karpenter.k8s.aws/instance-cpu', 'karpenter.k8s.aws/instance-cpu-manufacturer',
  'karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz', 'karpenter.k8s.aws/instance-memory', 'karpenter.k8s.aws/instance-ebs-bandwidth',
  'karpenter.k8s.aws/instance-network-bandwidth', 'karpenter.k8s.aws/instance-gpu-name', 'karpenter.k8s.aws/instance-gpu-manufacturer',
  'karpenter.k8s.aws/instance-gpu-count', 'karpenter.k8s.aws/instance-gpu-memory', 'karpenter.k8s.aws/instance-accelerator-name',
  'karpenter.k8s.aws/instance-accelerator-manufacturer', 'karpenter.k8s.aws/instance-accelerator-count', 'karpenter.k8s.aws/instance-capability-flex',
  'karpenter.k8s.aws/placement-group-id', 'karpenter.k8s.aws/placement-group-partition',
];

/**
 * `spec.template.metadata.labels` of a NodePool, its four rules:
 * - `self.all(x, x in ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"] || !x.find("^([^/]+)").endsWith("karpenter.sh"))`
 * - `self.all(x, x != "karpenter.sh/nodepool")`
 * - `self.all(x, x != "kubernetes.io/hostname")`
 * - `self.all(x, x in [<KARPENTER_AWS_NODE_LABELS>] || !x.find("^([^/]+)").endsWith("karpenter.k8s.aws"))`
 * Note `endsWith` without a dot: "notkarpenter.sh/x", and a key without '/' such as "xkarpenter.sh", are restricted too.
 */
export function checkKarpenterNodeLabelKey(sink: ProblemSink, property: string, key: unknown): boolean {
  const fix = 'use a label in your own domain, e.g. "example.com/team"';
  if (typeof key !== 'string') return report(sink, property, key, [`a label key must be a string, got ${describeType(key)}`], fix);
  const domain = /^([^/]+)/.exec(key)?.[0] ?? '';
  const reasons: string[] = [];
  if (key === 'karpenter.sh/nodepool') reasons.push('label "karpenter.sh/nodepool" is restricted (Karpenter sets it)');
  else if (key !== 'karpenter.sh/capacity-type' && domain.endsWith('karpenter.sh')) reasons.push('label domain "karpenter.sh" is restricted');
  if (key === 'kubernetes.io/hostname') reasons.push('label "kubernetes.io/hostname" is restricted');
  if (!KARPENTER_AWS_NODE_LABELS.includes(key) && domain.endsWith('karpenter.k8s.aws')) reasons.push('label domain "karpenter.k8s.aws" is restricted');
  return report(sink, property, key, reasons.map(r => `${r} on a NodePool's nodes`), fix);
}

// ---------------------------------------------------------------------------------------------
// Gateway API HTTPRoute

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/**
 * `spec.rules[].matches[].path` with type `Exact` or `PathPrefix`, its rules: starts with '/'; does
 * not contain '//', '/./', '/../', '%2f', '%2F' or '#'; does not end with '/..' or '/.'; and
 * `self.value.matches(r"""^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$""")`.
 * (Schema: at most 1024 characters.)
 */
export function checkHttpRoutePath(sink: ProblemSink, property: string, value: unknown): boolean {
  const fix = 'use an absolute path of URL path characters, e.g. "/v1"';
  if (typeof value !== 'string') return report(sink, property, value, [`a path must be a string, got ${describeType(value)}`], fix);
  const reasons: string[] = [];
  if (!value.startsWith('/')) reasons.push("must start with '/'");
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) if (value.includes(bad)) reasons.push(`must not contain '${bad}'`);
  for (const bad of ['/..', '/.']) if (value.endsWith(bad)) reasons.push(`must not end with '${bad}'`);
  if (!PATH_CHARS.test(value)) reasons.push("may only contain letters, digits, -/._~!$&'()*+,;=:@ and %XX escapes");
  if (value.length > 1024) reasons.push(`is ${value.length} characters, over the 1024 the HTTPRoute schema allows`);
  const suggestion = `/${value.replace(/[^-A-Za-z0-9/._~!$&'()*+,;=:@]+/g, '-').split('/').filter(p => p !== '' && p !== '.' && p !== '..').join('/')}`;
  return report(sink, property, value, reasons.map(r => `an HTTPRoute path ${r}`), suggestion !== value ? `use e.g. "${suggestion}"` : fix);
}

/**
 * `spec.rules[].timeouts`: `!(has(self.request) && has(self.backendRequest) && duration(self.request) != duration('0s')
 * && duration(self.backendRequest) > duration(self.request))` ("backendRequest timeout cannot be longer than request timeout").
 */
export function checkHttpRouteTimeouts(sink: ProblemSink, property: string, requestMs: number | undefined, backendRequestMs: number | undefined): boolean {
  if (requestMs === undefined || backendRequestMs === undefined || requestMs === 0 || backendRequestMs <= requestMs) return true;
  return report(sink, property, `${backendRequestMs}ms > ${requestMs}ms`, ['the backend request timeout is longer than the request timeout'],
    'make the backend request timeout at most the request timeout (0 means no request timeout)');
}

// ---------------------------------------------------------------------------------------------
// KEDA ScaledObject

/** KEDA's maxReplicaCount when none is given (the rule's `: 100`). */
export const KEDA_DEFAULT_MAX_REPLICAS = 100;

/**
 * `spec`: `!has(self.minReplicaCount) || self.minReplicaCount <= (has(self.maxReplicaCount) ? self.maxReplicaCount : 100)`
 * ("minReplicaCount must be less than or equal to maxReplicaCount").
 */
export function checkKedaReplicaCounts(sink: ProblemSink, property: string, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined) return true;
  const bound = max ?? KEDA_DEFAULT_MAX_REPLICAS;
  return report(sink, property, { minReplicaCount: min, maxReplicaCount: max }, min > bound
    ? [`minReplicaCount (${min}) is above ${max === undefined ? `KEDA's default maxReplicaCount (${bound})` : `maxReplicaCount (${bound})`}`] : [],
  `use a minimum of at most ${bound}${max === undefined ? ', or give maxReplicaCount' : ''}`);
}
