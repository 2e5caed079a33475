/**
 * The ModelFleet component under Pulumi mocks (no CLI, no cluster): parity with cdk8s, options
 * passed to each resource, outputs, and error surfacing.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { addCrossCheck } from '../lib/errors';
import { expectSchemaValid } from './support/schema';
import {
  Accelerator, Model, ModelCache, ModelService, Runtime,
} from 'modelship';
import { ModelFleet, typeToken } from 'modelship/pulumi';

const registered: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(() => {
  void pulumi.runtime.setMocks({
    newResource: args => {
      registered.push(args);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: args => args.inputs,
  }, 'modelship', 'test', false);
});

beforeEach(() => { registered.length = 0; });

function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise(resolve => output.apply(v => { resolve(v); return v; }));
}

/** Waits until every resource of the fleet is registered with the (mock) engine. */
async function registeredFleet(fleet: ModelFleet): Promise<void> {
  await settled(pulumi.all([fleet.urn, ...Object.values(fleet.objects).map(o => o.urn), ...Object.values(fleet.components).map(c => c.urn)]));
}

interface Captured { type: string; name: string; opts: pulumi.CustomResourceOptions }

/** Records each child's resource options (the mock monitor does not see them). */
function capture(into: Captured[]): pulumi.ResourceTransformation {
  return args => { into.push({ type: args.type, name: args.name, opts: args.opts as pulumi.CustomResourceOptions }); return undefined; };
}

function sortKey(o: { type: string; namespace?: string; name: string }): string {
  return `${o.type}|${o.namespace ?? ''}|${o.name}`;
}

function llama70b(chart: Chart): ModelService {
  return new ModelService(chart, 'llama-70b', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
    accelerator: Accelerator.NVIDIA_H100_80GB,
    cache: ModelCache.shared({ storageClassName: 'efs-sc' }),
    autoscaling: { minReplicas: 2, maxReplicas: 6, queueDepthPerReplica: 8 },
  });
}

