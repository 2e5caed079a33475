/**
 * promtool: the generated rule file passes `promtool check rules`, and every generated alert
 * fires on a synthetic failing series and stays silent on a healthy one (`promtool test rules`),
 * with the metric names the real engines export (vLLM 0.9 and 0.8, TGI, SGLang, Triton).
 *
 * Annotations: promtool compares them exactly, so in the unit-test copy of the rules every
 * `{{ $value ... }}` template becomes the literal `VALUE` and the expected annotations are the
 * templates with `{{ $labels.x }}` filled in from the expected labels. That checks that every
 * annotation names the right model; `promtool check rules` checks the real templates.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CounterRef, ModelService, MonitoringRule,
} from '../lib';
import { selector } from '../lib/engines/metrics';
import { DCGM_METRICS, KUBE_STATE_METRICS } from '../lib/monitoring-stack/known-metrics';
import { analyzePromql } from '../lib/monitoring-stack/promql';
import { stackChart } from './support/monitoring-fixture';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find(p => fs.existsSync(p))
  ?? (spawnSync('sh', ['-c', 'command -v promtool']).stdout?.toString().trim() || undefined);

if (!PROMTOOL) {
  if (process.env.CI) {
    throw new Error('promtool is required under CI (install Debian\'s `prometheus` package in .ci/run)');
  }
  // eslint-disable-next-line no-console
  console.warn('\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    + '!!! promtool not found: SKIPPING `promtool check rules` and `promtool test rules`.\n'
    + '!!! Install it (Debian/Ubuntu: apt-get install prometheus) to run them locally.\n'
    + '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n');
}
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

function podLabels(svc: ModelService): Labels {
  return { namespace: svc.namespace, service: svc.name, pod: `${svc.name}-5d8f7c9b4-x2k9q`, instance: '10.0.0.7:8000', job: svc.name };
}
const model = (svc: ModelService): Labels => ({ namespace: svc.namespace, service: svc.name });


/** `le` as the engine's client renders it: Python prints `1.0`, so does vLLM; SGLang tested with `1`. */
function le(svc: ModelService, v: number): string {
  return svc.engine.kind === 'vllm' ? (Number.isInteger(v) ? `${v}.0` : String(v)) : String(v);
}

/** A concrete input series for a counter: its exact matchers become labels (regex matchers cannot). */
function seriesOf(ref: CounterRef, labels: Record<string, string>): string {
  return selector(ref.metric, { ...labels, ...(ref.matchers ?? {}) });
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
  const series = [0.1, 1].map(b => ({ series: selector(`${h}_bucket`, { ...pod, le: le(svc, b) }), values: cumulative(f => f) }));
  for (const b of [le(svc, 10), '+Inf']) series.push({ series: selector(`${h}_bucket`, { ...pod, le: b }), values: cumulative(() => 60) });
  series.push({ series: selector(`${h}_count`, pod), values: cumulative(() => 60) });
  return series;
}

function ksmPod(svc: ModelService): Labels {
  return { namespace: svc.namespace, pod: `${svc.name}-5d8f7c9b4-x2k9q`, job: 'kube-state-metrics' };
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
        return { failing: ttft(svc, [[10, 60]]), healthy: ttft(svc, [[60, 60]]), evalMinutes: 40, labels: model(svc) };
      case 'ModelTimeToFirstTokenAnomaly':
        return { failing: ttft(svc, [[60, 120], [0, 50]]), healthy: ttft(svc, [[60, 170]]), evalMinutes: 165, labels: model(svc) };
      case 'ModelQueueBacklog':
        return { failing: [s(m.queueDepth!, podLabels(svc), '20x40')], healthy: [s(m.queueDepth!, podLabels(svc), '2x40')], evalMinutes: 30, labels: model(svc) };
      case 'ModelKVCacheNearFull':
        return { failing: [s(m.kvCacheUsage!, podLabels(svc), '0.99x40')], healthy: [s(m.kvCacheUsage!, podLabels(svc), '0.6x40')], evalMinutes: 30, labels: model(svc) };
      case 'ModelNoReadyReplicas': {
        const d = { namespace: svc.namespace, deployment: svc.name, job: 'kube-state-metrics' };
        const n = budgetMin + 30;
        return {
          failing: [s(k.deploymentReplicasAvailable, d, `0x${n}`), s(k.deploymentReplicasSpec, d, `2x${n}`), s(k.deploymentCreated, d, `0x${n}`)],
          healthy: [s(k.deploymentReplicasAvailable, d, `2x${n}`), s(k.deploymentReplicasSpec, d, `2x${n}`), s(k.deploymentCreated, d, `0x${n}`)],
          evalMinutes: budgetMin + 15, labels: { ...d, service: svc.name },
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
          evalMinutes: 20, labels: { ...l, service: svc.name },
        };
      }
      case 'ModelPodNotReadyAfterStartup': {
        const l = { ...ksmPod(svc), condition: 'true' };
        const n = budgetMin + 30;
        return {
          failing: [s(k.podReady, l, `0x${n}`), s(k.podStartTime, ksmPod(svc), `0x${n}`)],
          healthy: [s(k.podReady, l, `0x${budgetMin - 2} 1x32`), s(k.podStartTime, ksmPod(svc), `0x${n}`)],
          evalMinutes: budgetMin + 15, labels: { ...l, service: svc.name },
        };
      }
      case 'ModelScrapeTargetDown':
        return { failing: [s('up', podLabels(svc), '0x20')], healthy: [s('up', podLabels(svc), '1x20')], evalMinutes: 15, labels: podLabels(svc) };
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
          evalMinutes: 20, labels: gpuAlert,
        };
      case 'GpuExporterDown': {
        const l = { job: 'dcgm-exporter', instance: '10.0.1.20:9400', node: 'ip-10-0-1-20', service: 'dcgm-exporter' };
        return { failing: [s('up', l, '0x20')], healthy: [s('up', l, '1x20')], evalMinutes: 15, labels: l };
      }
    }
  }
  throw new Error(`no promtool scenario for alert ${alert}${svc ? ` on ${svc.name}` : ''}: add one, every alert must be tested`);
}

