import { Accelerator, GpuVendor } from '../accelerators';
import { Problems } from '../errors';
import { CapacityType, KARPENTER_DEFAULTS, Provisioner, ProvisionerKind } from './provisioner';
import { formatTaint, GPU_TAINT_VALUE, gpuTaint, isLabelValue, isQualifiedName, NodeTaint, POOL_LABEL, TaintEffect } from './scheduling';
import { fractionalSeconds } from '../duration';
import { renderDuration } from '../private/api-rules';
import { checkKarpenterAmiAlias, checkKarpenterIdentity, checkKarpenterNodeLabelKey, checkKarpenterSelectorTags } from '../private/crd-rules';

/** Label Karpenter puts on every node of a NodePool. */
export const KARPENTER_NODEPOOL_LABEL = 'karpenter.sh/nodepool';
/** Label GKE puts on GPU nodes. */
export const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';
/** Label GKE puts on Spot VMs. */
export const GKE_SPOT_LABEL = 'cloud.google.com/gke-spot';
/** Label NVIDIA GPU Feature Discovery puts on GPU nodes. */
export const GFD_PRODUCT_LABEL = 'nvidia.com/gpu.product';
/** Value of the taint GKE puts on GPU nodes. */
export const GKE_GPU_TAINT_VALUE = 'present';

/** The tag Karpenter's getting-started guide puts on a cluster's subnets and security groups. */
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';
/** EKS-optimized AMI families for Linux nodes (the CRD also takes Windows families; model pods are Linux). */
const LINUX_AMI_FAMILIES = ['al2023', 'bottlerocket', 'al2'];

/** Label domains Karpenter reserves for itself or Kubernetes (a NodePool with them is rejected). */
const RESTRICTED_LABEL_DOMAINS = ['karpenter.sh', 'karpenter.k8s.aws', 'kubernetes.io', 'k8s.io'];
const ALLOWED_LABEL_DOMAINS = ['node-restriction.kubernetes.io'];

/** Everything decided about a pool's nodes: the scheduling contract and, for Karpenter, what to launch. */
export interface PoolContract {
  readonly nodeSelector: Record<string, string>;
  readonly taints: NodeTaint[];
  readonly gpusPerNode: number;
  readonly interruptible: boolean;
  /** Labels modelship puts on the nodes it creates (Karpenter only). */
  readonly nodeLabels: Record<string, string>;
  /** Instance types, sorted (Karpenter only). */
  readonly instanceTypes: string[];
  /** Capacity types, sorted (Karpenter only). */
  readonly capacityTypes: CapacityType[];
}

/**
 * Checks the provisioner against the accelerator and works out the contract a pod must meet.
 * Every problem is recorded; the contract is returned only when there are none.
 */
export function resolvePoolContract(
  problems: Problems, name: string, accelerator: Accelerator, provisioner: Provisioner,
): PoolContract | undefined {
  const before = problems.list.length;
  const contract = provisioner.kind === ProvisionerKind.KARPENTER
    ? resolveKarpenter(problems, name, accelerator, provisioner)
    : resolveExisting(problems, accelerator, provisioner);
  return problems.list.length > before ? undefined : contract;
}

