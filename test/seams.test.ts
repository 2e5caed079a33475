import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, CanaryRollout, GpuNodePool, Model, ModelService, MonitoringStack, Provisioner, Runtime, SurgePolicy, TrafficStrategy,
} from '../lib';
import { expectValidationError } from './support/errors';
import { libLinesMatching } from './support/lib-lines';

/**
 * Constructs change each other only through typed seams (ModelService.serveTemplate,
 * handScalingTo, capReplicas, setRouteBackends), never by patching each other's objects.
 */
function fleet(opts: { autoscaling?: boolean; route?: boolean } = {}) {
  const chart = new Chart(Testing.app(), 'llm', { namespace: 'llm' });
  const pool = new GpuNodePool(chart, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64 });
  const service = new ModelService(chart, 'llama', {
    model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
    runtime: Runtime.vllm({ version: '0.9.2' }),
    nodePool: pool,
    ...(opts.autoscaling ? { autoscaling: { minReplicas: 2, maxReplicas: 4 } } : { replicas: 4 }),
    ...(opts.route ? { route: { gatewayName: 'gw' } } : {}),
  });
  return { chart, pool, service };
}
const candidate = { runtime: Runtime.vllm({ version: '0.10.0' }) };
const byKind = (chart: Chart, kind: string, name?: string) => chart.toJson().find(o => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('user patches survive a canary, whichever order they come in', () => {
  test.each(['before', 'after'])('a pod template patch added %s the CanaryRollout', order => {
    const { chart, service } = fleet();
    const patch = () => ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations/team', 'search'));
    if (order === 'before') patch();
    new CanaryRollout(chart, 'canary', { service, candidate });
    if (order === 'after') patch();
    const template = byKind(chart, 'Deployment', 'llama').spec.template;
    expect(template.metadata.annotations.team).toBe('search');
    // ...on top of the candidate's template, which Argo Rollouts reads from the Deployment.
    expect(template.spec.containers[0].image).toBe('vllm/vllm-openai:v0.10.0');
  });

  test('a patch of the route survives the canary re-weighting it', () => {
    const { chart, service } = fleet({ route: true });
    ApiObject.of(service.route!).addJsonPatch(JsonPatch.add('/spec/hostnames', ['llm.example.com']));
    new CanaryRollout(chart, 'canary', { service, candidate });
    const route = byKind(chart, 'HTTPRoute');
    expect(route.spec.hostnames).toEqual(['llm.example.com']);
    expect(route.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['llama', 100], ['llama-canary', 0]]);
  });
});

describe('the seams', () => {
  test('Argo hands scaling to the Rollout: no Deployment replicas, the autoscaler targets the Rollout', () => {
    const { chart, service } = fleet({ autoscaling: true });
    new CanaryRollout(chart, 'canary', { service, candidate });
    expect(byKind(chart, 'Deployment', 'llama').spec.replicas).toBeUndefined();
    expect(byKind(chart, 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'llama' });
  });

  test('gateway weights cap the stable through capReplicas', () => {
    const { chart, service } = fleet({ autoscaling: true, route: true });
    new CanaryRollout(chart, 'canary', { service, candidate, strategy: TrafficStrategy.gatewayWeights({ currentWeight: 50 }), surge: SurgePolicy.scaleDownStable() });
    const scaler = byKind(chart, 'ScaledObject').spec;
    expect([scaler.minReplicaCount, scaler.maxReplicaCount]).toEqual([2, 3]);
  });

  test('a second construct changing the same seam is a ValidationError naming the first', () => {
    const { chart, service } = fleet();
    new CanaryRollout(chart, 'canary', { service, candidate });
    const other = new Construct(chart, 'other');
    const e = expectValidationError(() => service.serveTemplate(service.podTemplate, other));
    expect(e.problems[0]).toMatchObject({ path: 'llm/other', property: 'serveTemplate' });
    expect(e.problems[0].reason).toContain('llm/canary already did serveTemplate on llama');
  });

  test.each([0, 1.5, 5, Number.NaN])('capReplicas(%s) outside 1..maxReplicas is a ValidationError', n => {
    const { chart, service } = fleet();
    expect(expectValidationError(() => service.capReplicas(n, new Construct(chart, 'x'))).problems[0].property).toBe('capReplicas');
  });

  test('setRouteBackends on a service without a route is a ValidationError', () => {
    const { chart, service } = fleet();
    expect(expectValidationError(() => service.setRouteBackends([], new Construct(chart, 'x'))).problems[0].reason).toMatch(/has no route/);
  });

  test('rendering the service\'s own plan gives its own template', () => {
    const { service } = fleet();
    expect(service.renderPodTemplate(service.plan, service.definition, service.selectorLabels)).toEqual(service.podTemplate);
  });
});

describe('every construct has a defaultChild', () => {
  test.each([
    { name: 'Argo Rollouts', kind: 'Rollout', strategy: () => TrafficStrategy.argoRollouts() },
    { name: 'gateway weights', kind: 'Deployment', strategy: () => TrafficStrategy.gatewayWeights({ currentWeight: 10 }) },
  ])('ApiObject.of(canary) with $name is its $kind', ({ strategy, kind }) => {
    const { chart, service } = fleet({ route: true });
    const canary = new CanaryRollout(chart, 'canary', { service, candidate, strategy: strategy() });
    expect(ApiObject.of(canary).kind).toBe(kind);
  });

  test('ModelService, GpuNodePool (Karpenter) and MonitoringStack', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.karpenter({ nodeRole: 'KarpenterNodeRole-prod', clusterName: 'prod' }), maxGpus: 8 });
    const svc = new ModelService(chart, 'llama', { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), nodePool: pool });
    const mon = new MonitoringStack(chart, 'mon', { services: [svc], nodePools: [pool] });
    expect(ApiObject.of(svc).kind).toBe('Deployment');
    expect(ApiObject.of(pool).kind).toBe('NodePool');
    expect(ApiObject.of(mon).kind).toBe('PrometheusRule');
  });
});

test('no construct patches or reads back another construct\'s objects', () => {
  // The Pulumi adapter reads chart.toJson() by design; the size check measures every object as rendered;
  // plan.json reads the images of the rendered objects after synth (it changes nothing); the synthesis
  // pass renders for the size check and hands that render to cdk8s' (lib/private/synth-pass.ts renderForPass).
  const found = libLinesMatching(/addJsonPatch|\.toJson\(\)/, ['imports', 'pulumi', 'object-size.ts', 'report/plan-json.ts', 'private/synth-pass.ts']);
  // The one remaining patch is a pool on its own objects (cluster-scoped kinds lose the chart namespace).
  // The one toJson() is a Deployment class rendering itself (super.toJson()), to keep the image
  // volumes cdk8s-plus-28's 1.28 types drop (lib/private/image-volume-deployment.ts).
  expect(found).toEqual([
    expect.stringMatching(/^lib\/gpu-node-pool\/gpu-node-pool\.ts:\d+: for \(const obj of \[nodePool, nodeClass\]\) obj\.addJsonPatch/),
    expect.stringMatching(/^lib\/private\/image-volume-deployment\.ts:\d+: const typed = super\.toJson\(\);$/),
  ]);
});
