import type { EngineMetrics } from '../engines';
import { AutoscalerProvider, ModelServiceProps } from './props';

// In HPA mode (`AutoscalerProvider.HPA`) a ModelService's HorizontalPodAutoscaler asks the custom
// metrics API for a Pods metric: the engine's queue gauge, averaged per replica. prometheus-adapter
// serves that API from Prometheus, but only for series a rule of its config exposes, under the name
// the rule gives them. This file writes that rule, so the name the HPA asks for and the name the
// adapter serves come from one place.
//
// Rule semantics, from kubernetes-sigs/prometheus-adapter v0.12.0 (docs/config.md,
// pkg/naming/metric_namer.go, pkg/config/config.go):
// - `seriesQuery` is a Prometheus series selector: the series the rule may expose.
// - `resources.overrides` maps series labels to Kubernetes resources (`namespace`, `pod`), which the
//   ServiceMonitor's scrape attaches to every series (prometheus-operator's target labels).
// - `name.matches` is a regular expression that must match the series name (an implicit filter);
//   the API name is `name.as` expanded with the match's captures (Go `Regexp.ExpandString`).
// - `metricsQuery` is a Go template (delimiters `<<`/`>>`) over `.Series`, `.LabelMatchers` and
//   `.GroupBy`, returning one value per pod.

/** One entry of prometheus-adapter's `rules:` (chart value `rules.custom`). */
export interface PrometheusAdapterRule {
  /** The series the rule exposes: the engine's queue metric on pods in a namespace. */
  readonly seriesQuery: string;
  /** Series labels that name Kubernetes objects. */
  readonly resources: { readonly overrides: Readonly<Record<string, { readonly resource: string }>> };
  /** How the series is named in the custom metrics API. */
  readonly name: { readonly matches: string; readonly as: string };
  /** The PromQL the adapter runs for a request: the gauge summed per pod. */
  readonly metricsQuery: string;
}

/** A Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`): nothing in it needs escaping in a regular expression. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The name under which the custom metrics API serves `metric`, and which modelship's HPA asks for:
 * the Prometheus name with every `:` replaced by `_` (`vllm:num_requests_waiting` ->
 * `vllm_num_requests_waiting`), so recording-rule-style names read as plain metric names in the API.
 */
export function prometheusAdapterMetricName(metric: string): string {
  return metric.replace(/:/g, '_');
}

/**
 * The prometheus-adapter rule that serves the engine queue gauge `metric` as the Pods metric the
 * HPA of a ModelService asks for ({@link prometheusAdapterMetricName}). Put it under `rules.custom`
 * of the prometheus-community/prometheus-adapter chart (docs/autoscaling.md has the values file).
 */
export function prometheusAdapterRule(metric: string): PrometheusAdapterRule {
  if (!METRIC_NAME.test(metric)) throw new Error(`not a Prometheus metric name: ${JSON.stringify(metric)}`);
  return {
    seriesQuery: `${metric}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    // Anchored, so the rule names this one series and nothing that merely contains it.
    name: { matches: `^${metric}$`, as: prometheusAdapterMetricName(metric) },
    metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
  };
}

/** What {@link prometheusAdapterRules} reads of a service (a ModelService has both). */
export interface HpaScaledService {
  readonly metrics: EngineMetrics;
  readonly definition: Pick<ModelServiceProps, 'autoscaling'>;
}

/**
 * The prometheus-adapter rules the HPA-mode services among `services` need: one per queue metric,
 * sorted by metric name (two services on one engine share a rule). Services on KEDA, or without
 * autoscaling, need none.
 */
export function prometheusAdapterRules(services: readonly HpaScaledService[]): PrometheusAdapterRule[] {
  const metrics = new Set<string>();
  for (const s of services) {
    const hpa = s.definition.autoscaling?.provider === AutoscalerProvider.HPA;
    if (hpa && s.metrics.queueDepth !== undefined) metrics.add(s.metrics.queueDepth);
  }
  return [...metrics].sort().map(prometheusAdapterRule);
}
