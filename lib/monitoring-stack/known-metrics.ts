/**
 * Metric names that do not come from a model server: the DCGM exporter's GPU fields,
 * kube-state-metrics' workload state, and Prometheus' own scrape health. Engine metric
 * names live in `lib/engines` only; these lists are the one place for everything else,
 * and tests check that every generated expression names nothing outside them.
 */

/**
 * DCGM exporter fields modelship reads. All are in the exporter's default counter set
 * (`etc/default-counters.csv` of NVIDIA/dcgm-exporter 4.5.3-4.8.2), so no custom CSV is needed.
 */
export const DCGM_METRICS = {
  /** Gauge, %: GPU utilisation. */
  gpuUtil: 'DCGM_FI_DEV_GPU_UTIL',
  /** Gauge, MiB: framebuffer memory used. */
  fbUsed: 'DCGM_FI_DEV_FB_USED',
  /** Gauge, MiB: framebuffer memory free. */
  fbFree: 'DCGM_FI_DEV_FB_FREE',
  /** Gauge, °C: GPU temperature. */
  gpuTemp: 'DCGM_FI_DEV_GPU_TEMP',
  /** Gauge, W: power draw. */
  powerUsage: 'DCGM_FI_DEV_POWER_USAGE',
  /** Gauge: value of the last XID error (0 = none). */
  xidErrors: 'DCGM_FI_DEV_XID_ERRORS',
  /** Gauge, 0-1: tensor pipe activity (profiling module; needs SYS_ADMIN). */
  tensorActive: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE',
} as const;

/**
 * kube-state-metrics series modelship reads (v2 names; labels `namespace`, `deployment`,
 * `pod`, `container`, `reason`, `condition`).
 */
export const KUBE_STATE_METRICS = {
  deploymentReplicasAvailable: 'kube_deployment_status_replicas_available',
  deploymentReplicasSpec: 'kube_deployment_spec_replicas',
  deploymentCreated: 'kube_deployment_created',
  containerWaitingReason: 'kube_pod_container_status_waiting_reason',
  containerLastTerminatedReason: 'kube_pod_container_status_last_terminated_reason',
  containerRestarts: 'kube_pod_container_status_restarts_total',
  podReady: 'kube_pod_status_ready',
  podStartTime: 'kube_pod_start_time',
  /** A LeaderWorkerSet's leader StatefulSet (named after it) is created with it: the group workload's age. */
  statefulSetCreated: 'kube_statefulset_created',
} as const;

/**
 * The llm-d endpoint picker's own metrics (llm-d/llm-d-router `pkg/epp/metrics/llm_d_router_metrics.go`,
 * v0.10.0, subsystem `llm_d_epp`; the older `inference_pool_*` / `inference_objective_*` names are
 * deprecated there). Pool gauges carry `name` (the pool); request series carry `model_name` (the
 * requested model or adapter), `target_model_name`, `fairness_id` and `priority`.
 */
export const ENDPOINT_PICKER_METRICS = {
  requests: 'llm_d_epp_request_total',
  requestErrors: 'llm_d_epp_request_error_total',
  requestDuration: 'llm_d_epp_request_duration_seconds',
  readyEndpoints: 'llm_d_epp_ready_endpoints',
  averageQueueSize: 'llm_d_epp_average_queue_size',
  averageKvCacheUtilization: 'llm_d_epp_average_kv_cache_utilization',
} as const;

/** Prometheus' own per-target health series. */
export const SCRAPE_METRICS = {
  up: 'up',
} as const;

/** Every non-engine metric name modelship may query. */
export const KNOWN_NON_ENGINE_METRICS: readonly string[] = [
  ...Object.values(DCGM_METRICS),
  ...Object.values(KUBE_STATE_METRICS),
  ...Object.values(SCRAPE_METRICS),
  ...Object.values(ENDPOINT_PICKER_METRICS).map(m => (m === ENDPOINT_PICKER_METRICS.requestDuration ? `${m}_bucket` : m)),
].sort();
