import { ApiObject, Chart, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EngineKind } from '../engines';
import { checkDnsLabel, Problems } from '../errors';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/prometheusrules-monitoring.coreos.com';
import { ServiceMonitor } from '../imports/servicemonitors-monitoring.coreos.com';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import { ModelService } from '../model-service';
import { PlanContribution } from '../report/contributor';
import { renderDashboard, gpuFleetDashboard, serviceDashboard } from './dashboards';
import { Dcgm, DcgmExporter, DcgmMode } from './dcgm';
import { gpuRuleGroup } from './gpu-rules';
import { DEFAULT_DASHBOARD_LABELS, DEFAULT_SERVICE_MONITOR_LABELS, MonitoringStackProps } from './props';
import { promDuration } from './promql';
import { checkUserRule } from './rule-check';
import { alertRule, RuleGroupSpec, RuleSpec } from './rule-group';
import { serviceRuleGroup, ServiceRuleConfig } from './service-rules';
import { DEFAULT_SLO, LatencyObjective, MAX_BURN_FACTOR, SloOptions, TTFT_BUCKETS } from './slo';
import { resolveThresholds } from './thresholds';
import { fractionalSeconds } from '../duration';
import { nameHolder, takeName } from '../name-registry';

const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABELS = { 'app.kubernetes.io/managed-by': 'modelship', 'app.kubernetes.io/component': 'monitoring' };

/**
 * Monitoring for a fleet of model services: a ServiceMonitor per service, the DCGM exporter
 * for GPU metrics, one PrometheusRule (recording rules, SLO burn-rate and health alerts), and
 * Grafana dashboards as sidecar ConfigMaps. Every metric name comes from the engines' map, the
 * DCGM / kube-state-metrics lists, or the recording rules written here.
 *
 * The PrometheusRule is `node.defaultChild`.
 */
