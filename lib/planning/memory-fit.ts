import { formatTokens, KvCacheBudget, kvBytesPerTokenPerGpu, MemoryItem, mlaValuesPerTokenPerLayer } from './kv-budget';
import { embeddingParameters, modelBytesGiB } from './model-bytes';
import { ModelSpec } from './model-spec';
import { bytesPerParameter, Precision } from './precision';

const GIB = 1024 ** 3;

/**
 * Share of GPU memory the engine may use when the user gives none: vLLM's
 * `--gpu-memory-utilization` default (vllm `vllm/config.py` `CacheConfig.gpu_memory_utilization`,
 * v0.9.2), which modelship passes to vLLM and TGI. SGLang gets no fraction unless one is given: it
 * computes its own (see the plan).
 */
export const DEFAULT_MEMORY_UTILIZATION = 0.9;

/**
 * Sequences at full `maxModelLen` the KV cache must hold at once. One is the minimum an
 * engine starts with; four leaves room to batch.
 */
export const DEFAULT_CONCURRENT_SEQUENCES = 4;

/**
 * Memory per GPU outside weights and KV cache that the planner assumes for engines whose own
 * sizing it does not model (TGI, Triton, custom containers): CUDA context, activations, CUDA
 * graphs and NCCL buffers. vLLM and SGLang answer with their own account (`KvCacheBudget`).
 */
export const OVERHEAD_GIB_PER_GPU = 2;

/** Bytes per KV-cache element: 16-bit unless the engine is told to store FP8 KV. */
export const DEFAULT_KV_CACHE_BYTES = 2;

/**
 * Most nodes one replica may span when it does not fit on one node. Every node of a group is one
 * more machine whose loss restarts the group, and pipeline stages or cross-node tensor parallelism
 * pay the inter-node link on every token: beyond four nodes a lower precision or a larger GPU is
 * usually the better answer. `maxNodesPerReplica` raises it.
 */
export const DEFAULT_MAX_NODES_PER_REPLICA = 4;

/**
 * How an engine splits one replica across nodes, as its documentation runs multi-node serving:
 * - `pipeline`: tensor parallelism over the GPUs of a node, pipeline parallelism across nodes
 *   (vLLM: "the tensor parallel size is the number of GPUs you want to use in each node, and the
 *   pipeline parallel size is the number of nodes", docs `serving/distributed_serving.md`, v0.8.4).
 * - `tensor`: one tensor-parallel group over every GPU of every node (SGLang `--tp 16 --nnodes 2`,
 *   docs `references/multi_node_deployment/multi_node.md`).
 */
export type CrossNodeParallelism = 'pipeline' | 'tensor';

/** What the planner needs to decide whether a model fits. */
export interface MemoryFitInput {
  readonly model: ModelSpec;
  readonly precision: Precision;
  /**
   * Memory of one GPU in GiB as CUDA reports it (`Accelerator.runtimeMemoryMiB / 1024`), which the
   * generic estimate takes its share of when no engine budget is given.
   */
  readonly gpuMemoryGiB: number;
  /**
   * Most GPUs one node has: the largest single-node replica, and the GPUs of each node of a
   * multi-node replica.
   */
  readonly maxGpusPerNode: number;
  /** Context length the server is configured for. */
  readonly maxModelLen: number;
  /** @default DEFAULT_CONCURRENT_SEQUENCES */
  readonly concurrentSequences?: number;
  /** Share of memory for the generic estimate. @default DEFAULT_MEMORY_UTILIZATION */
  readonly memoryUtilization?: number;
  /** @default DEFAULT_KV_CACHE_BYTES */
  readonly kvCacheBytes?: number;
  /** A fixed GPU count to check instead of searching for the smallest. */
  readonly gpus?: number;
  /**
   * How the serving engine sizes its KV cache at a tensor parallel size (from its driver). On one
   * node the tensor parallel size is the GPU count; across nodes it is the GPUs of one pipeline
   * stage (`pipeline`) or of the whole replica (`tensor`).
   * @default - the generic estimate: memoryUtilization of gpuMemoryGiB less OVERHEAD_GIB_PER_GPU
   */
  readonly kvCacheBudget?: (gpus: number) => KvCacheBudget | undefined;
  /**
   * How the engine spans nodes when no single-node tensor parallel size fits (its driver's
   * `capabilities().multiNode.crossNode`).
   * @default - single node only: a replica that does not fit one node does not fit
   */
  readonly crossNode?: CrossNodeParallelism;
  /** Most nodes one replica may span (with `crossNode`). @default DEFAULT_MAX_NODES_PER_REPLICA */
  readonly maxNodesPerReplica?: number;
}

