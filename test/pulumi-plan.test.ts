/**
 * The Pulumi adapter's planner, without Pulumi: names, ordering, retention and timeouts.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { expectSchemaValid } from './support/schema';
import { tierOf } from '../lib/pulumi/order';
import { PROVISIONING_MARGIN_SECONDS, rolloutTimeouts } from '../lib/pulumi/timeouts';
import { Accelerator, Model, ModelCache, ModelService, Runtime } from 'modelship';
import { logicalName, ObjectTier, objectKey, planFleet, typeToken } from 'modelship/pulumi';

function fleetChart() {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'test' });
  const svc = new ModelService(chart, 'llama-70b', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
    accelerator: Accelerator.NVIDIA_H100_80GB,
    cache: ModelCache.shared({ storageClassName: 'efs-sc' }),
    autoscaling: { minReplicas: 2, maxReplicas: 6, queueDepthPerReplica: 8 },
    route: { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway' },
  });
  return { chart, svc };
}

describe('names', () => {
  test.each([
    [{ apiVersion: 'v1', kind: 'Service' }, 'kubernetes:core/v1:Service'],
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }, 'kubernetes:apps/v1:Deployment'],
    [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' }, 'kubernetes:keda.sh/v1alpha1:ScaledObject'],
    [{ apiVersion: 'karpenter.sh/v1', kind: 'NodePool' }, 'kubernetes:karpenter.sh/v1:NodePool'],
  ])('type token of %j is %s', (gvk, token) => {
    expect(typeToken(gvk)).toBe(token);
  });

  test('logical names and keys come from metadata, not construct paths', () => {
    const ns = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'llama-70b', namespace: 'llm' } };
    const cluster = { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'h100' } };
    expect(logicalName(ns)).toBe('llm/llama-70b');
    expect(logicalName(ns, 'us-east/')).toBe('us-east/llm/llama-70b');
    expect(logicalName(cluster)).toBe('h100');
    expect(objectKey(ns)).toBe('Deployment/llm/llama-70b');
    expect(objectKey(cluster)).toBe('NodePool/h100');
  });

  test('a construct id change that alters cdk8s hashes does not change logical names', () => {
    const names = (id: string) => {
      const chart = Testing.chart();
      new ModelService(chart, id, {
        name: 'llama-8b',
        model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
        runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }),
        accelerator: Accelerator.NVIDIA_L4,
      });
      return planFleet(chart).objects.map(o => `${o.type}::${o.logicalName}`).sort();
    };
    expect(names('small-model')).toEqual(names('renamed-construct'));
  });
});

describe('grouping', () => {
  test('objects of a construct are grouped under it; raw ApiObjects in the chart are not', () => {
    const { chart } = fleetChart();
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } });
    const plan = planFleet(chart);
    expect(plan.groups).toEqual([{ path: 'llama-70b', className: 'ModelService', url: 'http://llama-70b.test.svc.cluster.local:8000' }]);
    expect(plan.objects.find(o => o.kind === 'Namespace')!.construct).toBeUndefined();
    expect(plan.objects.filter(o => o.kind !== 'Namespace').every(o => o.construct === 'llama-70b')).toBe(true);
    expect(plan.serviceUrls).toEqual({ 'test/llama-70b': 'http://llama-70b.test.svc.cluster.local:8000' });
    expectSchemaValid(plan.objects.map(o => o.body));
  });
});

describe('ordering', () => {
  test.each([
    ['Namespace', ObjectTier.FOUNDATION],
    ['NodePool', ObjectTier.FOUNDATION],
    ['PersistentVolumeClaim', ObjectTier.CONFIG],
    ['ServiceAccount', ObjectTier.CONFIG],
    ['Deployment', ObjectTier.WORKLOAD],
    ['Service', ObjectTier.EXPOSURE],
    ['ScaledObject', ObjectTier.ATTACHMENT],
    ['Rollout', ObjectTier.ATTACHMENT],
    ['PodDisruptionBudget', ObjectTier.ATTACHMENT],
  ])('%s is tier %s', (kind, tier) => {
    expect(tierOf(kind)).toBe(tier);
  });

  test('config before the workload, the Service after it, autoscaler and route after that', () => {
    const { chart } = fleetChart();
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
    const plan = planFleet(chart);
    const deps = Object.fromEntries(plan.objects.map(o => [o.key, o.dependsOn]));
    expect(deps['Deployment/test/llama-70b']).toEqual([
      'NetworkPolicy/test/llama-70b', 'Namespace/test', 'PersistentVolumeClaim/test/llama-70b-model-cache', 'ServiceAccount/test/llama-70b',
    ].sort());
    expect(deps['Service/test/llama-70b']).toEqual(['Deployment/test/llama-70b', 'Namespace/test']);
    expect(deps['ScaledObject/test/llama-70b']).toEqual(['Deployment/test/llama-70b', 'Namespace/test', 'Service/test/llama-70b']);
    expect(deps['HTTPRoute/test/llama-70b']).toEqual(['Namespace/test', 'Service/test/llama-70b']);
    expect(deps['Namespace/test']).toEqual([]);
    // Creation order respects every edge.
    const position = new Map(plan.objects.map((o, i) => [o.key, i]));
    for (const o of plan.objects) for (const d of o.dependsOn) expect(position.get(d)!).toBeLessThan(position.get(o.key)!);
  });

  test('an object of another construct that targets a workload waits for it', () => {
    const { chart } = fleetChart();
    const other = new ApiObject(chart, 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unused' } });
    void other;
    class Canary extends ApiObject {}
    new Canary(chart, 'canary', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'llama-70b-canary' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-70b' } },
    } as any);
    new ApiObject(chart, 'monitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'llama' },
      spec: { selector: { matchLabels: { 'modelship.dev/service': 'llama-70b' } }, endpoints: [{ port: 'metrics' }] },
    } as any);
    const deps = Object.fromEntries(planFleet(chart).objects.map(o => [o.key, o.dependsOn]));
    expect(deps['Rollout/test/llama-70b-canary']).toEqual(['Deployment/test/llama-70b']);
    expect(deps['ServiceMonitor/test/llama']).toEqual(['Service/test/llama-70b']);
  });
});

describe('model caches', () => {
  test('PVCs are retained by default, and only PVCs', () => {
    const plan = planFleet(fleetChart().chart);
    expect(plan.objects.filter(o => o.retainOnDelete).map(o => o.key)).toEqual(['PersistentVolumeClaim/test/llama-70b-model-cache']);
  });

  test('retainVolumeClaims: false lets Pulumi delete them', () => {
    const plan = planFleet(fleetChart().chart, { retainVolumeClaims: false });
    expect(plan.objects.some(o => o.retainOnDelete)).toBe(false);
  });
});

describe('timeouts', () => {
  const deployment = (budget: number | undefined, spec: any = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'm', namespace: 'llm' },
    spec: {
      strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { annotations: budget === undefined ? {} : { 'modelship.dev/startup-budget-seconds': String(budget) } } },
      ...spec,
    },
  });

  test.each([
    // budget, spec, autoscaler bounds, create, update
    [1200, { replicas: 1 }, undefined, '30m', '30m'],
    [1200, { replicas: 3 }, undefined, '90m', '90m'],
    [1200, {}, { min: 2, max: 6 }, '60m', '180m'],
    [1200, { strategy: { rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } } }, { min: 2, max: 6 }, '30m', '90m'],
    [630, { replicas: 1 }, undefined, '21m', '21m'],
  ])('budget %s s, spec %j, bounds %j: create %s, update %s', (budget, spec, bounds, create, update) => {
    expect(rolloutTimeouts(deployment(budget, spec), bounds)).toEqual({ create, update });
  });

  test('a workload without a startup budget keeps Pulumi defaults', () => {
    expect(rolloutTimeouts(deployment(undefined))).toBeUndefined();
  });

  test('the ModelService Deployment gets timeouts from its own startup budget and autoscaler', () => {
    const { chart, svc } = fleetChart();
    const plan = planFleet(chart);
    const perWave = svc.plan.startupBudgetSeconds + PROVISIONING_MARGIN_SECONDS;
    const waves = (n: number) => Math.ceil(n / Math.max(1, svc.plan.maxSurge));
    expect(plan.objects.find(o => o.key === 'Deployment/test/llama-70b')!.timeouts).toEqual({
      create: `${Math.ceil(waves(svc.plan.minReplicas) * perWave / 60)}m`,
      update: `${Math.ceil(waves(svc.plan.maxReplicas) * perWave / 60)}m`,
    });
    expect(plan.objects.filter(o => o.timeouts).map(o => o.kind)).toEqual(['Deployment']);
  });
});
