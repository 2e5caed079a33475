import { formatTokens, KvCacheBudget, kvBytesPerTokenPerGpu, MemoryItem } from './kv-budget';
import { modelBytesGiB } from './model-bytes';
import { ModelSpec } from './model-spec';
import { Precision } from './precision';

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

/** What the planner needs to decide whether a model fits. */
export interface MemoryFitInput {
  readonly model: ModelSpec;
  readonly precision: Precision;
  /**
   * Memory of one GPU in GiB as CUDA reports it (`Accelerator.runtimeMemoryMiB / 1024`), which the
   * generic estimate takes its share of when no engine budget is given.
   */
  readonly gpuMemoryGiB: number;
  /** Most GPUs one node has: tensor parallelism does not cross nodes. */
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
   * How the serving engine sizes its KV cache at a GPU count (from its driver).
   * @default - the generic estimate: memoryUtilization of gpuMemoryGiB less OVERHEAD_GIB_PER_GPU
   */
  readonly kvCacheBudget?: (gpus: number) => KvCacheBudget | undefined;
  /**
   * Memory the engine holds per GPU at a GPU count beyond its own account, such as LoRA adapter
   * buffers (`lora-memory.ts`): added to the budget's `inside` items, so it shows in the arithmetic.
   * @default - none
   */
  readonly extraInside?: (gpus: number) => readonly MemoryItem[];
}

/** The memory arithmetic for one GPU count. */
export interface MemoryFit {
  readonly gpus: number;
  /** Weights of the whole replica on its GPUs, GiB (served precision; embeddings in 16 bits). */
  readonly weightsGiB: number;
  /** KV-cache bytes per token of the whole model (all GPUs). */
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
  /** Whether tensor parallelism over this many GPUs divides the attention heads. */
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
  /** GiB of KV cache on each GPU. */
  readonly kvCacheGiBPerGpu: number;
  /** How the engine sizes its KV cache, as the figures assume. */
  readonly budget: KvCacheBudget;
}

/** Outcome of planning: the smallest GPU count that fits, or why none does. */
export interface MemoryPlan {
  /** The fit chosen, or undefined when nothing fits. */
  readonly chosen?: MemoryFit;
  /** Every GPU count considered, smallest first. */
  readonly considered: MemoryFit[];
  /** Why this GPU count (or why nothing fits), for the plan table and errors. */
  readonly why: string;
}

function round1(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1);
}

/** Weights in GiB for a model at a precision (quantized formats keep embeddings in 16 bits). */
export function weightsGiB(model: ModelSpec, precision: Precision): number {
  return modelBytesGiB(model, precision);
}

/** KV-cache bytes per token: 2 (K and V) x layers x KV heads x head dim x bytes per element. */
export function kvBytesPerToken(model: ModelSpec, kvCacheBytes = DEFAULT_KV_CACHE_BYTES): number {
  return 2 * model.layers * model.kvHeads * model.headDim * kvCacheBytes;
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

/** The memory arithmetic for exactly `gpus` GPUs. */
export function memoryFit(input: MemoryFitInput, gpus: number): MemoryFit {
  const engineBudget = input.kvCacheBudget?.(gpus) ?? genericBudget(input);
  const extra = input.extraInside?.(gpus) ?? [];
  const budget = extra.length > 0 ? { ...engineBudget, inside: [...engineBudget.inside, ...extra] } : engineBudget;
  const sequences = input.concurrentSequences ?? DEFAULT_CONCURRENT_SEQUENCES;
  const kvBytes = input.kvCacheBytes ?? DEFAULT_KV_CACHE_BYTES;
  const weights = weightsGiB(input.model, input.precision);
  const weightsPerGpu = weights / gpus;
  const insidePerGpu = budget.inside.reduce((sum, item) => sum + item.gib, 0);
  const sharePerGpu = budget.baseGiB * budget.fraction;
  const kvPerGpu = sharePerGpu - weightsPerGpu - insidePerGpu;
  const perTokenPerGpu = kvBytesPerTokenPerGpu(input.model, gpus, kvBytes);
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
  const dividesHeads = input.model.attentionHeads % gpus === 0;

  const perGpu = gpus === 1 ? '' : 'per GPU: ';
  const weightsText = gpus === 1 ? `weights ${round1(weights)} GiB` : `weights ${round1(weightsPerGpu)} GiB (${round1(weights)} / ${gpus})`;
  const minus = [weightsText, ...budget.inside.map(itemText)].join(' - ');
  const arithmetic =
    `${perGpu}${round1(budget.baseGiB)} GiB ${budget.baseLabel} x ${budget.fraction} (${budget.fractionSource}) = ${round1(sharePerGpu)} GiB` +
    ` - ${minus} = KV cache ${round1(kvPerGpu)} GiB` +
    // Per GPU, each token holds this GPU's share of the KV heads (tensor parallelism splits them).
    ` = ${formatTokens(capacity)} tokens (${kib(perTokenPerGpu)} KiB/token${gpus === 1 ? '' : ` on each GPU, ${kib(perToken)} KiB in all`})` +
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
  };
}

function shortfall(fit: MemoryFit): string {
  return `${fit.gpus} GPU${fit.gpus === 1 ? ' holds' : 's hold'} ${formatTokens(fit.kvCacheCapacityTokens)} tokens < ${formatTokens(fit.kvCacheTokens)}`;
}

/**
 * Finds the smallest tensor-parallel GPU count (a divisor of the attention heads, at most one
 * node) whose KV cache, as the engine sizes it, holds `concurrentSequences` x `maxModelLen` tokens.
 * With `gpus` given, checks that count instead.
 */
export function planMemory(input: MemoryFitInput): MemoryPlan {
  if (input.gpus !== undefined) {
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
  return {
    considered,
    why: `does not fit on one node of ${input.maxGpusPerNode} GPUs (tensor parallel sizes dividing ${input.model.attentionHeads} heads): ${largest ? largest.arithmetic : 'no tensor parallel size divides the heads'}`,
  };
}
