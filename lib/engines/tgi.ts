import { GpuVendor } from '../accelerators/accelerator';
import { DEFAULT_MEMORY_UTILIZATION } from '../planning/memory-fit';
import { Precision } from '../planning/precision';
import { EngineDriver } from './driver';
import { compareVersions, EngineKind } from './engine';
import { EngineMetrics } from './metrics';

/**
 * TGI metrics. Source: text-generation-inference `docs/source/reference/metrics.md`.
 * TGI has no time-to-first-token metric and no KV-cache gauge: those stay undefined.
 */
function tgiMetrics(): EngineMetrics {
  return {
    queueDepth: 'tgi_queue_size',
    running: 'tgi_batch_current_size',
    interTokenLatency: 'tgi_request_mean_time_per_token_duration',
    e2eLatency: 'tgi_request_duration',
    requests: [{ metric: 'tgi_request_count' }],
    errors: { metric: 'tgi_request_failure' },
    generationTokens: 'tgi_request_generated_tokens_sum',
  };
}

function precisionArgs(precision: Precision): string[] {
  switch (precision) {
    case Precision.BF16: return ['--dtype', 'bfloat16'];
    case Precision.FP16: return ['--dtype', 'float16'];
    case Precision.FP8: return ['--quantize', 'fp8'];
    case Precision.INT8: return ['--quantize', 'compressed-tensors'];
    case Precision.INT4_AWQ: return ['--quantize', 'awq'];
    case Precision.INT4_GPTQ: return ['--quantize', 'gptq'];
  }
}

/** Hugging Face Text Generation Inference (`ghcr.io/huggingface/text-generation-inference`, launcher entrypoint). */
export const TGI_DRIVER: EngineDriver = {
  kind: EngineKind.TGI,
  displayName: 'TGI',
  defaultVersion: '3.3.4',
  // Release tags: huggingface/text-generation-inference `v3.3.4`; image tags without the `v`.
  versions: { pattern: /^\d+\.\d+\.\d+$/, example: '3.3.4', oldest: '2.0.0', newestChecked: '3.3' },
  profile: version => {
    // TGI 3 serves Prometheus metrics on its own port (--prometheus-port, 9000).
    const separateMetricsPort = compareVersions(version, '3.0.0') >= 0;
    return {
      kind: EngineKind.TGI, version, image: `ghcr.io/huggingface/text-generation-inference:${version}`,
      httpPort: 8080, metricsPort: separateMetricsPort ? 9000 : 8080, metricsPath: '/metrics',
      healthPath: '/health', readyPath: '/health',
      metrics: tgiMetrics(),
    };
  },
  command: () => undefined,
  args: ctx => [
    '--model-id', ctx.modelRef,
    '--hostname', '0.0.0.0',
    '--port', String(ctx.profile.httpPort),
    ...(ctx.profile.metricsPort !== ctx.profile.httpPort ? ['--prometheus-port', String(ctx.profile.metricsPort)] : []),
    '--num-shard', String(ctx.tensorParallelSize),
    '--max-total-tokens', String(ctx.maxModelLen),
    '--max-input-tokens', String(Math.max(1, ctx.maxModelLen - 1)),
    '--cuda-memory-fraction', String(ctx.memoryUtilization ?? DEFAULT_MEMORY_UTILIZATION),
    ...precisionArgs(ctx.precision),
    ...(ctx.revision ? ['--revision', ctx.revision] : []),
    ...ctx.extraArgs,
  ],
  env: () => ({}),
  capabilities: { rendersModelArgs: true, objectStores: [], publicImageVendors: [GpuVendor.NVIDIA] },
  // TGI sizes its KV cache by a warm-up at --max-batch-prefill-tokens; modelship does not model it
  // (the planner's generic estimate applies, and the plan says so).
  kvCacheBudget: () => undefined,
  describe: p => `${p.kind} ${p.version}`,
};
