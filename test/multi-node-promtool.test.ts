/**
 * promtool on the alerts of a multi-node service (LeaderWorkerSet groups): ModelGroupPartiallyReady
 * fires on a group with a ready worker and an unready leader past its startup budget, stays silent
 * on a whole group, on a group still inside its budget and on another service's Deployment pods;
 * ModelNoReadyReplicas counts a group's leader (there is no Deployment) and is silent while the
 * group loads. The input series are kube-state-metrics' (v2: `kube_pod_status_ready{namespace, pod,
 * condition}`, `kube_pod_start_time{namespace, pod}`, `kube_statefulset_created{namespace,
 * statefulset}`) with the pod names LWS gives: leader `<lws>-<group>`, worker `<lws>-<group>-<index>`.
 * Annotations are dropped from the test copy of the rules (promtool compares them exactly; they
 * are not what is tested here).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Accelerator, GpuNodePool, Model, ModelService, MonitoringStack, Provisioner, Runtime } from '../lib';
import { PROMTOOL, requirePromtool } from './support/promtool';

requirePromtool('`promtool test rules` of the multi-node alerts');
const describeIfPromtool = PROMTOOL ? describe : describe.skip;

function rules(): { groups: any[]; budget: number } {
  const chart = Testing.chart();
  const pool = new GpuNodePool(chart, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB,
    provisioner: Provisioner.existing(),
    maxGpus: 64,
    interconnect: { kind: 'efa', resourcesPerNode: { 'vpc.amazonaws.com/efa': 32 }, env: { FI_PROVIDER: 'efa' } },
  });
  const llama = new ModelService(chart, 'llama', { model: Model.huggingFace('meta-llama/Llama-3.1-405B-Instruct'), runtime: Runtime.vllm(), nodePool: pool, replicas: 2 });
  const small = new ModelService(chart, 'small', { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), nodePool: pool });
  new MonitoringStack(chart, 'mon', { services: [llama, small] });
  const groups = Testing.synth(chart).filter(o => o.kind === 'PrometheusRule').flatMap((o: any) => o.spec.groups)
    .map((g: any) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...r }: any) => r) }));
  return { groups, budget: llama.plan.startupBudgetSeconds };
}

describeIfPromtool('promtool: multi-node alerts', () => {
  const { groups, budget } = rules();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-mn-promtool-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Evaluate past the 405B's startup budget (3970 s) plus the 5-minute `for`.
  const evalMinutes = Math.ceil(budget / 60) + 10;
  const samples = evalMinutes + 5;
  const ready = (pod: string, v: number) => ({ series: `kube_pod_status_ready{namespace="default",pod="${pod}",condition="true"}`, values: `${v}x${samples}` });
  const started = (pod: string, at: number) => ({ series: `kube_pod_start_time{namespace="default",pod="${pod}"}`, values: `${at}x${samples}` });
  const created = { series: 'kube_statefulset_created{namespace="default",statefulset="llama"}', values: `0x${samples}` };
  const deploymentCreated = { series: 'kube_deployment_created{namespace="default",deployment="small"}', values: `0x${samples}` };
  const smallPod = 'small-5d8f7c9b4-x2k9q';
  const partial = { alertname: 'ModelGroupPartiallyReady', severity: 'warning', namespace: 'default', service: 'llama', group: '1' };

  function run(name: string, series: any[], alerts: { alertname: string; labels: Record<string, string> }[]): string {
    const rulesFile = path.join(dir, `${name}.rules.yaml`);
    fs.writeFileSync(rulesFile, YAML.stringify({ groups }));
    const byName = new Map<string, Record<string, string>[]>();
    for (const a of alerts) byName.set(a.alertname, [...(byName.get(a.alertname) ?? []), a.labels]);
    const alertTests = ['ModelGroupPartiallyReady', 'ModelNoReadyReplicas'].map(alertname => ({
      eval_time: `${evalMinutes}m`, alertname, exp_alerts: (byName.get(alertname) ?? []).map(exp_labels => ({ exp_labels })),
    }));
    const testFile = path.join(dir, `${name}.test.yaml`);
    fs.writeFileSync(testFile, YAML.stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: series, alert_rule_test: alertTests }] }));
    const r = spawnSync(PROMTOOL!, ['test', 'rules', testFile], { encoding: 'utf8' });
    return `${r.status}\n${r.stdout}${r.stderr}`;
  }

  /** The labels ModelNoReadyReplicas carries: the startup-budget series' (stack, engine group). */
  function budgetLabels(): Record<string, string> {
    const rec = groups.flatMap(g => g.rules).find((r: any) => r.record === 'modelship:service_startup_budget:seconds' && r.labels.service === 'llama');
    return rec.labels;
  }

  test('group 1: worker ready, leader not, past the budget: ModelGroupPartiallyReady; group 0 whole: silent', () => {
    const out = run('partial', [
      ready('llama-0', 1), ready('llama-0-1', 1), started('llama-0', 0), started('llama-0-1', 0),
      ready('llama-1', 0), ready('llama-1-1', 1), started('llama-1', 0), started('llama-1-1', 0),
      ready(smallPod, 1), started(smallPod, 0), created, deploymentCreated,
    ], [{ alertname: 'ModelGroupPartiallyReady', labels: partial }]);
    expect(out).toMatch(/^0\n/);
    expect(out).toMatch(/SUCCESS/);
  });

  test('a group inside its startup budget (newest pod started recently) is loading, not partial', () => {
    const late = (evalMinutes - 10) * 60;
    const out = run('loading', [
      ready('llama-0', 1), ready('llama-0-1', 1), started('llama-0', 0), started('llama-0-1', 0),
      ready('llama-1', 0), ready('llama-1-1', 1), started('llama-1', late), started('llama-1-1', late),
      ready(smallPod, 1), started(smallPod, 0), created, deploymentCreated,
    ], []);
    expect(out).toMatch(/^0\n/);
  });

  test('no leader ready: ModelNoReadyReplicas for the multi-node service (workers do not count); a Deployment pod of another service never reads as a group', () => {
    const labels = budgetLabels();
    const out = run('down', [
      ready('llama-0', 0), ready('llama-0-1', 1), started('llama-0', 0), started('llama-0-1', 0),
      ready(smallPod, 1), started(smallPod, 0), created, deploymentCreated,
    ], [
      { alertname: 'ModelGroupPartiallyReady', labels: { ...partial, group: '0' } },
      { alertname: 'ModelNoReadyReplicas', labels: { severity: 'critical', namespace: 'default', service: 'llama', modelship_stack: labels.modelship_stack, modelship_engine: labels.modelship_engine } },
    ]);
    expect(out).toMatch(/^0\n/);
  });

  test('while the LWS is younger than its startup budget, ModelNoReadyReplicas stays silent (its leader StatefulSet\'s age)', () => {
    const young = { ...created, values: `${(evalMinutes - 10) * 60}x${samples}` };
    const out = run('young', [
      ready('llama-0', 0), ready('llama-0-1', 1), started('llama-0', 0), started('llama-0-1', 0),
      ready(smallPod, 1), started(smallPod, 0), young, deploymentCreated,
    ], [{ alertname: 'ModelGroupPartiallyReady', labels: { ...partial, group: '0' } }]);
    expect(out).toMatch(/^0\n/);
  });

  test('the test itself can fail: expecting silence on a partial group is reported', () => {
    const out = run('negative', [
      ready('llama-1', 0), ready('llama-1-1', 1), started('llama-1', 0), started('llama-1-1', 0), created,
    ], []);
    expect(out).not.toMatch(/^0\n/);
    expect(out).toMatch(/ModelGroupPartiallyReady/);
  });
});
