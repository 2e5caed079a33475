/**
 * The types of a GpuNodePool's props (and of the Provisioner and DevicePlugin inside them),
 * checked at run time for JavaScript and config-driven callers (see lib/private/prop-guards.ts).
 */
import { Accelerator } from '../accelerators';
import { DevicePlugin, GpuSharing, MigStrategy } from './device-plugin';
import { Interconnect } from './interconnect';
import { CapacityType, ConsolidationPolicy, Provisioner, ProvisionerKind } from './provisioner';
import { TaintEffect } from './scheduling';
import { Fields, Guard, is, required } from '../private/prop-guards';

const strings = (example: string) => is.array(is.string(example), `["${example}"]`);
const stringMap = (example: string) => is.record(is.string('value'), example);
const taints = is.array(is.object({
  key: required(is.string('example.com/dedicated')), value: is.string('inference'), effect: required(is.oneOf(Object.values(TaintEffect), 'TaintEffect')),
}, '{ key: "example.com/dedicated", effect: TaintEffect.NO_SCHEDULE }'), '[{ key: "example.com/dedicated", effect: TaintEffect.NO_SCHEDULE }]');

const KARPENTER_FIELDS: Fields = {
  instanceTypes: strings('p5.48xlarge'),
  capacityTypes: is.array(is.oneOf(Object.values(CapacityType), 'CapacityType'), '[CapacityType.ON_DEMAND]'),
  clusterName: is.string('my-cluster'),
  discoveryTags: stringMap('{ "karpenter.sh/discovery": "my-cluster" }'),
  nodeRole: is.string('KarpenterNodeRole-my-cluster'),
  instanceProfile: is.string('KarpenterNodeInstanceProfile'),
  amiAlias: is.string('al2023@v20250807'),
  allowLatestAmi: is.boolean(),
  rootVolumeGiB: is.number(300),
  labels: stringMap('{ "example.com/team": "search" }'),
  taints,
  consolidationPolicy: is.oneOf(Object.values(ConsolidationPolicy), 'ConsolidationPolicy'),
  consolidateAfter: is.duration(),
  expireAfter: is.duration('Duration.hours(720)'),
  terminationGracePeriod: is.duration('Duration.hours(2)'),
  disruptionBudgetPercent: is.number(10),
  capacityReservationIds: strings('cr-0123456789abcdef0'),
  zones: strings('us-east-1a'),
  placementGroup: is.string('inference-cluster-pg'),
};

const EXISTING_FIELDS: Fields = {
  nodeLabels: stringMap('{ "example.com/gpu": "mi300x" }'), taints, gpusPerNode: is.number(8), interruptible: is.boolean(),
};

/** A Provisioner made by its factories, and what the factories were given. */
export const provisionerGuard: Guard = (sink, property, value) => {
  if (!is.instance(Provisioner, 'Provisioner.karpenter({...}), Provisioner.gke({...}) or Provisioner.existing({...})')(sink, property, value)) return false;
  const p = value as Provisioner;
  if (p.kind === ProvisionerKind.KARPENTER) {
    return is.object(KARPENTER_FIELDS, '{ clusterName: "my-cluster", nodeRole: "KarpenterNodeRole" }')(sink, property, p.karpenterOptions);
  }
  return is.object(EXISTING_FIELDS, '{ nodeLabels: { "example.com/gpu": "l4" } }')(sink, property, p.existingOptions);
};

/** A DevicePlugin made by its factory. */
export const devicePluginGuard: Guard = (sink, property, value) => {
  if (!is.instance(DevicePlugin, 'DevicePlugin.nvidia({...})')(sink, property, value)) return false;
  const o = (value as DevicePlugin).options;
  const ok = is.object({
    image: is.string('nvcr.io/nvidia/k8s-device-plugin:v0.20.0'),
    namespace: is.string('kube-system'),
    sharing: is.instance(GpuSharing, 'GpuSharing.timeSlicing(2) or GpuSharing.mig(MigStrategy.SINGLE)'),
  }, '{ namespace: "gpu-operator" }')(sink, property, o);
  if (!ok || o.sharing === undefined) return ok;
  const s = o.sharing;
  return s.mode === 'mig'
    ? is.oneOf(Object.values(MigStrategy), 'MigStrategy')(sink, `${property}.sharing.migStrategy`, s.migStrategy)
    : is.number(2)(sink, `${property}.sharing.replicas`, s.replicas);
};

/** Every field of GpuNodePoolProps. */
export const GPU_NODE_POOL_FIELDS: Fields = {
  accelerator: required(is.instance(Accelerator, 'Accelerator.NVIDIA_H100_80GB (or another Accelerator constant)')),
  provisioner: required(provisionerGuard),
  maxGpus: is.number(16),
  usdPerGpuHour: is.number(3.5),
  devicePlugin: devicePluginGuard,
  name: is.string('h100'),
  // A factory's instance, or the same shape as a plain object (JavaScript, config files).
  interconnect: is.either([
    is.instance(Interconnect, 'Interconnect.efa()'),
    is.object({
      kind: required(is.oneOf(['efa', 'infiniband', 'roce', 'none'], 'InterconnectKind')),
      resourcesPerNode: required(is.record(is.number(1), '{ "vpc.amazonaws.com/efa": 32 }')),
      env: required(is.record(is.string('efa'), '{ FI_PROVIDER: "efa" }')),
    }, '{ kind: "efa", resourcesPerNode: { "vpc.amazonaws.com/efa": 32 }, env: { FI_PROVIDER: "efa" } }'),
  ], 'an Interconnect (or { kind, resourcesPerNode, env })', 'use Interconnect.efa(), Interconnect.infiniband({ resource: "rdma/ib" }) or Interconnect.none()'),
};

