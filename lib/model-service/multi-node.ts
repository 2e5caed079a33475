import { Problems } from '../errors';
import { Runtime } from './runtime';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import type { Interconnect } from '../gpu-node-pool/interconnect';
import { DEFAULT_MAX_NODES_PER_REPLICA, MemoryFit } from '../planning/memory-fit';

/**
 * How one replica spans nodes: a LeaderWorkerSet group of `nodes` pods, one per node, each with
 * `gpusPerNode` GPUs. Absent from a plan whose replica fits one node.
 */
export interface MultiNodePlan {
  /** Pods (nodes) per replica: the LeaderWorkerSet's group `size`. */
  readonly nodes: number;
  /** GPUs each pod of the group requests. */
  readonly gpusPerNode: number;
  readonly tensorParallelSize: number;
  /** Pipeline stages (1 when tensor parallelism spans the nodes). */
  readonly pipelineParallelSize: number;
  /** How the engine splits the replica across nodes. */
  readonly crossNode: 'pipeline' | 'tensor';
  /** The pool's fabric every pod of the group requests; undefined when `allowSlowInterconnect` accepted none. */
  readonly interconnect?: Interconnect;
}

/** What deciding a multi-node replica needs. */
export interface MultiNodeInput {
  readonly runtime: Runtime;
  readonly pool: IGpuNodePool | undefined;
  /** GPUs per replica, all nodes. */
  readonly gpus: number;
  /** GPUs one node carries (the pool's, or the accelerator's most). */
  readonly gpusPerNode: number;
  /** The memory fit, when the model's size is known. */
  readonly memory: MemoryFit | undefined;
  /** Whether the GPU count was given (`gpusPerReplica`) rather than planned. */
  readonly given: boolean;
  readonly maxNodesPerReplica?: number;
  readonly allowSlowInterconnect?: boolean;
}

/**
 * Decides how a replica of more GPUs than one node spans nodes, or records why it cannot: an
 * engine without a documented multi-node mode, a count that is not whole nodes, more nodes than
 * `maxNodesPerReplica`, or a pool without a fast interconnect (NCCL would fall back to TCP
 * sockets between nodes for every layer's activations) unless `allowSlowInterconnect`.
 */
export function resolveMultiNode(problems: Problems, input: MultiNodeInput): MultiNodePlan | undefined {
  const { runtime, pool, gpus, gpusPerNode } = input;
  const before = problems.list.length;
  const property = input.given ? 'gpusPerReplica' : 'model';
  const nodes = input.memory?.nodes ?? Math.ceil(gpus / gpusPerNode);
  const across = `one replica needs ${gpus} GPUs, ${nodes} nodes of ${gpusPerNode}`;
  const capability = runtime.capabilities.multiNode;
  if (!capability || !runtime.driver.multiNodeCommand) addCannotSpanNodes(problems, runtime, nodes, gpusPerNode);
  if (gpus % gpusPerNode !== 0) {
    problems.add('gpusPerReplica', gpus, `${gpus} GPUs are not whole nodes of ${gpusPerNode}: every pod of a multi-node replica takes a whole node`,
      `use a multiple of ${gpusPerNode} (e.g. ${Math.ceil(gpus / gpusPerNode) * gpusPerNode}), or at most ${gpusPerNode}`);
  }
  const maxNodes = input.maxNodesPerReplica ?? DEFAULT_MAX_NODES_PER_REPLICA;
  // A maxNodesPerReplica that is not a whole number >= 1 is reported by checkMaxNodes.
  if (validMaxNodes(input.maxNodesPerReplica) && nodes > maxNodes) {
    problems.add(property, input.given ? gpus : undefined, `${across}, more than maxNodesPerReplica (${maxNodes})`,
      `raise maxNodesPerReplica to ${nodes}, or make the replica smaller (lower precision, shorter maxModelLen)`);
  }
  const fabric = pool?.interconnect ?? undefined;
  const slow = fabric === undefined || fabric.kind === 'none';
  if (slow && !input.allowSlowInterconnect) {
    const where = pool ? `the pool ${pool.node.path} declares no fast interconnect (EFA, InfiniBand or RoCE)` : 'without a nodePool no interconnect between the nodes is known';
    problems.add('nodePool', pool?.node.path, `${across}; the nodes exchange activations on every forward pass, and ${where}, so NCCL would fall back to TCP sockets`,
      'place the service on a GpuNodePool that declares its interconnect (e.g. EFA on p5.48xlarge), or set allowSlowInterconnect: true to accept TCP between nodes');
  }
  if (problems.list.length > before || !capability) return undefined;
  const crossNode = capability.crossNode;
  return {
    nodes,
    gpusPerNode,
    tensorParallelSize: input.memory?.tensorParallelSize ?? (crossNode === 'tensor' ? gpus : gpusPerNode),
    pipelineParallelSize: input.memory?.pipelineParallelSize ?? (crossNode === 'tensor' ? 1 : nodes),
    crossNode,
    interconnect: slow ? undefined : fabric,
  };
}

/**
 * The problem of a replica that needs `nodes` nodes on an engine with no documented multi-node
 * mode (TGI, Triton, custom containers), with the planner's arithmetic when there is one.
 */
export function addCannotSpanNodes(problems: Problems, runtime: Runtime, nodes: number, gpusPerNode: number, arithmetic?: string): void {
  problems.add('runtime', String(runtime),
    `one replica needs ${nodes * gpusPerNode} GPUs, ${nodes} nodes of ${gpusPerNode}, and ${runtime.driver.displayName} has no documented way to run one replica across nodes${arithmetic ? ` (${arithmetic})` : ''}`,
    'use Runtime.vllm() (pipeline parallel across nodes on Ray) or Runtime.sglang() (tensor parallel across nodes), or make one replica fit one node: a lower precision (fp8, int4), a shorter maxModelLen, fewer concurrentSequences, or GPUs with more memory');
}

function validMaxNodes(n: number | undefined): boolean {
  return n === undefined || (Number.isInteger(n) && n >= 1);
}

/** Checks `maxNodesPerReplica` whether or not the replica needs more than one node. */
export function checkMaxNodes(problems: Problems, maxNodesPerReplica: number | undefined): void {
  if (!validMaxNodes(maxNodesPerReplica)) {
    problems.add('maxNodesPerReplica', maxNodesPerReplica, 'must be a whole number of nodes >= 1', `use e.g. ${DEFAULT_MAX_NODES_PER_REPLICA} (1 keeps every replica on one node)`);
  }
}

/**
 * The plan's warning about exclusive placement (`leaderworkerset.sigs.k8s.io/exclusive-topology:
 * topology.kubernetes.io/zone`, see leader-worker-set.ts): one group per zone in the namespace, so
 * the groups that may run at once (max replicas + surge) need as many zones with capacity.
 */
export function groupPlacementWarning(mn: MultiNodePlan, maxReplicas: number, maxSurge: number): string {
  const groups = maxReplicas + maxSurge;
  const s = groups === 1 ? '' : 's';
  return `each replica is a group of ${mn.nodes} nodes kept in one zone by LeaderWorkerSet exclusive placement, which admits one group per zone in the namespace (counting every LeaderWorkerSet's groups there): ${maxReplicas} replica${maxReplicas === 1 ? '' : 's'} + surge ${maxSurge} = ${groups} group${s} need ${groups} zone${s} with ${mn.nodes} free nodes each`;
}