export class MonitoringStack extends Construct {
  /** Name prefix of the stack's objects. */
  public readonly name: string;
  /** The rule groups, as in a Prometheus rule file (for `promtool` and inspection). */
  public readonly ruleGroups: RuleGroupSpec[];
  /** ServiceMonitors, one per service. */
  public readonly serviceMonitors: ApiObject[] = [];
  /** The PrometheusRule. */
  public readonly prometheusRule: ApiObject;
  /** The DCGM exporter, when deployed. */
  public readonly dcgmExporter?: DcgmExporter;
  /** Dashboard ConfigMaps. */
  public readonly dashboards: ApiObject[] = [];
  /** The services it watches. */
  public readonly services: readonly ModelService[];
  /** The pools whose GPUs it watches. */
  public readonly nodePools: readonly IGpuNodePool[];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id);
    const problems = new Problems(this.node.path);
    this.name = props.name ?? id;
    checkDnsLabel(problems, 'name', this.name, 40);
    const namespace = Chart.of(this).namespace;
    // The PrometheusRule, dashboards and DCGM objects are named after the stack.
    const namesake = nameHolder(this, 'MonitoringStack', `${namespace ?? 'default'}/${this.name}`);
    if (namesake) {
      problems.add('name', this.name, `the monitoring stack ${namesake.node.path} has the same name, so both would emit a PrometheusRule and dashboards named after ${this.name}`,
        'give each MonitoringStack its own name (or id), or put every service in one stack');
    }
    const thresholds = resolveThresholds(props.thresholds);
    const pools = props.nodePools ?? [];
    this.services = [...props.services];
    this.nodePools = [...pools];
    const dcgm = props.dcgm ?? (pools.length > 0 ? Dcgm.exporter() : Dcgm.none());
    const smLabels = props.serviceMonitorLabels ?? DEFAULT_SERVICE_MONITOR_LABELS;

    checkThresholds(problems, props);
    if (props.scrapeInterval !== undefined) {
      // Rendered in whole seconds (`30s`, `1m`); Duration.toSeconds() throws on a fraction.
      const seconds = fractionalSeconds(props.scrapeInterval);
      if (!(Number.isInteger(seconds) && seconds >= 1)) {
        problems.add('scrapeInterval', `${seconds}s`, 'a scrape interval is a whole number of seconds >= 1', 'use e.g. Duration.seconds(30), or leave it out for Prometheus\' global interval');
      }
    }
    const stackSlo = props.slo ?? {};
    checkSlo(problems, 'slo', stackSlo);
    if (dcgm.mode === DcgmMode.DEPLOY && pools.length === 0) {
      problems.add('dcgm', 'Dcgm.exporter()', 'the DCGM exporter runs on the nodes of the given pools, and nodePools is empty',
        'pass the GPU pools in nodePools, or use Dcgm.existing() when the GPU Operator runs an exporter');
    }

    const seen = new Set<string>();
    props.services.forEach((svc, i) => {
      const key = `${svc.namespace}/${svc.name}`;
      if (seen.has(key)) problems.add(`services[${i}]`, key, 'the service is listed twice', 'list each service once');
      seen.add(key);
    });
    const explicit = new Map<ModelService, SloOptions>();
    (props.serviceSlos ?? []).forEach((s, i) => {
      const path = `serviceSlos[${i}]`;
      if (!props.services.includes(s.service)) {
        problems.add(`${path}.service`, s.service.name, 'the service is not in services, so it has no rules to apply the SLO to', `add ${s.service.name} to services`);
      }
      checkSlo(problems, `${path}.slo`, s.slo);
      const m = s.service.metrics;
      const engine = `${s.service.engine.kind} ${s.service.engine.version}`;
      if (s.slo.availability !== undefined && !(m.errors && m.requests)) {
        problems.add(`${path}.slo.availability`, s.slo.availability, `${engine} exports no failed-request counter, so an error ratio cannot be measured`,
          'remove the availability SLO for this service, or put a gateway that counts errors in front of it and alert on that');
      }
      if (s.slo.timeToFirstToken !== undefined && !m.timeToFirstToken) {
        problems.add(`${path}.slo.timeToFirstToken`, `${s.slo.timeToFirstToken.threshold?.toHumanString?.() ?? s.slo.timeToFirstToken.threshold}`,
          `${engine} exports no time-to-first-token metric (it has only end-to-end and per-token latency)`,
          'remove the TTFT SLO for this service, or serve it with vLLM or SGLang, which export a TTFT histogram');
      }
      explicit.set(s.service, s.slo);
    });

    const configs: ServiceRuleConfig[] = props.services.map((svc, i) => {
      const own = explicit.get(svc);
      const m = svc.metrics;
      const availability = own?.availability ?? (m.errors && m.requests ? stackSlo.availability ?? DEFAULT_SLO.availability : undefined);
      const ttft = own?.timeToFirstToken ?? (m.timeToFirstToken ? stackSlo.timeToFirstToken ?? DEFAULT_SLO.timeToFirstToken : undefined);
      if (ttft && m.timeToFirstToken) checkBucket(problems, own?.timeToFirstToken ? 'serviceSlos' : `slo.timeToFirstToken (services[${i}] ${svc.name})`, svc, ttft);
      return { service: svc, availability, timeToFirstToken: m.timeToFirstToken ? ttft : undefined, thresholds, runbookBaseUrl: props.runbookBaseUrl };
    });

    const userRules = checkUserRules(problems, props);
    problems.throwIfAny();
    takeName(this, 'MonitoringStack', `${namespace ?? 'default'}/${this.name}`);

    // Scraping
    for (const svc of props.services) {
      const port = svc.engine.metricsPort === svc.engine.httpPort ? 'http' : 'metrics';
      this.serviceMonitors.push(new ServiceMonitor(this, `${svc.namespace}-${svc.name}`, {
        metadata: { name: svc.name, namespace: svc.namespace, labels: { ...svc.objectLabels(), ...LABELS, ...smLabels } },
        spec: {
          selector: { matchLabels: svc.selectorLabels },
          namespaceSelector: { matchNames: [svc.namespace] },
          endpoints: [{ port, path: svc.engine.metricsPath, interval: props.scrapeInterval ? promDuration(props.scrapeInterval.toSeconds()) : undefined }],
        },
      }));
    }
    let dcgmJob: string | undefined;
    if (dcgm.mode === DcgmMode.DEPLOY) {
      this.dcgmExporter = new DcgmExporter(this, 'DcgmExporter', {
        ...dcgm.exporterOptions,
        namespace: dcgm.exporterOptions?.namespace ?? namespace,
        nodePools: pools,
        serviceMonitorLabels: smLabels,
      });
      dcgmJob = this.dcgmExporter.name;
    } else if (dcgm.mode === DcgmMode.EXISTING) {
      dcgmJob = dcgm.existingOptions?.job ?? 'nvidia-dcgm-exporter';
    }

    // Rules
    this.ruleGroups = configs.map(serviceRuleGroup);
    if (dcgm.mode !== DcgmMode.NONE) this.ruleGroups.push(gpuRuleGroup(`modelship.${this.name}.gpu`, thresholds, dcgmJob ? { job: dcgmJob } : undefined, props.runbookBaseUrl));
    if (userRules.length > 0) this.ruleGroups.push({ name: `modelship.${this.name}.custom`, rules: userRules });
    this.prometheusRule = new PrometheusRule(this, 'Resource', {
      metadata: { name: this.name, namespace, labels: { ...LABELS, ...(props.ruleLabels ?? smLabels) } },
      spec: {
        groups: this.ruleGroups.map(g => ({
          name: g.name,
          rules: g.rules.map(r => ({ ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
        })),
      },
    });
    this.node.defaultChild = this.prometheusRule;

    // Dashboards
    if (props.dashboards ?? true) {
      const dashNs = props.dashboardNamespace ?? namespace;
      const dashLabels = { ...LABELS, ...(props.dashboardLabels ?? DEFAULT_DASHBOARD_LABELS) };
      const specs = props.services.map(svc => ({ key: `${svc.namespace}-${svc.name}`, spec: serviceDashboard(svc, dcgm.mode !== DcgmMode.NONE) }));
      if (dcgm.mode !== DcgmMode.NONE) specs.push({ key: 'gpu-fleet', spec: gpuFleetDashboard(`modelship-${this.name}-gpu-fleet`) });
      for (const { key, spec } of specs) {
        this.dashboards.push(new k8s.KubeConfigMap(this, `Dashboard-${key}`, {
          metadata: {
            name: `${this.name}-dashboard-${key}`,
            namespace: dashNs,
            labels: dashLabels,
            // Honoured by the sidecar when its folderAnnotation is `grafana_folder` (kube-prometheus-stack's default).
            annotations: { grafana_folder: 'modelship' },
          },
          data: { [`${key}.json`]: renderDashboard(spec) },
        }));
      }
    }
  }

  /** Its node and section in PLAN.md (see `IPlanContributor`). */
  public describeForPlan(): PlanContribution {
    const rules = this.ruleGroups.flatMap(g => g.rules);
    const alerts = rules.filter(r => r.alert !== undefined).length;
    return {
      kind: 'monitoring',
      name: this.name,
      summary: `${this.serviceMonitors.length} ServiceMonitors, ${alerts} alerts, ${this.dashboards.length} dashboards`,
      targets: [...this.services, ...this.nodePools],
      details: [
        { label: 'ServiceMonitors', value: String(this.serviceMonitors.length) },
        { label: 'recording rules', value: String(rules.length - alerts) },
        { label: 'alert rules', value: String(alerts) },
        { label: 'dashboards', value: String(this.dashboards.length) },
        { label: 'DCGM exporter', value: this.dcgmExporter ? 'deployed' : 'not deployed' },
      ],
    };
  }
}

function checkSlo(problems: Problems, path: string, slo: SloOptions): void {
  checkObjective(problems, `${path}.availability`, slo.availability);
  const t = slo.timeToFirstToken;
  if (t) {
    checkObjective(problems, `${path}.timeToFirstToken.objective`, t.objective);
    if (!(t.threshold instanceof Duration)) {
      problems.add(`${path}.timeToFirstToken.threshold`, t.threshold, 'a latency needs a unit, and a bare number could be seconds or milliseconds',
        'pass a Duration, e.g. Duration.seconds(1) or Duration.millis(500)');
    }
  }
}

function checkObjective(problems: Problems, path: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!(typeof value === 'number' && value > 0 && value < 1)) {
    const fix = typeof value === 'number' && value > 1 && value < 100 ? `write it as a ratio: ${value / 100}` : 'use a ratio strictly between 0 and 1, e.g. 0.99';
    problems.add(path, value, 'an objective is the share of good requests, strictly between 0 and 1', fix);
    return;
  }
  const budget = 1 - value;
  if (budget * MAX_BURN_FACTOR >= 1) {
    problems.add(path, value, `the error budget ${Number(budget.toPrecision(4))} times the fastest burn rate ${MAX_BURN_FACTOR} is ${Number((budget * MAX_BURN_FACTOR).toPrecision(4))} >= 1, so the page alert could never fire`,
      `use an objective of at least ${Math.ceil((1 - 1 / MAX_BURN_FACTOR) * 1000) / 1000}`);
  }
}