/** How one replica's GPUs are laid out: nodes, and tensor and pipeline parallel sizes. */
export interface ParallelLayout {
  /** Nodes the replica spans. */
  readonly nodes: number;
  /** GPUs the replica uses on each node. */
  readonly gpusPerNode: number;
  /** GPUs one tensor-parallel group splits each layer over. */
  readonly tensorParallelSize: number;
  /** Pipeline stages, each holding a contiguous share of the layers. */
  readonly pipelineParallelSize: number;
}

/** The memory arithmetic for one GPU count. */
export interface MemoryFit {
  /** GPUs of one replica, on all its nodes (gpusPerNode x nodes). */
  readonly gpus: number;
  /** Nodes one replica spans (1 on a single node). */
  readonly nodes: number;
  /** GPUs the replica uses on each node (all of them, `gpus`, on a single node). */
  readonly gpusPerNode: number;
  /** Tensor parallel size (`--tensor-parallel-size`, SGLang's `--tp`). */
  readonly tensorParallelSize: number;
  /** Pipeline parallel size (`--pipeline-parallel-size`); 1 without pipeline parallelism. */
  readonly pipelineParallelSize: number;
  /** Weights of the whole replica on all its GPUs, GiB (served precision; embeddings in 16 bits). */
  readonly weightsGiB: number;
  /**
   * KV-cache bytes per token of the whole model (one copy: tensor parallelism replicates KV heads
   * it cannot split, and the whole latent of Multi-head Latent Attention).
   */
  readonly kvBytesPerToken: number;
  /** Tokens the plan asks the KV cache to hold: concurrentSequences x maxModelLen. */
  readonly kvCacheTokens: number;
  /** GiB those tokens take. */
  readonly kvCacheGiB: number;
  /** Memory the engine holds besides weights and KV cache, all GPUs, GiB. */
  readonly overheadGiB: number;
  /** Weights + the asked-for KV cache + overhead, GiB. */
  readonly requiredGiB: number;
  /** What the engine claims on all GPUs (its share of their memory), GiB. */
  readonly usableGiB: number;
  readonly fits: boolean;
  /** Whether the tensor parallel size divides the attention heads. */
  readonly dividesHeads: boolean;
  /** One line: the engine's share, minus weights and overheads, = KV cache in GiB and tokens. */
  readonly arithmetic: string;
  /**
   * KV-cache capacity of one replica in tokens: the figure vLLM logs as "GPU KV cache size: N
   * tokens" and SGLang as "KV Cache is allocated. #tokens: N".
   */
  readonly kvCacheCapacityTokens: number;
  /** Requests of `maxModelLen` tokens the KV cache holds at once (vLLM's "Maximum concurrency ... Xx"). */
  readonly maxConcurrency: number;
  /** GiB of KV cache on each GPU (of the heaviest pipeline stage across nodes). */
  readonly kvCacheGiBPerGpu: number;
  /** How the engine sizes its KV cache, as the figures assume. */
  readonly budget: KvCacheBudget;
}