function resolveKarpenter(problems: Problems, name: string, accelerator: Accelerator, provisioner: Provisioner): PoolContract {
  const o = provisioner.karpenterOptions ?? {};
  const offers = accelerator.spec.awsInstanceTypes;
  const validTypes = offers.map(x => x.instanceType).sort();
  if (offers.length === 0) {
    problems.add('provisioner', 'karpenter', `AWS has no instance type with ${accelerator.displayName}, so Karpenter cannot supply it`,
      'use Provisioner.existing({...}) for nodes you provision elsewhere (e.g. Azure ND MI300X v5 on AKS), or an accelerator AWS offers');
  }
  const instanceTypes = [...new Set(o.instanceTypes ?? validTypes)].sort();
  if (o.instanceTypes !== undefined && o.instanceTypes.length === 0) {
    problems.add('provisioner.instanceTypes', [], 'no instance type: the pool could never launch a node',
      `use one or more of ${validTypes.join(', ')}, or leave instanceTypes out for all of them`);
  }
  for (const type of instanceTypes) {
    if (accelerator.gpusOnInstanceType(type) !== undefined) continue;
    const carrier = Accelerator.catalog.find(a => a.gpusOnInstanceType(type) !== undefined);
    const what = carrier ? `carries ${carrier.displayName}, not ${accelerator.displayName}` : `carries no ${accelerator.displayName} (not in the catalog)`;
    problems.add('provisioner.instanceTypes', type, `${type} ${what}`,
      offers.length > 0 ? `use instance types that carry ${accelerator.displayName}: ${validTypes.join(', ')}` : 'use Provisioner.existing({...})');
  }
  const gpusPerNode = Math.max(1, ...instanceTypes.map(t => accelerator.gpusOnInstanceType(t) ?? 0));

  const capacityTypes = [...new Set(o.capacityTypes ?? KARPENTER_DEFAULTS.capacityTypes)].sort();
  if (capacityTypes.length === 0) {
    problems.add('provisioner.capacityTypes', [], 'no capacity type: the pool could never launch a node', 'use [CapacityType.ON_DEMAND]');
  }
  if (capacityTypes.includes(CapacityType.RESERVED) && (o.capacityReservationIds ?? []).length === 0) {
    problems.add('provisioner.capacityTypes', capacityTypes, 'reserved capacity needs the capacity reservations to use',
      'give capacityReservationIds (cr-...), or remove CapacityType.RESERVED');
  }
  for (const id of o.capacityReservationIds ?? []) {
    if (!/^cr-[0-9a-z]+$/.test(id)) problems.add('provisioner.capacityReservationIds', id, 'not a capacity reservation id', 'use the id as EC2 shows it, e.g. cr-0123456789abcdef0');
  }

  if ((o.nodeRole === undefined) === (o.instanceProfile === undefined)) {
    problems.add('provisioner.nodeRole', o.nodeRole ?? o.instanceProfile,
      o.nodeRole === undefined ? 'the nodes need an IAM identity' : 'nodeRole and instanceProfile are both set; EC2NodeClass takes one',
      'give exactly one of nodeRole (e.g. "KarpenterNodeRole-my-cluster") or instanceProfile');
  }
  // EC2NodeClass CEL rules (karpenter-provider-aws v1.14.1): a role or instance profile is never empty.
  checkKarpenterIdentity(problems, 'provisioner.nodeRole', o.nodeRole);
  checkKarpenterIdentity(problems, 'provisioner.instanceProfile', o.instanceProfile);
  if (o.clusterName === undefined && o.discoveryTags === undefined) {
    problems.add('provisioner.clusterName', undefined, 'Karpenter cannot find subnets and security groups for the nodes',
      'give clusterName (tag karpenter.sh/discovery: <cluster>) or discoveryTags');
  } else if (o.discoveryTags !== undefined) {
    checkKarpenterSelectorTags(problems, 'provisioner.discoveryTags', o.discoveryTags);
  } else {
    // The selector modelship builds from the cluster name, checked by the same rule.
    checkKarpenterSelectorTags(problems, 'provisioner.clusterName', { [KARPENTER_DISCOVERY_TAG]: o.clusterName });
  }
  // The CRD's alias rules, Linux families only (the pods are Linux), and a pinned version unless allowLatestAmi.
  checkKarpenterAmiAlias(problems, 'provisioner.amiAlias', o.amiAlias ?? KARPENTER_DEFAULTS.amiAlias,
    { families: LINUX_AMI_FAMILIES, allowLatest: o.allowLatestAmi === true });
  if (o.rootVolumeGiB !== undefined && !(Number.isInteger(o.rootVolumeGiB) && o.rootVolumeGiB >= 20 && o.rootVolumeGiB <= 16384)) {
    problems.add('provisioner.rootVolumeGiB', o.rootVolumeGiB, 'must be a whole number of GiB from 20 to 16384 (gp3 limit)', 'leave it out for 200 GiB + the model caches');
  }
  const pct = o.disruptionBudgetPercent;
  if (pct !== undefined && !(Number.isInteger(pct) && pct >= 0 && pct <= 100)) {
    problems.add('provisioner.disruptionBudgetPercent', pct, 'must be a whole percentage from 0 to 100', 'use 10 (the default); 0 blocks voluntary disruption');
  }
  for (const [prop, d] of [['consolidateAfter', o.consolidateAfter], ['expireAfter', o.expireAfter], ['terminationGracePeriod', o.terminationGracePeriod]] as const) {
    if (d === undefined) continue;
    // Not integral: Duration.millis(1500).toSeconds() throws instead of giving 1.5.
    const seconds = fractionalSeconds(d);
    if (!(Number.isInteger(seconds) && seconds > 0)) {
      problems.add(`provisioner.${prop}`, `${seconds}s`, 'must be a positive whole number of seconds', 'use e.g. Duration.minutes(5)');
    } else {
      // Karpenter reads it with Go's time.ParseDuration: at most 2^63-1 ns (about 292 years).
      renderDuration(problems, `provisioner.${prop}`, seconds * 1000, 'kubernetes');
    }
  }

  checkPlacement(problems, o.zones, o.placementGroup);

  const gpu = gpuTaint(accelerator, GPU_TAINT_VALUE);
  const userTaints = o.taints ?? [];
  checkTaints(problems, 'provisioner.taints', [gpu], userTaints);
  const userLabels = o.labels ?? {};
  checkLabels(problems, 'provisioner.labels', userLabels);
  for (const key of Object.keys(userLabels)) {
    const domain = key.includes('/') ? key.split('/')[0] : '';
    if (RESTRICTED_LABEL_DOMAINS.some(d => domain === d || domain.endsWith(`.${d}`)) && !ALLOWED_LABEL_DOMAINS.includes(domain)) {
      problems.add(`provisioner.labels.${key}`, userLabels[key], `Karpenter rejects node labels in the ${domain} domain (it or Kubernetes sets them)`,
        'use your own domain, e.g. "example.com/team"; instance types and capacity types are set with instanceTypes and capacityTypes');
    } else {
      // The NodePool CRD's own rule matches domains by suffix without a dot ("notkarpenter.sh/x" is refused too).
      checkKarpenterNodeLabelKey(problems, `provisioner.labels.${key}`, key);
    }
  }
  if (userLabels[POOL_LABEL] !== undefined && userLabels[POOL_LABEL] !== name) {
    problems.add(`provisioner.labels.${POOL_LABEL}`, userLabels[POOL_LABEL], `conflicts with the pool's own label ${POOL_LABEL}=${name}`, 'remove the label; modelship sets it');
  }

  return {
    nodeSelector: { [KARPENTER_NODEPOOL_LABEL]: name },
    // A taint repeated exactly (e.g. the GPU taint given again) is kept once.
    taints: [gpu, ...userTaints].filter((t, i, all) => all.findIndex(u => formatTaint(u) === formatTaint(t)) === i),
    gpusPerNode,
    interruptible: capacityTypes.includes(CapacityType.SPOT),
    nodeLabels: sortKeys({ ...userLabels, [POOL_LABEL]: name }),
    instanceTypes,
    capacityTypes,
  };
}

