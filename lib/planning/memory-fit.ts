import { bytesPerParameter, Precision } from './precision';
import { ModelSpec } from './model-spec';

const GIB = 1024 ** 3;

/** Share of GPU memory the engine may use (vLLM's `--gpu-memory-utilization` default). */
export const DEFAULT_MEMORY_UTILIZATION = 0.9;

/**
 * Sequences at full `maxModelLen` the KV cache must hold at once. One is the minimum an
 * engine starts with; four leaves room to batch.
 */
export const DEFAULT_CONCURRENT_SEQUENCES = 4;

/**
 * Memory per GPU outside weights and KV cache: CUDA context, activations for one batch,
 * CUDA graphs and NCCL buffers. Measured vLLM footprints sit between 1 and 2.5 GiB.
 */
export const OVERHEAD_GIB_PER_GPU = 2;

/** Bytes per KV-cache element: 16-bit unless the engine is told to store FP8 KV. */
export const DEFAULT_KV_CACHE_BYTES = 2;

/** What the planner needs to decide whether a model fits. */
export interface MemoryFitInput {
  readonly model: ModelSpec;
  readonly precision: Precision;
  /** Device memory of one GPU, GiB. */
  readonly gpuMemoryGiB: number;
  /** Most GPUs one node has: tensor parallelism does not cross nodes. */
  readonly maxGpusPerNode: number;
  /** Context length the server is configured for. */
  readonly maxModelLen: number;
  /** @default DEFAULT_CONCURRENT_SEQUENCES */
  readonly concurrentSequences?: number;
  /** @default DEFAULT_MEMORY_UTILIZATION */
  readonly memoryUtilization?: number;
  /** @default DEFAULT_KV_CACHE_BYTES */
  readonly kvCacheBytes?: number;
  /** A fixed GPU count to check instead of searching for the smallest. */
  readonly gpus?: number;
}

/** The memory arithmetic for one GPU count. */
export interface MemoryFit {
  readonly gpus: number;
  readonly weightsGiB: number;
  readonly kvBytesPerToken: number;
  readonly kvCacheTokens: number;
  readonly kvCacheGiB: number;
  readonly overheadGiB: number;
  readonly requiredGiB: number;
  readonly usableGiB: number;
  readonly fits: boolean;
  /** Whether tensor parallelism over this many GPUs divides the attention heads. */
  readonly dividesHeads: boolean;
  /** One line: `weights ... + KV ... + overhead ... = X GiB <= Y GiB`. */
  readonly arithmetic: string;
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

/** Weights in GiB for a model at a precision. */
export function weightsGiB(model: ModelSpec, precision: Precision): number {
  return model.parametersBillions * 1e9 * bytesPerParameter(precision) / GIB;
}

/** KV-cache bytes per token: 2 (K and V) x layers x KV heads x head dim x bytes per element. */
export function kvBytesPerToken(model: ModelSpec, kvCacheBytes = DEFAULT_KV_CACHE_BYTES): number {
  return 2 * model.layers * model.kvHeads * model.headDim * kvCacheBytes;
}

/** The memory arithmetic for exactly `gpus` GPUs. */
export function memoryFit(input: MemoryFitInput, gpus: number): MemoryFit {
  const util = input.memoryUtilization ?? DEFAULT_MEMORY_UTILIZATION;
  const sequences = input.concurrentSequences ?? DEFAULT_CONCURRENT_SEQUENCES;
  const weights = weightsGiB(input.model, input.precision);
  const perToken = kvBytesPerToken(input.model, input.kvCacheBytes);
  const tokens = input.maxModelLen * sequences;
  const kv = tokens * perToken / GIB;
  const overhead = OVERHEAD_GIB_PER_GPU * gpus;
  const required = weights + kv + overhead;
  const usable = gpus * input.gpuMemoryGiB * util;
  const fits = required <= usable;
  const dividesHeads = input.model.attentionHeads % gpus === 0;
  const arithmetic =
    `weights ${input.model.parametersBillions}B params x ${bytesPerParameter(input.precision)} B (${input.precision}) = ${round1(weights)} GiB` +
    ` + KV cache ${sequences} x ${input.maxModelLen} tokens x ${Math.round(perToken / 1024)} KiB = ${round1(kv)} GiB` +
    ` + overhead ${gpus} x ${OVERHEAD_GIB_PER_GPU} GiB = ${round1(required)} GiB` +
    ` ${fits ? '<=' : '>'} ${gpus} x ${input.gpuMemoryGiB} GiB x ${util} = ${round1(usable)} GiB`;
  return { gpus, weightsGiB: weights, kvBytesPerToken: perToken, kvCacheTokens: tokens, kvCacheGiB: kv, overheadGiB: overhead, requiredGiB: required, usableGiB: usable, fits, dividesHeads, arithmetic };
}

/**
 * Finds the smallest tensor-parallel GPU count (a divisor of the attention heads, at most one
 * node) whose memory holds weights + KV cache for `maxModelLen` x concurrency + overhead.
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
      const smaller = prev ? `; ${prev.gpus} GPU${prev.gpus === 1 ? '' : 's'} would need ${round1(prev.requiredGiB)} GiB > ${round1(prev.usableGiB)} GiB` : '';
      return { chosen: fit, considered, why: `smallest fit: ${fit.arithmetic}${smaller}` };
    }
  }
  const largest = considered[considered.length - 1];
  return {
    considered,
    why: `does not fit on one node of ${input.maxGpusPerNode} GPUs (tensor parallel sizes dividing ${input.model.attentionHeads} heads): ${largest ? largest.arithmetic : 'no tensor parallel size divides the heads'}`,
  };
}
