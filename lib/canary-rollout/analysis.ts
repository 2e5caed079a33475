import { Duration } from 'cdk8s';
import { fractionalSeconds } from '../duration';
import { counterSelector, CounterRef, EngineMetrics, EngineSignal, selector } from '../engines';

/** Defaults of canary analysis, exported for docs and tests. */
export const ANALYSIS_DEFAULTS = {
  /** 1 % of requests may fail (5xx) on the candidate. */
  maxErrorRatio: 0.01,
  /** The candidate may refuse (4xx) at most 1 % more of its requests than the stable does. */
  maxClientErrorRatioIncrease: 0.01,
  /** p95 time to first token, judged only where the engine exports it (not TGI, not Triton). */
  maxTimeToFirstTokenP95Seconds: 2,
  /** Requests the candidate must have served in the window before a measurement counts. */
  minRequests: 50,
  /** Time between measurements. */
  intervalSeconds: 60,
  /** Failed measurements tolerated; one more aborts the rollout. */
  failureLimit: 2,
  /** Shortest rate window: two scrapes at the common 30 s interval, with margin. */
  minWindowSeconds: 120,
  prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
} as const;

/**
 * When the candidate is judged worse than acceptable. Every threshold applies to the
 * candidate's own pods only (its `<name>-canary` Service).
 */
export interface CanaryAnalysisOptions {
  /** Highest share of failed requests, 0-1. Needs the engine's error and request counters. @default 0.01 (where the engine exports the counters) */
  readonly maxErrorRatio?: number;
  /**
   * Highest increase of the share of requests refused as the client's fault (4xx) on the candidate
   * over the stable, 0-1: a candidate with a shorter context or a stricter validator refuses
   * requests the stable served, which the error ratio (5xx) does not see. Needs the engine's
   * client-error counter (vLLM, TGI).
   * @default 0.01 (where the engine exports the counter)
   */
  readonly maxClientErrorRatioIncrease?: number;
  /** Highest p95 time to first token. Needs the engine's TTFT histogram (vLLM, SGLang). @default Duration.seconds(2) where the engine exports TTFT; none elsewhere */
  readonly maxTimeToFirstTokenP95?: Duration;
  /**
   * Highest p95 end-to-end request latency. Needs the engine's latency histogram.
   * @default - not judged: it grows with output length, so only you know a sensible bound
   */
  readonly maxLatencyP95?: Duration;
  /** Requests the candidate must have served in the window; below it a measurement is inconclusive, not failed. @default 50 */
  readonly minRequests?: number;
  /** Time between measurements. @default Duration.minutes(1) */
  readonly interval?: Duration;
  /** Failed measurements tolerated before the rollout aborts. @default 2 */
  readonly failureLimit?: number;
  /** Prometheus that Argo Rollouts queries. @default 'http://prometheus-operated.monitoring.svc:9090' */
  readonly prometheusUrl?: string;
}

/** One judged signal: its PromQL and the conditions Argo Rollouts evaluates on the result. */
export interface CanaryCheck {
  /** Metric name in the AnalysisTemplate, e.g. `error-ratio`. */
  readonly name: string;
  /** Human description with the threshold, e.g. `error ratio <= 0.01`. */
  readonly description: string;
  /** Returns one sample when the candidate served at least minRequests in the window, else nothing. */
  readonly query: string;
  readonly threshold: number;
  /** Argo `successCondition`: an empty result satisfies neither condition, so it is inconclusive. */
  readonly successCondition: string;
  readonly failureCondition: string;
}

/** Analysis settings after defaults. */
export interface ResolvedAnalysis {
  readonly checks: CanaryCheck[];
  readonly intervalSeconds: number;
  readonly windowSeconds: number;
  readonly failureLimit: number;
  readonly minRequests: number;
  readonly prometheusUrl: string;
}

/** A threshold asked for that the engine cannot measure, with the signal it lacks. */
export interface UnmeasurableThreshold {
  readonly property: string;
  readonly signal: EngineSignal;
}

function sumOf(refs: readonly CounterRef[], fn: 'rate' | 'increase', matchers: Record<string, string>, window: string): string {
  // `or vector(0)`: a counter that was never incremented (no 5xx yet) is absent, not zero.
  return refs.map(r => `(sum(${fn}(${counterSelector(r, matchers)}[${window}])) or vector(0))`).join(' + ');
}

function p95(histogram: string, matchers: Record<string, string>, window: string): string {
  return `histogram_quantile(0.95, sum by (le) (rate(${selector(`${histogram}_bucket`, matchers)}[${window}])))`;
}

function conditions(threshold: number): { successCondition: string; failureCondition: string } {
  return {
    successCondition: `len(result) > 0 && result[0] <= ${threshold}`,
    failureCondition: `len(result) > 0 && result[0] > ${threshold}`,
  };
}

