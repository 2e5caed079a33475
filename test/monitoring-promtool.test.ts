/**
 * promtool: every generated PrometheusRule passes `promtool check rules`, and every shared alert
 * fires on a synthetic failing series and stays silent on a healthy one (`promtool test rules`)
 * for every service it applies to, with the metric names the real engines export (vLLM 0.9 and
 * 0.8, TGI, SGLang, Triton) and the labels the ServiceMonitors attach. One vLLM 0.9 service has
 * its own objectives, so the shared alerts are tested both on a service's own objective series
 * and on the stack default. Two more tests: every service is recorded by exactly one engine
 * group, and two stacks in one Prometheus never alert on each other's services.
 *
 * Annotations: promtool compares them exactly, so in the unit-test copy of the rules every
 * `{{ $value ... }}` template becomes the literal `VALUE`, and the expected annotations are the
 * templates with `{{ $labels.x }}` filled in from the expected labels and each per-service value
 * (`{{ with ... | query }}`, rendered by promtool from the recorded series) replaced by the
 * value this test expects for that service, formatted as Prometheus' template functions do.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Accelerator, CounterRef, Model, ModelService, MonitoringRule, MonitoringStack, Runtime } from '../lib';
import { fleet } from './support/monitoring-fixture';
import { PROMTOOL, requirePromtool } from './support/promtool';
import { selector } from '../lib/engines/metrics';
import { DCGM_METRICS, KUBE_STATE_METRICS } from '../lib/monitoring-stack/known-metrics';
import { analyzePromql } from '../lib/monitoring-stack/promql';

requirePromtool('`promtool check rules` and `promtool test rules`');
const describeIfPromtool = PROMTOOL ? describe : describe.skip;

type Labels = Record<string, string>;
interface Series { readonly series: string; readonly values: string }
interface Scenario {
  readonly failing: Series[];
  readonly healthy: Series[];
  /** Minutes. */
  readonly evalMinutes: number;
  /** Labels of the firing alert besides alertname and severity. */
  readonly labels: Labels;
}

const s = (metric: string, labels: Labels, values: string): Series => ({ series: selector(metric, labels), values });

/**
 * Labels the PodMonitor gives the service's pods, as Prometheus would: the Operator's own
 * (namespace, pod, container, endpoint, instance, job = <namespace>/<podmonitor>), then the
 * endpoint's relabelings, evaluated on the pod's meta labels (a Deployment pod: no Argo hash).
 * Only `replace` relabelings with the default regex are simulated; anything else fails the test.
 */
function targetLabels(objs: any[], svc: ModelService): Labels {
  // The PodMonitor sits in the service's namespace (the chart's; none in the test chart: `default`).
  const pm = objs.find(o => o.kind === 'PodMonitor' && o.metadata.name === svc.name && (o.metadata.namespace ?? 'default') === svc.namespace);
  const meta: Labels = { __meta_kubernetes_pod_label_modelship_dev_service: svc.name };
  const labels: Labels = { namespace: svc.namespace, pod: `${svc.name}-5d8f7c9b4-x2k9q`, instance: '10.0.0.7:8000', job: `${svc.namespace}/${svc.name}` };
  for (const r of pm.spec.podMetricsEndpoints[0].relabelings ?? []) {
    if ((r.action ?? 'replace') !== 'replace' || r.regex) throw new Error(`relabeling ${JSON.stringify(r)} is not simulated here`);
    const value = r.sourceLabels ? r.sourceLabels.map((l: string) => meta[l] ?? '').join(';') : r.replacement;
    // An empty result removes the label (Prometheus drops empty labels).
    if (value === '') delete labels[r.targetLabel]; else labels[r.targetLabel] = value;
  }
  return labels;
}

/** Target labels of each service, from the synthesized ServiceMonitors. */
const targets = new Map<ModelService, Labels>();
function podLabels(svc: ModelService): Labels {
  const l = targets.get(svc);
  if (!l) throw new Error(`no PodMonitor read for ${svc.name}`);
  return l;
}
/** Labels of a recorded per-service series: namespace, service, and the rule labels (stack, engine group, threshold). */
const recorded = new Map<ModelService, Labels>();
const model = (svc: ModelService): Labels => recorded.get(svc)!;


