import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ModelshipConstruct } from '../construct-base';
import { checkDnsLabel, Problems } from '../errors';
import { ModelService } from '../model-service';
import { checkStackNames } from './api-checks';
import { renderDashboard, gpuFleetDashboard, runtimeDashboard, DashboardSpec } from './dashboards';
import { Dcgm, DcgmExporter, DcgmMode } from './dcgm';
import { endpointPickerAlertGroup } from './endpoint-picker-alerts';
import { endpointPickerDashboard } from './endpoint-picker-dashboard';
import { EngineGroup, groupByEngineMetrics } from './engine-groups';
import { engineRuleGroup } from './engine-rules';
import { gpuRuleGroup } from './gpu-rules';
import { promDuration } from './promql';
import { MONITORING_STACK_FIELDS } from './prop-shapes';
import { DEFAULT_DASHBOARD_LABELS, DEFAULT_SERVICE_MONITOR_LABELS, MonitoringStackProps } from './props';
import { checkUserRule } from './rule-check';
import { alertRule, RuleGroupSpec, RuleSpec } from './rule-group';
import { serviceAlertGroup } from './service-alerts';
import { ServiceObjectives, serviceSeriesGroup, STACK_LABEL } from './service-series';
import { DEFAULT_SLO, LatencyObjective, MAX_BURN_FACTOR, SloOptions } from './slo';
import { resolveThresholds } from './thresholds';
import { fractionalSeconds } from '../duration';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import * as k8s from '../imports/k8s';
import { checkObjectSizes } from '../object-size';
import { checkDuration, checkHttpUrl } from '../private/api-rules';
import { prometheusRules } from '../private/crd-bindings';
import { guardProps } from '../private/prop-guards';
import { checkSameApp } from '../private/same-app';
import type { PlanContribution } from '../report/contributor';

const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABELS = { 'app.kubernetes.io/managed-by': 'modelship', 'app.kubernetes.io/component': 'monitoring' };

/**
 * Monitoring for a fleet of model services: a ServiceMonitor per service, the DCGM exporter
 * for GPU metrics, PrometheusRules (recording rules, SLO burn-rate and health alerts), and
 * Grafana dashboards as sidecar ConfigMaps. Every metric name comes from the engines' map, the
 * DCGM / kube-state-metrics lists, or the recording rules written here.
 *
 * Nothing shared grows with the fleet: recording rules are written once per engine metric map,
 * alerts once per stack, dashboards once per engine kind; what is truly per service (its SLO
 * objectives and startup budget) is a small PrometheusRule of its own. See docs/monitoring.md.
 *
 * The stack's main PrometheusRule (alerts, GPU and custom rules) is `node.defaultChild`.
 */
