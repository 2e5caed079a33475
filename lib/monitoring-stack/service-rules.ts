import { counterSelector, CounterRef, selector } from '../engines';
import { ModelService } from '../model-service';
import { KUBE_STATE_METRICS, SCRAPE_METRICS } from './known-metrics';
import { promDuration, withMatchers } from './promql';
import { alertRule, num, RuleGroupSpec, RuleSpec } from './rule-group';
import { BURN_RATE_TIERS, BURN_RATE_WINDOWS, BurnRateTier, LatencyObjective, leMatcher } from './slo';
import { ResolvedThresholds } from './thresholds';
import { fractionalSeconds } from '../duration';

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

/** What the rules of one service are built from (defaults applied, support checked). */
export interface ServiceRuleConfig {
  readonly service: ModelService;
  /** Availability objective; undefined when the engine exports no error counter. */
  readonly availability?: number;
  /** TTFT objective; undefined when the engine exports no TTFT histogram. */
  readonly timeToFirstToken?: LatencyObjective;
  readonly thresholds: ResolvedThresholds;
  readonly runbookBaseUrl?: string;
}

/** Pods of a Deployment are named `<deployment>-<replicaset hash>-<suffix>`. */
export function podRegex(deployment: string): string {
  return `=~"${deployment}-[a-z0-9]+-[a-z0-9]+"`;
}

/** Rule group of one model service: its recording rules, then the alerts that read them. */
export function serviceRuleGroup(config: ServiceRuleConfig): RuleGroupSpec {
  return {
    name: `modelship.${config.service.namespace}.${config.service.name}`,
    // Rule labels equal to what the expression keeps: documents the series and lets promtool
    // tell the same recording rule of two services apart.
    rules: [...serviceRecordingRules(config).map(r => ({ ...r, labels: { ...config.service.metricSelector } })), ...serviceAlerts(config)],
  };
}

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

/** Recording rules of one service: only those its engine has the metrics for. */
export function serviceRecordingRules(config: ServiceRuleConfig): RuleSpec[] {
  const svc = config.service;
  const m = svc.metrics;
  const sel = svc.metricSelector;
  const rules: RuleSpec[] = [];
  if (m.requests && m.requests.length > 0) {
    rules.push({ record: RECORDING_RULES.requestRate, expr: requestsRate(m.requests, sel, '5m') });
    if (m.errors) {
      for (const w of BURN_RATE_WINDOWS) {
        rules.push({ record: RECORDING_RULES.errorRatio(w), expr: `${sumRate(m.errors, sel, w)} / ${requestsRate(m.requests, sel, w)}` });
      }
    }
  }
  if (m.timeToFirstToken) {
    for (const [name, q] of LATENCY_QUANTILES) rules.push({ record: RECORDING_RULES.ttftQuantile(name), expr: quantile(q, m.timeToFirstToken, sel) });
    rules.push({ record: RECORDING_RULES.ttftP95Baseline, expr: `avg_over_time(${selector(RECORDING_RULES.ttftQuantile('p95'), sel)}[1d])` });
    if (config.timeToFirstToken) {
      const le = fractionalSeconds(config.timeToFirstToken.threshold);
      const good = withMatchers(selector(`${m.timeToFirstToken}_bucket`, sel), { le: leMatcher(le) });
      const all = selector(`${m.timeToFirstToken}_count`, sel);
      for (const w of BURN_RATE_WINDOWS) {
        rules.push({
          record: RECORDING_RULES.ttftSloMissRatio(w),
          expr: `1 - (sum by (${MODEL_LABELS}) (rate(${good}[${w}])) / sum by (${MODEL_LABELS}) (rate(${all}[${w}])))`,
        });
      }
    }
  }
  if (m.interTokenLatency) {
    for (const [name, q] of LATENCY_QUANTILES) rules.push({ record: RECORDING_RULES.itlQuantile(name), expr: quantile(q, m.interTokenLatency, sel) });
  }
  if (m.e2eLatency) {
    for (const [name, q] of LATENCY_QUANTILES) rules.push({ record: RECORDING_RULES.e2eQuantile(name), expr: quantile(q, m.e2eLatency, sel) });
  }
  if (m.promptTokens) rules.push({ record: RECORDING_RULES.promptTokens, expr: sumRate({ metric: m.promptTokens }, sel, '5m') });
  if (m.generationTokens) rules.push({ record: RECORDING_RULES.generationTokens, expr: sumRate({ metric: m.generationTokens }, sel, '5m') });
  if (m.queueDepth) {
    rules.push({ record: RECORDING_RULES.queueDepthSum, expr: `sum by (${MODEL_LABELS}) (${selector(m.queueDepth, sel)})` });
    rules.push({ record: RECORDING_RULES.queueDepthAvg, expr: `avg by (${MODEL_LABELS}) (${selector(m.queueDepth, sel)})` });
  }
  if (m.running) rules.push({ record: RECORDING_RULES.runningSum, expr: `sum by (${MODEL_LABELS}) (${selector(m.running, sel)})` });
  if (m.kvCacheUsage) {
    rules.push({ record: RECORDING_RULES.kvCacheMax, expr: `max by (${MODEL_LABELS}) (${selector(m.kvCacheUsage, sel)})` });
    rules.push({ record: RECORDING_RULES.kvCacheAvg, expr: `avg by (${MODEL_LABELS}) (${selector(m.kvCacheUsage, sel)})` });
  }
  return rules;
}

