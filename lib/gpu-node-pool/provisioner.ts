import { Duration } from 'cdk8s';
import { NodeTaint } from './scheduling';
import { factoryOptions } from '../private/prop-guards';

/** Who creates the nodes of a pool. */
export enum ProvisionerKind {
  /** Karpenter (v1) on AWS: modelship emits a NodePool and an EC2NodeClass. */
  KARPENTER = 'karpenter',
  /** GKE node pools someone else created: modelship emits no node objects. */
  GKE = 'gke',
  /** Nodes someone else provisions (AKS, on-prem, managed node groups): no node objects. */
  EXISTING = 'existing',
}

/** How EC2 capacity is bought, with Karpenter's `karpenter.sh/capacity-type` values. */
export enum CapacityType {
  ON_DEMAND = 'on-demand',
  /** Reclaimed by AWS at two minutes' notice: the pool is interruptible. */
  SPOT = 'spot',
  /** On-demand capacity reservations or capacity blocks (give `capacityReservationIds`). */
  RESERVED = 'reserved',
}

/** Which nodes Karpenter may remove to save money. */
export enum ConsolidationPolicy {
  /** Only nodes without workload pods: a GPU node is never drained to repack its model servers. */
  WHEN_EMPTY = 'WhenEmpty',
  /** Also under-used nodes: cheaper, but restarts model servers (minutes of loading) to repack them. */
  WHEN_EMPTY_OR_UNDERUTILIZED = 'WhenEmptyOrUnderutilized',
}

/**
 * Defaults of a Karpenter GPU pool, exported for docs and tests.
 * Disruption values follow awslabs/ai-on-eks `karpenter-resources/karpenter/gpu.yaml`.
 */
export const KARPENTER_DEFAULTS = {
  /**
   * EKS-optimized AL2023 release (amazon-eks-ami v20250807). Karpenter picks the NVIDIA
   * variant (driver + container toolkit) for GPU instance types. Pinned rather than `@latest`:
   * `latest` drifts every node of the pool (and restarts every model server) on each AMI release.
   */
  amiAlias: 'al2023@v20250807',
  capacityTypes: [CapacityType.ON_DEMAND] as readonly CapacityType[],
  consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY,
  /** Seconds an empty node waits before removal: long enough for a replica rescheduling onto it. */
  consolidateAfterSeconds: 300,
  /** Share of the pool's nodes Karpenter may disrupt at once. */
  disruptionBudgetPercent: 10,
  /** Node lifetime before replacement (picks up AMI and kernel fixes). */
  expireAfterHours: 720,
  /**
   * Longest a draining node waits for its pods. Model pods carry `karpenter.sh/do-not-disrupt`,
   * which would otherwise keep an expired node draining forever.
   */
  terminationGracePeriodHours: 2,
  /** Root volume before model caches: OS, container images (an inference image is 10-20 GiB) and /tmp. */
  rootVolumeBaseGiB: 200,
  /**
   * gp3 IOPS and throughput (MiB/s) of the root volume. The gp3 baseline (3000, 125 MiB/s) pulls a
   * 15 GiB image in two minutes and reads 140 GiB of weights in nineteen.
   */
  rootVolumeIops: 6000,
  rootVolumeThroughput: 500,
} as const;

/** Options of a Karpenter (v1, AWS) pool. */
export interface KarpenterOptions {
  /**
   * EC2 instance types the pool may launch; each must carry the pool's accelerator.
   * @default - every instance type of the catalog that carries the accelerator
   */
  readonly instanceTypes?: string[];
  /** How capacity is bought. Spot makes the pool interruptible. @default [CapacityType.ON_DEMAND] */
  readonly capacityTypes?: CapacityType[];
  /**
   * Cluster name: subnets and security groups are discovered by the tag `karpenter.sh/discovery: <clusterName>`.
   * @default - give `discoveryTags`
   */
  readonly clusterName?: string;
  /** Tags that select the subnets and security groups of the nodes. @default - `{ 'karpenter.sh/discovery': clusterName }` */
  readonly discoveryTags?: Record<string, string>;
  /** IAM role of the nodes (Karpenter creates the instance profile). Give this or `instanceProfile`. @default - none */
  readonly nodeRole?: string;
  /** Existing instance profile of the nodes. Give this or `nodeRole`. @default - none */
  readonly instanceProfile?: string;
  /**
   * EKS-optimized AMI alias (`family@version`, family `al2023`, `bottlerocket` or `al2`). Pin a
   * version: `@latest` replaces every node of the pool, restarting its model servers, on each AMI
   * release, so it is refused unless `allowLatestAmi` is set.
   * @default KARPENTER_DEFAULTS.amiAlias
   */
  readonly amiAlias?: string;
  /**
   * Accept `amiAlias: '<family>@latest'`: every AMI release then drifts the pool's nodes (and
   * restarts their model servers), rate-limited only by the disruption budget.
   * @default false
   */
  readonly allowLatestAmi?: boolean;
  /**
   * Root volume size in GiB.
   * @default - 200 GiB + the node-local model cache of every service placed on the pool
   */
  readonly rootVolumeGiB?: number;
  /** Extra labels on the nodes (pods of the pool select them). @default - none */
  readonly labels?: Record<string, string>;
  /** Extra taints on the nodes, besides the GPU taint. @default - none */
  readonly taints?: NodeTaint[];
  /** Which nodes Karpenter may consolidate. @default ConsolidationPolicy.WHEN_EMPTY */
  readonly consolidationPolicy?: ConsolidationPolicy;
  /** How long a node stays empty (or under-used) before consolidation. @default Duration.minutes(5) */
  readonly consolidateAfter?: Duration;
  /** Share of nodes (percent) Karpenter may disrupt at once. @default 10 */
  readonly disruptionBudgetPercent?: number;
  /** Node lifetime. @default Duration.hours(720) */
  readonly expireAfter?: Duration;
  /** Longest a node drain waits for pods (including `do-not-disrupt` ones). @default Duration.hours(2) */
  readonly terminationGracePeriod?: Duration;
  /** Capacity reservation ids (`cr-...`), required with CapacityType.RESERVED. @default - none */
  readonly capacityReservationIds?: string[];
  /**
   * Availability zones the pool launches nodes in (a `topology.kubernetes.io/zone` requirement of
   * the NodePool). A replica spanning nodes keeps its group in one zone (LeaderWorkerSet's
   * exclusive topology on the zone label), and a cluster placement group lives in one zone: pin
   * the zone of the placement group here.
   * @default - every zone of the discovered subnets
   */
  readonly zones?: string[];
  /**
   * EC2 placement group the nodes launch into, by name or id (`pg-...`): the EC2NodeClass's
   * `placementGroupSelector` (karpenter-provider-aws v1.14.1 CRD). A cluster placement group keeps
   * instances on one low-latency network segment, which cross-node tensor and pipeline
   * parallelism pay on every token. Create it (strategy `cluster`) outside modelship.
   * @default - none
   */
  readonly placementGroup?: string;
}

