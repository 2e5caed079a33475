import { Chart, Testing } from 'cdk8s';
import {
  Accelerator, CanaryRollout, GpuNodePool, Model, ModelService, MonitoringStack, Provisioner, Runtime, TrafficStrategy,
} from '../lib';
import { expectValidationError } from './support/errors';
import { expectSchemaValid } from './support/schema';

/**
 * Scrape ownership: whatever reads a service's metrics (its autoscaler, a canary's analysis, a
 * MonitoringStack) finds them scraped, with or without a MonitoringStack, each pod exactly once.
 * The PodMonitor's selection and relabeling are evaluated here as the Prometheus Operator and
 * Prometheus would (label selector In; `replace` of a pod meta label), independently of lib/.
 */
function fleet(opts: { autoscaling?: boolean } = {}) {
  const chart = new Chart(Testing.app(), 'llm', { namespace: 'llm' });
  const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(), maxGpus: 16 });
  const service = new ModelService(chart, 'llama', {
    model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
    runtime: Runtime.vllm({ version: '0.10.2', maxModelLen: 4096 }),
    nodePool: pool,
    ...(opts.autoscaling ? { autoscaling: { minReplicas: 1, maxReplicas: 3 } } : { replicas: 2 }),
    route: { gatewayName: 'gw' },
  });
  return { chart, service };
}

/** The pod labels of a replica: stable, an Argo canary (same template labels + Argo's hash), a gateway-weights candidate. */
const POD = {
  stable: { 'modelship.dev/service': 'llama', 'rollouts-pod-template-hash': '6d5f8c7b9' },
  argoCanary: { 'modelship.dev/service': 'llama', 'rollouts-pod-template-hash': '7c9d4b5f6' },
  deploymentPod: { 'modelship.dev/service': 'llama' },
  gatewayCanary: { 'modelship.dev/service': 'llama-canary' },
};

function selects(selector: any, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpr = (selector.matchExpressions ?? []).every((e: any) => e.operator === 'In' ? e.values.includes(labels[e.key]) : (() => { throw new Error(`operator ${e.operator} not simulated`); })());
  return byLabels && byExpr;
}

/** Series labels Prometheus gives a pod's samples under a PodMonitor endpoint (replace relabelings only). */
function seriesLabels(endpoint: any, namespace: string, podLabels: Record<string, string>): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(podLabels)) meta[`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`] = v;
  const out: Record<string, string> = { namespace };
  for (const r of endpoint.relabelings ?? []) {
    if ((r.action ?? 'replace') !== 'replace' || r.regex) throw new Error('not simulated');
    const v = r.sourceLabels ? r.sourceLabels.map((s: string) => meta[s] ?? '').join(';') : r.replacement;
    if (v === '') delete out[r.targetLabel]; else out[r.targetLabel] = v;
  }
  return out;
}

/** Every scrape object that would scrape a pod with these labels (ServiceMonitors scrape through Services). */
function scrapesOf(objs: any[], podLabels: Record<string, string>): string[] {
  const viaPods = objs.filter(o => o.kind === 'PodMonitor' && selects(o.spec.selector, podLabels)).map(o => `PodMonitor/${o.metadata.name}`);
  const services = objs.filter(o => o.kind === 'Service' && selects({ matchLabels: o.spec.selector }, podLabels));
  const viaServices = objs.filter(o => o.kind === 'ServiceMonitor').flatMap(sm =>
    services.filter(s => selects(sm.spec.selector, s.metadata.labels ?? {})).map(s => `ServiceMonitor/${sm.metadata.name} via Service/${s.metadata.name}`));
  return [...viaPods, ...viaServices];
}

/** Whether the PromQL matchers of `query` (equality only) select a series with these labels. */
function querySelects(query: string, metric: string, labels: Record<string, string>): boolean {
  const m = new RegExp(`${metric.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\{([^}]*)\\}`).exec(query);
  if (!m) throw new Error(`${metric} not in ${query}`);
  return [...m[1].matchAll(/(\w+)(=~|=)"([^"]*)"/g)].every(([, k, op, v]) => op === '=' ? labels[k] === v : new RegExp(`^(?:${v})$`).test(labels[k] ?? ''));
}

describe('a service that autoscales, without a MonitoringStack', () => {
  test('emits the PodMonitor its KEDA query needs, and the query selects what Prometheus records', () => {
    const { chart } = fleet({ autoscaling: true });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const pm = objs.find((o: any) => o.kind === 'PodMonitor');
    expect(pm.metadata.labels.release).toBe('kube-prometheus-stack');
    const query = objs.find((o: any) => o.kind === 'ScaledObject').spec.triggers[0].metadata.query;
    const series = seriesLabels(pm.spec.podMetricsEndpoints[0], 'llm', POD.deploymentPod);
    expect(querySelects(query, 'vllm:num_requests_waiting', series)).toBe(true);
  });

  test('a fixed-size service nobody reads metrics of gets no PodMonitor', () => {
    expect(Testing.synth(fleet().chart).filter((o: any) => o.kind === 'PodMonitor')).toEqual([]);
  });
});

