import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Accelerator } from '../accelerators';
import { KARPENTER_DEFAULTS, KarpenterOptions } from './provisioner';
import { PoolContract, KARPENTER_DISCOVERY_TAG, PLACEMENT_GROUP_ID } from './resolve';
import type { Ec2NodeClass, Ec2NodeClassSpecBlockDeviceMappings } from '../imports/ec2nodeclasses-karpenter.k8s.aws';
import type { NodePool, NodePoolSpecDisruptionConsolidationPolicy, NodePoolSpecTemplateSpecTaintsEffect } from '../imports/nodepools-karpenter.sh';
import { ec2NodeClasses, nodePools } from '../private/crd-bindings';

/** What the Karpenter objects of a pool are built from. */
export interface KarpenterInput {
  readonly name: string;
  readonly accelerator: Accelerator;
  readonly options: KarpenterOptions;
  readonly contract: PoolContract;
  readonly maxGpus: number;
  readonly labels: Record<string, string>;
  /** Root volume size, read at synth (services register after the pool is created). */
  readonly rootVolumeGiB: () => number;
}

/** Renders a duration the way Karpenter's schema wants it (`720h`, `5m`, `90s`). */
export function karpenterDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** Root volume size: the base plus the node-local model cache of every service on the pool. */
export function defaultRootVolumeGiB(nodeCacheGiB: readonly number[]): number {
  // Whole GiB: the EC2NodeClass schema's volumeSize pattern takes whole numbers only (a cache of 100.5 GiB rounds up).
  return Math.min(16384, Math.ceil(KARPENTER_DEFAULTS.rootVolumeBaseGiB + nodeCacheGiB.reduce((a, b) => a + b, 0)));
}

/** The Karpenter NodePool and EC2NodeClass of a pool, both named after the pool. */
export function buildKarpenterObjects(scope: Construct, input: KarpenterInput): { nodePool: NodePool; nodeClass: Ec2NodeClass } {
  const { name, options: o, contract } = input;
  const alias = o.amiAlias ?? KARPENTER_DEFAULTS.amiAlias;
  const discovery = o.discoveryTags ?? { [KARPENTER_DISCOVERY_TAG]: o.clusterName! };

  const nodeClass = new (ec2NodeClasses().Ec2NodeClass)(scope, 'NodeClass', {
    metadata: { name, labels: input.labels },
    spec: {
      amiSelectorTerms: [{ alias }],
      role: o.nodeRole,
      instanceProfile: o.instanceProfile,
      subnetSelectorTerms: [{ tags: discovery }],
      securityGroupSelectorTerms: [{ tags: discovery }],
      capacityReservationSelectorTerms: o.capacityReservationIds?.length
        ? [...o.capacityReservationIds].sort().map(id => ({ id }))
        : undefined,
      blockDeviceMappings: blockDevices(alias, () => o.rootVolumeGiB ?? input.rootVolumeGiB()),
      placementGroupSelector: o.placementGroup === undefined ? undefined
        : PLACEMENT_GROUP_ID.test(o.placementGroup) ? { id: o.placementGroup } : { name: o.placementGroup },
      tags: { 'modelship.dev/pool': name },
    },
  });

  const R = nodePools().NodePoolSpecTemplateSpecRequirementsOperator;
  const nodePool = new (nodePools().NodePool)(scope, 'Resource', {
    metadata: { name, labels: input.labels },
    spec: {
      template: {
        metadata: { labels: contract.nodeLabels },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClass.name },
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: R.IN, values: contract.instanceTypes },
            { key: 'karpenter.sh/capacity-type', operator: R.IN, values: contract.capacityTypes },
            { key: 'kubernetes.io/arch', operator: R.IN, values: ['amd64'] },
            { key: 'kubernetes.io/os', operator: R.IN, values: ['linux'] },
            ...(o.zones !== undefined ? [{ key: 'topology.kubernetes.io/zone', operator: R.IN, values: [...new Set(o.zones)].sort() }] : []),
          ],
          taints: contract.taints.map(t => ({ key: t.key, value: t.value, effect: t.effect as unknown as NodePoolSpecTemplateSpecTaintsEffect })),
          expireAfter: karpenterDuration(o.expireAfter ?? Duration.hours(KARPENTER_DEFAULTS.expireAfterHours)),
          terminationGracePeriod: karpenterDuration(o.terminationGracePeriod ?? Duration.hours(KARPENTER_DEFAULTS.terminationGracePeriodHours)),
        },
      },
      // The GPU limit is what bounds the bill: Karpenter stops launching once the pool holds maxGpus.
      limits: { [input.accelerator.resourceName]: nodePools().NodePoolSpecLimits.fromNumber(input.maxGpus) },
      disruption: {
        // WhenEmpty by default: consolidating an under-used GPU node restarts its model servers,
        // minutes of weight loading each, to save part of one node.
        consolidationPolicy: (o.consolidationPolicy ?? KARPENTER_DEFAULTS.consolidationPolicy) as unknown as NodePoolSpecDisruptionConsolidationPolicy,
        consolidateAfter: karpenterDuration(o.consolidateAfter ?? Duration.seconds(KARPENTER_DEFAULTS.consolidateAfterSeconds)),
        budgets: [{ nodes: `${o.disruptionBudgetPercent ?? KARPENTER_DEFAULTS.disruptionBudgetPercent}%` }],
      },
    },
  });
  return { nodePool, nodeClass };
}

function blockDevices(alias: string, sizeGiB: () => number): Ec2NodeClassSpecBlockDeviceMappings[] {
  const ebs = (size: () => number) => ({
    volumeSize: Lazy.any({ produce: () => `${size()}Gi` }),
    volumeType: ec2NodeClasses().Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
    iops: KARPENTER_DEFAULTS.rootVolumeIops,
    throughput: KARPENTER_DEFAULTS.rootVolumeThroughput,
    encrypted: true,
    deleteOnTermination: true,
  });
  if (alias.startsWith('bottlerocket@')) {
    // Bottlerocket keeps the OS on xvda and images, pods and emptyDirs on the data volume xvdb.
    return [
      { deviceName: '/dev/xvda', ebs: { volumeSize: '4Gi', volumeType: ec2NodeClasses().Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3, encrypted: true, deleteOnTermination: true } },
      { deviceName: '/dev/xvdb', ebs: ebs(sizeGiB) },
    ];
  }
  return [{ deviceName: '/dev/xvda', rootVolume: true, ebs: ebs(sizeGiB) }];
}