/** Options of nodes someone else provisions (AKS, on-prem, EKS managed node groups). */
export interface ExistingPoolOptions {
  /**
   * Labels that select the pool's nodes.
   * @default - `nvidia.com/gpu.product: <product>` (GPU Feature Discovery) for NVIDIA accelerators
   */
  readonly nodeLabels?: Record<string, string>;
  /** Taints of the pool's nodes. @default - `<vendor>.com/gpu:NoSchedule` (any value) */
  readonly taints?: NodeTaint[];
  /** GPUs on the largest node of the pool. @default - the accelerator's most GPUs per node (8 in the catalog) */
  readonly gpusPerNode?: number;
  /** Whether nodes can be reclaimed at short notice (spot, preemptible). @default false */
  readonly interruptible?: boolean;
}

/** Options of a GKE GPU node pool. */
export interface GkeOptions {
  /** GPUs per node of the node pool (the machine type's GPU count, e.g. 8 for a3-highgpu-8g). @default - the accelerator's most GPUs per node */
  readonly gpusPerNode?: number;
  /** Spot VMs: adds `cloud.google.com/gke-spot: "true"` and makes the pool interruptible. @default false */
  readonly spot?: boolean;
  /** Extra labels that select the node pool, e.g. `cloud.google.com/gke-nodepool`. @default - none */
  readonly nodeLabels?: Record<string, string>;
}

/**
 * Where the GPU nodes of a pool come from.
 */
export class Provisioner {
  /** Karpenter (v1) on AWS: a NodePool and an EC2NodeClass for the accelerator's instance types. */
  public static karpenter(options: KarpenterOptions = {}): Provisioner {
    return new Provisioner(ProvisionerKind.KARPENTER, factoryOptions('Provisioner.karpenter', options, '{ clusterName: "my-cluster", nodeRole: "KarpenterNodeRole" }'), undefined);
  }

  /**
   * A GKE GPU node pool: selects `cloud.google.com/gke-accelerator` and tolerates the
   * `nvidia.com/gpu=present:NoSchedule` taint GKE puts on GPU nodes.
   */
  public static gke(options: GkeOptions = {}): Provisioner {
    const o = factoryOptions('Provisioner.gke', options, '{ spot: true }');
    return new Provisioner(ProvisionerKind.GKE, undefined, {
      nodeLabels: o.nodeLabels,
      gpusPerNode: o.gpusPerNode,
      interruptible: o.spot ?? false,
    }, o.spot ?? false);
  }

  /** Nodes someone else provisions (AKS, on-prem, managed node groups): emits nothing, carries the contract. */
  public static existing(options: ExistingPoolOptions = {}): Provisioner {
    return new Provisioner(ProvisionerKind.EXISTING, undefined, factoryOptions('Provisioner.existing', options, '{ nodeLabels: { "example.com/gpu": "l4" } }'));
  }

  private constructor(
    /** Who creates the nodes. */
    public readonly kind: ProvisionerKind,
    /** Karpenter options, for KARPENTER. */
    public readonly karpenterOptions: KarpenterOptions | undefined,
    /** Options of existing nodes, for GKE and EXISTING. */
    public readonly existingOptions: ExistingPoolOptions | undefined,
    /** GKE Spot VMs. */
    public readonly gkeSpot = false,
  ) {}

  /** Whether modelship creates the nodes (and so emits node objects). */
  public get createsNodes(): boolean {
    return this.kind === ProvisionerKind.KARPENTER;
  }
}