describe('parity with cdk8s', () => {
  test('the flagship example registers exactly the objects of chart.toJson(), body for body', async () => {
    const { app } = await import('../examples/flagship/main');
    const expected = app.charts.flatMap(c => c.toJson()).map((body: any) => ({
      type: typeToken(body), namespace: body.metadata.namespace, name: body.metadata.name, body,
    }));
    const fleet = new ModelFleet('flagship', { source: app });
    await registeredFleet(fleet);
    const actual = registered.filter(r => r.type.startsWith('kubernetes:')).map(r => ({
      type: r.type, namespace: r.inputs.metadata.namespace, name: r.inputs.metadata.name, body: r.inputs,
    }));
    expect(actual.length).toBe(expected.length);
    expect(actual.sort((a, b) => sortKey(a).localeCompare(sortKey(b))))
      .toEqual(expected.sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
    expectSchemaValid(actual.map(a => a.body));
  });

  test('the Pulumi example registers the flagship fleet under a provider', async () => {
    const program = await import('../examples/pulumi/index');
    await registeredFleet(program.fleet);
    const { app } = await import('../examples/flagship/main');
    const expectedCount = app.charts.flatMap(c => c.toJson()).length;
    const objects = registered.filter(r => r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes');
    expect(objects).toHaveLength(expectedCount);
    // Every object goes through the stack's explicit provider, inherited from the fleet.
    expect(objects.every(o => (o.provider ?? '').includes('pulumi:providers:kubernetes::cluster'))).toBe(true);
    expect(await settled(program.serviceUrls)).toEqual({
      'llm/llama-70b': 'http://llama-70b.llm.svc.cluster.local:8000',
      'llm/llama-8b': 'http://llama-8b.llm.svc.cluster.local:8000',
    });
  });
});

describe('components and options', () => {
  test('one component per top-level construct, typed after its class', async () => {
    const chart = new Chart(Testing.app(), 'prod', { namespace: 'llm' });
    llama70b(chart);
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } });
    const fleet = new ModelFleet('grouping', { source: chart });
    await registeredFleet(fleet);
    const components = registered.filter(r => r.type.startsWith('modelship:')).map(r => `${r.type}::${r.name}`).sort();
    expect(components).toEqual(['modelship:index:ModelFleet::grouping', 'modelship:index:ModelService::grouping/llama-70b']);
    const urns = await settled(pulumi.all(Object.fromEntries(Object.entries(fleet.objects).map(([k, r]) => [k, r.urn]))));
    // (The mock monitor puts only the immediate parent's type in a URN; the engine puts the whole chain.)
    expect(urns['Deployment/llm/llama-70b']).toMatch(/modelship:index:ModelService\$kubernetes:apps\/v1:Deployment::llm\/llama-70b$/);
    // The raw Namespace sits directly under the fleet.
    expect(urns['Namespace/llm']).toMatch(/modelship:index:ModelFleet\$kubernetes:core\/v1:Namespace::llm$/);
  });

  test('dependsOn, retainOnDelete, customTimeouts and aliases reach each resource', async () => {
    const captured: Captured[] = [];
    const chart = new Chart(Testing.app(), 'prod', { namespace: 'llm' });
    const svc = llama70b(chart);
    const fleet = new ModelFleet('opts', {
      source: chart,
      aliases: { 'Service/llm/llama-70b': ['urn:pulumi:test::modelship::kubernetes:core/v1:Service::old-name'] },
      objectOptions: o => (o.kind === 'Deployment' ? { ignoreChanges: ['spec.replicas'] } : undefined),
    }, { transformations: [capture(captured)] });
    await registeredFleet(fleet);
    const keyOf = new Map(Object.entries(fleet.objects).map(([k, r]) => [r as pulumi.Resource, k]));
    const byType = (type: string) => captured.find(c => c.type === type)!.opts;
    const depKeys = (opts: pulumi.CustomResourceOptions) => (opts.dependsOn as pulumi.Resource[]).map(r => keyOf.get(r)).sort();

    const deployment = byType('kubernetes:apps/v1:Deployment');
    expect(depKeys(deployment)).toEqual(['NetworkPolicy/llm/llama-70b', 'PersistentVolumeClaim/llm/llama-70b-model-cache', 'ServiceAccount/llm/llama-70b']);
    expect(deployment.customTimeouts).toEqual(fleet.plan.objects.find(o => o.kind === 'Deployment')!.timeouts);
    expect(deployment.customTimeouts!.update).toBe(`${Math.ceil(Math.ceil(svc.plan.maxReplicas / Math.max(1, svc.plan.maxSurge)) * (svc.plan.startupBudgetSeconds + 600) / 60)}m`);
    expect(deployment.ignoreChanges).toEqual(['spec.replicas']);
    expect(depKeys(byType('kubernetes:core/v1:Service'))).toEqual(['Deployment/llm/llama-70b']);
    expect(depKeys(byType('kubernetes:keda.sh/v1alpha1:ScaledObject'))).toEqual(['Deployment/llm/llama-70b', 'Service/llm/llama-70b']);
    expect(byType('kubernetes:core/v1:Service').aliases).toEqual(['urn:pulumi:test::modelship::kubernetes:core/v1:Service::old-name']);

    expect(byType('kubernetes:core/v1:PersistentVolumeClaim').retainOnDelete).toBe(true);
    expect(captured.filter(c => c.opts.retainOnDelete).map(c => c.type)).toEqual(['kubernetes:core/v1:PersistentVolumeClaim']);
    // Timeouts only where a model loads.
    expect(captured.filter(c => c.opts.customTimeouts).map(c => c.type)).toEqual(['kubernetes:apps/v1:Deployment']);
  });

  test('retainVolumeClaims: false leaves PVCs deletable', async () => {
    const captured: Captured[] = [];
    const chart = new Chart(Testing.app(), 'prod', { namespace: 'llm' });
    llama70b(chart);
    const fleet = new ModelFleet('noretain', { source: chart, retainVolumeClaims: false }, { transformations: [capture(captured)] });
    await registeredFleet(fleet);
    expect(captured.find(c => c.type === 'kubernetes:core/v1:PersistentVolumeClaim')!.opts.retainOnDelete).toBeFalsy();
  });

  test('a provider given to the fleet is used by every object', async () => {
    const provider = new k8s.Provider('other-cluster', { context: 'gpu-east' });
    const chart = new Chart(Testing.app(), 'prod', { namespace: 'llm' });
    llama70b(chart);
    const fleet = new ModelFleet('east', { source: chart, namePrefix: 'east/' }, { provider });
    await registeredFleet(fleet);
    const objects = registered.filter(r => r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:'));
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.every(o => (o.provider ?? '').includes('::other-cluster::'))).toBe(true);
    expect(objects.every(o => o.name.startsWith('east/llm/'))).toBe(true);
  });
});

