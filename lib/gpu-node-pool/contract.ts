import { IConstruct } from 'constructs';
import { Accelerator } from '../accelerators';
import { Interconnect } from './interconnect';
import * as k8s from '../imports/k8s';

/**
 * What a workload must meet to land on a pool of GPU nodes, and what the pool can give.
 * A GpuNodePool implements it; a ModelService reads it for planning and scheduling.
 */
export interface IGpuNodePool extends IConstruct {
  /** GPU model of every node in the pool. */
  readonly accelerator: Accelerator;
  /** Labels a pod selects to land on the pool. */
  readonly nodeSelector: Record<string, string>;
  /** Taints of the pool's nodes, as the tolerations a pod needs. */
  readonly tolerations: k8s.Toleration[];
  /** Most GPUs one node of the pool carries: the limit for one replica without multi-node. */
  readonly gpusPerNode: number;
  /** Ceiling on GPUs in the pool, if any. */
  readonly maxGpus?: number;
  /** Whether nodes may be reclaimed at short notice (spot / preemptible). */
  readonly interruptible: boolean;
  /** Price of one GPU-hour in this pool, USD. */
  readonly usdPerGpuHour: number;
  /**
   * Longest a draining node waits for its pods before they are force-deleted (a Karpenter
   * NodePool's `terminationGracePeriod`), when the pool's provisioner bounds it. A pod's grace
   * period above it is cut short on node drains.
   * @default - unknown (nodes provisioned elsewhere)
   */
  readonly nodeTerminationGracePeriodSeconds?: number;
  /**
   * The fabric between the pool's nodes, which a replica spanning nodes requests on each node.
   * @default - not declared (no fast fabric is assumed)
   */
  readonly interconnect?: Interconnect;
  /** Records a workload placed on the pool, for the GPU budget and cost checks at synth. */
  registerConsumer(consumer: IGpuConsumer): void;
}

/**
 * Anything that holds GPUs of a pool (a ModelService, a canary's candidate).
 */
export interface IGpuConsumer extends IConstruct {
  /** Name shown in budgets and errors. */
  readonly consumerName: string;
  /** GPUs held at minimum scale. */
  readonly gpusAtMin: number;
  /** GPUs held at the worst moment (max scale plus surge during an update). */
  readonly gpusAtPeak: number;
  /** One-line breakdown of gpusAtPeak, e.g. `6 replicas x 4 GPUs + surge 1 x 4`. */
  readonly peakBreakdown: string;
  /** Whether the workload refuses interruptible capacity. */
  readonly requiresStableCapacity: boolean;
  /**
   * GPUs held at max scale in steady state (no update in flight), for cost figures.
   * @default - gpusAtPeak
   */
  readonly gpusAtMax?: number;
  /**
   * Node disk one replica's model cache takes (GiB), when the cache lives on the node
   * (an emptyDir): a pool that creates nodes sizes their root volume with it.
   * @default 0
   */
  readonly nodeCacheGiB?: number;
  /**
   * Nodes one replica spans (a LeaderWorkerSet group), for the budget's breakdown: every node of a
   * group is held whole.
   * @default 1
   */
  readonly nodesPerReplica?: number;
}
