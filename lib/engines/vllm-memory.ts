import { compareVersions } from './engine';
import { formatTokens, forwardActivationGiB, KvBudgetRequest, KvCacheBudget, MemoryItem } from '../planning/kv-budget';
import { resolvedShape } from '../planning/model-bytes';

const GIB = 1024 ** 3;

/** vLLM's `--gpu-memory-utilization` default: vllm `vllm/config.py` `CacheConfig.gpu_memory_utilization: float = 0.9` (v0.9.2 L1494). */
export const VLLM_DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

/** KV-cache block size on CUDA: vllm `vllm/platforms/cuda.py` `cache_config.block_size = 16` when unset (v0.9.2 L150-151). */
export const VLLM_BLOCK_SIZE = 16;

/**
 * Memory outside PyTorch's allocator that vLLM's profile counts (CUDA libraries' workspaces, NCCL
 * and custom all-reduce buffers), per GPU. An estimate from vLLM's own start-up logs:
 * vllm-project/vllm issue #10517 ("non_torch_memory=0.35GiB", one RTX 3090) and issue #16570
 * ("non_torch_memory takes 0.34GiB" to 0.43 GiB, four A100 40GB).
 */
export const VLLM_NON_TORCH_GIB = 0.4;

/**
 * Bytes per logit of the start-up sampler run: the 16-bit logits, their float32 copy and the
 * float32 probabilities of FlashInfer's top-k/top-p sampling, which the official image ships
 * (vllm `vllm/v1/worker/gpu_model_runner.py` `_dummy_sampler_run`, `vllm/v1/sample/sampler.py`
 * `logits.to(torch.float32)`, `vllm/v1/sample/ops/topk_topp_sampler.py` `flashinfer_sample`;
 * `docker/Dockerfile` installs flashinfer-python 0.2.6.post1; all v0.9.2). An estimate.
 */
export const VLLM_SAMPLER_BYTES_PER_LOGIT = 10;

/**
 * CUDA graph memory vLLM subtracts from the KV cache from v0.20.0 (commit 96a85c57, PR #38284:
 * `VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS` defaults to "1" in `vllm/envs.py` v0.20.0 L1724-1726;
 * the estimate is subtracted in `vllm/v1/worker/gpu_worker.py` v0.20.0 L379-424). Before, graphs
 * were captured after the KV cache was sized and lived in the share vLLM leaves free. The size is
 * modelship's estimate (public logs show 0.1 to 1.3 GiB): UNVERIFIED.
 */
export const VLLM_CUDA_GRAPH_ESTIMATE_GIB = 1;

/** The scheduler budget vLLM's start-up profile runs a forward pass and a sampler pass at. */
export interface VllmSchedulerBudget {
  /** `max_num_batched_tokens`: tokens of the profiled forward pass. */
  readonly batchedTokens: number;
  /** `max_num_seqs`: sequences (sampler rows) of the profiled sampler pass. */
  readonly maxSeqs: number;
}

/**
 * vLLM V1's API-server defaults for `max_num_batched_tokens` and `max_num_seqs`, chosen per device
 * when the user gives none (`vllm/engine/arg_utils.py` `EngineArgs._set_default_args_v1`):
 * - 0.8.0 to 0.8.4 (v0.8.0 L1662-1717): 8192 tokens on a device whose name contains "h100" or
 *   "h200", else 2048; always 1024 sequences.
 * - 0.8.5 (v0.8.5 L1596-1621): 8192 tokens and 1024 sequences on a device with at least 70 GiB,
 *   else 2048 and 256.
 * - 0.9.0 on (v0.9.0 L1495-1546, identical to v0.19.1): the same, but never on an A100.
 */
export function vllmSchedulerDefaults(version: string, deviceName: string, deviceMemoryGiB: number): VllmSchedulerBudget {
  const name = deviceName.toLowerCase();
  if (compareVersions(version, '0.8.5') < 0) {
    const large = name.includes('h100') || name.includes('h200');
    return { batchedTokens: large ? 8192 : 2048, maxSeqs: 1024 };
  }
  const large = deviceMemoryGiB >= 70 && (compareVersions(version, '0.9.0') < 0 || !name.includes('a100'));
  return { batchedTokens: large ? 8192 : 2048, maxSeqs: large ? 1024 : 256 };
}

/** The value of `--flag N` or `--flag=N` in the user's extra arguments, if a positive whole number. */
export function flagValue(args: readonly string[], flag: string): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const raw = a === flag ? args[i + 1] : a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : undefined;
    if (raw !== undefined) {
      const n = Number(raw);
      return Number.isInteger(n) && n > 0 ? n : undefined;
    }
  }
  return undefined;
}

/**
 * How vLLM (V1 engine) sizes its KV cache on each GPU: `requested = CUDA total x
 * gpu_memory_utilization`, less the profiled non-KV memory = weights + the peak activation of a
 * dummy forward pass at `max_num_batched_tokens` and of a dummy sampler pass over `max_num_seqs`
 * rows + memory outside PyTorch (vllm `vllm/v1/worker/gpu_worker.py`
 * `Worker.determine_available_memory`, v0.9.2 L141 and L188-236; `vllm/utils/__init__.py`
 * `memory_profiling`, v0.9.2 L2409-2480); CUDA graphs join the subtraction from v0.20.0. The cache is
 * cut into blocks of 16 tokens and "GPU KV cache size" logs blocks x 16 (`vllm/v1/core/kv_cache_utils.py`
 * v0.9.2 L714-716).
 */
export function vllmKvCacheBudget(req: KvBudgetRequest): KvCacheBudget {
  const util = req.memoryUtilization ?? VLLM_DEFAULT_GPU_MEMORY_UTILIZATION;
  const baseGiB = req.gpu.runtimeMemoryMiB / 1024;
  const defaults = vllmSchedulerDefaults(req.version, req.gpu.name, baseGiB);
  const batchedTokens = flagValue(req.extraArgs, '--max-num-batched-tokens') ?? defaults.batchedTokens;
  const maxSeqs = flagValue(req.extraArgs, '--max-num-seqs') ?? defaults.maxSeqs;
  const tp = req.tensorParallelSize;
  const shape = resolvedShape(req.model);
  // The forward pass holds its intermediates; the sampler pass runs after it, over the logits of
  // one row per sequence (the forward's hidden states still alive).
  const forward = forwardActivationGiB(req.model, tp, batchedTokens);
  const rows = Math.min(maxSeqs, batchedTokens);
  const sampler = (rows * shape.vocabSize * VLLM_SAMPLER_BYTES_PER_LOGIT + batchedTokens * shape.hiddenSize * 2) / GIB;
  const inside: MemoryItem[] = [
    { label: `activations (${formatTokens(batchedTokens)} tokens, ${rows} sequences)`, gib: Math.max(forward, sampler) },
    { label: 'non-torch', gib: VLLM_NON_TORCH_GIB },
  ];
  // vLLM skips the CUDA-graph estimate on ROCm (gpu_worker.py v0.20.0 L397).
  if (compareVersions(req.version, '0.20.0') >= 0 && req.gpu.cuda) {
    inside.push({ label: 'CUDA graphs (estimate)', gib: VLLM_CUDA_GRAPH_ESTIMATE_GIB });
  }
  const given = req.memoryUtilization !== undefined;
  return {
    fraction: util,
    fractionSource: given ? 'memoryUtilization' : 'vLLM default',
    baseGiB,
    baseLabel: 'CUDA total',
    inside,
    blockTokens: VLLM_BLOCK_SIZE,
    notes: [],
  };
}
