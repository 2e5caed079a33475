/**
 * Monitoring of InferencePool routing: the endpoint picker's PodMonitor follows the stack, and
 * `EndpointPickerDown` fires (critical with FailClose, warning with FailOpen) when the picker's
 * target is down or missing, and stays silent while it is up (`promtool test rules`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Accelerator, EndpointPickerFailureMode, Model, ModelService, MonitoringStack, Routing, Runtime } from '../lib';
import { PROMTOOL, requirePromtool } from './support/promtool';
import { expectSchemaValid } from './support/schema';
import { analyzePromql } from '../lib/monitoring-stack/promql';

requirePromtool('`promtool check rules` and `promtool test rules` of the endpoint-picker alerts');
const testIfPromtool = PROMTOOL ? test : test.skip;

function build() {
  const chart = new Chart(Testing.app(), 'llm', { namespace: 'llm' });
  const svc = (id: string, failureMode: EndpointPickerFailureMode) => new ModelService(chart, id, {
    model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
    accelerator: Accelerator.NVIDIA_L4,
    runtime: Runtime.vllm({ maxModelLen: 4096 }),
    routing: Routing.inferencePool({ failureMode }),
    route: { gatewayName: 'public', gatewayNamespace: 'gateways', pathPrefix: `/${id}/v1` },
  });
  const closed = svc('llama', EndpointPickerFailureMode.FAIL_CLOSE);
  const open = svc('qwen', EndpointPickerFailureMode.FAIL_OPEN);
  const stack = new MonitoringStack(chart, 'monitoring', { services: [closed, open] });
  return { chart, stack };
}

test('the picker is scraped with the stack\'s labels; its alerts are in their own PrometheusRule', () => {
  const { chart, stack } = build();
  const objs = Testing.synth(chart);
  expectSchemaValid(objs);
  const pm = objs.find(o => o.kind === 'PodMonitor' && o.metadata.name === 'llama-epp');
  expect(pm.spec.selector.matchLabels).toEqual({ 'modelship.dev/endpoint-picker': 'llama' });
  expect(pm.spec.podMetricsEndpoints[0].port).toBe('metrics');
  const written = pm.spec.podMetricsEndpoints[0].relabelings.map((r: any) => [r.targetLabel, r.replacement ?? r.sourceLabels?.[0]]);
  expect(written).toEqual(expect.arrayContaining([['modelship_stack', 'llm/monitoring'], ['failure_mode', 'FailClose'], ['inference_pool', '__meta_kubernetes_pod_label_modelship_dev_endpoint_picker']]));
  // The stack's PodMonitor labels, which its Prometheus selects by.
  const servicePm = objs.find(o => o.kind === 'PodMonitor' && o.metadata.name === 'llama');
  expect(pm.metadata.labels).toMatchObject(servicePm.metadata.labels);
  const rule = objs.find(o => o.kind === 'PrometheusRule' && o.metadata.name === 'monitoring-endpoint-pickers');
  expect(rule.spec.groups[0].rules.map((r: any) => [r.alert, r.labels.severity])).toEqual([['EndpointPickerDown', 'critical'], ['EndpointPickerDown', 'warning']]);
  expect(stack.describeForPlan().details).toContainEqual({ label: 'PrometheusRules', value: '5 (1 shared, 1 per engine metric map, 2 per service, 1 for the endpoint pickers)' });
});

testIfPromtool('EndpointPickerDown: fires when the picker is down or gone, critical with FailClose; silent while it is up', () => {
  const { stack } = build();
  const group = stack.ruleGroups.find(g => g.name === 'modelship.monitoring.endpoint-pickers')!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-epp-'));
  try {
    fs.writeFileSync(path.join(dir, 'epp.rules.yaml'), YAML.stringify({ groups: [group] }));
    const check = spawnSync(PROMTOOL!, ['check', 'rules', 'epp.rules.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(check.status).toBe(0);
    // Series as the picker's PodMonitor writes them (Prometheus Operator adds namespace, pod, job).
    const up = (pool: string, mode: string, values: string) => ({
      series: `up{modelship_stack="llm/monitoring",namespace="llm",inference_pool="${pool}",failure_mode="${mode}",pod="${pool}-epp-abc",job="llm/${pool}-epp"}`, values,
    });
    const annotations = (pool: string) => group.rules.find(r => r.expr.includes(`inference_pool="${pool}"`))!.annotations;
    const alert = (pool: string, mode: string, severity: string) => ({
      exp_labels: { severity, namespace: 'llm', inference_pool: pool, failure_mode: mode },
      exp_annotations: annotations(pool),
    });
    const tests = [
      { name: 'FailClose picker down: critical', input_series: [up('llama', 'FailClose', '0x10'), up('qwen', 'FailOpen', '1x10')], alert: [alert('llama', 'FailClose', 'critical')] },
      { name: 'FailOpen picker down: warning', input_series: [up('llama', 'FailClose', '1x10'), up('qwen', 'FailOpen', '0x10')], alert: [alert('qwen', 'FailOpen', 'warning')] },
      { name: 'both up: silent', input_series: [up('llama', 'FailClose', '1x10'), up('qwen', 'FailOpen', '1x10')], alert: [] },
      // No target at all (no pod, or no address): absent() carries the selector's labels.
      { name: 'FailClose picker gone', input_series: [up('qwen', 'FailOpen', '1x10')], alert: [{ ...alert('llama', 'FailClose', 'critical'), exp_labels: { severity: 'critical', namespace: 'llm', inference_pool: 'llama', failure_mode: 'FailClose', modelship_stack: 'llm/monitoring' } }] },
      // Down for less than the alert's `for`: silent.
      { name: 'a short blip: silent', input_series: [up('llama', 'FailClose', '1 1 1 1 1 1 1 1 0 1'), up('qwen', 'FailOpen', '1x10')], alert: [] },
    ].map(t => ({ name: t.name, interval: '1m', input_series: t.input_series, alert_rule_test: [{ eval_time: '9m', alertname: 'EndpointPickerDown', exp_alerts: t.alert }] }));
    fs.writeFileSync(path.join(dir, 'epp.test.yaml'), YAML.stringify({ rule_files: ['epp.rules.yaml'], evaluation_interval: '1m', tests }));
    const run = spawnSync(PROMTOOL!, ['test', 'rules', 'epp.test.yaml'], { cwd: dir, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${run.stdout}\n${run.stderr}`);
    // Negative control: a wrong expectation must fail, or the test above proves nothing.
    const wrong = tests.map((t, i) => (i === 2 ? { ...t, alert_rule_test: [{ ...t.alert_rule_test[0], exp_alerts: [alert('llama', 'FailClose', 'critical')] }] } : t));
    fs.writeFileSync(path.join(dir, 'wrong.test.yaml'), YAML.stringify({ rule_files: ['epp.rules.yaml'], evaluation_interval: '1m', tests: wrong }));
    expect(spawnSync(PROMTOOL!, ['test', 'rules', 'wrong.test.yaml'], { cwd: dir, encoding: 'utf8' }).status).not.toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the endpoint-picker dashboard: every query parses and names only the picker\'s metrics (llm-d-router v0.10.0) and up', () => {
  const { chart } = build();
  const objs = Testing.synth(chart);
  const cm = objs.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'monitoring-dashboard-endpoint-pickers');
  const dash = JSON.parse(cm.data['endpoint-pickers.json']);
  const exprs: string[] = dash.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
  expect(exprs).toHaveLength(7);
  // The metric names as the picker registers them: subsystem `llm_d_epp` (pkg/epp/metrics/llm_d_router_metrics.go).
  const upstream = ['llm_d_epp_request_total', 'llm_d_epp_request_error_total', 'llm_d_epp_request_duration_seconds_bucket',
    'llm_d_epp_ready_endpoints', 'llm_d_epp_average_queue_size', 'llm_d_epp_average_kv_cache_utilization', 'up'];
  for (const e of exprs) {
    const a = analyzePromql(e);
    expect({ e, errors: a.errors }).toEqual({ e, errors: [] });
    expect(a.metrics.filter(m => !upstream.includes(m))).toEqual([]);
    expect(e).toContain('modelship_stack="llm/monitoring"');
  }
  expect(exprs.join('\n')).toContain('sum by (namespace, inference_pool, model_name)');
});
