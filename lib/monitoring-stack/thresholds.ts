import { Duration } from 'cdk8s';

/**
 * Thresholds of the generated alerts. Ratios are 0-1 (not percent), latencies and waits are
 * `Duration`s, temperatures are °C.
 */
export interface AlertThresholds {
  /**
   * Average waiting requests per replica that counts as a backlog. Above the autoscaler's
   * target for long means the service is at max replicas or cannot get GPUs.
   * @default 10
   */
  readonly queueDepthPerReplica?: number;
  /** How long the backlog must last. @default Duration.minutes(15) */
  readonly queueBacklogFor?: Duration;
  /**
   * KV-cache use (0-1) on the fullest replica that counts as near full: requests start being
   * preempted and recomputed.
   * @default 0.95
   */
  readonly kvCacheUsage?: number;
  /** @default Duration.minutes(15) */
  readonly kvCacheFor?: Duration;
  /** How many times its own 1-day baseline TTFT p95 must reach to be an anomaly. @default 3 */
  readonly ttftAnomalyFactor?: number;
  /** TTFT p95 below this is never an anomaly (keeps idle, fast services quiet). @default Duration.millis(500) */
  readonly ttftAnomalyFloor?: Duration;
  /** GPU temperature, °C. @default 85 */
  readonly gpuTemperatureCelsius?: number;
  /**
   * GPU framebuffer use (0-1). vLLM pre-allocates `memoryUtilization` (0.9) of the GPU by design,
   * so only the last few percent signal a leak or a co-tenant.
   * @default 0.98
   */
  readonly gpuMemoryUsage?: number;
  /** How long a scrape target must be down. @default Duration.minutes(5) */
  readonly scrapeDownFor?: Duration;
}

/** Defaults of {@link AlertThresholds}. */
export const DEFAULT_ALERT_THRESHOLDS = {
  queueDepthPerReplica: 10,
  queueBacklogFor: Duration.minutes(15),
  kvCacheUsage: 0.95,
  kvCacheFor: Duration.minutes(15),
  ttftAnomalyFactor: 3,
  ttftAnomalyFloor: Duration.millis(500),
  gpuTemperatureCelsius: 85,
  gpuMemoryUsage: 0.98,
  scrapeDownFor: Duration.minutes(5),
} as const;

/** {@link AlertThresholds} with every default applied. */
export type ResolvedThresholds = { readonly [K in keyof AlertThresholds]-?: NonNullable<AlertThresholds[K]> };

/** Applies the defaults. */
export function resolveThresholds(t: AlertThresholds = {}): ResolvedThresholds {
  return { ...DEFAULT_ALERT_THRESHOLDS, ...Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) } as ResolvedThresholds;
}
