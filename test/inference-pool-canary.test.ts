import { Chart, Testing } from 'cdk8s';
import {
  Accelerator, CanaryRollout, GpuNodePool, Model, ModelService, MonitoringStack, Precision, Provisioner, Routing, Runtime, TrafficStrategy,
} from '../lib';
import { evaluateCelRules } from './support/cel-rules';
import { expectValidationError } from './support/errors';
import { admits } from './support/network-policy';
import { expectSchemaValid } from './support/schema';

function setup() {
  const chart = new Chart(Testing.app(), 'llm', { namespace: 'llm' });
  const pool = new GpuNodePool(chart, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB,
    provisioner: Provisioner.karpenter({ instanceTypes: ['p5.48xlarge'], clusterName: 'llm', nodeRole: 'KarpenterNodeRole-llm' }),
    maxGpus: 64,
  });
  const service = new ModelService(chart, 'llama', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
    precision: Precision.FP8,
    nodePool: pool,
    replicas: 4,
    routing: Routing.inferencePool(),
    route: { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway' },
  });
  return { chart, service };
}
const candidate = { runtime: Runtime.vllm({ version: '0.10.0', maxModelLen: 8192 }), precision: Precision.FP8 };
const find = (objs: any[], kind: string, name?: string) => objs.find(o => o.kind === kind && (name === undefined || o.metadata.name === name));

test('gateway weights over two InferencePools, each with its own endpoint picker', () => {
  const { chart, service } = setup();
  new CanaryRollout(chart, 'canary', { service, candidate, strategy: TrafficStrategy.gatewayWeights({ currentWeight: 25 }), steps: [10, 25, 50] });
  const objs = Testing.synth(chart);
  expectSchemaValid(objs);
  expect(evaluateCelRules(objs).outcomes.filter(o => o.status !== 'pass')).toEqual([]);
  const route = find(objs, 'HTTPRoute');
  expect(route.spec.rules[0].backendRefs).toEqual([
    { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama', weight: 75 },
    { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama-canary', weight: 25 },
  ]);
  const canaryPool = find(objs, 'InferencePool', 'llama-canary');
  const canaryPods = find(objs, 'Deployment', 'llama-canary').spec.template.metadata.labels;
  expect(Object.entries(canaryPool.spec.selector.matchLabels).every(([k, v]) => canaryPods[k] === v)).toBe(true);
  // The stable pool does not select the candidate's pods.
  const stablePool = find(objs, 'InferencePool', 'llama');
  expect(Object.entries(stablePool.spec.selector.matchLabels).every(([k, v]) => canaryPods[k] === v)).toBe(false);
  expect(canaryPool.spec.endpointPickerRef.name).toBe('llama-canary-epp');
  expect(find(objs, 'Deployment', 'llama-canary-epp')).toBeDefined();
  // The candidate's picker reads the candidate's metrics: its copied NetworkPolicy admits it.
  const canaryNp = find(objs, 'NetworkPolicy', 'llama-canary');
  expect(admits(canaryNp, { namespace: 'llm', podLabels: { 'modelship.dev/endpoint-picker': 'llama-canary' } }, 8000)).toBe(true);
});

test('Argo Rollouts with an InferencePool is refused, with the reason and the alternatives', () => {
  const { chart, service } = setup();
  const e = expectValidationError(() => new CanaryRollout(chart, 'canary', { service, candidate, strategy: TrafficStrategy.argoRollouts() }));
  const p = e.problems.find(x => x.property === 'strategy')!;
  expect(p.reason).toMatch(/InferencePool/);
  expect(p.fix).toMatch(/gatewayWeights/);
});

test('the candidate\'s picker is scraped like the stable\'s, and a stack made after the canary alerts on both pickers', () => {
  const { chart, service } = setup();
  new CanaryRollout(chart, 'canary', { service, candidate, strategy: TrafficStrategy.gatewayWeights({ currentWeight: 10 }), steps: [10, 25, 50] });
  const stack = new MonitoringStack(chart, 'monitoring', { services: [service] });
  const objs = Testing.synth(chart);
  const pm = (name: string) => objs.find(o => o.kind === 'PodMonitor' && o.metadata.name === name);
  for (const name of ['llama-epp', 'llama-canary-epp']) {
    const relabel = pm(name).spec.podMetricsEndpoints[0].relabelings;
    expect(relabel).toContainEqual(expect.objectContaining({ targetLabel: 'modelship_stack', replacement: 'llm/monitoring' }));
  }
  const alerts = stack.ruleGroups.find(g => g.name.endsWith('.endpoint-pickers'))!.rules;
  expect(alerts.map(r => r.expr.match(/inference_pool="([^"]+)"/)![1])).toEqual(['llama', 'llama-canary']);
});
