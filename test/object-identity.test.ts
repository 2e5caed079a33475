/**
 * Issue 11, identity across constructs: no two objects of an app share API group, kind, namespace
 * and name (the cluster would keep one), whoever emits them; canaries live with their service;
 * constructs of two Apps are never mixed; construct ids derived from names cannot collide.
 */
import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  Accelerator, CanaryRollout, GpuNodePool, Model, ModelService, MonitoringStack, Provisioner, Runtime, TrafficStrategy, ValidationError,
} from '../lib';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';

function synthApp(app: App): void {
  for (const chart of app.charts) Testing.synth(chart);
}

function refusal(fn: () => void): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('accepted: expected a ValidationError');
}

/** No two synthesized objects share group, kind, namespace and name (checked on the output, independently of lib). */
function expectNoDuplicates(objects: any[]): void {
  const keys = objects.map(o => `${String(o.apiVersion).split('/').slice(0, -1).join('/')}|${o.kind}|${['Namespace', 'NodePool', 'EC2NodeClass'].includes(o.kind) ? '' : o.metadata.namespace ?? ''}|${o.metadata.name}`);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
}

function fleet(namespace = 'llm') {
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new Chart(app, 'c', { namespace });
  const pool = new GpuNodePool(chart, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64 });
  const llama = new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), runtime: Runtime.vllm({ version: '0.9.2' }), nodePool: pool, replicas: 2, route: { gatewayName: 'gw' } });
  return { app, chart, pool, llama };
}

describe('one object per kind, namespace and name', () => {
  test.each(['argoRollouts', 'gatewayWeights'] as const)('a service named llama-canary beside the canary of llama (%s)', strategy => {
    const { app, chart, pool, llama } = fleet();
    new CanaryRollout(chart, 'canary', { service: llama, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, strategy: TrafficStrategy[strategy]() });
    new ModelService(chart, 'other', { name: 'llama-canary', model: Model.huggingFace(LLAMA_8B), nodePool: pool, route: { gatewayName: 'gw', pathPrefix: '/other/v1' } });
    const e = refusal(() => synthApp(app));
    const p = e.problems.find(x => /Service llm\/llama-canary is emitted twice/.test(x.reason))!;
    expect(p).toBeDefined();
    expect(p.reason).toContain('c/canary');
    expect(p.reason).toContain('c/other');
    expect(p.fix).toMatch(/rename one of them/);
  });

  test('two MonitoringStacks over one service: refused where the second configures the service\'s scrape', () => {
    const { chart, llama } = fleet();
    new MonitoringStack(chart, 'mon-a', { services: [llama] });
    const e = refusal(() => new MonitoringStack(chart, 'mon-b', { services: [llama] }));
    expect(e.problems[0]).toMatchObject({ path: 'c/mon-b', property: 'configureScrape' });
    expect(e.problems[0].reason).toMatch(/c\/mon-a already did configureScrape on llama/);
  });

  test('two stacks with pools: a duplicate DCGM exporter DaemonSet', () => {
    const { app, chart, pool, llama } = fleet();
    const qwen = new ModelService(chart, 'qwen', { model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'), nodePool: pool });
    new MonitoringStack(chart, 'mon-a', { services: [llama], nodePools: [pool] });
    new MonitoringStack(chart, 'mon-b', { services: [qwen], nodePools: [pool] });
    const e = refusal(() => synthApp(app));
    expect(e.problems.map(x => x.reason).join('\n')).toMatch(/DaemonSet\.apps gpu-system\/dcgm-exporter is emitted twice: by c\/mon-a .* and by c\/mon-b/);
  });

  test('a user object that takes a modelship name', () => {
    const { app, chart } = fleet();
    new k8s.KubeService(chart, 'mine', { metadata: { name: 'llama' }, spec: { ports: [{ port: 80 }] } });
    const e = refusal(() => synthApp(app));
    expect(e.problems[0].reason).toMatch(/Service llm\/llama is emitted twice: by c\/llama \(c\/llama\/Service\) and by c\/mine/);
  });

  test('in a chart without a namespace too', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'c');
    new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4 });
    new k8s.KubeService(chart, 'mine', { metadata: { name: 'llama' }, spec: { ports: [{ port: 80 }] } });
    expect(refusal(() => synthApp(app)).problems[0].reason).toMatch(/Service llama is emitted twice/);
  });

  test('the same names in two namespaces are two objects', () => {
    const app = new App({ outdir: Testing.app().outdir });
    for (const ns of ['team-a', 'team-b']) {
      const chart = new Chart(app, ns, { namespace: ns });
      const svc = new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4 });
      new MonitoringStack(chart, 'monitoring', { services: [svc], dashboardNamespace: ns });
    }
    expectNoDuplicates(app.charts.flatMap(c => Testing.synth(c)));
  });

  test('two stacks of one name in two namespaces with one dashboard namespace: duplicate dashboards refused', () => {
    const app = new App({ outdir: Testing.app().outdir });
    for (const ns of ['team-a', 'team-b']) {
      const chart = new Chart(app, ns, { namespace: ns });
      const svc = new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4 });
      new MonitoringStack(chart, 'monitoring', { services: [svc], dashboardNamespace: 'grafana' });
    }
    const e = refusal(() => synthApp(app));
    expect(e.problems[0].reason).toMatch(/ConfigMap grafana\/monitoring-dashboard-vllm is emitted twice/);
  });
});