describe('canaries, without a MonitoringStack', () => {
  test('Argo Rollouts: pods scraped once each; the queue query counts stable and canary pods; the analysis tells them apart by hash', () => {
    const { chart, service } = fleet({ autoscaling: true });
    new CanaryRollout(chart, 'canary', { service, candidate: { runtime: Runtime.vllm({ version: '0.11.0' }) } });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    for (const pod of [POD.stable, POD.argoCanary]) expect(scrapesOf(objs, pod)).toEqual(['PodMonitor/llama']);
    const endpoint = objs.find((o: any) => o.kind === 'PodMonitor').spec.podMetricsEndpoints[0];
    const stable = seriesLabels(endpoint, 'llm', POD.stable);
    const canary = seriesLabels(endpoint, 'llm', POD.argoCanary);
    const keda = objs.find((o: any) => o.kind === 'ScaledObject').spec.triggers[0].metadata.query;
    expect([querySelects(keda, 'vllm:num_requests_waiting', stable), querySelects(keda, 'vllm:num_requests_waiting', canary)]).toEqual([true, true]);

    // Argo fills {{args.canary-hash}} with the newest ReplicaSet's hash, {{args.stable-hash}} with the stable's.
    const rollout = objs.find((o: any) => o.kind === 'Rollout');
    expect(rollout.spec.strategy.canary.analysis.args).toEqual([
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
      { name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } },
    ]);
    const fill = (q: string) => q.replace('{{args.canary-hash}}', POD.argoCanary['rollouts-pod-template-hash']).replace('{{args.stable-hash}}', POD.stable['rollouts-pod-template-hash']);
    const errors = fill(objs.find((o: any) => o.kind === 'AnalysisTemplate' && o.metadata.name === 'llama-canary-error-ratio').spec.metrics[0].provider.prometheus.query);
    expect([querySelects(errors, 'http_requests_total', { ...canary, handler: '/v1/chat/completions', status: '5xx' }),
      querySelects(errors, 'http_requests_total', { ...stable, handler: '/v1/chat/completions', status: '5xx' })]).toEqual([true, false]);
    for (const t of objs.filter((o: any) => o.kind === 'AnalysisTemplate')) expect(t.spec.args).toEqual([{ name: 'canary-hash' }, { name: 'stable-hash' }]);
  });

  test('gateway weights: the candidate Deployment\'s pods are scraped once, as <name>-canary', () => {
    const { chart, service } = fleet();
    new CanaryRollout(chart, 'canary', { service, candidate: { runtime: Runtime.vllm({ version: '0.11.0' }) }, strategy: TrafficStrategy.gatewayWeights({ currentWeight: 10 }) });
    const objs = Testing.synth(chart);
    for (const pod of [POD.deploymentPod, POD.gatewayCanary]) expect(scrapesOf(objs, pod)).toEqual(['PodMonitor/llama']);
    const endpoint = objs.find((o: any) => o.kind === 'PodMonitor').spec.podMetricsEndpoints[0];
    expect(seriesLabels(endpoint, 'llm', POD.gatewayCanary).service).toBe('llama-canary');
  });
});

describe('with a MonitoringStack', () => {
  test('the stack configures the service\'s own PodMonitor: still one per service, now with the stack label', () => {
    const { chart, service } = fleet({ autoscaling: true });
    new CanaryRollout(chart, 'canary', { service, candidate: { runtime: Runtime.vllm({ version: '0.11.0' }) } });
    new MonitoringStack(chart, 'mon', { services: [service], serviceMonitorLabels: { release: 'prom' } });
    const objs = Testing.synth(chart);
    for (const pod of [POD.stable, POD.argoCanary]) expect(scrapesOf(objs, pod)).toEqual(['PodMonitor/llama']);
    const pm = objs.find((o: any) => o.kind === 'PodMonitor');
    expect(pm.metadata.labels.release).toBe('prom');
    expect(seriesLabels(pm.spec.podMetricsEndpoints[0], 'llm', POD.stable)).toEqual({ namespace: 'llm', service: 'llama', rollouts_pod_template_hash: '6d5f8c7b9', modelship_stack: 'llm/mon' });
  });

  test('two stacks over one service would scrape every pod twice: a ValidationError naming the first', () => {
    const { chart, service } = fleet();
    new MonitoringStack(chart, 'mon', { services: [service] });
    const e = expectValidationError(() => new MonitoringStack(chart, 'mon2', { services: [service] }));
    expect(e.problems[0].reason).toMatch(/llm\/mon already did configureScrape on llama/);
  });
});
