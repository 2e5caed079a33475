import { counterSelector, CounterRef, selector } from '../engines';
import { EngineGroup } from './engine-groups';
import { withMatchers } from './promql';
import { RuleGroupSpec, RuleSpec } from './rule-group';
import { LATENCY_QUANTILES, MODEL_LABELS, RECORDING_RULES } from './service-rules';
import { ENGINE_LABEL, objectiveExpr, promNumber, SERVICE_SERIES, STACK_LABEL } from './service-series';
import { BURN_RATE_WINDOWS, leMatcher } from './slo';

/** Label of the TTFT miss ratio: the threshold (seconds) it counts against. */
export const THRESHOLD_LABEL = 'threshold_seconds';

function sumRate(ref: CounterRef, sel: Record<string, string>, window: string): string {
  return `sum by (${MODEL_LABELS}) (rate(${counterSelector(ref, sel)}[${window}]))`;
}

function requestsRate(refs: readonly CounterRef[], sel: Record<string, string>, window: string): string {
  const parts = refs.map(r => sumRate(r, sel, window));
  return parts.length === 1 ? parts[0] : `(${parts.join(' + ')})`;
}

function quantile(q: number, histogram: string, sel: Record<string, string>): string {
  return `histogram_quantile(${q}, sum by (${MODEL_LABELS}, le) (rate(${selector(`${histogram}_bucket`, sel)}[5m])))`;
}

/**
 * The recording rules of one engine group in one stack: one rule per signal for all its
 * services, aggregated `by (namespace, service)`, so the rules do not grow with the fleet.
 *
 * Scraped series are selected by the stack label the ServiceMonitors attach; the group's own
 * services by joining with their `modelship:service_startup_budget:seconds` series, which
 * carries the group key. That join, not the metric name, keeps two groups apart: vLLM 0.8
 * and 0.9 both export `vllm:num_requests_waiting`. It works on recorded, aggregated series,
 * so raw series carry no engine label and keep their identity across engine upgrades.
 *
 * `ttft.thresholds` are the distinct TTFT thresholds (seconds) of the group's services: one
 * miss-ratio rule per threshold and window, each kept to the services with that threshold
 * (their own, or `ttft.stackDefault`); the rule reads one histogram bucket, so the threshold
 * cannot be a plain join.
 */
export function engineRuleGroup(name: string, group: EngineGroup, stack: string, ttft: { readonly thresholds: readonly number[]; readonly stackDefault: number }): RuleGroupSpec {
  const m = group.metrics;
  const sel = { [STACK_LABEL]: stack };
  const member = selector(SERVICE_SERIES.startupBudget, { [ENGINE_LABEL]: group.key, [STACK_LABEL]: stack });
  // Rule labels: the stack scopes the shared alerts; the engine label keeps the same record of
  // two groups apart for linters (`promtool check rules` reports duplicates) and for people.
  const labels = { [ENGINE_LABEL]: group.key, [STACK_LABEL]: stack };
  const rules: RuleSpec[] = [];
  const add = (record: string, expr: string, extra: Record<string, string> = {}) =>
    rules.push({ record, expr: `${expr} and on (${MODEL_LABELS}) ${member}`, labels: { ...labels, ...extra } });

  if (m.requests && m.requests.length > 0) {
    add(RECORDING_RULES.requestRate, requestsRate(m.requests, sel, '5m'));
    if (m.errors) {
      for (const w of BURN_RATE_WINDOWS) add(RECORDING_RULES.errorRatio(w), `(${sumRate(m.errors, sel, w)} / ${requestsRate(m.requests, sel, w)})`);
    }
  }
  if (m.timeToFirstToken) {
    for (const [quantileName, q] of LATENCY_QUANTILES) add(RECORDING_RULES.ttftQuantile(quantileName), quantile(q, m.timeToFirstToken, sel));
    const all = selector(`${m.timeToFirstToken}_count`, sel);
    for (const le of ttft.thresholds) {
      const good = withMatchers(selector(`${m.timeToFirstToken}_bucket`, sel), { le: leMatcher(le) });
      const hasThreshold = `(${objectiveExpr(SERVICE_SERIES.ttftThreshold, stack, ttft.stackDefault)} == ${promNumber(le)})`;
      for (const w of BURN_RATE_WINDOWS) {
        // The threshold as a label: the ratio means nothing without it, and the rules of two
        // thresholds stay distinct.
        add(RECORDING_RULES.ttftSloMissRatio(w),
          `(1 - (sum by (${MODEL_LABELS}) (rate(${good}[${w}])) / sum by (${MODEL_LABELS}) (rate(${all}[${w}])))) and on (${MODEL_LABELS}) ${hasThreshold}`,
          { [THRESHOLD_LABEL]: promNumber(le) });
      }
    }
  }
  if (m.interTokenLatency) {
    for (const [quantileName, q] of LATENCY_QUANTILES) add(RECORDING_RULES.itlQuantile(quantileName), quantile(q, m.interTokenLatency, sel));
  }
  if (m.e2eLatency) {
    for (const [quantileName, q] of LATENCY_QUANTILES) add(RECORDING_RULES.e2eQuantile(quantileName), quantile(q, m.e2eLatency, sel));
  }
  if (m.promptTokens) add(RECORDING_RULES.promptTokens, sumRate({ metric: m.promptTokens }, sel, '5m'));
  if (m.generationTokens) add(RECORDING_RULES.generationTokens, sumRate({ metric: m.generationTokens }, sel, '5m'));
  if (m.queueDepth) {
    add(RECORDING_RULES.queueDepthSum, `sum by (${MODEL_LABELS}) (${selector(m.queueDepth, sel)})`);
    add(RECORDING_RULES.queueDepthAvg, `avg by (${MODEL_LABELS}) (${selector(m.queueDepth, sel)})`);
  }
  if (m.running) add(RECORDING_RULES.runningSum, `sum by (${MODEL_LABELS}) (${selector(m.running, sel)})`);
  if (m.kvCacheUsage) {
    add(RECORDING_RULES.kvCacheMax, `max by (${MODEL_LABELS}) (${selector(m.kvCacheUsage, sel)})`);
    add(RECORDING_RULES.kvCacheAvg, `avg by (${MODEL_LABELS}) (${selector(m.kvCacheUsage, sel)})`);
  }
  return { name, rules };
}
