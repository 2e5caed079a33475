import { compareVersions, EngineKind, EngineProfile } from './engine';
import { EngineMetrics } from './metrics';

/** Default engine versions: the newest release each profile was checked against. */
export const DEFAULT_ENGINE_VERSIONS: Record<Exclude<EngineKind, EngineKind.CUSTOM>, string> = {
  [EngineKind.VLLM]: '0.9.2',
  [EngineKind.SGLANG]: '0.4.9',
  [EngineKind.TGI]: '3.3.4',
  [EngineKind.TRITON]: '25.06',
};

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

/**
 * SGLang metrics (with `--enable-metrics`). Source: sglang `python/sglang/srt/metrics/collector.py`;
 * cross-engine table in gateway-api-inference-extension's model server protocol.
 * SGLang exports no failed-request counter, so no error ratio.
 */
function sglangMetrics(): EngineMetrics {
  return {
    queueDepth: 'sglang:num_queue_reqs',
    running: 'sglang:num_running_reqs',
    kvCacheUsage: 'sglang:token_usage',
    timeToFirstToken: 'sglang:time_to_first_token_seconds',
    interTokenLatency: 'sglang:inter_token_latency_seconds',
    e2eLatency: 'sglang:e2e_request_latency_seconds',
    promptTokens: 'sglang:prompt_tokens_total',
    generationTokens: 'sglang:generation_tokens_total',
  };
}

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

/**
 * Triton metrics. Source: triton server `docs/user_guide/metrics.md`. Triton's latencies are
 * cumulative microsecond counters, not histograms, so no percentile signals; requests and
 * failures are separate counters (success + failure = all).
 */
function tritonMetrics(): EngineMetrics {
  return {
    queueDepth: 'nv_inference_pending_request_count',
    requests: [{ metric: 'nv_inference_request_success' }, { metric: 'nv_inference_request_failure' }],
    errors: { metric: 'nv_inference_request_failure' },
  };
}

/** The profile of one engine version. */
export function engineProfile(kind: Exclude<EngineKind, EngineKind.CUSTOM>, version?: string): EngineProfile {
  const v = version ?? DEFAULT_ENGINE_VERSIONS[kind];
  switch (kind) {
    case EngineKind.VLLM:
      return {
        kind, version: v, image: `vllm/vllm-openai:v${v}`,
        httpPort: 8000, metricsPort: 8000, metricsPath: '/metrics',
        // vLLM's API server binds only after the engine has loaded the weights, so /health
        // cannot pass early (the KServe failure mode of a health endpoint that answers mid-load).
        healthPath: '/health', readyPath: '/health', modelLabel: 'model_name',
        metrics: vllmMetrics(v),
      };
    case EngineKind.SGLANG:
      return {
        kind, version: v, image: `lmsysorg/sglang:v${v}-cu126`,
        httpPort: 30000, metricsPort: 30000, metricsPath: '/metrics',
        healthPath: '/health', readyPath: '/health', modelLabel: 'model_name',
        metrics: sglangMetrics(),
      };
    case EngineKind.TGI: {
      // TGI 3 serves Prometheus metrics on its own port (--prometheus-port, 9000).
      const separateMetricsPort = compareVersions(v, '3.0.0') >= 0;
      return {
        kind, version: v, image: `ghcr.io/huggingface/text-generation-inference:${v}`,
        httpPort: 8080, metricsPort: separateMetricsPort ? 9000 : 8080, metricsPath: '/metrics',
        healthPath: '/health', readyPath: '/health',
        metrics: tgiMetrics(),
      };
    }
    case EngineKind.TRITON:
      return {
        kind, version: v, image: `nvcr.io/nvidia/tritonserver:${v}-py3`,
        httpPort: 8000, grpcPort: 8001, metricsPort: 8002, metricsPath: '/metrics',
        healthPath: '/v2/health/live', readyPath: '/v2/health/ready',
        metrics: tritonMetrics(),
      };
  }
}
