import { selector } from '../engines';
import { groupAlerts, groupWorkloadCreated, podServiceWithGroups } from './group-alerts';
import { KUBE_STATE_METRICS, SCRAPE_METRICS } from './known-metrics';
import { promDuration } from './promql';
import { alertRule, num, RuleGroupSpec, RuleSpec } from './rule-group';
import { MODEL_LABELS, POD_DEPLOYMENT_REGEX, RECORDING_RULES } from './service-rules';
import { objectiveExpr, promNumber, SERVICE_SERIES, STACK_LABEL } from './service-series';
import { BURN_RATE_TIERS, BurnRateTier, LatencyObjective } from './slo';
import { ResolvedThresholds } from './thresholds';
import { fractionalSeconds } from '../duration';

/** Which signals at least one service of the stack has: alerts no service can use are left out. */
export interface StackSignals {
  readonly availability: boolean;
  readonly timeToFirstToken: boolean;
  readonly queueDepth: boolean;
  readonly kvCacheUsage: boolean;
  /** Names of the stack's multi-node services (LeaderWorkerSet groups). @default - none */
  readonly groupServices?: readonly string[];
}

/** What the shared alerts of a stack are built from. */
export interface ServiceAlertOptions {
  /** Rule group name. */
  readonly name: string;
  /** Value of the stack label (`<namespace>/<name>`). */
  readonly stack: string;
  readonly thresholds: ResolvedThresholds;
  readonly signals: StackSignals;
  /** The stack's objectives, for services without their own. */
  readonly defaults: { readonly availability: number; readonly timeToFirstToken: LatencyObjective };
  readonly runbookBaseUrl?: string;
}

function tierText(tiers: readonly BurnRateTier[]): string {
  return tiers.map(t => `${t.factor}x over ${t.longWindow} and ${t.shortWindow}`).join(', or ');
}

function pct(x: number): string {
  return `${num(x * 100)} %`;
}

/**
 * An alert template that shows a per-service series of the alert's service (its objective,
 * threshold or startup budget): the alert rule is shared, the number is the service's own,
 * or `stackDefault` when the service has no such series. Namespace and service name one
 * service in the cluster, whatever stack watches it.
 */
export function serviceValueTemplate(series: string, format: 'humanizePercentage' | 'humanizeDuration', stackDefault?: number): string {
  // A quoted number: every Prometheus version's template functions parse strings.
  const otherwise = stackDefault === undefined ? '' : `{{ else }}{{ "${promNumber(stackDefault)}" | ${format} }}`;
  return `{{ with printf "${series}{namespace=%q,service=%q}" $labels.namespace $labels.service | query }}{{ . | first | value | ${format} }}${otherwise}{{ end }}`;
}

/** Sets `service` from a kube-state-metrics `deployment` or `pod` label (and drops the target's). */
function serviceFrom(expr: string, label: 'deployment' | 'pod'): string {
  return `label_replace(${expr}, "service", "$1", "${label}", "${label === 'pod' ? POD_DEPLOYMENT_REGEX : '(.+)'}")`;
}

/**
 * The alerts of every service of one stack, as one rule each: they read the recorded series
 * (which carry the stack label) and compare them with the services' own objective series on
 * `(namespace, service)`; the kube-state-metrics alerts name their service from the Deployment
 * or pod and keep to the stack's services by joining with their startup-budget series.
 * Also records the 1-day TTFT baseline the anomaly alert reads.
 */