describe('constructs that reference each other', () => {
  test('a canary in another namespace than its service is refused', () => {
    const { app, llama } = fleet();
    const other = new Chart(app, 'other', { namespace: 'canaries' });
    const e = refusal(() => new CanaryRollout(other, 'canary', { service: llama, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) } }));
    expect(e.problems[0]).toMatchObject({ property: 'service' });
    expect(e.problems[0].reason).toMatch(/namespace canaries, its service llama in llm/);
  });

  test('a canary in another chart of the same namespace is fine', () => {
    const { app, llama } = fleet();
    const other = new Chart(app, 'other', { namespace: 'llm' });
    new CanaryRollout(other, 'canary', { service: llama, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) } });
    expectNoDuplicates(app.charts.flatMap(c => Testing.synth(c)));
  });

  test('a service on a pool of another App is refused', () => {
    const { pool } = fleet();
    const chart = new Chart(new App(), 'c', { namespace: 'llm' });
    const e = refusal(() => new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), nodePool: pool }));
    expect(e.problems.map(p => p.property)).toEqual(['nodePool']);
    expect(e.problems[0].reason).toMatch(/another cdk8s App/);
  });

  test('a canary or a monitoring stack over a service of another App is refused', () => {
    const { llama, pool } = fleet();
    const chart = new Chart(new App(), 'c', { namespace: 'llm' });
    expect(refusal(() => new CanaryRollout(chart, 'canary', { service: llama })).problems[0].property).toBe('service');
    const e = refusal(() => new MonitoringStack(chart, 'mon', { services: [llama], nodePools: [pool] }));
    expect(e.problems.map(p => p.property)).toEqual(['services[0]', 'nodePools[0]']);
  });

  test('scrape objects of prod/team-llama and prod-team/llama do not collide', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const prod = new Chart(app, 'prod', { namespace: 'prod' });
    const prodTeam = new Chart(app, 'prod-team', { namespace: 'prod-team' });
    const a = new ModelService(prod, 'team-llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4 });
    const b = new ModelService(prodTeam, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4 });
    const stack = new MonitoringStack(prod, 'monitoring', { services: [a, b] });
    // Each service owns its PodMonitor (in its own chart and namespace); the stack configures both.
    expect(stack.podMonitors.map(m => `${m.metadata.namespace}/${m.name}`)).toEqual(['prod/team-llama', 'prod-team/llama']);
    expectNoDuplicates(app.charts.flatMap(c => Testing.synth(c)));
  });
});