function fillLabels(template: string, labels: Labels): string {
  return template.replace(/\{\{ \$labels\.([a-zA-Z_]+) \}\}/g, (_, l) => labels[l] ?? '');
}

function stripValue(template: string): string {
  return template.replace(/\{\{ \$value[^}]*\}\}/g, 'VALUE');
}

describeIfPromtool('promtool', () => {
  const { chart, stack, services } = stackChart({
    rules: [MonitoringRule.record({ name: 'team:requests:sum', expr: 'sum(modelship:requests:rate5m)' })],
  });
  const objs = Testing.synth(chart);
  const rule = objs.find((o: any) => o.kind === 'PrometheusRule');
  const groups: any[] = rule.spec.groups;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-promtool-'));
  afterAll(() => { if (process.env.KEEP_PROMTOOL_DIR) console.log(dir); else fs.rmSync(dir, { recursive: true, force: true }); });

  test('check rules passes on the generated rule file', () => {
    const file = path.join(dir, 'rules.yaml');
    fs.writeFileSync(file, YAML.stringify({ groups }));
    const r = spawnSync(PROMTOOL!, ['check', 'rules', file], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('every alert fires on a failing series and stays silent on a healthy one', async () => {
    const testFiles: string[] = [];
    let cases = 0;
    for (const group of groups) {
      const svc = services.find(x => group.name === `modelship.${x.namespace}.${x.name}`);
      if (!svc && !group.name.endsWith('.gpu')) continue; // the user's group: syntax-checked above
      const rules: any[] = group.rules.map((r: any) => r.annotations
        ? { ...r, annotations: Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, stripValue(v as string)])) } : r);
      const byRecord = new Map(rules.filter(r => r.record).map(r => [r.record, r]));
      // Each alert is tested with only the recording rules it reads (transitively): promtool
      // evaluates every rule at every step, and the 3-day windows make that slow.
      const needed = (expr: string, acc: Set<any>): Set<any> => {
        for (const m of analyzePromql(expr).metrics) {
          const dep = byRecord.get(m);
          if (dep && !acc.has(dep)) { acc.add(dep); needed(dep.expr, acc); }
        }
        return acc;
      };
      for (const r of rules.filter(x => x.alert)) {
        const deps = needed(r.expr, new Set());
        const ordered = rules.filter(x => x === r || deps.has(x));
        const base = `${group.name}.${r.alert}.${testFiles.length}`;
        fs.writeFileSync(path.join(dir, `${base}.rules.yaml`), YAML.stringify({ groups: [{ name: group.name, rules: ordered }] }));
        const sc = scenario(r.alert, svc);
        const labels = { ...sc.labels, severity: r.labels.severity };
        const annotations = Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, fillLabels(v as string, labels)]));
        const tests = (['failing', 'healthy'] as const).map(c => ({
          name: `${group.name} ${r.alert} ${c}`,
          interval: '1m',
          input_series: sc[c],
          alert_rule_test: [{ eval_time: `${sc.evalMinutes}m`, alertname: r.alert, exp_alerts: c === 'failing' ? [{ exp_labels: labels, exp_annotations: annotations }] : [] }],
        }));
        cases += tests.length;
        const testFile = path.join(dir, `${base}.test.yaml`);
        fs.writeFileSync(testFile, YAML.stringify({ rule_files: [`${base}.rules.yaml`], evaluation_interval: '1m', tests }));
        testFiles.push(testFile);
      }
    }
    // One promtool per alert, in parallel.
    const results = await Promise.all(testFiles.map(f => new Promise<string | undefined>(resolve => {
      execFile(PROMTOOL!, ['test', 'rules', f], { cwd: dir }, (err, stdout, stderr) => resolve(err ? `${f}:\n${stdout}\n${stderr}` : undefined));
    })));
    const failures = results.filter(x => x !== undefined);
    if (failures.length > 0) throw new Error(`promtool test rules failed:\n${failures.join('\n')}`);
    // 5 services and the GPU group, every alert twice.
    expect(cases).toBeGreaterThanOrEqual(2 * (5 * 5 + 4));
    expect(stack.ruleGroups.length).toBe(7);
  });
});