export class MonitoringStack extends ModelshipConstruct {
  /** Name prefix of the stack's objects. */
  public readonly name: string;
  /** The rule groups, as in a Prometheus rule file (for `promtool` and inspection). */
  public readonly ruleGroups: RuleGroupSpec[];
  /** The services' PodMonitors, which this stack configures (each service owns its own). */
  public readonly podMonitors: ApiObject[] = [];
  /** The main PrometheusRule: the shared alerts, the GPU rules and your `rules`. */
  public readonly prometheusRule: ApiObject;
  /**
   * Every PrometheusRule: the main one, then one per engine metric map (recording rules), then
   * one per service (its objectives and startup budget as constant series).
   */
  public readonly prometheusRules: ApiObject[] = [];
  /** The DCGM exporter, when deployed. */
  public readonly dcgmExporter?: DcgmExporter;
  /** Dashboard ConfigMaps. */
  public readonly dashboards: ApiObject[] = [];
  /** The services it watches. */
  public readonly services: readonly ModelService[];
  /** PrometheusRules of the endpoint pickers (0 or 1). */
  private readonly pickerRuleObjects: number;
  /** The pools whose GPUs it watches. */
  public readonly nodePools: readonly IGpuNodePool[];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id);
    const problems = this._problems;
    // JavaScript and config-driven callers: wrong types end here, as a ValidationError.
    if (!guardProps(problems, props, MONITORING_STACK_FIELDS, '{ services: [llama] }')) problems.throwIfAny();
    this.name = props.name ?? id;
    checkDnsLabel(problems, 'name', this.name, 40);
    const namespace = Chart.of(this).namespace;
    // The PrometheusRule, dashboards and DCGM objects are named after the stack.
    this._claimName('MonitoringStack', `${namespace ?? 'default'}/${this.name}`, namesake => ({
      property: 'name',
      value: this.name,
      reason: `the monitoring stack ${namesake.node.path} has the same name, so both would emit a PrometheusRule and dashboards named after ${this.name}`,
      fix: 'give each MonitoringStack its own name (or id), or put every service in one stack',
    }));
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
      } else {
        checkDuration(problems, 'scrapeInterval', promDuration(seconds), 'prometheus');
      }
    }
    // A runbook link is clicked by whoever reads the alert: http(s) only, never javascript: or data:.
    if (props.runbookBaseUrl !== undefined) checkHttpUrl(problems, 'runbookBaseUrl', props.runbookBaseUrl);
    checkStackNames(problems, props, dcgm);
    const stackSlo = props.slo ?? {};
    checkSlo(problems, 'slo', stackSlo);
    if (dcgm.mode === DcgmMode.DEPLOY && pools.length === 0) {
      problems.add('dcgm', 'Dcgm.exporter()', 'the DCGM exporter runs on the nodes of the given pools, and nodePools is empty',
        'pass the GPU pools in nodePools, or use Dcgm.existing() when the GPU Operator runs an exporter');
    }

    props.services.forEach((svc, i) => checkSameApp(problems, `services[${i}]`, this, svc));
    pools.forEach((pool, i) => checkSameApp(problems, `nodePools[${i}]`, this, pool));
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

    // The stack's objectives hold for every service that has the metric; a service's own
    // (serviceSlos) become its own series.
    const defaults = {
      availability: stackSlo.availability ?? DEFAULT_SLO.availability,
      timeToFirstToken: stackSlo.timeToFirstToken ?? DEFAULT_SLO.timeToFirstToken,
    };
    const configs: ServiceObjectives[] = props.services.map((svc, i) => {
      const own = explicit.get(svc);
      if (svc.metrics.timeToFirstToken) {
        checkBucket(problems, own?.timeToFirstToken ? 'serviceSlos' : `slo.timeToFirstToken (services[${i}] ${svc.name})`, svc, own?.timeToFirstToken ?? defaults.timeToFirstToken);
      }
      return { service: svc, availability: own?.availability, timeToFirstToken: own?.timeToFirstToken };
    });

    const userRules = checkUserRules(problems, props);
    this._validate();
    const stack = `${namespace ?? 'default'}/${this.name}`;
    checkObjectSizes(this, obj => this.sizeFix(obj));

    // Scraping: each service owns the PodMonitor of its pods (its autoscaler and canaries need it
    // too); the stack configures it. Every series of the stack's services carries the stack label,
    // which the shared rules select on; it is stable, so series keep their identity across upgrades.
    for (const svc of props.services) {
      this.podMonitors.push(svc.configureScrape({
        labels: { ...LABELS, ...smLabels },
        interval: props.scrapeInterval ? promDuration(props.scrapeInterval.toSeconds()) : undefined,
        seriesLabels: { [STACK_LABEL]: stack },
      }, this));
    }
    let dcgmJob: string | undefined;
    if (dcgm.mode === DcgmMode.DEPLOY) {
      this.dcgmExporter = new DcgmExporter(this, 'DcgmExporter', {
        ...dcgm.exporterOptions,
        nodePools: pools,
        serviceMonitorLabels: smLabels,
      });
      dcgmJob = this.dcgmExporter.name;
    } else if (dcgm.mode === DcgmMode.EXISTING) {
      dcgmJob = dcgm.existingOptions?.job ?? 'nvidia-dcgm-exporter';
    }

    // Rules: shared alerts in the main object; recording rules per engine metric map; the
    // objectives of each service in its own small object, so adding a service renames nothing.
    const engineGroups = groupByEngineMetrics(props.services);
    const groupOf = new Map<ModelService, EngineGroup>(engineGroups.flatMap(g => g.services.map(svc => [svc, g] as const)));
    const ruleLabels = { ...LABELS, ...(props.ruleLabels ?? smLabels) };
    const ruleObject = (objectId: string, name: string, groups: RuleGroupSpec[]) => {
      const obj = new (prometheusRules().PrometheusRule)(this, objectId, {
        metadata: { name, namespace, labels: ruleLabels },
        spec: {
          groups: groups.map(g => ({
            name: g.name,
            rules: g.rules.map(r => ({ ...r, expr: prometheusRules().PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
          })),
        },
      });
      this.prometheusRules.push(obj);
      return obj;
    };
    const mainGroups: RuleGroupSpec[] = [serviceAlertGroup({
      name: `modelship.${this.name}.services`,
      stack,
      thresholds,
      defaults,
      runbookBaseUrl: props.runbookBaseUrl,
      signals: {
        availability: props.services.some(s => s.metrics.errors !== undefined && s.metrics.requests !== undefined),
        timeToFirstToken: props.services.some(s => s.metrics.timeToFirstToken !== undefined),
        queueDepth: props.services.some(s => s.metrics.queueDepth !== undefined),
        kvCacheUsage: props.services.some(s => s.metrics.kvCacheUsage !== undefined),
        groupServices: [...new Set(props.services.filter(s => s.plan.multiNode).map(s => s.name))].sort(),
      },
    })];
    if (dcgm.mode !== DcgmMode.NONE) mainGroups.push(gpuRuleGroup(`modelship.${this.name}.gpu`, thresholds, dcgmJob ? { job: dcgmJob } : undefined, props.runbookBaseUrl));
    if (userRules.length > 0) mainGroups.push({ name: `modelship.${this.name}.custom`, rules: userRules });
    this.prometheusRule = ruleObject('Resource', this.name, mainGroups);
    this.node.defaultChild = this.prometheusRule;
    const perEngine = engineGroups.map(g => {
      const ttft = ttftThresholds(configs.filter(c => groupOf.get(c.service) === g), defaults.timeToFirstToken);
      const group = engineRuleGroup(`modelship.${this.name}.${g.key}`, g, stack, { thresholds: ttft, stackDefault: fractionalSeconds(defaults.timeToFirstToken.threshold) });
      ruleObject(`Rules-${g.key}`, `${this.name}-${g.key}`, [group]);
      return group;
    });
    const perService = configs.map(c => {
      const group = serviceSeriesGroup(c, stack, groupOf.get(c.service)!.key);
      // Dots cannot occur in a namespace or Service name, so the name is unambiguous.
      ruleObject(`Rules-${c.service.namespace}.${c.service.name}`, `${this.name}.${c.service.namespace}.${c.service.name}`, [group]);
      return group;
    });
    // Services routed by an InferencePool: an alert per endpoint picker, in an object of its own.
    // (A canary's picker made before the stack is included; one made after it is scraped but not alerted on.)
    const pickers = props.services.flatMap(s => s.endpointPickers.map(p => ({ namespace: p.namespace, poolName: p.poolName, failureMode: p.failureMode })));
    const pickerGroups = pickers.length > 0 ? [endpointPickerAlertGroup(`modelship.${this.name}.endpoint-pickers`, stack, pickers, props.runbookBaseUrl)] : [];
    if (pickerGroups.length > 0) ruleObject('Rules-endpoint-pickers', `${this.name}-endpoint-pickers`, pickerGroups);
    this.pickerRuleObjects = pickerGroups.length;
    this.ruleGroups = [...mainGroups, ...perEngine, ...perService, ...pickerGroups];

    // Dashboards
    if (props.dashboards ?? true) {
      const dashNs = props.dashboardNamespace ?? namespace;
      const dashLabels = { ...LABELS, ...(props.dashboardLabels ?? DEFAULT_DASHBOARD_LABELS) };
      const specs: Array<{ key: string; spec: DashboardSpec }> = [];
      // One dashboard per engine kind, whatever the number of services or versions.
      for (const kind of [...new Set(engineGroups.map(g => g.kind))]) {
        const groups = engineGroups.filter(g => g.kind === kind);
        specs.push({ key: kind, spec: runtimeDashboard(`modelship-${namespace ?? 'default'}-${this.name}-${kind}`, stack, kind, groups, dcgm.mode !== DcgmMode.NONE) });
      }
      if (dcgm.mode !== DcgmMode.NONE) specs.push({ key: 'gpu-fleet', spec: gpuFleetDashboard(`modelship-${this.name}-gpu-fleet`) });
      if (pickers.length > 0) specs.push({ key: 'endpoint-pickers', spec: endpointPickerDashboard(`modelship-${namespace ?? 'default'}-${this.name}-endpoint-pickers`, stack) });
      for (const { key, spec } of specs) {
        this.dashboards.push(new k8s.KubeConfigMap(this, `Dashboard-${key}`, {
          metadata: {
            name: `${this.name}-dashboard-${key}`,
            namespace: dashNs,
            labels: dashLabels,
            // Read by the sidecar only when its folderAnnotation is set to `grafana_folder`, which
            // kube-prometheus-stack does not do by default (see MonitoringStackProps.dashboardFolder).
            annotations: props.dashboardFolder !== undefined ? { grafana_folder: props.dashboardFolder } : undefined,
          },
          data: { [`${key}.json`]: renderDashboard(spec) },
        }));
      }
    }
  }

  /** The fix the object-size check gives for an object of this stack. */
  private sizeFix(obj: ApiObject): string | undefined {
    if (obj === this.prometheusRule) {
      return 'the generated rules in it do not grow with the fleet, so it is your `rules` that are too big: move some to a PrometheusRule of your own, or split them across MonitoringStacks';
    }
    if (obj.node.scopes.includes(this)) {
      return 'modelship keeps the objects it generates far below this limit whatever the fleet size: please report it with the stack\'s props';
    }
    return undefined;
  }

  /** Its node and section in PLAN.md (see `IPlanContributor`). */
  public describeForPlan(): PlanContribution {
    const rules = this.ruleGroups.flatMap(g => g.rules);
    const alerts = rules.filter(r => r.alert !== undefined).length;
    return {
      kind: 'monitoring',
      name: this.name,
      summary: `${this.podMonitors.length} PodMonitors, ${alerts} alerts, ${this.dashboards.length} dashboards`,
      targets: [...this.services, ...this.nodePools],
      details: [
        { label: 'PodMonitors', value: String(this.podMonitors.length) },
        { label: 'PrometheusRules', value: `${this.prometheusRules.length} (1 shared, ${this.prometheusRules.length - 1 - this.services.length - this.pickerRuleObjects} per engine metric map, ${this.services.length} per service${this.pickerRuleObjects ? ', 1 for the endpoint pickers' : ''})` },
        { label: 'recording rules', value: String(rules.length - alerts) },
        { label: 'alert rules', value: String(alerts) },
        { label: 'dashboards', value: String(this.dashboards.length) },
        { label: 'DCGM exporter', value: this.dcgmExporter ? 'deployed' : 'not deployed' },
      ],
    };
  }
}

/** The distinct TTFT thresholds (seconds) of some services of one engine group, ascending. */
function ttftThresholds(configs: readonly ServiceObjectives[], stackDefault: LatencyObjective): number[] {
  const seconds = configs.map(c => fractionalSeconds((c.timeToFirstToken ?? stackDefault).threshold));
  return [...new Set(seconds)].sort((a, b) => a - b);
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
  const buckets = svc.plan.runtime.driver.ttftBuckets;
  if (!buckets) return;
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
    } else if (v !== undefined && key !== 'ttftAnomalyFloor') {
      checkDuration(problems, `thresholds.${key}`, promDuration(fractionalSeconds(v)), 'prometheus');
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
    } else if (r.alert?.for !== undefined) {
      checkDuration(problems, `${path}.for`, promDuration(fractionalSeconds(r.alert.for)), 'prometheus');
    }
    if (r.alert?.runbookUrl !== undefined) checkHttpUrl(problems, `${path}.runbookUrl`, r.alert.runbookUrl);
    if (problems.list.length > before) return;
    if (r.alert) {
      const a = r.alert;
      const spec = alertRule(a.name, a.expr, a.for ? promDuration(a.for.toSeconds()) : undefined, {
        severity: a.severity ?? 'warning',
        summary: a.summary,
        description: a.description ?? a.summary,
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
