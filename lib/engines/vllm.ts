import { GpuVendor } from '../accelerators/accelerator';
import { Precision } from '../planning/precision';
import { EngineDriver } from './driver';
import { compareVersions, EngineKind } from './engine';
import { EngineMetrics } from './metrics';
import { VLLM_DEFAULT_GPU_MEMORY_UTILIZATION, vllmKvCacheBudget } from './vllm-memory';

/** Handlers of vLLM's OpenAI-compatible API (`/v1/completions`, `/v1/chat/completions`, ...). */
export const VLLM_API_HANDLERS = '/v1/.*';

/**
 * vLLM metrics. Source: vllm `vllm/v1/metrics/loggers.py` and `docs/design/metrics.md`.
 * 0.9 renamed `vllm:gpu_cache_usage_perc` to `vllm:kv_cache_usage_perc` and
 * `vllm:time_per_output_token_seconds` to `vllm:inter_token_latency_seconds`.
 * Errors come from the API server's HTTP instrumentation (`status` is `2xx`, `4xx`, `5xx`), narrowed
 * to the OpenAI API (`handler` under `/v1/`): probes on `/health` and scrapes of `/metrics` would
 * otherwise dilute the error ratio and count as traffic in canary analysis.
 */
function vllmMetrics(version: string): EngineMetrics {
  const renamed = compareVersions(version, '0.9.0') >= 0;
  return {
    queueDepth: 'vllm:num_requests_waiting',
    running: 'vllm:num_requests_running',
    kvCacheUsage: renamed ? 'vllm:kv_cache_usage_perc' : 'vllm:gpu_cache_usage_perc',
    timeToFirstToken: 'vllm:time_to_first_token_seconds',
    interTokenLatency: renamed ? 'vllm:inter_token_latency_seconds' : 'vllm:time_per_output_token_seconds',
    e2eLatency: 'vllm:e2e_request_latency_seconds',
    requests: [{ metric: 'http_requests_total', regexMatchers: { handler: VLLM_API_HANDLERS } }],
    errors: { metric: 'http_requests_total', matchers: { status: '5xx' }, regexMatchers: { handler: VLLM_API_HANDLERS } },
    promptTokens: 'vllm:prompt_tokens_total',
    generationTokens: 'vllm:generation_tokens_total',
  };
}

function precisionArgs(precision: Precision): string[] {
  switch (precision) {
    case Precision.BF16: return ['--dtype', 'bfloat16'];
    case Precision.FP16: return ['--dtype', 'float16'];
    case Precision.FP8: return ['--quantization', 'fp8'];
    // W8A8 checkpoints declare their quantization in config.json; vLLM reads it.
    case Precision.INT8: return [];
    case Precision.INT4_AWQ: return ['--quantization', 'awq_marlin'];
    case Precision.INT4_GPTQ: return ['--quantization', 'gptq_marlin'];
  }
}

/** vLLM's OpenAI-compatible server (`vllm/vllm-openai`, whose entrypoint is the API server). */
export const VLLM_DRIVER: EngineDriver = {
  kind: EngineKind.VLLM,
  displayName: 'vLLM',
  defaultVersion: '0.9.2',
  // Release tags: vllm-project/vllm tags `v0.9.2`, `v0.8.5.post1`.
  versions: { pattern: /^\d+\.\d+\.\d+(\.post\d+)?$/, example: '0.9.2', oldest: '0.8.0', newestChecked: '0.10' },
  profile: version => ({
    kind: EngineKind.VLLM, version, image: `vllm/vllm-openai:v${version}`,
    httpPort: 8000, metricsPort: 8000, metricsPath: '/metrics',
    // vLLM's API server binds only after the engine has loaded the weights, so /health
    // cannot pass early (the KServe failure mode of a health endpoint that answers mid-load).
    healthPath: '/health', readyPath: '/health', modelLabel: 'model_name',
    metrics: vllmMetrics(version),
  }),
  command: () => undefined,
  args: ctx => [
    '--model', ctx.modelRef,
    '--served-model-name', ctx.servedName,
    '--host', '0.0.0.0',
    '--port', String(ctx.profile.httpPort),
    '--tensor-parallel-size', String(ctx.tensorParallelSize),
    '--max-model-len', String(ctx.maxModelLen),
    '--gpu-memory-utilization', String(ctx.memoryUtilization ?? VLLM_DEFAULT_GPU_MEMORY_UTILIZATION),
    ...precisionArgs(ctx.precision),
    ...(ctx.revision ? ['--revision', ctx.revision] : []),
    // The Run:ai streamer reads safetensors straight from S3/GCS into GPU memory.
    ...(ctx.fromObjectStore ? ['--load-format', 'runai_streamer'] : []),
    ...ctx.extraArgs,
  ],
  // Usage statistics are sent to vLLM's collector unless turned off (vllm `vllm/usage/usage_lib.py`).
  env: () => ({ VLLM_NO_USAGE_STATS: '1', DO_NOT_TRACK: '1' }),
  capabilities: {
    rendersModelArgs: true,
    objectStores: ['s3', 'gs'],
    objectStoreFactory: 'Runtime.vllm() (Run:ai streamer)',
    publicImageVendors: [GpuVendor.NVIDIA],
  },
  // Source: vllm `vllm/v1/metrics/loggers.py` (time_to_first_token_seconds buckets).
  ttftBuckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  kvCacheBudget: vllmKvCacheBudget,
  describe: p => `${p.kind} ${p.version}`,
};

