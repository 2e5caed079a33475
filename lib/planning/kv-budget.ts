import { resolvedShape } from './model-bytes';
import { ModelSpec } from './model-spec';
import { Precision } from './precision';

const GIB = 1024 ** 3;

/** One item of an engine's memory account on one GPU. */
export interface MemoryItem {
  /** What the memory holds, e.g. `activations (2,048 batched tokens, 256 sequences)`. */
  readonly label: string;
  /** GiB on one GPU. */
  readonly gib: number;
}

/**
 * How an engine will size its KV cache on each GPU of a replica, as its source at a version says:
 * it claims `fraction` of `baseGiB` for the weights, the KV cache and the `inside` items, and the
 * KV cache gets what is left. Engine drivers answer it (`EngineDriver.kvCacheBudget`), so the
 * planner's figures are the ones the engine logs at start-up.
 */
export interface KvCacheBudget {
  /** Share of `baseGiB` the engine claims (vLLM's `--gpu-memory-utilization`, SGLang's `--mem-fraction-static`). */
  readonly fraction: number;
  /** Where the fraction comes from, e.g. `--gpu-memory-utilization 0.9 (vLLM default)`. */
  readonly fractionSource: string;
  /** GiB per GPU the fraction is a share of. */
  readonly baseGiB: number;
  /** What `baseGiB` is, e.g. `CUDA total`. */
  readonly baseLabel: string;
  /** Memory per GPU the engine holds inside its share besides weights and KV cache. */
  readonly inside: readonly MemoryItem[];
  /** Tokens per KV-cache block: the cache is allocated in whole blocks (vLLM 16, SGLang 1). */
  readonly blockTokens: number;
  /** Risks the plan should show (e.g. a fraction above the engine's own default). */
  readonly notes: readonly string[];
}

/** GPU memory figures an engine sizes its KV cache from. */
export interface GpuMemoryFacts {
  /** Name as the driver reports it (decides some engine defaults), e.g. `NVIDIA H100 80GB`. */
  readonly name: string;
  /** Device memory as the driver reports it (`nvidia-smi` memory.total), MiB. */
  readonly memoryMiB: number;
  /** Total CUDA gives a process, MiB. */
  readonly runtimeMemoryMiB: number;
  /** Whether the GPU runs CUDA (NVIDIA) rather than ROCm (AMD). */
  readonly cuda: boolean;
}

/** What an engine driver needs to answer how it will size the KV cache of one replica. */
export interface KvBudgetRequest {
  /** Engine version the replica runs. */
  readonly version: string;
  readonly model: ModelSpec;
  readonly precision: Precision;
  readonly tensorParallelSize: number;
  readonly maxModelLen: number;
  readonly gpu: GpuMemoryFacts;
  /** The memory share the user gave, if any (otherwise the engine's own default applies). */
  readonly memoryUtilization?: number;
  /** The user's extra engine arguments (they may set the batched-token budget and the like). */
  readonly extraArgs: readonly string[];
}

/**
 * Peak activation bytes per token of a forward pass on one GPU: the MLP's gate/up output (2 x
 * intermediate) and its activated half (1 x intermediate), both split by tensor parallelism, plus
 * three hidden-size tensors (input, residual, normed). For a mixture-of-experts model the MLP
 * buffers exist once per routed expert, plus one hidden-size output per expert. 16-bit activations.
 * Checked against vLLM's logged activation peak (vllm-project/vllm issue #10517: Llama-3.1-8B,
 * 20,000 tokens, "peak_torch_memory=17.06GiB" over 14.99 GiB of weights = 2.07 GiB; this gives 2.06).
 */
export function forwardActivationBytesPerToken(model: ModelSpec, tensorParallelSize: number): number {
  const s = resolvedShape(model);
  const mlp = 3 * s.intermediateSize / tensorParallelSize;
  const perToken = s.expertsPerToken > 0
    ? s.expertsPerToken * (mlp + s.hiddenSize) + 3 * s.hiddenSize
    : mlp + 3 * s.hiddenSize;
  return 2 * perToken;
}

/** GiB of the forward activations for `tokens` tokens on one GPU. */
export function forwardActivationGiB(model: ModelSpec, tensorParallelSize: number, tokens: number): number {
  return tokens * forwardActivationBytesPerToken(model, tensorParallelSize) / GIB;
}

/** KV heads one GPU holds: the heads split by tensor parallelism, replicated when fewer than GPUs. */
export function kvHeadsPerGpu(model: ModelSpec, tensorParallelSize: number): number {
  return Math.max(1, Math.floor(model.kvHeads / tensorParallelSize));
}

/**
 * KV-cache bytes per token on one GPU: 2 (K and V) x layers on that GPU x KV heads on that GPU x
 * head dim x bytes; with Multi-head Latent Attention, layers on that GPU x (kvLoraRank +
 * qkRopeHeadDim) x bytes whatever the tensor parallel size (`MlaShape`). `layersOnGpu` is the
 * pipeline stage's share of the layers (all of them without pipeline parallelism).
 */
export function kvBytesPerTokenPerGpu(model: ModelSpec, tensorParallelSize: number, kvCacheBytes: number, layersOnGpu: number = model.layers): number {
  if (model.mla) return layersOnGpu * mlaValuesPerTokenPerLayer(model) * kvCacheBytes;
  return 2 * layersOnGpu * kvHeadsPerGpu(model, tensorParallelSize) * model.headDim * kvCacheBytes;
}

/** Values one token stores per layer under Multi-head Latent Attention: the latent plus the rotary key. */
export function mlaValuesPerTokenPerLayer(model: ModelSpec): number {
  return model.mla ? model.mla.kvLoraRank + model.mla.qkRopeHeadDim : 0;
}

/** Formats a whole number with thousands separators, as the engines log it (`2,042,016`). */
export function formatTokens(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