/** `le` as the engine's client renders it: Python prints `1.0`, so does vLLM; SGLang tested with `1`. */
function le(svc: ModelService, v: number): string {
  return svc.engine.kind === 'vllm' ? (Number.isInteger(v) ? `${v}.0` : String(v)) : String(v);
}

/**
 * A concrete input series for a counter: its exact matchers become labels; a regex matcher that is
 * a plain alternation (`generation|incomplete|dropped`) becomes its first value. Other regexes
 * (vLLM's handler) are given by the caller.
 */
function seriesOf(ref: CounterRef, labels: Record<string, string>): string {
  const fromRegex = Object.fromEntries(Object.entries(ref.regexMatchers ?? {})
    .filter(([k, re]) => /^[\w|]+$/.test(re) && labels[k] === undefined).map(([k, re]) => [k, re.split('|')[0]]));
  return selector(ref.metric, { ...labels, ...fromRegex, ...(ref.matchers ?? {}) });
}

/** Requests with the given error share, with the engine's own counters. */
function traffic(svc: ModelService, errorsPerMin: number): Series[] {
  const m = svc.metrics;
  const pod = podLabels(svc);
  const out: Series[] = [];
  const reqs = m.requests!;
  const err = m.errors!;
  if (reqs.length === 1 && reqs[0].metric === err.metric) {
    // vLLM: one counter, errors are a label value; only the OpenAI API's handlers count, so the
    // probes' and scrapes' steady 2xx on /health and /metrics must not dilute the error ratio.
    const api = { ...pod, handler: '/v1/chat/completions' };
    out.push({ series: seriesOf(reqs[0], { ...api, status: '2xx' }), values: `0+${60 - errorsPerMin}x400` });
    out.push({ series: seriesOf(err, api), values: `0+${errorsPerMin}x400` });
    out.push({ series: seriesOf({ metric: reqs[0].metric }, { ...pod, handler: '/health', status: '2xx' }), values: '0+600x400' });
  } else {
    for (const r of reqs) {
      if (r.metric === err.metric) continue;
      // TGI's count is all requests; Triton's success counter is the good ones.
      out.push({ series: seriesOf(r, pod), values: r.metric.includes('success') ? `0+${60 - errorsPerMin}x400` : '0+60x400' });
    }
    out.push({ series: seriesOf(err, pod), values: `0+${errorsPerMin}x400` });
    // Client mistakes (TGI's 422 `validation`) at a third of the traffic: never the server's error.
    if (m.clientErrors && m.clientErrors.metric === err.metric) out.push({ series: seriesOf(m.clientErrors, pod), values: '0+20x400' });
  }
  return out;
}

/**
 * TTFT histogram, one sample a minute: per phase `[fast, minutes]`, `fast` of 60 requests a
 * minute take under 0.1 s, the rest between 1 and 10 s.
 */
function ttft(svc: ModelService, phases: Array<[number, number]>): Series[] {
  const h = svc.metrics.timeToFirstToken!;
  const pod = podLabels(svc);
  const cumulative = (perMin: (fast: number) => number) => {
    const values = [0];
    for (const [fast, minutes] of phases) for (let i = 0; i < minutes; i++) values.push(values[values.length - 1] + perMin(fast));
    return values.join(' ');
  };
  // 0.5 and 1: the two TTFT thresholds of the fixture.
  const series = [0.1, 0.5, 1].map(b => ({ series: selector(`${h}_bucket`, { ...pod, le: le(svc, b) }), values: cumulative(f => f) }));
  for (const b of [le(svc, 10), '+Inf']) series.push({ series: selector(`${h}_bucket`, { ...pod, le: b }), values: cumulative(() => 60) });
  series.push({ series: selector(`${h}_count`, pod), values: cumulative(() => 60) });
  return series;
}

/** kube-state-metrics' scrape target labels: its own Service, which the alerts must not report as the model. */
const KSM_TARGET: Labels = { job: 'kube-state-metrics', service: 'kube-prometheus-stack-kube-state-metrics' };

function ksmPod(svc: ModelService): Labels {
  return { ...KSM_TARGET, namespace: svc.namespace, pod: `${svc.name}-5d8f7c9b4-x2k9q` };
}