export function serviceAlertGroup(o: ServiceAlertOptions): RuleGroupSpec {
  const t = o.thresholds;
  const scope = { [STACK_LABEL]: o.stack };
  const rec = (series: string) => selector(series, scope);
  const on = `on (${MODEL_LABELS})`;
  const budgets = rec(SERVICE_SERIES.startupBudget);
  const model = '{{ $labels.namespace }}/{{ $labels.service }}';
  const rules: RuleSpec[] = [];
  const add = (name: string, expr: string, forSeconds: number | undefined, text: { severity: string; summary: string; description: string; runbook: string }) =>
    rules.push(alertRule(name, expr, forSeconds ? promDuration(forSeconds) : undefined, text, o.runbookBaseUrl));
  const burn = (ratio: (w: string) => string, objective: string, tiers: readonly BurnRateTier[]) => tiers.map(tier => {
    // group_left: with a one-to-one `on`, the result would keep only the `on` labels.
    const limit = `${on} group_left () (${tier.factor} * (1 - ${objective}))`;
    return `(${rec(ratio(tier.longWindow))} > ${limit} and ${rec(ratio(tier.shortWindow))} > ${limit})`;
  }).join(' or ');

  if (o.signals.timeToFirstToken) {
    rules.push({ record: RECORDING_RULES.ttftP95Baseline, expr: `avg_over_time(${rec(RECORDING_RULES.ttftQuantile('p95'))}[1d])`, labels: scope });
  }
  if (o.signals.availability) {
    const objective = objectiveExpr(SERVICE_SERIES.availability, o.stack, o.defaults.availability);
    const slo = `availability objective ${serviceValueTemplate(SERVICE_SERIES.availability, 'humanizePercentage', o.defaults.availability)}`;
    add('ModelErrorBudgetBurnFast', burn(RECORDING_RULES.errorRatio, objective, BURN_RATE_TIERS.page), 120, {
      severity: 'critical',
      summary: `Model ${model} is burning its error budget fast`,
      description: `Error ratio of ${model} is {{ $value | humanizePercentage }}: burn rate ${tierText(BURN_RATE_TIERS.page)} (${slo}). At this rate a 30-day budget is gone in under 5 days.`,
      runbook: 'Check the model server logs for 5xx causes (OOM, CUDA errors, timeouts), recent rollouts, and GPU XID alerts on its nodes; roll back a recent change first.',
    });
    add('ModelErrorBudgetBurnSlow', burn(RECORDING_RULES.errorRatio, objective, BURN_RATE_TIERS.ticket), 900, {
      severity: 'warning',
      summary: `Model ${model} is steadily burning its error budget`,
      description: `Error ratio of ${model} is {{ $value | humanizePercentage }}: burn rate ${tierText(BURN_RATE_TIERS.ticket)} (${slo}).`,
      runbook: 'Look for a recurring error class in the server logs (bad requests turned 5xx, context length, timeouts) and for replicas that fail more than others.',
    });
  }
  if (o.signals.timeToFirstToken) {
    const d = o.defaults.timeToFirstToken;
    const objective = objectiveExpr(SERVICE_SERIES.ttftObjective, o.stack, d.objective);
    const within = serviceValueTemplate(SERVICE_SERIES.ttftThreshold, 'humanizeDuration', fractionalSeconds(d.threshold));
    const slo = `objective: ${serviceValueTemplate(SERVICE_SERIES.ttftObjective, 'humanizePercentage', d.objective)} of requests get a first token within ${within}`;
    add('ModelTimeToFirstTokenBudgetBurnFast', burn(RECORDING_RULES.ttftSloMissRatio, objective, BURN_RATE_TIERS.page), 120, {
      severity: 'critical',
      summary: `Model ${model} is too slow to first token`,
      description: `{{ $value | humanizePercentage }} of requests to ${model} wait more than ${within} for a first token: burn rate ${tierText(BURN_RATE_TIERS.page)} (${slo}).`,
      runbook: 'Check queue depth and KV-cache use (saturation: scale out or raise maxReplicas), pending pods waiting for GPUs, and long prompts hogging prefill.',
    });
    add('ModelTimeToFirstTokenBudgetBurnSlow', burn(RECORDING_RULES.ttftSloMissRatio, objective, BURN_RATE_TIERS.ticket), 900, {
      severity: 'warning',
      summary: `Model ${model} is steadily missing its time-to-first-token objective`,
      description: `{{ $value | humanizePercentage }} of requests to ${model} wait more than ${within} for a first token: burn rate ${tierText(BURN_RATE_TIERS.ticket)} (${slo}).`,
      runbook: 'Compare traffic growth with capacity: raise minReplicas or the autoscaler target, or enable chunked prefill / prefix caching.',
    });
  }
  if (o.signals.queueDepth) {
    add('ModelQueueBacklog', `${rec(RECORDING_RULES.queueDepthAvg)} > ${num(t.queueDepthPerReplica)}`, t.queueBacklogFor.toSeconds(), {
      severity: 'warning',
      summary: `Model ${model} has a sustained request backlog`,
      description: `${model} has {{ $value }} requests waiting per replica on average (threshold ${num(t.queueDepthPerReplica)}) for ${promDuration(t.queueBacklogFor.toSeconds())}.`,
      runbook: 'Check whether the autoscaler is at maxReplicas or new replicas are Pending for lack of GPUs (pool limit, quota, capacity); raise maxReplicas or the pool size.',
    });
  }
  if (o.signals.kvCacheUsage) {
    add('ModelKVCacheNearFull', `${rec(RECORDING_RULES.kvCacheMax)} > ${num(t.kvCacheUsage)}`, t.kvCacheFor.toSeconds(), {
      severity: 'warning',
      summary: `Model ${model} KV cache is nearly full`,
      description: `The fullest replica of ${model} uses {{ $value | humanizePercentage }} of its KV cache (threshold ${pct(t.kvCacheUsage)}): requests get preempted and recomputed, latency climbs.`,
      runbook: 'Scale out, lower max concurrent sequences or maxModelLen, or give replicas more GPU memory (more GPUs per replica, FP8 KV cache).',
    });
  }

  const ksm = KUBE_STATE_METRICS;
  const budget = serviceValueTemplate(SERVICE_SERIES.startupBudget, 'humanizeDuration');
  // Multi-node services' pods are named after their LeaderWorkerSet groups (group-alerts.ts).
  const groups = o.signals.groupServices ?? [];
  const podService = (expr: string, leadersOnly = false) => (groups.length > 0 ? podServiceWithGroups(expr, groups, leadersOnly) : serviceFrom(expr, 'pod'));
  const created = groups.length > 0
    ? `(${serviceFrom(selector(ksm.deploymentCreated, {}), 'deployment')} or ${groupWorkloadCreated(groups)})`
    : serviceFrom(selector(ksm.deploymentCreated, {}), 'deployment');
  // Ready pods, whoever owns them: the Deployment's, or an Argo Rollout's once it has adopted the
  // Deployment and scaled it to zero (argo-rollouts `workloadRef.scaleDown`, v1.7+), canary pods
  // included. Both are named `<service>-<pod-template-hash>-<5 random>`, the Rollout being named
  // after the service. Every service has at least one replica by design (minReplicas >= 1), so any
  // service of the stack (its startup-budget series) with no ready pod is down.
  // A group serves through its leader: a multi-node replica is ready when its leader is.
  const readyPods = `sum by (${MODEL_LABELS}) (${podService(`(${selector(ksm.podReady, { condition: 'true' })} == 1)`, true)})`;
  add('ModelNoReadyReplicas',
    `(${budgets} unless ${on} (${readyPods} > 0))`
    + ` unless ${on} (time() - ${created} < ${on} group_left ${budgets})`, 300, {
      severity: 'critical',
      summary: `Model ${model} has no ready replicas`,
      description: `${model} wants replicas but none is available: the endpoint is down. (Not raised during the first ${budget} after creation, its startup budget.)`,
      runbook: 'kubectl describe the pods: Pending (no GPU capacity, taints), CrashLoopBackOff (see logs), or not Ready (model still loading or failing health checks).',
    });
  add('ModelPodCrashLooping',
    `${podService(`max_over_time(${selector(ksm.containerWaitingReason, { reason: 'CrashLoopBackOff' })}[5m]) >= 1`)} and ${on} ${budgets}`, 900, {
      severity: 'warning',
      summary: `A pod of model ${model} is crash-looping`,
      description: `Container {{ $labels.container }} of pod {{ $labels.pod }} (${model}) has been in CrashLoopBackOff for 15 minutes.`,
      runbook: 'kubectl logs --previous: look for CUDA out of memory, NCCL errors (/dev/shm, tensor parallel), a missing token secret, or an unsupported model architecture.',
    });
  add('ModelPodOOMKilled',
    `${podService(`(${selector(ksm.containerLastTerminatedReason, { reason: 'OOMKilled' })} == 1)`
      + ` and on (namespace, pod, container) (increase(${selector(ksm.containerRestarts, {})}[15m]) > 0)`)} and ${on} ${budgets}`, undefined, {
      severity: 'warning',
      summary: `A pod of model ${model} was OOM-killed`,
      description: `Container {{ $labels.container }} of pod {{ $labels.pod }} (${model}) was killed for exceeding its memory limit and restarted in the last 15 minutes.`,
      runbook: 'Host memory, not GPU memory: raise resources.memory (weights are staged in host RAM while loading), or lower the CPU-side swap space / KV offload.',
    });
  add('ModelPodNotReadyAfterStartup',
    `${podService(`${selector(ksm.podReady, { condition: 'true' })} == 0`)}`
    + ` and on (namespace, pod) (time() - ${podService(selector(ksm.podStartTime, {}))} > ${on} group_left ${budgets})`, 300, {
      severity: 'warning',
      summary: `A pod of model ${model} is not ready long after start`,
      description: `Pod {{ $labels.pod }} (${model}) started more than ${budget} ago (its startup budget) and is still not ready.`,
      runbook: 'Check the logs for a stalled weight download (network, token, disk full) or a readiness check failing after load; the startup probe will restart it soon.',
    });
  // A loading engine does not answer (vLLM binds its port only after the weights are in), and the
  // Prometheus Operator scrapes pods that are not Ready yet: a pod inside its startup budget is
  // loading, not down (ModelPodNotReadyAfterStartup covers a load that never finishes).
  add('ModelScrapeTargetDown', `(${rec(SCRAPE_METRICS.up)} == 0)`
    + ` unless on (namespace, pod) (time() - ${podService(selector(ksm.podStartTime, {}))} < ${on} group_left ${budgets})`, t.scrapeDownFor.toSeconds(), {
    severity: 'warning',
    summary: `Prometheus cannot scrape model ${model}`,
    description: `Target {{ $labels.instance }} (pod {{ $labels.pod }}) of ${model} is down: its alerts and its queue-depth autoscaler are blind.`,
    runbook: 'Check the pod is running, the metrics port/path answer (curl /metrics), and that a NetworkPolicy admits the Prometheus namespace.',
  });
  rules.push(...groupAlerts(groups, budgets, o.runbookBaseUrl));
  if (o.signals.timeToFirstToken) {
    const p95 = rec(RECORDING_RULES.ttftQuantile('p95'));
    const floor = num(fractionalSeconds(t.ttftAnomalyFloor));
    add('ModelTimeToFirstTokenAnomaly',
      `(${p95} > ${num(t.ttftAnomalyFactor)} * ${rec(RECORDING_RULES.ttftP95Baseline)}) and (${p95} > ${floor})`, 1800, {
        severity: 'warning',
        summary: `Model ${model} time to first token is far above its baseline`,
        description: `TTFT p95 of ${model} is {{ $value | humanizeDuration }}, more than ${num(t.ttftAnomalyFactor)}x its 1-day average, for 30 minutes.`,
        runbook: 'Compare with traffic and prompt length changes; check for a new version, a noisy neighbour on the GPUs, or throttling (GPU temperature, power).',
      });
  }
  return { name: o.name, rules };
}