function resolveExisting(problems: Problems, accelerator: Accelerator, provisioner: Provisioner): PoolContract {
  const o = provisioner.existingOptions ?? {};
  const gke = provisioner.kind === ProvisionerKind.GKE;
  const defaults: Record<string, string> = {};
  if (gke) {
    if (!accelerator.spec.gkeAccelerator) {
      problems.add('provisioner', 'gke', `GKE offers no ${accelerator.displayName} (the catalog has no cloud.google.com/gke-accelerator value for it)`,
        `use Provisioner.existing({ nodeLabels }) with your nodes' labels, or a GKE accelerator: ${Accelerator.catalog.filter(a => a.spec.gkeAccelerator).map(a => a.id).join(', ')}`);
    } else {
      defaults[GKE_ACCELERATOR_LABEL] = accelerator.spec.gkeAccelerator;
    }
    if (provisioner.gkeSpot) defaults[GKE_SPOT_LABEL] = 'true';
  }
  const given = o.nodeLabels ?? {};
  checkLabels(problems, 'provisioner.nodeLabels', given);
  for (const [key, value] of Object.entries(given)) {
    if (defaults[key] !== undefined && defaults[key] !== value) {
      problems.add(`provisioner.nodeLabels.${key}`, value, `conflicts with ${key}=${defaults[key]}, which the pool derives from ${key === GKE_SPOT_LABEL ? 'spot' : accelerator.displayName}`,
        `remove the label (the pool sets it) or use the value ${defaults[key]}`);
    }
  }
  // Labels the pool derives were checked above; these catch a GPU label naming another GPU.
  if (defaults[GKE_ACCELERATOR_LABEL] === undefined) checkAcceleratorLabel(problems, accelerator, given, GKE_ACCELERATOR_LABEL, a => a.spec.gkeAccelerator);
  checkAcceleratorLabel(problems, accelerator, given, GFD_PRODUCT_LABEL, a => a.spec.gpuFeatureDiscoveryProduct);

  let nodeSelector: Record<string, string> = { ...defaults, ...given };
  if (!gke && o.nodeLabels === undefined) {
    const product = accelerator.vendor === GpuVendor.NVIDIA ? accelerator.spec.gpuFeatureDiscoveryProduct : undefined;
    if (product) {
      nodeSelector = { [GFD_PRODUCT_LABEL]: product };
    } else {
      problems.add('provisioner.nodeLabels', undefined, `no label is known to select ${accelerator.displayName} nodes: pods would land on any GPU node`,
        'give nodeLabels that only the pool\'s nodes carry, e.g. { "example.com/gpu": "mi300x" }');
    }
  }
  if (Object.keys(nodeSelector).length === 0 && o.nodeLabels !== undefined) {
    problems.add('provisioner.nodeLabels', {}, 'no label selects the pool\'s nodes: pods would land on any GPU node', 'give at least one label only the pool\'s nodes carry');
  }

  const gpus = o.gpusPerNode ?? accelerator.spec.maxGpusPerNode;
  if (!(Number.isInteger(gpus) && gpus >= 1)) {
    problems.add('provisioner.gpusPerNode', gpus, 'must be a whole number of GPUs >= 1', 'use the GPU count of the pool\'s largest node, e.g. 8');
  }
  const defaultTaints = [gpuTaint(accelerator, gke ? GKE_GPU_TAINT_VALUE : undefined)];
  const taints = o.taints ?? defaultTaints;
  checkTaints(problems, 'provisioner.taints', [], taints);

  return {
    nodeSelector: sortKeys(nodeSelector),
    taints,
    gpusPerNode: gpus,
    interruptible: o.interruptible ?? false,
    nodeLabels: {},
    instanceTypes: [],
    capacityTypes: [],
  };
}