function checkBucket(problems: Problems, path: string, svc: ModelService, o: LatencyObjective): void {
  if (!(o.threshold instanceof Duration)) return;
  const buckets = TTFT_BUCKETS[svc.engine.kind];
  if (!buckets || svc.engine.kind === EngineKind.CUSTOM) return;
  const seconds = fractionalSeconds(o.threshold);
  if (!buckets.includes(seconds)) {
    const below = [...buckets].reverse().find(b => b < seconds);
    const above = buckets.find(b => b > seconds);
    problems.add(path, `${seconds}s`, `${svc.name} runs ${svc.engine.kind}, whose TTFT histogram has no bucket at ${seconds} s (nearest: ${below ?? '-'} s and ${above ?? '-'} s), so the share of requests within it cannot be counted`,
      `use a bucket boundary: one of ${buckets.filter(b => b >= 0.1).join(', ')} s`);
  }
}

function checkThresholds(problems: Problems, props: MonitoringStackProps): void {
  const t = props.thresholds ?? {};
  for (const key of ['kvCacheUsage', 'gpuMemoryUsage'] as const) {
    const v = t[key];
    if (v === undefined) continue;
    if (!(v > 0 && v <= 1)) {
      problems.add(`thresholds.${key}`, v, 'a usage threshold is a ratio between 0 and 1',
        v >= 5 && v <= 100 ? `write ${v} % as ${v / 100}` : 'use a ratio such as 0.95');
    }
  }
  for (const key of ['queueBacklogFor', 'kvCacheFor', 'ttftAnomalyFloor', 'scrapeDownFor'] as const) {
    const v = t[key];
    if (v !== undefined && !(v instanceof Duration)) {
      problems.add(`thresholds.${key}`, v, 'a time needs a unit', 'pass a Duration, e.g. Duration.minutes(15)');
    } else if (v !== undefined && key !== 'ttftAnomalyFloor' && !Number.isInteger(fractionalSeconds(v))) {
      // An alert's `for:` is rendered in whole seconds; rules are evaluated every 15-60 s anyway.
      problems.add(`thresholds.${key}`, `${fractionalSeconds(v)}s`, 'how long an alert condition must hold is a whole number of seconds (rules are evaluated every 15-60 s)',
        'use e.g. Duration.minutes(5)');
    }
  }
  if (t.queueDepthPerReplica !== undefined && !(t.queueDepthPerReplica > 0)) {
    problems.add('thresholds.queueDepthPerReplica', t.queueDepthPerReplica, 'a backlog threshold must be a positive request count', 'use e.g. 10');
  }
  if (t.ttftAnomalyFactor !== undefined && !(t.ttftAnomalyFactor > 1)) {
    problems.add('thresholds.ttftAnomalyFactor', t.ttftAnomalyFactor, 'TTFT at or below its own baseline is not an anomaly', 'use a factor above 1, e.g. 3');
  }
  if (t.gpuTemperatureCelsius !== undefined && !(t.gpuTemperatureCelsius >= 40 && t.gpuTemperatureCelsius <= 110)) {
    problems.add('thresholds.gpuTemperatureCelsius', t.gpuTemperatureCelsius, 'GPU temperatures are °C; data-centre GPUs throttle around 85-90 °C',
      t.gpuTemperatureCelsius > 110 ? 'convert from °F: (F - 32) x 5/9' : 'use e.g. 85');
  }
}

