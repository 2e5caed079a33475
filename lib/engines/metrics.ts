/**
 * A counter, optionally narrowed by label matchers, e.g. `http_requests_total{status="5xx"}`.
 */
export interface CounterRef {
  readonly metric: string;
  /** Extra label matchers, rendered as `name="value"`. */
  readonly matchers?: Record<string, string>;
  /** Extra regular-expression matchers, rendered as `name=~"regex"`. */
  readonly regexMatchers?: Record<string, string>;
}

/**
 * The Prometheus metric names one engine version exports. This map is the only place
 * in modelship that knows them: autoscalers, alerts, dashboards and canary analysis all
 * read from here, so an engine upgrade that renames a metric changes every query at once.
 *
 * A field left undefined means the engine does not export that signal; modelship then
 * refuses features that need it rather than invent a metric.
 */
export interface EngineMetrics {
  /** Gauge: requests waiting for a batch slot (the autoscaling signal). */
  readonly queueDepth?: string;
  /** Gauge: requests being processed. */
  readonly running?: string;
  /** Gauge, 0-1: share of the KV cache in use. */
  readonly kvCacheUsage?: string;
  /** Histogram (seconds): time to first token. */
  readonly timeToFirstToken?: string;
  /** Histogram (seconds): time between output tokens. */
  readonly interTokenLatency?: string;
  /** Histogram (seconds): end-to-end request latency. */
  readonly e2eLatency?: string;
  /** Counters whose sum is every finished request (the denominator of the error ratio). */
  readonly requests?: CounterRef[];
  /** Counter: requests that failed by the server's fault (5xx; the numerator of the error ratio). */
  readonly errors?: CounterRef;
  /** Counter: requests refused as the client's fault (4xx), compared between canary and stable. */
  readonly clientErrors?: CounterRef;
  /** Counter: prompt (input) tokens processed. */
  readonly promptTokens?: string;
  /** Counter: generated (output) tokens. */
  readonly generationTokens?: string;
}

/** Names of the signals a feature may need, for error messages. */
export type EngineSignal = keyof EngineMetrics;

/** Renders a counter reference with extra matchers as a PromQL selector. */
export function counterSelector(ref: CounterRef, matchers: Record<string, string>): string {
  return selector(ref.metric, { ...matchers, ...(ref.matchers ?? {}) }, ref.regexMatchers);
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Renders `metric{a="b",c=~"d.*"}` with matchers sorted by label, so output is deterministic. */
export function selector(metric: string, matchers: Record<string, string>, regexMatchers: Record<string, string> = {}): string {
  const parts = [
    ...Object.keys(matchers).map(k => [k, `${k}=${quote(matchers[k])}`]),
    ...Object.keys(regexMatchers).map(k => [k, `${k}=~${quote(regexMatchers[k])}`]),
  ].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(p => p[1]);
  return parts.length > 0 ? `${metric}{${parts.join(',')}}` : metric;
}