/**
 * Zones are label values of `topology.kubernetes.io/zone`; a placement group is a name (the
 * EC2NodeClass CRD: at least one character) or an id matching `^pg-[0-9a-z]+$`.
 */
function checkPlacement(problems: Problems, zones: string[] | undefined, placementGroup: string | undefined): void {
  if (zones !== undefined && zones.length === 0) {
    problems.add('provisioner.zones', [], 'no zone: the pool could never launch a node', 'give one or more zones, e.g. ["us-east-1a"], or leave zones out');
  }
  for (const zone of zones ?? []) {
    if (!isLabelValue(zone) || zone === '') problems.add('provisioner.zones', zone, 'not a zone name (a label value of topology.kubernetes.io/zone)', 'use the zone as EC2 names it, e.g. "us-east-1a"');
  }
  if (placementGroup !== undefined) {
    if (placementGroup === '') {
      problems.add('provisioner.placementGroup', placementGroup, 'an empty placement group name', 'give the placement group\'s name or id (pg-...), or leave it out');
    } else if (placementGroup.startsWith('pg-') && !PLACEMENT_GROUP_ID.test(placementGroup)) {
      problems.add('provisioner.placementGroup', placementGroup, 'starts like a placement group id but is not one (pg- and lowercase letters and digits)', 'use the id as EC2 shows it, e.g. pg-0123456789abcdef0, or the group\'s name');
    }
  }
}

/** A placement group id, as the EC2NodeClass CRD's `placementGroupSelector.id` pattern (v1.14.1). */
export const PLACEMENT_GROUP_ID = /^pg-[0-9a-z]+$/;

/** A label that names a GPU model must name the pool's accelerator. */
function checkAcceleratorLabel(
  problems: Problems, accelerator: Accelerator, labels: Record<string, string>, key: string, valueOf: (a: Accelerator) => string | undefined,
): void {
  const value = labels[key];
  const expected = valueOf(accelerator);
  if (value === undefined || expected === undefined || value === expected) return;
  const other = Accelerator.catalog.find(a => valueOf(a) === value);
  problems.add(`provisioner.nodeLabels.${key}`, value,
    `${other ? `selects ${other.displayName} nodes` : 'is not the value for the pool\'s accelerator'}, but the pool's accelerator is ${accelerator.displayName}`,
    `use ${key}: ${expected}, or set the pool's accelerator to the nodes' GPU`);
}

function checkLabels(problems: Problems, property: string, labels: Record<string, string>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) problems.add(`${property}.${key}`, key, 'not a valid label key', 'use e.g. "example.com/team"');
    if (!isLabelValue(value)) problems.add(`${property}.${key}`, value, 'not a valid label value (at most 63 letters, digits, "-", "_", ".")', 'use e.g. "inference"');
  }
}

/** Two taints with the same key and effect but different values cannot both be on a node. */
function checkTaints(problems: Problems, property: string, fixed: NodeTaint[], given: NodeTaint[]): void {
  const seen = new Map<string, NodeTaint>(fixed.map(t => [`${t.key}:${t.effect}`, t]));
  given.forEach((t, i) => {
    if (!isQualifiedName(t.key)) problems.add(`${property}[${i}].key`, t.key, 'not a valid taint key', 'use e.g. "example.com/dedicated"');
    if (t.value !== undefined && !isLabelValue(t.value)) problems.add(`${property}[${i}].value`, t.value, 'not a valid taint value', 'use e.g. "inference"');
    if (!Object.values(TaintEffect).includes(t.effect)) problems.add(`${property}[${i}].effect`, t.effect, 'not a taint effect', 'use TaintEffect.NO_SCHEDULE');
    const id = `${t.key}:${t.effect}`;
    const prior = seen.get(id);
    if (prior && prior.value !== t.value) {
      problems.add(`${property}[${i}]`, formatTaint(t), `conflicts with the taint ${formatTaint(prior)}${fixed.includes(prior) ? ' the pool puts on its GPU nodes' : ''}`,
        fixed.includes(prior) ? 'remove the taint: the pool sets the GPU taint itself' : 'keep one value per taint key and effect');
    }
    if (!prior) seen.set(id, t);
  });
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map(k => [k, record[k]]));
}