function checkUserRules(problems: Problems, props: MonitoringStackProps): RuleSpec[] {
  const rules: RuleSpec[] = [];
  (props.rules ?? []).forEach((r, i) => {
    const path = `rules[${i}]`;
    const before = problems.list.length;
    checkUserRule(problems, path, r);
    if (r.alert && !ALERT_NAME.test(r.name)) {
      problems.add(`${path}.name`, r.name, 'not a valid alert name (letters, digits, _)', `use e.g. "${r.name.replace(/[^a-zA-Z0-9_]/g, '')}"`);
    }
    if (r.recording && !METRIC_NAME.test(r.name)) {
      problems.add(`${path}.name`, r.name, 'not a valid metric name (letters, digits, _ and :)', 'use level:metric:operations, e.g. "team:requests:rate5m"');
    }
    if (r.alert?.for !== undefined && !(r.alert.for instanceof Duration)) {
      problems.add(`${path}.for`, r.alert.for, 'a time needs a unit', 'pass a Duration, e.g. Duration.minutes(10)');
    } else if (r.alert?.for !== undefined && !Number.isInteger(fractionalSeconds(r.alert.for))) {
      // Rendered in whole seconds; Duration.toSeconds() throws on a fraction.
      problems.add(`${path}.for`, `${fractionalSeconds(r.alert.for)}s`,
        'how long an alert condition must hold is a whole number of seconds (rules are evaluated every 15-60 s)', 'use e.g. Duration.minutes(10)');
    }
    if (problems.list.length > before) return;
    if (r.alert) {
      const a = r.alert;
      const spec = alertRule(a.name, a.expr, a.for ? promDuration(a.for.toSeconds()) : undefined, {
        severity: a.severity ?? 'warning', summary: a.summary, description: a.description ?? a.summary,
        runbook: a.runbookUrl ? `see ${a.runbookUrl}` : 'no runbook given for this rule',
      }, undefined);
      rules.push({
        ...spec,
        labels: { ...(a.labels ?? {}), ...spec.labels },
        annotations: a.runbookUrl ? { ...spec.annotations, runbook_url: a.runbookUrl } : spec.annotations,
      });
    } else if (r.recording) {
      rules.push({ record: r.name, expr: r.expr, ...(r.recording.labels ? { labels: r.recording.labels } : {}) });
    }
  });
  return rules;
}