function burnExpr(series: (w: string) => string, sel: Record<string, string>, tiers: readonly BurnRateTier[], budget: number): string {
  return tiers.map(t => {
    const limit = num(t.factor * budget);
    return `(${selector(series(t.longWindow), sel)} > ${limit} and ${selector(series(t.shortWindow), sel)} > ${limit})`;
  }).join(' or ');
}

function tierText(tiers: readonly BurnRateTier[]): string {
  return tiers.map(t => `${t.factor}x over ${t.longWindow} and ${t.shortWindow}`).join(', or ');
}

function pct(x: number): string {
  return `${num(x * 100)} %`;
}

/** Sets `service` on series that lack it (kube-state-metrics), so every alert names its model. */
function withService(expr: string, name: string): string {
  return `label_replace(${expr}, "service", "${name}", "namespace", "(.*)")`;
}

/** Static `namespace`/`service` labels: equal to the series', they keep the alerts of two services distinct for linters. */
function withLabels(rule: RuleSpec, labels: Record<string, string>): RuleSpec {
  return { ...rule, labels: { ...labels, ...rule.labels } };
}

/** Alerts of one service. */
export function serviceAlerts(config: ServiceRuleConfig): RuleSpec[] {
  const svc = config.service;
  const m = svc.metrics;
  const sel = svc.metricSelector;
  const t = config.thresholds;
  const model = '{{ $labels.namespace }}/{{ $labels.service }}';
  const alerts: RuleSpec[] = [];
  const add = (name: string, expr: string, forSeconds: number | undefined, text: { severity: string; summary: string; description: string; runbook: string }) =>
    alerts.push(withLabels(alertRule(name, expr, forSeconds ? promDuration(forSeconds) : undefined, text, config.runbookBaseUrl), sel));

  if (config.availability !== undefined) {
    const budget = 1 - config.availability;
    const slo = `availability SLO ${pct(config.availability)}, error budget ${pct(budget)}`;
    add('ModelErrorBudgetBurnFast', burnExpr(RECORDING_RULES.errorRatio, sel, BURN_RATE_TIERS.page, budget), 120, {
      severity: 'critical',
      summary: `Model ${model} is burning its error budget fast`,
      description: `Error ratio of ${model} is {{ $value | humanizePercentage }}: burn rate ${tierText(BURN_RATE_TIERS.page)} (${slo}). At this rate a 30-day budget is gone in under 5 days.`,
      runbook: 'Check the model server logs for 5xx causes (OOM, CUDA errors, timeouts), recent rollouts, and GPU XID alerts on its nodes; roll back a recent change first.',
    });
    add('ModelErrorBudgetBurnSlow', burnExpr(RECORDING_RULES.errorRatio, sel, BURN_RATE_TIERS.ticket, budget), 900, {
      severity: 'warning',
      summary: `Model ${model} is steadily burning its error budget`,
      description: `Error ratio of ${model} is {{ $value | humanizePercentage }}: burn rate ${tierText(BURN_RATE_TIERS.ticket)} (${slo}).`,
      runbook: 'Look for a recurring error class in the server logs (bad requests turned 5xx, context length, timeouts) and for replicas that fail more than others.',
    });
  }
  if (config.timeToFirstToken && m.timeToFirstToken) {
    const o = config.timeToFirstToken;
    const budget = 1 - o.objective;
    const secs = num(fractionalSeconds(o.threshold));
    const slo = `objective: ${pct(o.objective)} of requests get a first token within ${secs} s`;
    add('ModelTimeToFirstTokenBudgetBurnFast', burnExpr(RECORDING_RULES.ttftSloMissRatio, sel, BURN_RATE_TIERS.page, budget), 120, {
      severity: 'critical',
      summary: `Model ${model} is too slow to first token`,
      description: `{{ $value | humanizePercentage }} of requests to ${model} wait more than ${secs} s for a first token: burn rate ${tierText(BURN_RATE_TIERS.page)} (${slo}).`,
      runbook: 'Check queue depth and KV-cache use (saturation: scale out or raise maxReplicas), pending pods waiting for GPUs, and long prompts hogging prefill.',
    });
    add('ModelTimeToFirstTokenBudgetBurnSlow', burnExpr(RECORDING_RULES.ttftSloMissRatio, sel, BURN_RATE_TIERS.ticket, budget), 900, {
      severity: 'warning',
      summary: `Model ${model} is steadily missing its time-to-first-token objective`,
      description: `{{ $value | humanizePercentage }} of requests to ${model} wait more than ${secs} s for a first token: burn rate ${tierText(BURN_RATE_TIERS.ticket)} (${slo}).`,
      runbook: 'Compare traffic growth with capacity: raise minReplicas or the autoscaler target, or enable chunked prefill / prefix caching.',
    });
  }
  if (m.queueDepth) {
    add('ModelQueueBacklog', `${selector(RECORDING_RULES.queueDepthAvg, sel)} > ${num(t.queueDepthPerReplica)}`, t.queueBacklogFor.toSeconds(), {
      severity: 'warning',
      summary: `Model ${model} has a sustained request backlog`,
      description: `${model} has {{ $value }} requests waiting per replica on average (threshold ${num(t.queueDepthPerReplica)}) for ${promDuration(t.queueBacklogFor.toSeconds())}.`,
      runbook: 'Check whether the autoscaler is at maxReplicas or new replicas are Pending for lack of GPUs (pool limit, quota, capacity); raise maxReplicas or the pool size.',
    });
  }
  if (m.kvCacheUsage) {
    add('ModelKVCacheNearFull', `${selector(RECORDING_RULES.kvCacheMax, sel)} > ${num(t.kvCacheUsage)}`, t.kvCacheFor.toSeconds(), {
      severity: 'warning',
      summary: `Model ${model} KV cache is nearly full`,
      description: `The fullest replica of ${model} uses {{ $value | humanizePercentage }} of its KV cache (threshold ${pct(t.kvCacheUsage)}): requests get preempted and recomputed, latency climbs.`,
      runbook: 'Scale out, lower max concurrent sequences or maxModelLen, or give replicas more GPU memory (more GPUs per replica, FP8 KV cache).',
    });
  }

  const ns = { namespace: svc.namespace };
  const deploy = { ...ns, deployment: svc.name };
  const ksm = KUBE_STATE_METRICS;
  const budget = svc.plan.startupBudgetSeconds;
  add('ModelNoReadyReplicas', withService(
    `(${selector(ksm.deploymentReplicasAvailable, deploy)} == 0) and on (namespace, deployment) (${selector(ksm.deploymentReplicasSpec, deploy)} > 0)`
    + ` unless on (namespace, deployment) (time() - ${selector(ksm.deploymentCreated, deploy)} < ${budget})`, svc.name), 300, {
    severity: 'critical',
    summary: `Model ${model} has no ready replicas`,
    description: `${model} wants replicas but none is available: the endpoint is down. (Not raised during the first ${budget} s after creation, the startup budget.)`,
    runbook: 'kubectl describe the pods: Pending (no GPU capacity, taints), CrashLoopBackOff (see logs), or not Ready (model still loading or failing health checks).',
  });
  const pods = { pod: podRegex(svc.name) };
  add('ModelPodCrashLooping', withService(
    `max_over_time(${withMatchers(selector(ksm.containerWaitingReason, { ...ns, reason: 'CrashLoopBackOff' }), pods)}[5m]) >= 1`, svc.name), 900, {
    severity: 'warning',
    summary: `A pod of model ${model} is crash-looping`,
    description: `Container {{ $labels.container }} of pod {{ $labels.pod }} (${model}) has been in CrashLoopBackOff for 15 minutes.`,
    runbook: 'kubectl logs --previous: look for CUDA out of memory, NCCL errors (/dev/shm, tensor parallel), a missing token secret, or an unsupported model architecture.',
  });
  add('ModelPodOOMKilled', withService(
    `(${withMatchers(selector(ksm.containerLastTerminatedReason, { ...ns, reason: 'OOMKilled' }), pods)} == 1)`
    + ` and on (namespace, pod, container) (increase(${withMatchers(selector(ksm.containerRestarts, ns), pods)}[15m]) > 0)`, svc.name), undefined, {
    severity: 'warning',
    summary: `A pod of model ${model} was OOM-killed`,
    description: `Container {{ $labels.container }} of pod {{ $labels.pod }} (${model}) was killed for exceeding its memory limit and restarted in the last 15 minutes.`,
    runbook: 'Host memory, not GPU memory: raise resources.memory (weights are staged in host RAM while loading), or lower the CPU-side swap space / KV offload.',
  });
  add('ModelPodNotReadyAfterStartup', withService(
    `(${withMatchers(selector(ksm.podReady, { ...ns, condition: 'true' }), pods)} == 0)`
    + ` and on (namespace, pod) (time() - ${withMatchers(selector(ksm.podStartTime, ns), pods)} > ${budget})`, svc.name), 300, {
    severity: 'warning',
    summary: `A pod of model ${model} is not ready long after start`,
    description: `Pod {{ $labels.pod }} (${model}) started more than ${budget} s ago (its startup budget) and is still not ready.`,
    runbook: 'Check the logs for a stalled weight download (network, token, disk full) or a readiness check failing after load; the startup probe will restart it soon.',
  });
  add('ModelScrapeTargetDown', `${selector(SCRAPE_METRICS.up, sel)} == 0`, t.scrapeDownFor.toSeconds(), {
    severity: 'warning',
    summary: `Prometheus cannot scrape model ${model}`,
    description: `Target {{ $labels.instance }} (pod {{ $labels.pod }}) of ${model} is down: its alerts and its queue-depth autoscaler are blind.`,
    runbook: 'Check the pod is running, the metrics port/path answer (curl /metrics), and that a NetworkPolicy admits the Prometheus namespace.',
  });
  if (m.timeToFirstToken) {
    const p95 = selector(RECORDING_RULES.ttftQuantile('p95'), sel);
    const floor = num(fractionalSeconds(t.ttftAnomalyFloor));
    add('ModelTimeToFirstTokenAnomaly',
      `(${p95} > ${num(t.ttftAnomalyFactor)} * ${selector(RECORDING_RULES.ttftP95Baseline, sel)}) and (${p95} > ${floor})`, 1800, {
        severity: 'warning',
        summary: `Model ${model} time to first token is far above its baseline`,
        description: `TTFT p95 of ${model} is {{ $value | humanizeDuration }}, more than ${num(t.ttftAnomalyFactor)}x its 1-day average, for 30 minutes.`,
        runbook: 'Compare with traffic and prompt length changes; check for a new version, a noisy neighbour on the GPUs, or throttling (GPU temperature, power).',
      });
  }
  return alerts;
}