const GPU: Labels = { Hostname: 'ip-10-0-1-20', gpu: '0', UUID: 'GPU-1234', modelName: 'NVIDIA H100 80GB HBM3', namespace: 'default', pod: 'llama-8b-5d8f7c9b4-x2k9q', container: 'server' };

/** Synthetic failing and healthy series for each alert. */
function scenario(alert: string, svc: ModelService | undefined): Scenario {
  const k = KUBE_STATE_METRICS;
  if (svc) {
    const m = svc.metrics;
    const budgetMin = Math.ceil(svc.plan.startupBudgetSeconds / 60);
    switch (alert) {
      case 'ModelErrorBudgetBurnFast':
      case 'ModelErrorBudgetBurnSlow':
        return { failing: traffic(svc, 30), healthy: traffic(svc, 0), evalMinutes: 40, labels: model(svc) };
      case 'ModelTimeToFirstTokenBudgetBurnFast':
      case 'ModelTimeToFirstTokenBudgetBurnSlow':
        return { failing: ttft(svc, [[10, 60]]), healthy: ttft(svc, [[60, 60]]), evalMinutes: 40, labels: { ...model(svc), threshold_seconds: EXPECTED[objectivesOf(svc)].ttftThreshold } };
      case 'ModelTimeToFirstTokenAnomaly':
        return { failing: ttft(svc, [[60, 120], [0, 50]]), healthy: ttft(svc, [[60, 170]]), evalMinutes: 165, labels: model(svc) };
      case 'ModelQueueBacklog':
        return { failing: [s(m.queueDepth!, podLabels(svc), '20x40')], healthy: [s(m.queueDepth!, podLabels(svc), '2x40')], evalMinutes: 30, labels: model(svc) };
      case 'ModelKVCacheNearFull':
        return { failing: [s(m.kvCacheUsage!, podLabels(svc), '0.99x40')], healthy: [s(m.kvCacheUsage!, podLabels(svc), '0.6x40')], evalMinutes: 30, labels: model(svc) };
      case 'ModelNoReadyReplicas': {
        // As the series look while the Deployment owns the pods (see the Argo test for after adoption).
        const d = { ...KSM_TARGET, namespace: svc.namespace, deployment: svc.name };
        const ready = { ...ksmPod(svc), condition: 'true' };
        const n = budgetMin + 30;
        return {
          failing: [s(k.deploymentReplicasAvailable, d, `0x${n}`), s(k.deploymentReplicasSpec, d, `2x${n}`), s(k.deploymentCreated, d, `0x${n}`), s(k.podReady, ready, `0x${n}`)],
          healthy: [s(k.deploymentReplicasAvailable, d, `2x${n}`), s(k.deploymentReplicasSpec, d, `2x${n}`), s(k.deploymentCreated, d, `0x${n}`), s(k.podReady, ready, `1x${n}`)],
          evalMinutes: budgetMin + 15,
          labels: model(svc),
        };
      }
      case 'ModelPodCrashLooping': {
        const l = { ...ksmPod(svc), container: 'server', reason: 'CrashLoopBackOff' };
        return { failing: [s(k.containerWaitingReason, l, '1x40')], healthy: [s(k.containerWaitingReason, l, '0x40')], evalMinutes: 30, labels: { ...l, service: svc.name } };
      }
      case 'ModelPodOOMKilled': {
        const c = { ...ksmPod(svc), container: 'server' };
        const l = { ...c, reason: 'OOMKilled' };
        return {
          failing: [s(k.containerLastTerminatedReason, l, '1x40'), s(k.containerRestarts, c, '0x10 1x30')],
          healthy: [s(k.containerLastTerminatedReason, l, '1x40'), s(k.containerRestarts, c, '1x40')],
          evalMinutes: 20,
          labels: { ...l, service: svc.name },
        };
      }
      case 'ModelPodNotReadyAfterStartup': {
        const l = { ...ksmPod(svc), condition: 'true' };
        const n = budgetMin + 30;
        return {
          failing: [s(k.podReady, l, `0x${n}`), s(k.podStartTime, ksmPod(svc), `0x${n}`)],
          healthy: [s(k.podReady, l, `0x${budgetMin - 2} 1x32`), s(k.podStartTime, ksmPod(svc), `0x${n}`)],
          evalMinutes: budgetMin + 15,
          labels: { ...l, service: svc.name },
        };
      }
      case 'ModelScrapeTargetDown': {
        // Failing: down past its startup budget. Healthy: down, but started a minute ago (loading).
        const n = budgetMin + 30;
        const evalMinutes = budgetMin + 15;
        return {
          failing: [s('up', podLabels(svc), `0x${n}`), s(k.podStartTime, ksmPod(svc), `0x${n}`)],
          healthy: [s('up', podLabels(svc), `0x${n}`), s(k.podStartTime, ksmPod(svc), `${(evalMinutes - 1) * 60}x${n}`)],
          evalMinutes,
          labels: podLabels(svc),
        };
      }
    }
  } else {
    const d = DCGM_METRICS;
    const gpuAlert = { ...GPU, service: 'llama-8b' };
    switch (alert) {
      case 'GpuXidError':
        return { failing: [s(d.xidErrors, GPU, '0x10 79x20')], healthy: [s(d.xidErrors, GPU, '0x30')], evalMinutes: 15, labels: gpuAlert };
      case 'GpuTemperatureHigh':
        return { failing: [s(d.gpuTemp, GPU, '91x30')], healthy: [s(d.gpuTemp, GPU, '65x30')], evalMinutes: 20, labels: gpuAlert };
      case 'GpuMemorySaturated':
        return {
          failing: [s(d.fbUsed, GPU, '80500x30'), s(d.fbFree, GPU, '400x30')],
          healthy: [s(d.fbUsed, GPU, '72000x30'), s(d.fbFree, GPU, '8900x30')],
          evalMinutes: 20,
          labels: gpuAlert,
        };
      case 'GpuExporterDown': {
        const l = { job: 'dcgm-exporter', instance: '10.0.1.20:9400', node: 'ip-10-0-1-20', service: 'dcgm-exporter' };
        return { failing: [s('up', l, '0x20')], healthy: [s('up', l, '1x20')], evalMinutes: 15, labels: l };
      }
    }
  }
  throw new Error(`no promtool scenario for alert ${alert}${svc ? ` on ${svc.name}` : ''}: add one, every alert must be tested`);
}