describe('outputs', () => {
  test('service URLs and the list of created objects', async () => {
    const fleet = new ModelFleet('outputs', {
      namespace: 'llm',
      source: chart => { llama70b(chart); },
    });
    expect(await settled(fleet.serviceUrls)).toEqual({ 'llm/llama-70b': 'http://llama-70b.llm.svc.cluster.local:8000' });
    const resources = await settled(fleet.resources);
    expect(resources.map(r => r.key)).toEqual([
      'Deployment/llm/llama-70b',
      'NetworkPolicy/llm/llama-70b',
      'PersistentVolumeClaim/llm/llama-70b-model-cache',
      'PodDisruptionBudget/llm/llama-70b',
      'PodMonitor/llm/llama-70b',
      'ScaledObject/llm/llama-70b',
      'Service/llm/llama-70b',
      'ServiceAccount/llm/llama-70b',
    ]);
    expect(resources[0]).toEqual({
      key: 'Deployment/llm/llama-70b',
      type: 'kubernetes:apps/v1:Deployment',
      logicalName: 'llm/llama-70b',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'llm',
      name: 'llama-70b',
      construct: 'llama-70b',
    });
    expect(await settled((fleet.components['llama-70b'] as any).url)).toBe('http://llama-70b.llm.svc.cluster.local:8000');
    await registeredFleet(fleet);
  });
});

describe('errors', () => {
  test('construct-time problems surface as InputPropertiesError with the same list', () => {
    let error: unknown;
    try {
      new ModelFleet('bad', {
        source: chart => {
          new ModelService(chart, 'Bad_Name', {
            model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
            runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: -1 }),
            accelerator: Accelerator.NVIDIA_L4,
          });
        },
      });
    } catch (e) { error = e; }
    expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
    const err = error as pulumi.InputPropertiesError;
    expect(err.errors.map(e => e.propertyPath)).toEqual(['bad/Bad_Name.name', 'bad/Bad_Name.runtime.maxModelLen']);
    expect(err.errors[1].reason).toMatch(/-1: must be a positive whole number of tokens \(fix: use e\.g\. 8192\)/);
    expect(err.message).toMatch(/modelship found 2 problems/);
    // Nothing was registered for an invalid fleet.
    expect(registered.filter(r => r.name === 'bad' || r.name.startsWith('bad/'))).toHaveLength(0);
  });

  test('synth-time (cross-construct) problems surface the same way', () => {
    const chart = new Chart(Testing.app(), 'prod', { namespace: 'llm' });
    llama70b(chart);
    addCrossCheck(chart, () => [{ path: 'prod/h100', property: 'maxGpus', value: '16', reason: 'below peak demand (24)', fix: 'raise maxGpus to 24' }]);
    let error: unknown;
    try { new ModelFleet('cross', { source: chart }); } catch (e) { error = e; }
    expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
    expect((error as pulumi.InputPropertiesError).errors).toEqual([
      { propertyPath: 'prod/h100.maxGpus', reason: '16: below peak demand (24) (fix: raise maxGpus to 24)' },
    ]);
  });
});