/**
 * The checks for an engine's metrics and the thresholds asked for. Metric names come only from
 * `metrics` (the engines map). Thresholds the engine cannot measure are returned in `unmeasurable`
 * when they were asked for explicitly, and silently skipped when they are defaults.
 */
export function resolveAnalysis(
  metrics: EngineMetrics, matchers: Record<string, string>, options: CanaryAnalysisOptions = {},
  baseline?: { readonly metrics: EngineMetrics; readonly matchers: Record<string, string> },
): { analysis: ResolvedAnalysis; unmeasurable: UnmeasurableThreshold[] } {
  const intervalSeconds = options.interval ? fractionalSeconds(options.interval) : ANALYSIS_DEFAULTS.intervalSeconds;
  const windowSeconds = Math.max(2 * intervalSeconds, ANALYSIS_DEFAULTS.minWindowSeconds);
  const window = `${windowSeconds}s`;
  const minRequests = options.minRequests ?? ANALYSIS_DEFAULTS.minRequests;
  const unmeasurable: UnmeasurableThreshold[] = [];
  const checks: CanaryCheck[] = [];

  const canJudgeErrors = metrics.errors !== undefined && metrics.requests !== undefined && metrics.requests.length > 0;
  if (canJudgeErrors) {
    const max = options.maxErrorRatio ?? ANALYSIS_DEFAULTS.maxErrorRatio;
    const volume = sumOf(metrics.requests!, 'increase', matchers, window);
    const query = `((${sumOf([metrics.errors!], 'rate', matchers, window)}) / (${sumOf(metrics.requests!, 'rate', matchers, window)})) and on() ((${volume}) >= ${minRequests})`;
    checks.push({ name: 'error-ratio', description: `error ratio <= ${max}`, query, threshold: max, ...conditions(max) });
  } else if (options.maxErrorRatio !== undefined) {
    unmeasurable.push({ property: 'analysis.maxErrorRatio', signal: metrics.errors === undefined ? 'errors' : 'requests' });
  }

  const canCompareClientErrors = baseline !== undefined && metrics.clientErrors !== undefined && baseline.metrics.clientErrors !== undefined
    && (metrics.requests?.length ?? 0) > 0 && (baseline.metrics.requests?.length ?? 0) > 0;
  if (canCompareClientErrors) {
    const max = options.maxClientErrorRatioIncrease ?? ANALYSIS_DEFAULTS.maxClientErrorRatioIncrease;
    const ratio = (m: EngineMetrics, sel: Record<string, string>) =>
      `((${sumOf([m.clientErrors!], 'rate', sel, window)}) / (${sumOf(m.requests!, 'rate', sel, window)}))`;
    const volume = sumOf(metrics.requests!, 'increase', matchers, window);
    const query = `(${ratio(metrics, matchers)} - ${ratio(baseline!.metrics, baseline!.matchers)}) and on() ((${volume}) >= ${minRequests})`;
    checks.push({ name: 'client-error-increase', description: `client error (4xx) ratio at most ${max} above the stable's`, query, threshold: max, ...conditions(max) });
  } else if (options.maxClientErrorRatioIncrease !== undefined) {
    unmeasurable.push({ property: 'analysis.maxClientErrorRatioIncrease', signal: 'clientErrors' });
  }

  const latency = (name: string, label: string, histogram: string | undefined, given: Duration | undefined, fallback: number | undefined, property: string, signal: EngineSignal) => {
    if (histogram === undefined) {
      if (given !== undefined) unmeasurable.push({ property, signal });
      return;
    }
    const max = given ? fractionalSeconds(given) : fallback;
    if (max === undefined) return;
    // Volume from the histogram's own count: every engine with the histogram has it.
    const volume = `sum(increase(${selector(`${histogram}_count`, matchers)}[${window}]))`;
    const query = `(${p95(histogram, matchers, window)}) and on() ((${volume}) >= ${minRequests})`;
    checks.push({ name, description: `${label} p95 <= ${max}s`, query, threshold: max, ...conditions(max) });
  };
  latency('ttft-p95', 'time to first token', metrics.timeToFirstToken, options.maxTimeToFirstTokenP95,
    ANALYSIS_DEFAULTS.maxTimeToFirstTokenP95Seconds, 'analysis.maxTimeToFirstTokenP95', 'timeToFirstToken');
  latency('latency-p95', 'end-to-end latency', metrics.e2eLatency, options.maxLatencyP95, undefined, 'analysis.maxLatencyP95', 'e2eLatency');

  return {
    analysis: {
      checks,
      intervalSeconds,
      windowSeconds,
      minRequests,
      failureLimit: options.failureLimit ?? ANALYSIS_DEFAULTS.failureLimit,
      prometheusUrl: options.prometheusUrl ?? ANALYSIS_DEFAULTS.prometheusUrl,
    },
    unmeasurable,
  };
}