/**
 * The objectives of the fixture's services (the documented defaults, and the strict service's
 * own), as the label value of the miss-ratio series and as Prometheus' `humanizePercentage` /
 * `humanizeDuration` print them.
 */
const EXPECTED = {
  stack: { availability: '99%', ttftObjective: '95%', ttftThreshold: '1', ttftThresholdText: '1s' },
  strict: { availability: '99.5%', ttftObjective: '97%', ttftThreshold: '0.5', ttftThresholdText: '500ms' },
};
const STRICT = 'llama-8b-strict';
function objectivesOf(svc: ModelService): keyof typeof EXPECTED {
  return svc.name === STRICT ? 'strict' : 'stack';
}

/** Prometheus' `humanizeDuration` (template/template.go), for whole seconds >= 1 and for fractions. */
function humanizeDuration(v: number): string {
  if (v >= 1) {
    const d = Math.trunc(v);
    const [days, hours, minutes, seconds] = [Math.trunc(d / 86400), Math.trunc(d / 3600) % 24, Math.trunc(d / 60) % 60, d % 60];
    if (days) return `${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours) return `${hours}h ${minutes}m ${seconds}s`;
    if (minutes) return `${minutes}m ${seconds}s`;
    return `${v}s`;
  }
  return `${Number((v * 1000).toPrecision(4))}ms`;
}

/** What a `{{ with printf "<series>{...}" ... | query }}...{{ end }}` block renders for a service. */
function expectedValue(series: string, svc: ModelService): string {
  const e = EXPECTED[objectivesOf(svc)];
  switch (series) {
    case 'modelship:service_startup_budget:seconds': return humanizeDuration(svc.plan.startupBudgetSeconds);
    case 'modelship:slo_availability:ratio': return e.availability;
    case 'modelship:slo_time_to_first_token:ratio': return e.ttftObjective;
    case 'modelship:slo_time_to_first_token_threshold:seconds': return e.ttftThresholdText;
  }
  throw new Error(`an annotation shows ${series}, which this test has no expected value for`);
}

const QUERY_BLOCK = /\{\{ with printf "([a-z_:]+)\{[^"]*\}" \$labels\.namespace \$labels\.service \| query \}\}\{\{ \. \| first \| value \| \w+ \}\}(\{\{ else \}\}\{\{ "[^"]*" \| \w+ \}\})?\{\{ end \}\}/g;

function fillLabels(template: string, labels: Labels, svc: ModelService | undefined): string {
  const values = svc ? template.replace(QUERY_BLOCK, (_, series) => expectedValue(series, svc)) : template;
  return values.replace(/\{\{ \$labels\.([a-zA-Z_]+) \}\}/g, (_, l) => labels[l] ?? '');
}

function stripValue(template: string): string {
  return template.replace(/\{\{ \$value[^}]*\}\}/g, 'VALUE');
}

/** The fixture fleet, one more vLLM 0.9 service with its own stricter objectives, and a stack over all. */
function build() {
  const chart = Testing.chart();
  const f = fleet(chart);
  const llama = Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: 'hf-token' });
  const strict = new ModelService(chart, STRICT, { model: llama, runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }), nodePool: f.pools[0] });
  const services = [...f.services, strict];
  const stack = new MonitoringStack(chart, 'monitoring', {
    services,
    nodePools: f.pools,
    serviceSlos: [{ service: strict, slo: { availability: 0.995, timeToFirstToken: { threshold: Duration.millis(500), objective: 0.97 } } }],
    rules: [MonitoringRule.record({ name: 'team:requests:sum', expr: 'sum(modelship:requests:rate5m)' })],
  });
  return { chart, stack, services };
}

function runPromtool(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise(resolve => {
    execFile(PROMTOOL!, args, { cwd }, (err, stdout, stderr) => resolve(err ? `${args.join(' ')}:\n${stdout}\n${stderr}` : undefined));
  });
}

describeIfPromtool('promtool', () => {
  const { chart, stack, services } = build();
  const objs = Testing.synth(chart);
  const ruleObjects = objs.filter((o: any) => o.kind === 'PrometheusRule');
  const groups: any[] = ruleObjects.flatMap((o: any) => o.spec.groups);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-promtool-'));
  afterAll(() => { if (process.env.KEEP_PROMTOOL_DIR) console.log(dir); else fs.rmSync(dir, { recursive: true, force: true }); });

  /** The per-service group of a service (its startup budget and own objectives) and its engine group (recording rules). */
  const ownGroup = (svc: ModelService) => groups.find(g => g.name === `modelship.${svc.namespace}.${svc.name}`);
  const engineKey = (svc: ModelService): string => ownGroup(svc).rules.find((r: any) => r.record === 'modelship:service_startup_budget:seconds').labels.modelship_engine;
  const engineGroup = (svc: ModelService) => groups.find(g => g.name === `modelship.monitoring.${engineKey(svc)}`);
  const alertGroup = groups.find(g => g.name === 'modelship.monitoring.services');
  for (const svc of services) {
    targets.set(svc, targetLabels(objs, svc));
    recorded.set(svc, { namespace: svc.namespace, service: svc.name, modelship_stack: 'default/monitoring', modelship_engine: engineKey(svc) });
  }

  test('check rules passes on every generated PrometheusRule, with no duplicate rules', async () => {
    const files = ruleObjects.map((o: any) => {
      const file = path.join(dir, `${o.metadata.name}.check.yaml`);
      fs.writeFileSync(file, YAML.stringify({ groups: o.spec.groups }));
      return file;
    });
    const r = spawnSync(PROMTOOL!, ['check', 'rules', ...files], { encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    expect(out.match(/SUCCESS/g)).toHaveLength(files.length);
    expect(out).not.toMatch(/duplicate/i);
    expect(r.status).toBe(0);
  });

  test('the ServiceMonitors attach the stack label the shared rules select on', () => {
    for (const svc of services) expect(podLabels(svc).modelship_stack).toBe('default/monitoring');
  });

  test('every alert fires on a failing series and stays silent on a healthy one, for every service it applies to', async () => {
    const testFiles: string[] = [];
    const applies = new Map<string, string[]>();
    const engineRecords = new Set(services.flatMap(svc => engineGroup(svc).rules.map((r: any) => r.record)));
    const withTestAnnotations = (r: any) => (r.annotations
      ? { ...r, annotations: Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, stripValue(v as string)])) } : r);
    const write = (name: string, rules: any[], alert: any, sc: Scenario, svc: ModelService | undefined) => {
      const base = `${name}.${alert.alert}.${testFiles.length}`;
      fs.writeFileSync(path.join(dir, `${base}.rules.yaml`), YAML.stringify({ groups: [{ name, rules }] }));
      const labels = { ...sc.labels, severity: alert.labels.severity };
      const annotations = Object.fromEntries(Object.entries(withTestAnnotations(alert).annotations).map(([k, v]) => [k, fillLabels(v as string, labels, svc)]));
      const tests = (['failing', 'healthy'] as const).map(c => ({
        name: `${name} ${alert.alert} ${c}`,
        interval: '1m',
        input_series: sc[c],
        alert_rule_test: [{ eval_time: `${sc.evalMinutes}m`, alertname: alert.alert, exp_alerts: c === 'failing' ? [{ exp_labels: labels, exp_annotations: annotations }] : [] }],
      }));
      const testFile = path.join(dir, `${base}.test.yaml`);
      fs.writeFileSync(testFile, YAML.stringify({ rule_files: [`${base}.rules.yaml`], evaluation_interval: '1m', tests }));
      testFiles.push(testFile);
    };

    for (const svc of services) {
      // The rules this service's series go through: its own series, its engine group's recording
      // rules, the stack's recording rules; each alert is tested with only those it reads
      // (transitively): promtool evaluates every rule at every step, and 3-day windows are slow.
      const rules: any[] = [...ownGroup(svc).rules, ...engineGroup(svc).rules, ...alertGroup.rules.filter((r: any) => r.record)];
      const needed = (expr: string, acc: Set<any>): Set<any> => {
        for (const m of analyzePromql(expr).metrics) {
          for (const dep of rules.filter(r => r.record === m && !acc.has(r))) { acc.add(dep); needed(dep.expr, acc); }
        }
        return acc;
      };
      const reads = (expr: string, acc: Set<string>): Set<string> => {
        for (const m of analyzePromql(expr).metrics) {
          if (acc.has(m)) continue;
          acc.add(m);
          for (const dep of rules.filter(r => r.record === m)) reads(dep.expr, acc);
        }
        return acc;
      };
      const own = new Set(engineGroup(svc).rules.map((r: any) => r.record));
      for (const alert of alertGroup.rules.filter((r: any) => r.alert)) {
        // An alert applies when the service's engine group records every engine signal it reads.
        if ([...reads(alert.expr, new Set())].some(m => engineRecords.has(m) && !own.has(m))) continue;
        applies.set(svc.name, [...(applies.get(svc.name) ?? []), alert.alert]);
        const deps = needed(alert.expr, new Set());
        write(`modelship.${svc.namespace}.${svc.name}`, [...rules.filter(r => deps.has(r)), withTestAnnotations(alert)], alert, scenario(alert.alert, svc), svc);
      }
    }
    const gpu = groups.find(g => g.name.endsWith('.gpu'));
    for (const alert of gpu.rules) write(gpu.name, [withTestAnnotations(alert)], alert, scenario(alert.alert, undefined), undefined);

    // One promtool per alert and service, in parallel.
    const failures = (await Promise.all(testFiles.map(f => runPromtool(['test', 'rules', f], dir)))).filter(x => x !== undefined);
    if (failures.length > 0) throw new Error(`promtool test rules failed:\n${failures.join('\n')}`);

    // Each service gets exactly the alerts its engine can support.
    const health = ['ModelNoReadyReplicas', 'ModelPodCrashLooping', 'ModelPodOOMKilled', 'ModelPodNotReadyAfterStartup', 'ModelScrapeTargetDown'];
    const vllm = ['ModelErrorBudgetBurnFast', 'ModelErrorBudgetBurnSlow', 'ModelTimeToFirstTokenBudgetBurnFast', 'ModelTimeToFirstTokenBudgetBurnSlow',
      'ModelQueueBacklog', 'ModelKVCacheNearFull', ...health, 'ModelTimeToFirstTokenAnomaly'].sort();
    expect(Object.fromEntries([...applies].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      'llama-8b': vllm,
      'llama-8b-old': vllm,
      [STRICT]: vllm,
      // TGI: no TTFT histogram, no KV-cache gauge.
      'llama-8b-tgi': ['ModelErrorBudgetBurnFast', 'ModelErrorBudgetBurnSlow', 'ModelQueueBacklog', ...health].sort(),
      // SGLang: no failed-request counter.
      'llama-8b-sglang': ['ModelTimeToFirstTokenBudgetBurnFast', 'ModelTimeToFirstTokenBudgetBurnSlow', 'ModelQueueBacklog', 'ModelKVCacheNearFull', ...health, 'ModelTimeToFirstTokenAnomaly'].sort(),
      'triton': ['ModelErrorBudgetBurnFast', 'ModelErrorBudgetBurnSlow', 'ModelQueueBacklog', ...health].sort(),
    });
    const cases = testFiles.length * 2;
    // eslint-disable-next-line no-console
    console.log(`promtool: ${testFiles.length} alert tests, ${cases} cases (fires + silent) over ${services.length} services (${new Set(services.map(engineKey)).size} engine groups) and the GPU group`);
    expect(cases).toBe(2 * (3 * 12 + 8 + 10 + 8 + 4));
    // Main (alerts, GPU, custom), one per engine metric map (vLLM 0.8.5, 0.9.2 and 0.10.2 on both
    // sides of the two renames, TGI, SGLang, Triton), one per service.
    expect(stack.ruleGroups.length).toBe(3 + 6 + services.length);
  });

  test('ModelNoReadyReplicas survives a rollout: series as they look before and after Argo Rollouts adopts the Deployment', async () => {
    const svc = services.find(x => x.name === 'llama-8b')!;
    const k = KUBE_STATE_METRICS;
    const alert = alertGroup.rules.find((r: any) => r.alert === 'ModelNoReadyReplicas');
    const budgetMin = Math.ceil(svc.plan.startupBudgetSeconds / 60);
    const n = budgetMin + 60;
    const half = budgetMin + 20; // the minute Argo has adopted the Deployment and scaled it to zero
    const d = { ...KSM_TARGET, namespace: svc.namespace, deployment: svc.name };
    const deploymentPod = { ...ksmPod(svc), condition: 'true' };
    // The Rollout is named after the service: its pods are `<service>-<hash>-<5>` too.
    const rolloutPod = { ...KSM_TARGET, namespace: svc.namespace, pod: `${svc.name}-6c7d9f8b5d-abcde`, condition: 'true' };
    const deployment = [
      s(k.deploymentCreated, d, `0x${n}`),
      s(k.deploymentReplicasSpec, d, `2x${half} 0x${n - half}`),
      s(k.deploymentReplicasAvailable, d, `2x${half} 0x${n - half}`),
      s(k.podReady, deploymentPod, `1x${half}`),
    ];
    const rules = [...ownGroup(svc).rules, { ...alert, annotations: {} }];
    fs.writeFileSync(path.join(dir, 'argo.rules.yaml'), YAML.stringify({ groups: [{ name: 'argo', rules }] }));
    const file = path.join(dir, 'argo.test.yaml');
    const at = (minute: number, rolloutReady: string, fires: boolean) => ({
      name: `rollout pods ${rolloutReady === '1' ? 'ready' : 'not ready'} at ${minute}m`,
      interval: '1m',
      input_series: [...deployment, s(k.podReady, rolloutPod, `${rolloutReady}x${n}`)],
      alert_rule_test: [{ eval_time: `${minute}m`, alertname: 'ModelNoReadyReplicas', exp_alerts: fires ? [{ exp_labels: { ...model(svc), severity: 'critical' } }] : [] }],
    });
    fs.writeFileSync(file, YAML.stringify({
      rule_files: ['argo.rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        // Adopted: the Deployment wants and has 0 replicas; the Rollout's pods serve, or do not.
        at(half + 15, '1', false),
        at(half + 15, '0', true),
      ],
    }));
    expect(await runPromtool(['test', 'rules', file], dir)).toBeUndefined();
  });

  test('every service is recorded by exactly one engine group, even where two groups share a metric name', async () => {
    // vLLM 0.8 and 0.9 both export vllm:num_requests_waiting and http_requests_total.
    const recordingGroups = groups.filter(g => g.rules.every((r: any) => r.record) && !g.name.endsWith('.services'));
    const input = services.flatMap(svc => [
      ...(svc.metrics.queueDepth ? [s(svc.metrics.queueDepth, podLabels(svc), '3x20')] : []),
      ...(svc.metrics.errors ? traffic(svc, 1) : []),
    ]);
    const expected = (pick: (svc: ModelService) => boolean) => services.filter(pick)
      .map(svc => ({ labels: `{namespace="${svc.namespace}",service="${svc.name}"}`, value: 1 }));
    fs.writeFileSync(path.join(dir, 'once.rules.yaml'), YAML.stringify({ groups: recordingGroups }));
    const file = path.join(dir, 'once.test.yaml');
    fs.writeFileSync(file, YAML.stringify({
      rule_files: ['once.rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: input,
        promql_expr_test: [
          { expr: 'count by (namespace, service) (modelship:queue_depth:sum)', eval_time: '15m', exp_samples: expected(svc => !!svc.metrics.queueDepth) },
          { expr: 'count by (namespace, service) (modelship:request_error_ratio:rate5m)', eval_time: '15m', exp_samples: expected(svc => !!svc.metrics.errors) },
        ],
      }],
    }));
    expect(await runPromtool(['test', 'rules', file], dir)).toBeUndefined();
  });
});

describeIfPromtool('promtool: two stacks in one Prometheus', () => {
  test('alert only on their own services', async () => {
    const app = Testing.app();
    const llama = Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: 'hf-token' });
    const charts = ['team-a', 'team-b'].map(ns => {
      const chart = new Chart(app, ns, { namespace: ns });
      const svc = new ModelService(chart, 'llama', { model: llama, runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }), accelerator: Accelerator.NVIDIA_L4 });
      new MonitoringStack(chart, 'monitoring', { services: [svc] });
      return { chart, svc };
    });
    const objs = charts.flatMap(c => Testing.synth(c.chart));
    // One rule file per PrometheusRule, as the Operator writes them. Annotations are checked
    // above; here only who is alerted.
    const ruleFiles = objs.filter((o: any) => o.kind === 'PrometheusRule').map((o: any) => ({
      file: `${o.metadata.namespace}.${o.metadata.name}.rules.yaml`,
      groups: o.spec.groups.map((g: any) => ({ ...g, rules: g.rules.map((r: any) => ({ ...r, annotations: undefined })) })),
    }));
    const groups = ruleFiles.flatMap(f => f.groups);
    const [a, b] = charts.map(c => c.svc);
    for (const svc of [a, b]) targets.set(svc, targetLabels(objs, svc));
    expect(podLabels(a).modelship_stack).toBe('team-a/monitoring');
    expect(podLabels(b).modelship_stack).toBe('team-b/monitoring');
    const crash = { ...ksmPod(b), container: 'server', reason: 'CrashLoopBackOff' };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-promtool-stacks-'));
    try {
      for (const f of ruleFiles) fs.writeFileSync(path.join(dir, f.file), YAML.stringify({ groups: f.groups }));
      const file = path.join(dir, 'test.yaml');
      const engine = (svc: ModelService) => groups.find((g: any) => g.name === `modelship.${svc.namespace}.${svc.name}`).rules[0].labels.modelship_engine;
      fs.writeFileSync(file, YAML.stringify({
        rule_files: ruleFiles.map(f => f.file),
        evaluation_interval: '1m',
        tests: [{
          interval: '1m',
          input_series: [
            s(a.metrics.queueDepth!, podLabels(a), '20x40'),
            s(b.metrics.queueDepth!, podLabels(b), '2x40'),
            s(KUBE_STATE_METRICS.containerWaitingReason, crash, '1x40'),
          ],
          alert_rule_test: [
            {
              eval_time: '30m',
              alertname: 'ModelQueueBacklog',
              exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'team-a', service: 'llama', modelship_stack: 'team-a/monitoring', modelship_engine: engine(a) } }],
            },
            { eval_time: '30m', alertname: 'ModelPodCrashLooping', exp_alerts: [{ exp_labels: { severity: 'warning', ...crash, service: 'llama' } }] },
          ],
        }],
      }));
      expect(await runPromtool(['test', 'rules', file], dir)).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