/** Outcome of planning: the smallest GPU count that fits, or why none does. */
export interface MemoryPlan {
  /** The fit chosen, or undefined when nothing fits. */
  readonly chosen?: MemoryFit;
  /** Every GPU count considered, smallest first (single-node counts, then whole nodes). */
  readonly considered: MemoryFit[];
  /** Why this GPU count (or why nothing fits), for the plan table and errors. */
  readonly why: string;
  /**
   * When no searched count fits but more whole nodes would: the fewest that fit, looked up to 32
   * nodes beyond the ceiling. With `crossNode`, beyond `maxNodesPerReplica` (the fix "raise
   * maxNodesPerReplica to N"); without it (an engine that cannot span nodes), from 2 nodes, split as
   * tensor parallel within a node and pipeline parallel across nodes (for "N nodes would hold it, and
   * this engine cannot span nodes").
   */
  readonly nodesNeeded?: number;
}

function round1(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1);
}

/** Weights in GiB for a model at a precision (quantized formats keep embeddings in 16 bits). */
export function weightsGiB(model: ModelSpec, precision: Precision): number {
  return modelBytesGiB(model, precision);
}

/**
 * KV-cache bytes per token: 2 (K and V) x layers x KV heads x head dim x bytes per element; with
 * Multi-head Latent Attention, layers x (kvLoraRank + qkRopeHeadDim) x bytes (`MlaShape`).
 */
export function kvBytesPerToken(model: ModelSpec, kvCacheBytes = DEFAULT_KV_CACHE_BYTES): number {
  if (model.mla) return model.layers * mlaValuesPerTokenPerLayer(model) * kvCacheBytes;
  return 2 * model.layers * model.kvHeads * model.headDim * kvCacheBytes;
}

/**
 * Layers of the largest pipeline stage. vLLM splits `layers / stages` evenly and gives the
 * remainder, one layer each, to the stages before the last (`vllm/distributed/utils.py`
 * `get_pp_indices`, v0.9.2 L89-129): the layers need not divide, and the largest stage holds
 * ceil(layers / stages). Every stage's KV cache is then cut to the smallest stage's block count
 * (`vllm/v1/core/kv_cache_utils.py` `unify_kv_cache_configs`, v0.9.2 L971-991), which is the
 * largest stage's.
 */
export function layersOfLargestStage(layers: number, stages: number): number {
  return Math.ceil(layers / stages);
}

/**
 * Weights on one GPU of the heaviest pipeline stage, GiB: its share of the transformer layers (the
 * largest stage's layers / all layers of the non-embedding weights) plus one 16-bit vocabulary
 * matrix (the input embedding lives on the first stage, the output layer on the last), split by
 * tensor parallelism. Layers are taken as equal in size (DeepSeek's three dense layers and Llama's
 * are not quite): an estimate. Without pipeline parallelism it is weights / TP.
 */
export function weightsPerGpuGiB(model: ModelSpec, precision: Precision, layout: ParallelLayout): number {
  return stageWeights(model, precision, layout).perGpuGiB;
}

/** The parts of the heaviest stage's weights, for `weightsPerGpuGiB` and the plan's arithmetic. */
interface StageWeights {
  /** Weights of all transformer layers (no vocabulary matrices), GiB. */
  readonly layersGiB: number;
  /** One 16-bit vocabulary matrix, GiB. */
  readonly oneMatrixGiB: number;
  readonly stageLayers: number;
  readonly perGpuGiB: number;
}

function stageWeights(model: ModelSpec, precision: Precision, layout: ParallelLayout): StageWeights {
  const all = weightsGiB(model, precision);
  const stageLayers = layersOfLargestStage(model.layers, layout.pipelineParallelSize);
  if (layout.pipelineParallelSize <= 1) return { layersGiB: all, oneMatrixGiB: 0, stageLayers, perGpuGiB: all / layout.tensorParallelSize };
  const embeddingGiB = embeddingParameters(model) * Math.max(2, bytesPerParameter(precision)) / GIB;
  const oneMatrixGiB = model.tiedEmbeddings ? embeddingGiB : embeddingGiB / 2;
  const layersGiB = all - embeddingGiB;
  return { layersGiB, oneMatrixGiB, stageLayers, perGpuGiB: (layersGiB * stageLayers / model.layers + oneMatrixGiB) / layout.tensorParallelSize };
}

