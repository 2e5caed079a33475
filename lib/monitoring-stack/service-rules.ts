/** Labels every per-model recording rule keeps. */
export const MODEL_LABELS = 'namespace, service';

/** Names of the recording rules modelship writes (`level:metric:operations`). */
export const RECORDING_RULES = {
  requestRate: 'modelship:requests:rate5m',
  errorRatio: (window: string) => `modelship:request_error_ratio:rate${window}`,
  ttftQuantile: (q: string) => `modelship:time_to_first_token_seconds:${q}_rate5m`,
  ttftP95Baseline: 'modelship:time_to_first_token_seconds:p95_rate5m_avg1d',
  ttftSloMissRatio: (window: string) => `modelship:time_to_first_token_slo_miss_ratio:rate${window}`,
  itlQuantile: (q: string) => `modelship:inter_token_latency_seconds:${q}_rate5m`,
  e2eQuantile: (q: string) => `modelship:e2e_request_latency_seconds:${q}_rate5m`,
  promptTokens: 'modelship:prompt_tokens:rate5m',
  generationTokens: 'modelship:generation_tokens:rate5m',
  queueDepthSum: 'modelship:queue_depth:sum',
  queueDepthAvg: 'modelship:queue_depth:avg',
  runningSum: 'modelship:requests_running:sum',
  kvCacheMax: 'modelship:kv_cache_usage:max',
  kvCacheAvg: 'modelship:kv_cache_usage:avg',
} as const;

/** Quantiles recorded for every latency histogram. */
export const LATENCY_QUANTILES: ReadonlyArray<readonly [string, number]> = [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]];

/**
 * What follows the Deployment name in its pods' names: `-<pod-template-hash>-<5 random>`
 * (kubernetes `staging/src/k8s.io/apiserver/pkg/storage/names/generate.go`: `randomLength = 5`,
 * the base cut to 58 characters). The hash has up to 10 characters, so the pods of a
 * Deployment whose name is longer than 46 characters lose the last `-` and are not recognised.
 * @internal
 */
export const DEPLOYMENT_POD_SUFFIX = '-[a-z0-9]+-[a-z0-9]{5}';

/** A matcher for the pods of one Deployment (a name, or a Grafana variable such as `$service`). */
export function podRegex(deployment: string): string {
  return `=~"${deployment}${DEPLOYMENT_POD_SUFFIX}"`;
}

/**
 * `label_replace` regex that yields the Deployment of a pod as `$1`, and the empty string
 * (which removes the label) for any other pod, so a StatefulSet pod `foo-0` never reads as
 * a service `foo` and a pod keeps no stale `service` label from its scrape target.
 * @internal
 */
export const POD_DEPLOYMENT_REGEX = `(.+)${DEPLOYMENT_POD_SUFFIX}|.*`;
