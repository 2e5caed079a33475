import { compareVersions } from './engine';
import { KvBudgetRequest, KvCacheBudget } from '../planning/kv-budget';

/**
 * SGLang's default `--mem-fraction-static` and where it comes from. `gpuMemMiB` is what SGLang
 * reads: the smallest `nvidia-smi --query-gpu=memory.total` of the visible GPUs
 * (`python/sglang/srt/utils.py` `get_nvgpu_memory_capacity`, v0.4.9 L1354-1378). The fraction
 * covers weights and KV cache only; activations and CUDA graphs live in the rest.
 *
 * Sources: sgl-project/sglang `python/sglang/srt/server_args.py` `ServerArgs.__post_init__` (and
 * from 0.5.3 `_handle_gpu_memory_settings`) at the commits that bump `python/sglang/version.py`
 * (read from a fork carrying upstream history, AMD-yanfeiwang/sglang; sgl-project tags not available):
 * - 0.4.0 (f8b03269) to 0.4.5.post2: 0.79 / 0.81 / 0.85 / 0.87 / 0.88 for TP >= 16 / 8 / 4 / 2 / 1.
 * - 0.4.5.post3 (b9c87e78, PR #5604) to 0.4.6.post1: that table up to 81920 MiB, above it
 *   (gpu_mem - 13 GiB) / gpu_mem.
 * - 0.4.6.post2 (9858113c, PR #5893) to 0.4.6.post5: the table up to 81920 MiB, else 0.88; above
 *   96 GiB min(f + 48 GiB x (1 - f) / gpu_mem, (gpu_mem - 18 GiB) / gpu_mem).
 * - 0.4.7 (4f723edd, PR #6718): as before, but 0.79 above 180,000 MiB on CUDA (B200).
 * - 0.4.7.post1 (f9dc9dd2, PR #7054) to 0.5.2: (gpu_mem - reserved) / gpu_mem, rounded to 3
 *   decimals, reserved = (2.8 + TP/10) GiB under 35 GiB, (9.5 + TP/2) GiB under 90 GiB,
 *   (12 + TP/2) GiB under 160 GiB, else 32 GiB.
 * - 0.5.3 (a4a3d823, PR #10372) on: reserved = 512 MiB + 1.5 x max(chunked prefill, 2048) + 2 x
 *   cuda_graph_max_bs + TP/8 GiB, at least 10 GiB above 60 GiB; chunked prefill and
 *   cuda_graph_max_bs by capacity (0.5.4.post1, 55d75e11, raises the graph batch under 35 GiB and
 *   TP < 4 from 16 to 24). Speculative decoding, DP attention and multimodal models change these
 *   figures; modelship renders none of them.
 */
export function sglangDefaultMemFraction(version: string, gpuMemMiB: number, tp: number, vendorIsCuda = true): { fraction: number; source: string } {
  const at = (v: string) => compareVersions(version, v) >= 0;
  const table = tp >= 16 ? 0.79 : tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88;
  const source = (how: string) => `SGLang ${version} default: ${how}`;
  if (!at('0.4.5.post3')) return { fraction: table, source: source(`${table} for TP ${tp}`) };
  if (!at('0.4.6.post2')) {
    if (gpuMemMiB <= 81920) return { fraction: table, source: source(`${table} for TP ${tp}`) };
    const f = (gpuMemMiB - 13 * 1024) / gpuMemMiB;
    return { fraction: round3(f), source: source(`(${gpuMemMiB} - 13312) / ${gpuMemMiB} MiB`) };
  }
  if (!at('0.4.7.post1')) {
    if (at('0.4.7') && gpuMemMiB > 180 * 1000 && vendorIsCuda) return { fraction: 0.79, source: source('0.79 above 180,000 MiB') };
    const base = gpuMemMiB <= 81920 ? table : 0.88;
    if (gpuMemMiB > 96 * 1024) {
      const f = Math.min(base + 48 * 1024 * (1 - base) / gpuMemMiB, (gpuMemMiB - 18 * 1024) / gpuMemMiB);
      return { fraction: round3(f), source: source(`min(${base} + 48 GiB x ${round3(1 - base)} / ${gpuMemMiB} MiB, (${gpuMemMiB} - 18432) / ${gpuMemMiB})`) };
    }
    return { fraction: base, source: source(`${base} for TP ${tp} on ${gpuMemMiB} MiB`) };
  }
  let reservedMiB: number;
  if (!at('0.5.3')) {
    const gib = gpuMemMiB < 35 * 1024 ? 2.8 + tp / 10 : gpuMemMiB < 90 * 1024 ? 9.5 + tp / 2 : gpuMemMiB < 160 * 1024 ? 12 + tp / 2 : 32;
    reservedMiB = gib * 1024;
  } else {
    const { chunkedPrefill, cudaGraphMaxBs } = sglangCapacityDefaults(version, gpuMemMiB, tp);
    reservedMiB = 512 + Math.max(chunkedPrefill, 2048) * 1.5 + cudaGraphMaxBs * 2 + tp / 8 * 1024;
    if (gpuMemMiB > 60 * 1024) reservedMiB = Math.max(reservedMiB, 10 * 1024);
  }
  const fraction = round3((gpuMemMiB - reservedMiB) / gpuMemMiB);
  return { fraction, source: source(`(${gpuMemMiB} - ${round1(reservedMiB)} reserved) / ${gpuMemMiB} MiB`) };
}

