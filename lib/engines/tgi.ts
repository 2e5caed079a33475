import { EngineDriver } from './driver';
import { compareVersions, EngineKind } from './engine';
import { EngineMetrics } from './metrics';
import { GpuVendor } from '../accelerators/accelerator';
import { DEFAULT_MEMORY_UTILIZATION } from '../planning/memory-fit';
import { Precision } from '../planning/precision';

/**
 * First TGI release with `--prometheus-port` (a second listener, default 9000). Before it the
 * launcher refuses the flag and metrics are served only on the API port's `/metrics`.
 * Source: text-generation-inference `launcher/src/main.rs` v3.3.0 L776-778 (#3187); `router/src/server.rs`
 * v3.2.3 L1940-1955 (no metrics listener).
 */
export const TGI_PROMETHEUS_PORT = '3.3.0';
/**
 * First TGI release whose image cannot run as a non-root user: Python is installed by uv under
 * `/root/.local/share/uv/python` and `LD_LIBRARY_PATH` points there (`Dockerfile` v3.2.0-v3.3.7), so
 * uid 1000 fails with `libpython3.11.so.1.0: cannot open`. Issue huggingface/text-generation-inference#3082
 * (open; reported on 3.1.1, "v3.0.1 still works"); fix PR #3197 unmerged.
 */
export const TGI_ROOT_ONLY_IMAGE = '3.1.1';

/** `err` values of `tgi_request_failure` that are the server's fault (5xx): `generation` 424, `incomplete` 500, `dropped`. */
export const TGI_SERVER_ERRORS = 'generation|incomplete|dropped';
/** `err` values that are the client's (422): `validation` and `template`. */
export const TGI_CLIENT_ERRORS = 'validation|template';

/**
 * TGI metrics. Source: text-generation-inference `docs/source/reference/metrics.md` and the `err`
 * values of `tgi_request_failure` in `router/src/infer/mod.rs`, `router/src/server.rs` (HTTP mapping
 * `impl From<InferError>`, L2400-2412) and `backends/v3/src/backend.rs` at v3.3.4. Client mistakes
 * (422) are not failures of the server: they must not burn the error budget or fail a canary.
 * TGI has no time-to-first-token metric and no KV-cache gauge: those stay undefined.
 */
function tgiMetrics(): EngineMetrics {
  return {
    queueDepth: 'tgi_queue_size',
    running: 'tgi_batch_current_size',
    interTokenLatency: 'tgi_request_mean_time_per_token_duration',
    e2eLatency: 'tgi_request_duration',
    requests: [{ metric: 'tgi_request_count' }],
    errors: { metric: 'tgi_request_failure', regexMatchers: { err: TGI_SERVER_ERRORS } },
    clientErrors: { metric: 'tgi_request_failure', regexMatchers: { err: TGI_CLIENT_ERRORS } },
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
    const separateMetricsPort = compareVersions(version, TGI_PROMETHEUS_PORT) >= 0;
    return {
      kind: EngineKind.TGI,
      version,
      image: `ghcr.io/huggingface/text-generation-inference:${version}`,
      httpPort: 8080,
      metricsPort: separateMetricsPort ? 9000 : 8080,
      metricsPath: '/metrics',
      healthPath: '/health',
      readyPath: '/health',
      // The OpenAI-compatible API is under /v1 (text-generation-inference `router/src/server.rs`
      // v3.3.4: `/v1/chat/completions`, `/v1/completions`, `/v1/models`); TGI's own `/generate`
      // and `/generate_stream` sit at the root and are not routed under this prefix.
      apiPathPrefix: '/v1',
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
  capabilities: profile => ({
    rendersModelArgs: true,
    objectStores: [],
    publicImageVendors: [GpuVendor.NVIDIA],
    publicImageNeedsRoot: compareVersions(profile.version, TGI_ROOT_ONLY_IMAGE) >= 0
      ? `the TGI ${profile.version} image installs Python under /root, so a non-root user cannot start it (huggingface/text-generation-inference#3082, unfixed)`
      : undefined,
  }),
  // TGI sizes its KV cache by a warm-up at --max-batch-prefill-tokens; modelship does not model it
  // (the planner's generic estimate applies, and the plan says so).
  kvCacheBudget: () => undefined,
  describe: p => `${p.kind} ${p.version}`,
};
