import { selector } from '../engines';
import { DCGM_METRICS, SCRAPE_METRICS } from './known-metrics';
import { promDuration } from './promql';
import { alertRule, num, RuleGroupSpec } from './rule-group';
import { ResolvedThresholds } from './thresholds';

/**
 * In Kubernetes mode the DCGM exporter labels a GPU with the `namespace` and `pod` holding it;
 * the model is the pod's Deployment, i.e. the pod name without its two hash suffixes.
 */
function withModel(expr: string): string {
  return `label_replace(${expr}, "service", "$1", "pod", "(.+)-[a-z0-9]+-[a-z0-9]+")`;
}

/** Where the DCGM exporter runs, for its scrape-health alert. */
export interface DcgmTarget {
  /** The `job` label of its targets (the Service name). */
  readonly job: string;
}

/** GPU alerts on DCGM metrics, one group for the whole stack. */
export function gpuRuleGroup(name: string, t: ResolvedThresholds, target: DcgmTarget | undefined, runbookBaseUrl?: string): RuleGroupSpec {
  const d = DCGM_METRICS;
  const gpu = 'GPU {{ $labels.gpu }} on node {{ $labels.Hostname }}';
  const model = 'model {{ $labels.service }} (pod {{ $labels.namespace }}/{{ $labels.pod }})';
  const rules = [
    alertRule('GpuXidError', withModel(`max_over_time(${selector(d.xidErrors, {})}[5m]) > 0`), undefined, {
      severity: 'warning',
      summary: `${gpu} reported XID error {{ $value }}, serving ${model}`,
      description: `${gpu} reported XID {{ $value }} in the last 5 minutes; it serves ${model} (empty when idle). XIDs 48, 63, 64, 74, 79, 94 and 95 mean the GPU needs a reset or replacement.`,
      runbook: 'Look the XID up in NVIDIA\'s XID table; for fatal XIDs cordon and drain the node and let the pool replace it; for 13/31/43 check the model server logs.',
    }, runbookBaseUrl),
    alertRule('GpuTemperatureHigh', withModel(`${selector(d.gpuTemp, {})} > ${num(t.gpuTemperatureCelsius)}`), promDuration(600), {
      severity: 'warning',
      summary: `${gpu} is hot ({{ $value }} °C), serving ${model}`,
      description: `${gpu} has been above ${num(t.gpuTemperatureCelsius)} °C for 10 minutes; it will throttle its clocks and slow ${model}.`,
      runbook: 'Check the node\'s cooling and power events with the provider; move the workload (cordon and drain) if it persists.',
    }, runbookBaseUrl),
    alertRule('GpuMemorySaturated', withModel(`${selector(d.fbUsed, {})} / (${selector(d.fbUsed, {})} + ${selector(d.fbFree, {})}) > ${num(t.gpuMemoryUsage)}`), promDuration(900), {
      severity: 'warning',
      summary: `${gpu} memory is nearly full, serving ${model}`,
      description: `${gpu} has used {{ $value | humanizePercentage }} of its memory for 15 minutes (threshold ${num(t.gpuMemoryUsage * 100)} %); ${model} risks CUDA out-of-memory errors.`,
      runbook: 'Check for a second process on the GPU (nvidia-smi) or a memoryUtilization set too high; lower it or give the model more GPUs.',
    }, runbookBaseUrl),
  ];
  if (target) {
    rules.push(alertRule('GpuExporterDown', `${selector(SCRAPE_METRICS.up, { job: target.job })} == 0`, promDuration(t.scrapeDownFor.toSeconds()), {
      severity: 'warning',
      summary: 'DCGM exporter on node {{ $labels.node }} cannot be scraped; GPU alerts are blind for the models on it',
      description: 'Target {{ $labels.instance }} of the DCGM exporter is down: GPU XID, temperature and memory alerts cannot fire for the models on that node.',
      runbook: 'kubectl describe the exporter pod: it needs the NVIDIA runtime, the kubelet pod-resources socket and SYS_ADMIN (see docs/monitoring.md).',
    }, runbookBaseUrl));
  }
  return { name, rules };
}