/** SGLang 0.5.3+'s chunked prefill size and CUDA-graph batch by GPU capacity (`_handle_gpu_memory_settings`). */
export function sglangCapacityDefaults(version: string, gpuMemMiB: number, tp: number): { chunkedPrefill: number; cudaGraphMaxBs: number } {
  const small = tp < 4;
  if (gpuMemMiB < 20 * 1024) return { chunkedPrefill: 2048, cudaGraphMaxBs: 8 };
  if (gpuMemMiB < 35 * 1024) return { chunkedPrefill: 2048, cudaGraphMaxBs: small ? (compareVersions(version, '0.5.4.post1') >= 0 ? 24 : 16) : 80 };
  if (gpuMemMiB < 60 * 1024) return { chunkedPrefill: 4096, cudaGraphMaxBs: small ? 32 : 160 };
  if (gpuMemMiB < 160 * 1024) return { chunkedPrefill: 8192, cudaGraphMaxBs: small ? 256 : 512 };
  return { chunkedPrefill: 16384, cudaGraphMaxBs: 512 };
}

/**
 * Memory SGLang finds taken before it measures the free memory its fraction is a share of (CUDA
 * context, NCCL communicators): an estimate, UNVERIFIED beyond the one published log it was checked
 * against (vllm-project/vllm issue #21348, see docs/planner.md).
 */
export const SGLANG_STARTUP_RESERVED_GIB = 1;

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * How SGLang sizes its KV cache pool on each GPU: `rest = free after weights - free at start x (1 -
 * mem_fraction_static)`, tokens = rest / (KV heads per GPU x head dim x layers x 2 x bytes), with
 * `free at start` the smallest free memory across GPUs after distributed init
 * (`python/sglang/srt/model_executor/model_runner.py` `profile_max_num_token` and
 * `init_torch_distributed`, v0.4.9 L928-963 and L478-574). Pages of one token (`page_size` 1).
 */
export function sglangKvCacheBudget(req: KvBudgetRequest): KvCacheBudget {
  const tp = req.tensorParallelSize;
  const defaults = sglangDefaultMemFraction(req.version, req.gpu.memoryMiB, tp, req.gpu.cuda);
  const given = req.memoryUtilization;
  const fraction = given ?? defaults.fraction;
  const baseGiB = req.gpu.runtimeMemoryMiB / 1024 - SGLANG_STARTUP_RESERVED_GIB;
  const notes: string[] = [];
  if (given !== undefined && given > defaults.fraction) {
    const leaves = (f: number) => round1(req.gpu.memoryMiB / 1024 * (1 - f));
    notes.push(`memoryUtilization ${given} is SGLang's --mem-fraction-static, which excludes activations and CUDA graphs: it leaves ${leaves(given)} GiB per GPU for them, ` +
      `where SGLang's own default (${defaults.fraction}, ${defaults.source}) leaves ${leaves(defaults.fraction)} GiB; out-of-memory risk under load`);
  }
  return {
    fraction,
    fractionSource: given !== undefined ? 'memoryUtilization' : defaults.source,
    baseGiB,
    baseLabel: 'free at start',
    inside: [],
    blockTokens: 1,
    notes,
  };
}