/** The generic estimate for engines whose sizing modelship does not model. */
function genericBudget(input: MemoryFitInput): KvCacheBudget {
  const util = input.memoryUtilization ?? DEFAULT_MEMORY_UTILIZATION;
  return {
    fraction: util,
    fractionSource: 'generic estimate: this engine\'s own sizing is not modeled',
    baseGiB: input.gpuMemoryGiB,
    baseLabel: 'GPU memory',
    inside: [{ label: 'overhead (generic estimate)', gib: OVERHEAD_GIB_PER_GPU }],
    blockTokens: 1,
    notes: [],
  };
}

function itemText(item: MemoryItem): string {
  return `${item.label} ${round1(item.gib)} GiB`;
}

/** GiB with one decimal, KiB without a trailing `.0`. */
function kib(bytes: number): string {
  const x = Math.round(bytes / 1024 * 10) / 10;
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** The layout of a replica on one node: tensor parallelism over all its GPUs. */
export function singleNodeLayout(gpus: number): ParallelLayout {
  return { nodes: 1, gpusPerNode: gpus, tensorParallelSize: gpus, pipelineParallelSize: 1 };
}

/** The layout of a replica over `nodes` nodes of `gpusPerNode` GPUs, split the engine's way. */
export function crossNodeLayout(crossNode: CrossNodeParallelism, nodes: number, gpusPerNode: number): ParallelLayout {
  return crossNode === 'pipeline'
    ? { nodes, gpusPerNode, tensorParallelSize: gpusPerNode, pipelineParallelSize: nodes }
    : { nodes, gpusPerNode, tensorParallelSize: gpusPerNode * nodes, pipelineParallelSize: 1 };
}

/**
 * The memory arithmetic for exactly `gpus` GPUs: on one node (tensor parallelism over all of them)
 * unless a multi-node `layout` is given.
 */
export function memoryFit(input: MemoryFitInput, gpus: number, layout: ParallelLayout = singleNodeLayout(gpus)): MemoryFit {
  const tp = layout.tensorParallelSize;
  const pp = layout.pipelineParallelSize;
  const multiNode = layout.nodes > 1;
  const budget = input.kvCacheBudget?.(tp) ?? genericBudget(input);
  const sequences = input.concurrentSequences ?? DEFAULT_CONCURRENT_SEQUENCES;
  const kvBytes = input.kvCacheBytes ?? DEFAULT_KV_CACHE_BYTES;
  const weights = weightsGiB(input.model, input.precision);
  const stage = stageWeights(input.model, input.precision, layout);
  const weightsPerGpu = stage.perGpuGiB;
  const insidePerGpu = budget.inside.reduce((sum, item) => sum + item.gib, 0);
  const sharePerGpu = budget.baseGiB * budget.fraction;
  const kvPerGpu = sharePerGpu - weightsPerGpu - insidePerGpu;
  const stageLayers = layersOfLargestStage(input.model.layers, pp);
  const perTokenPerGpu = kvBytesPerTokenPerGpu(input.model, tp, kvBytes, stageLayers);
  const blocks = Math.max(0, Math.floor(kvPerGpu * GIB / (perTokenPerGpu * budget.blockTokens)));
  const capacity = Number.isFinite(blocks) ? blocks * budget.blockTokens : 0;
  const blocksPerRequest = Math.ceil(input.maxModelLen / budget.blockTokens);
  // As vLLM logs it: blocks / blocks per request, two decimals (`vllm/v1/core/kv_cache_utils.py`
  // `get_max_concurrency_for_kv_cache_config`, "%.2fx", v0.9.2).
  const maxConcurrency = blocksPerRequest > 0 ? Math.round(blocks / blocksPerRequest * 100) / 100 : 0;

  const perToken = kvBytesPerToken(input.model, kvBytes);
  const wanted = input.maxModelLen * sequences;
  const kv = wanted * perToken / GIB;
  const overhead = insidePerGpu * gpus;
  const required = weights + kv + overhead;
  const usable = gpus * sharePerGpu;
  const fits = capacity >= wanted && capacity > 0;
  const dividesHeads = input.model.attentionHeads % tp === 0;

  const perGpu = gpus === 1 ? '' : 'per GPU: ';
  let weightsText: string;
  if (gpus === 1) weightsText = `weights ${round1(weights)} GiB`;
  // The heaviest stage: its share of the layers' weights and one vocabulary matrix, split by TP.
  else if (pp > 1) weightsText = `weights ${round1(weightsPerGpu)} GiB ((${round1(stage.layersGiB)} x ${stageLayers}/${input.model.layers} + ${round1(stage.oneMatrixGiB)}) / ${tp})`;
  else weightsText = `weights ${round1(weightsPerGpu)} GiB (${round1(weights)} / ${gpus})`;
  const minus = [weightsText, ...budget.inside.map(itemText)].join(' - ');
  const arithmetic =
    (multiNode ? `${layoutText(layout, input.model.layers)}: ` : '') +
    `${perGpu}${round1(budget.baseGiB)} GiB ${budget.baseLabel} x ${budget.fraction} (${budget.fractionSource}) = ${round1(sharePerGpu)} GiB` +
    ` - ${minus} = KV cache ${round1(kvPerGpu)} GiB` +
    // Per GPU, each token holds this GPU's share of the KV heads (tensor parallelism splits them).
    ` = ${formatTokens(capacity)} tokens (${kib(perTokenPerGpu)} KiB/token${perTokenText(input.model, gpus, pp, stageLayers, perToken)})` +
    `; ${sequences} x ${formatTokens(input.maxModelLen)} = ${formatTokens(wanted)} tokens ${fits ? 'fit' : 'do not fit'}` +
    ` (max concurrency ${maxConcurrency.toFixed(2)}x at ${formatTokens(input.maxModelLen)})`;
  return {
    gpus,
    weightsGiB: weights,
    kvBytesPerToken: perToken,
    kvCacheTokens: wanted,
    kvCacheGiB: kv,
    overheadGiB: overhead,
    requiredGiB: required,
    usableGiB: usable,
    fits,
    dividesHeads,
    arithmetic,
    kvCacheCapacityTokens: capacity,
    maxConcurrency,
    kvCacheGiBPerGpu: Math.max(0, kvPerGpu),
    budget,
    nodes: layout.nodes,
    gpusPerNode: layout.gpusPerNode,
    tensorParallelSize: tp,
    pipelineParallelSize: pp,
  };
}

/** `2 nodes x 8 GPUs (tensor parallel 8 within each node, pipeline parallel 2 across nodes: 63 of 126 layers a stage)`. */
function layoutText(layout: ParallelLayout, layers: number): string {
  const head = `${layout.nodes} nodes x ${layout.gpusPerNode} GPUs`;
  return layout.pipelineParallelSize > 1
    ? `${head} (tensor parallel ${layout.tensorParallelSize} within each node, pipeline parallel ${layout.pipelineParallelSize} across nodes: at most ${layersOfLargestStage(layers, layout.pipelineParallelSize)} of ${layers} layers a stage)`
    : `${head} (tensor parallel ${layout.tensorParallelSize} across all nodes)`;
}

/** What the per-GPU KV bytes of a token cover, after the figure. */
function perTokenText(model: ModelSpec, gpus: number, pp: number, stageLayers: number, perToken: number): string {
  if (gpus === 1) return '';
  // The MLA latent is replicated, not split, by tensor parallelism.
  if (model.mla) return ` on each GPU: the MLA latent of ${stageLayers} layers, not split by tensor parallelism`;
  if (pp > 1) return ` on each GPU for its ${stageLayers} layers, ${kib(perToken)} KiB in all`;
  return ` on each GPU, ${kib(perToken)} KiB in all`;
}

function shortfall(fit: MemoryFit): string {
  return `${fit.gpus} GPU${fit.gpus === 1 ? ' holds' : 's hold'} ${formatTokens(fit.kvCacheCapacityTokens)} tokens < ${formatTokens(fit.kvCacheTokens)}`;
}

/**
 * Nodes the planner tries beyond `maxNodesPerReplica` (without choosing them) to say how many
 * nodes a replica would need.
 */
const LOOKAHEAD_NODES = 32;

/**
 * Finds the smallest tensor-parallel GPU count (a divisor of the attention heads, at most one
 * node) whose KV cache, as the engine sizes it, holds `concurrentSequences` x `maxModelLen` tokens.
 * When none fits and the engine spans nodes (`crossNode`), tries whole nodes, fewest first, up to
 * `maxNodesPerReplica`. With `gpus` given, checks that count instead (a multiple of a node's GPUs
 * as whole nodes; the ceiling is then the caller's to enforce).
 */
export function planMemory(input: MemoryFitInput): MemoryPlan {
  if (input.gpus !== undefined) {
    // Whole nodes span them; any other count is checked as one node, as before (the caller refuses it).
    if (input.crossNode !== undefined && input.gpus > input.maxGpusPerNode && input.gpus % input.maxGpusPerNode === 0) {
      return planGivenAcrossNodes(input, input.crossNode, input.gpus);
    }
    const fit = memoryFit(input, input.gpus);
    if (!fit.dividesHeads) {
      return { considered: [fit], why: `tensor parallel size ${input.gpus} does not divide the model's ${input.model.attentionHeads} attention heads` };
    }
    return fit.fits
      ? { chosen: fit, considered: [fit], why: `${input.gpus} GPUs given; fits: ${fit.arithmetic}` }
      : { considered: [fit], why: `does not fit on ${input.gpus} GPUs: ${fit.arithmetic}` };
  }
  const considered: MemoryFit[] = [];
  for (let gpus = 1; gpus <= input.maxGpusPerNode; gpus++) {
    if (input.model.attentionHeads % gpus !== 0) continue;
    const fit = memoryFit(input, gpus);
    considered.push(fit);
    if (fit.fits) {
      const prev = considered.length > 1 ? considered[considered.length - 2] : undefined;
      const smaller = prev ? `; ${shortfall(prev)}` : '';
      return { chosen: fit, considered, why: `smallest fit: ${fit.arithmetic}${smaller}` };
    }
  }
  const largest = considered[considered.length - 1];
  if (input.crossNode !== undefined) return planAcrossNodes(input, input.crossNode, considered);
  return {
    considered,
    why: `does not fit on one node of ${input.maxGpusPerNode} GPUs (tensor parallel sizes dividing ${input.model.attentionHeads} heads): ${largest ? largest.arithmetic : 'no tensor parallel size divides the heads'}`,
    // For the message of an engine that cannot span nodes: how many nodes it would take one that can.
    nodesNeeded: nodesNeeded(input, 'pipeline', 1),
  };
}

/** Why a multi-node layout cannot run the model at all, if it cannot. */
function layoutProblem(model: ModelSpec, layout: ParallelLayout): string | undefined {
  if (model.attentionHeads % layout.tensorParallelSize !== 0) {
    return `tensor parallel size ${layout.tensorParallelSize} does not divide the model's ${model.attentionHeads} attention heads`;
  }
  if (layout.pipelineParallelSize > model.layers) {
    return `${layout.pipelineParallelSize} pipeline stages exceed the model's ${model.layers} layers`;
  }
  return undefined;
}

/** Whole nodes, fewest first, after no single-node tensor parallel size fits. */
function planAcrossNodes(input: MemoryFitInput, crossNode: CrossNodeParallelism, considered: MemoryFit[]): MemoryPlan {
  const perNode = input.maxGpusPerNode;
  const ceiling = input.maxNodesPerReplica ?? DEFAULT_MAX_NODES_PER_REPLICA;
  const oneNode = considered[considered.length - 1];
  const skipped: string[] = [];
  for (let nodes = 2; nodes <= ceiling; nodes++) {
    const layout = crossNodeLayout(crossNode, nodes, perNode);
    const problem = layoutProblem(input.model, layout);
    if (problem) {
      skipped.push(`${nodes} nodes: ${problem}`);
      continue;
    }
    const fit = memoryFit(input, nodes * perNode, layout);
    considered.push(fit);
    if (fit.fits) {
      const prev = considered[considered.length - 2];
      const smaller = prev ? `; ${prev.nodes === 1 ? `one node: ${shortfall(prev)}` : `${prev.nodes} nodes: ${shortfall(prev)}`}` : '';
      return { chosen: fit, considered, why: `smallest fit across nodes: ${fit.arithmetic}${smaller}` };
    }
  }
  const last = considered[considered.length - 1];
  const lastText = last === undefined
    ? 'no tensor parallel size divides the heads'
    : last.nodes > 1 ? last.arithmetic : `one node: ${last.arithmetic}`;
  const skippedText = skipped.length > 0 ? ` (${skipped.join('; ')})` : '';
  const needed = nodesNeeded(input, crossNode, ceiling);
  const fix = needed !== undefined
    ? `it would fit on ${needed} nodes: raise maxNodesPerReplica to ${needed}, or lower the precision`
    : `it does not fit on ${ceiling + LOOKAHEAD_NODES} nodes either: lower the precision or use GPUs with more memory`;
  return {
    considered,
    why: `does not fit on ${ceiling} node${ceiling === 1 ? '' : 's'} of ${perNode} GPUs (maxNodesPerReplica ${ceiling}; ${crossNode} parallelism across nodes)${skippedText}: ` +
      `${lastText}${oneNode && last !== oneNode ? `; one node: ${shortfall(oneNode)}` : ''}; ${fix}`,
    nodesNeeded: needed,
  };
}

/** The fewest nodes beyond the ceiling (up to the look-ahead) on which the replica fits, if any. */
function nodesNeeded(input: MemoryFitInput, crossNode: CrossNodeParallelism, ceiling: number): number | undefined {
  for (let nodes = Math.max(2, ceiling + 1); nodes <= ceiling + LOOKAHEAD_NODES; nodes++) {
    const layout = crossNodeLayout(crossNode, nodes, input.maxGpusPerNode);
    if (layoutProblem(input.model, layout)) continue;
    if (memoryFit(input, nodes * input.maxGpusPerNode, layout).fits) return nodes;
  }
  return undefined;
}

/**
 * A given GPU count of whole nodes: the memory arithmetic of those nodes, split the engine's way.
 * Whether the count is allowed (`maxNodesPerReplica`, whole nodes) is the caller's to check, with
 * the property the user gave (ModelService refuses it there); the planner only checks the memory.
 */
function planGivenAcrossNodes(input: MemoryFitInput, crossNode: CrossNodeParallelism, gpus: number): MemoryPlan {
  const perNode = input.maxGpusPerNode;
  const layout = crossNodeLayout(crossNode, gpus / perNode, perNode);
  const fit = memoryFit(input, gpus, layout);
  const problem = layoutProblem(input.model, layout);
  if (problem) return { considered: [fit], why: problem };
  return fit.fits
    ? { chosen: fit, considered: [fit], why: `${gpus} GPUs given; fits: ${fit.arithmetic}` }
    : { considered: [fit], why: `does not fit on ${gpus} GPUs: ${fit.arithmetic}` };
}
