/**
 * Issue 11, JavaScript and config-driven callers: every construct and factory is called the way
 * untyped code calls it (props cast through `unknown`): a required prop missing, a number where a
 * Duration belongs, a string where an array belongs, a plain object where a Model, Runtime or
 * Provisioner belongs, null, props that are not an object. Each must end in a ValidationError
 * whose problems carry a property and a fix, never in a TypeError or another raw crash.
 */
import * as pulumi from '@pulumi/pulumi';
import { App, Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, CanaryRollout, Dcgm, DevicePlugin, GatewayImplementation, GpuNodePool, GpuSharing, Model, ModelCache, ModelNamespace,
  ModelService, MonitoringRule, MonitoringStack, Provisioner, Runtime, SurgePolicy, TrafficStrategy, ValidationError,
} from '../lib';
import { ModelFleet } from '../lib/pulumi';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';

type Kind = 'string' | 'number' | 'boolean' | 'duration' | 'array' | 'object' | 'map' | 'instance' | 'enum';

/** Values of every other kind than the one a field takes. */
const WRONG: Record<Kind, unknown[]> = {
  string: [42, true, { a: 1 }, ['a'], null, Duration.seconds(1)],
  number: ['3', true, { a: 1 }, [1], null, Duration.seconds(1)],
  boolean: ['true', 1, { a: 1 }, null],
  duration: [30, '30s', { amount: 30, unit: 'seconds' }, [30], null],
  array: ['a', 42, { a: 1 }, null, [42, { a: 1 }]],
  object: ['x', 42, ['a'], null, true],
  map: ['x', 42, ['a'], null, { k: 42 }, { k: { nested: 1 } }],
  instance: [{ a: 1 }, 'x', 42, null, [], { id: LLAMA_8B, source: 'huggingface' }],
  enum: ['no-such-value', 42, { a: 1 }, null],
};

function withPath(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...base, [head]: value };
  return { ...base, [head]: withPath((base[head] as Record<string, unknown>) ?? {}, rest.join('.'), value) };
}

/** Runs `fn` and returns the ValidationError; a TypeError or anything else fails with its stack. */
function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      for (const p of e.problems) {
        expect(p.property.length).toBeGreaterThan(0);
        expect(p.fix.length).toBeGreaterThan(5);
      }
      return e;
    }
    throw new Error(`a raw crash instead of a ValidationError: ${(e as Error)?.stack ?? String(e)}`);
  }
  throw new Error('accepted: expected a ValidationError');
}

/** Builds in a fresh chart and synthesizes, so synth-time checks run too. */
function synthIn(build: (chart: Chart) => void): void {
  const chart = new Chart(new App({ outdir: Testing.app().outdir }), 'c', { namespace: 'llm' });
  build(chart);
  Testing.synth(chart);
}

const pool = (c: Chart) => new GpuNodePool(c, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64 });
const service = (c: Chart, extra: Record<string, unknown> = {}) => new ModelService(c, 'llama', {
  model: Model.huggingFace(LLAMA_8B), runtime: Runtime.vllm({ version: '0.9.2' }), nodePool: (c.node.tryFindChild('h100') as GpuNodePool | undefined) ?? pool(c), replicas: 2, ...extra,
});

interface ConstructCase {
  readonly name: string;
  readonly base: (c: Chart) => Record<string, unknown>;
  readonly build: (c: Chart, props: unknown) => unknown;
  readonly fields: ReadonlyArray<[string, Kind]>;
  readonly required: readonly string[];
}

const CASES: ConstructCase[] = [
  {
    name: 'ModelService',
    base: () => ({ model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4, route: { gatewayName: 'gw' }, autoscaling: { minReplicas: 1, maxReplicas: 2 } }),
    build: (c, p) => new ModelService(c, 'llama', p as never),
    fields: [
      ['model', 'instance'], ['runtime', 'instance'], ['precision', 'enum'], ['nodePool', 'instance'], ['accelerator', 'instance'],
      ['gpusPerReplica', 'number'], ['concurrentSequences', 'number'], ['replicas', 'number'], ['maxSurge', 'number'],
      ['autoscaling', 'object'], ['autoscaling.minReplicas', 'number'], ['autoscaling.maxReplicas', 'number'], ['autoscaling.queueDepthPerReplica', 'number'],
      ['autoscaling.provider', 'enum'], ['autoscaling.prometheusUrl', 'string'], ['autoscaling.scaleDownStabilization', 'duration'],
      ['cache', 'instance'], ['name', 'string'],
      ['network', 'object'], ['network.allowNamespaces', 'array'], ['network.allowPods', 'array'], ['network.metricsNamespace', 'string'], ['network.disabled', 'boolean'],
      ['route', 'object'], ['route.gatewayName', 'string'], ['route.gatewayNamespace', 'string'], ['route.implementation', 'instance'],
      ['route.hostnames', 'array'], ['route.pathPrefix', 'string'], ['route.requestTimeout', 'duration'],
      ['resources', 'object'], ['resources.cpu', 'number'], ['resources.memoryGiB', 'number'],
      ['terminationGracePeriod', 'duration'], ['drain', 'object'], ['drain.maxRequestDuration', 'duration'], ['drain.endpointRemovalDelay', 'duration'],
      ['drain.maxTerminationGracePeriod', 'duration'], ['serviceAccountAnnotations', 'map'], ['requireStableCapacity', 'boolean'],
      ['allowMutableImageTag', 'boolean'], ['env', 'map'], ['secretEnv', 'map'], ['gpuDeviceGroupIds', 'array'], ['labels', 'map'],
    ],
    required: ['model', 'route.gatewayName', 'autoscaling.minReplicas', 'autoscaling.maxReplicas'],
  },
  {
    name: 'GpuNodePool',
    base: () => ({ accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 8 }),
    build: (c, p) => new GpuNodePool(c, 'h100', p as never),
    fields: [['accelerator', 'instance'], ['provisioner', 'instance'], ['maxGpus', 'number'], ['usdPerGpuHour', 'number'], ['devicePlugin', 'instance'], ['name', 'string']],
    required: ['accelerator', 'provisioner'],
  },
  {
    name: 'CanaryRollout',
    base: c => ({ service: service(c), candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, analysis: {} }),
    build: (c, p) => new CanaryRollout(c, 'canary', p as never),
    fields: [
      ['service', 'instance'], ['candidate', 'object'], ['candidate.model', 'instance'], ['candidate.runtime', 'instance'], ['candidate.precision', 'enum'],
      ['candidate.gpusPerReplica', 'number'], ['candidate.env', 'map'], ['candidate.resources', 'object'], ['steps', 'array'], ['pause', 'duration'],
      ['analysis', 'object'], ['analysis.maxErrorRatio', 'number'], ['analysis.maxTimeToFirstTokenP95', 'duration'], ['analysis.interval', 'duration'],
      ['analysis.minRequests', 'number'], ['analysis.prometheusUrl', 'string'], ['strategy', 'instance'], ['surge', 'instance'],
    ],
    required: ['service'],
  },
  {
    name: 'MonitoringStack',
    base: c => ({ services: [service(c)], thresholds: {}, slo: {} }),
    build: (c, p) => new MonitoringStack(c, 'monitoring', p as never),
    fields: [
      ['services', 'array'], ['nodePools', 'array'], ['slo', 'object'], ['slo.availability', 'number'], ['slo.timeToFirstToken', 'object'],
      ['serviceSlos', 'array'], ['thresholds', 'object'], ['thresholds.kvCacheUsage', 'number'], ['thresholds.queueBacklogFor', 'duration'],
      ['serviceMonitorLabels', 'map'], ['ruleLabels', 'map'], ['dashboardLabels', 'map'], ['dashboardNamespace', 'string'], ['dashboards', 'boolean'],
      ['dcgm', 'instance'], ['rules', 'array'], ['runbookBaseUrl', 'string'], ['scrapeInterval', 'duration'], ['name', 'string'],
    ],
    required: ['services'],
  },
  {
    name: 'ModelNamespace',
    base: () => ({}),
    build: (c, p) => new ModelNamespace(c, 'ns', p as never),
    fields: [['name', 'string'], ['podSecurityLevel', 'enum'], ['podSecurityVersion', 'string'], ['labels', 'map'], ['annotations', 'map']],
    required: [],
  },
];

describe.each(CASES.map(c => [c.name, c] as const))('%s called like untyped JavaScript', (_name, c) => {
  test('the valid baseline is accepted', () => synthIn(chart => { c.build(chart, c.base(chart)); }));

  for (const props of [undefined, null, 'props', 42, ['a']]) {
    test(`props = ${JSON.stringify(props)}`, () => {
      // No props at all, or null, is fine where nothing is required.
      if ((props === undefined || props === null) && c.required.length === 0) return synthIn(chart => { c.build(chart, props); });
      const e = validationErrorOf(() => synthIn(chart => { c.build(chart, props); }));
      expect(e.problems.length).toBeGreaterThan(0);
    });
  }

  for (const field of c.required) {
    test(`required ${field} left out`, () => {
      const e = validationErrorOf(() => synthIn(chart => { c.build(chart, withPath(c.base(chart), field, undefined)); }));
      expect(e.problems.map(p => p.property)).toContain(field);
    });
  }

  for (const [field, kind] of c.fields) {
    for (const wrong of WRONG[kind]) {
      test(`${field} (${kind}) = ${label(wrong)}`, () => {
        const e = validationErrorOf(() => synthIn(chart => { c.build(chart, withPath(c.base(chart), field, wrong)); }));
        const top = field.split('.')[0];
        if (!e.problems.some(p => p.property === field || p.property.startsWith(`${field}.`) || p.property.startsWith(`${field}[`) || p.property.startsWith(top))) {
          throw new Error(`no problem names ${field}:\n${e.message}`);
        }
      });
    }
  }
});

function label(v: unknown): string {
  if (v instanceof Duration) return 'Duration';
  return JSON.stringify(v) ?? String(v);
}

/** Factories called with what untyped code passes, then used in a construct. */
const FACTORY_CASES: Array<[string, (c: Chart) => void]> = [
  ['Model.huggingFace(42)', c => service(c, { model: Model.huggingFace(42 as never) })],
  ['Model.huggingFace(id, "token")', c => service(c, { model: Model.huggingFace(LLAMA_8B, 'hf-token' as never) })],
  ['Model.huggingFace(id, { tokenSecret: 42 })', c => service(c, { model: Model.huggingFace(LLAMA_8B, { tokenSecret: 42 as never }) })],
  ['Model.huggingFace(id, { tokenSecret: {} })', c => service(c, { model: Model.huggingFace(LLAMA_8B, { tokenSecret: {} as never }) })],
  ['Model.huggingFace(id, { spec: "8b" })', c => service(c, { model: Model.huggingFace(LLAMA_8B, { spec: '8b' as never }) })],
  ['Model.huggingFace(id, { spec: { layers: "32" } })', c => service(c, { model: Model.huggingFace(LLAMA_8B, { spec: { layers: '32' } as never }) })],
  ['Model.fromObjectStore(42)', c => service(c, { model: Model.fromObjectStore(42 as never), gpusPerReplica: 1 })],
  ['Model.fromVolume(undefined)', c => service(c, { model: Model.fromVolume(undefined as never), gpusPerReplica: 1 })],
  ['Model.fromVolume({})', c => service(c, { model: Model.fromVolume({} as never), gpusPerReplica: 1 })],
  ['Model.fromVolume({ claimName: 42 })', c => service(c, { model: Model.fromVolume({ claimName: 42 as never }), gpusPerReplica: 1 })],
  ['Runtime.vllm({ version: 42 })', c => service(c, { runtime: Runtime.vllm({ version: 42 as never }) })],
  ['Runtime.vllm({ env: "X=1" })', c => service(c, { runtime: Runtime.vllm({ env: 'X=1' as never }) })],
  ['Runtime.vllm({ extraArgs: "--x" })', c => service(c, { runtime: Runtime.vllm({ extraArgs: '--x' as never }) })],
  ['Runtime.vllm({ maxModelLen: "8k" })', c => service(c, { runtime: Runtime.vllm({ maxModelLen: '8k' as never }) })],
  ['Runtime.vllm({ image: 42 })', c => service(c, { runtime: Runtime.vllm({ image: 42 as never }) })],
  ['Runtime.sglang({ memoryUtilization: "0.9" })', c => service(c, { runtime: Runtime.sglang({ memoryUtilization: '0.9' as never }) })],
  ['Runtime.tgi("3.3.0")', c => service(c, { runtime: Runtime.tgi('3.3.0' as never) })],
  ['Runtime.custom(undefined)', c => service(c, { runtime: Runtime.custom(undefined as never), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 })],
  ['Runtime.custom({})', c => service(c, { runtime: Runtime.custom({} as never), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 })],
  ['Runtime.custom({ image: 42 })', c => service(c, { runtime: Runtime.custom({ image: 42 as never }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 })],
  ['Runtime.custom({ port: "8000" })', c => service(c, { runtime: Runtime.custom({ image: 'r/x:v1', port: '8000' as never }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 })],
  ['Runtime.custom({ command: "serve" })', c => service(c, { runtime: Runtime.custom({ image: 'r/x:v1', command: 'serve' as never }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 })],
  ['Runtime.custom({ metrics: "q" })', c => service(c, { runtime: Runtime.custom({ image: 'r/x:v1', metrics: 'q' as never }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 })],
  ['Runtime.custom({ metrics: { requests: "r" } })', c => service(c, { runtime: Runtime.custom({ image: 'r/x:v1', metrics: { requests: 'r' } as never }), model: Model.fromVolume({ claimName: 'w' }), gpusPerReplica: 1 })],
  ['ModelCache.shared({ sizeGiB: "100" })', c => service(c, { cache: ModelCache.shared({ sizeGiB: '100' as never }) })],
  ['ModelCache.emptyDir("big")', c => service(c, { cache: ModelCache.emptyDir('big' as never) })],
  ['ModelCache.existingClaim(42)', c => service(c, { cache: ModelCache.existingClaim(42 as never) })],
  ['GatewayImplementation.peers("x")', c => service(c, { route: { gatewayName: 'gw', implementation: GatewayImplementation.peers('x' as never) } })],
  ['GatewayImplementation.peers([42])', c => service(c, { route: { gatewayName: 'gw', implementation: GatewayImplementation.peers([42] as never) } })],
  ['GatewayImplementation.gke({ proxyOnlySubnetCidrs: "10.0.0.0/8" })', c => service(c, { route: { gatewayName: 'gw', implementation: GatewayImplementation.gke({ proxyOnlySubnetCidrs: '10.0.0.0/8' as never }) } })],
  ['GatewayImplementation.envoyGateway("ns")', c => service(c, { route: { gatewayName: 'gw', implementation: GatewayImplementation.envoyGateway('ns' as never) } })],
  ['Provisioner.karpenter(null)', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.karpenter(null as never), maxGpus: 8 })],
  ['Provisioner.karpenter({ labels: "x" })', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.karpenter({ clusterName: 'c', nodeRole: 'r', labels: 'x' as never }), maxGpus: 8 })],
  ['Provisioner.karpenter({ taints: [{}] })', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.karpenter({ clusterName: 'c', nodeRole: 'r', taints: [{}] as never }), maxGpus: 8 })],
  ['Provisioner.karpenter({ expireAfter: 720 })', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.karpenter({ clusterName: 'c', nodeRole: 'r', expireAfter: 720 as never }), maxGpus: 8 })],
  ['Provisioner.karpenter({ instanceTypes: "p5.48xlarge" })', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.karpenter({ clusterName: 'c', nodeRole: 'r', instanceTypes: 'p5.48xlarge' as never }), maxGpus: 8 })],
  ['Provisioner.existing("x")', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing('x' as never) })],
  ['Provisioner.existing({ nodeLabels: ["a"] })', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing({ nodeLabels: ['a'] as never }) })],
  ['DevicePlugin.nvidia(null)', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(), devicePlugin: DevicePlugin.nvidia(null as never) })],
  ['DevicePlugin.nvidia({ sharing: 2 })', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(), devicePlugin: DevicePlugin.nvidia({ sharing: 2 as never }) })],
  ['GpuSharing.timeSlicing("2")', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(), devicePlugin: DevicePlugin.nvidia({ sharing: GpuSharing.timeSlicing('2' as never) }) })],
  ['GpuSharing.mig("x")', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), devicePlugin: DevicePlugin.nvidia({ sharing: GpuSharing.mig('x' as never) }) })],
  ['TrafficStrategy.gatewayWeights(null)', c => new CanaryRollout(c, 'canary', { service: service(c), strategy: TrafficStrategy.gatewayWeights(null as never) })],
  ['TrafficStrategy.argoRollouts("x")', c => new CanaryRollout(c, 'canary', { service: service(c), strategy: TrafficStrategy.argoRollouts('x' as never) })],
  ['SurgePolicy.extraCapacity(undefined)', c => new CanaryRollout(c, 'canary', { service: service(c), surge: SurgePolicy.extraCapacity(undefined as never) })],
  ['SurgePolicy.extraCapacity({ maxExtraReplicas: "2" })', c => new CanaryRollout(c, 'canary', { service: service(c), surge: SurgePolicy.extraCapacity({ maxExtraReplicas: '2' as never }) })],
  ['Dcgm.exporter(null)', c => new MonitoringStack(c, 'm', { services: [service(c)], nodePools: [c.node.findChild('h100') as GpuNodePool], dcgm: Dcgm.exporter(null as never) })],
  ['Dcgm.existing(42)', c => new MonitoringStack(c, 'm', { services: [service(c)], dcgm: Dcgm.existing(42 as never) })],
  ['MonitoringRule.alert(undefined)', c => new MonitoringStack(c, 'm', { services: [service(c)], rules: [MonitoringRule.alert(undefined as never)] })],
  ['MonitoringRule.alert({ name: "A" })', c => new MonitoringStack(c, 'm', { services: [service(c)], rules: [MonitoringRule.alert({ name: 'A' } as never)] })],
  ['MonitoringRule.record({ name: 42, expr: "up" })', c => new MonitoringStack(c, 'm', { services: [service(c)], rules: [MonitoringRule.record({ name: 42 as never, expr: 'up' })] })],
  ['MonitoringRule.alert({ ..., for: 600 })', c => new MonitoringStack(c, 'm', { services: [service(c)], rules: [MonitoringRule.alert({ name: 'A', expr: 'up == 0', summary: 's', for: 600 as never })] })],
];

test('two constructs with one id in one scope: a ValidationError, not cdk8s\'s "There is already a Construct"', () => {
  const e = validationErrorOf(() => synthIn(c => { pool(c); pool(c); }));
  expect(e.problems[0].property).toBe('id');
});

/** null options, as JSON writes an absent object, mean no options. */
const NULL_OPTIONS: Array<[string, (c: Chart) => void]> = [
  ['Model.fromObjectStore(uri, null)', c => service(c, { model: Model.fromObjectStore('s3://b/m', null as never), gpusPerReplica: 1 })],
  ['Runtime.vllm(null)', c => service(c, { runtime: Runtime.vllm(null as never) })],
  ['Runtime.triton(null)', c => service(c, { runtime: Runtime.triton(null as never), model: Model.fromVolume({ claimName: 'repo' }), gpusPerReplica: 1 })],
  ['ModelCache.shared(null)', c => service(c, { cache: ModelCache.shared(null as never) })],
  ['GatewayImplementation.gke(null)', c => service(c, { route: { gatewayName: 'gw', implementation: GatewayImplementation.gke(null as never) } })],
  ['Provisioner.gke(null)', c => new GpuNodePool(c, 'p', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke(null as never) })],
];

test.each(NULL_OPTIONS.map(([t, b]) => [t, b] as const))('%s: null options mean none (accepted)', (_t, build) => {
  try {
    synthIn(build);
  } catch (e) {
    // Accepted, or refused for a reason of its own (e.g. a GKE pool needs no options at all): never a raw crash.
    if (!(e instanceof ValidationError)) throw e;
  }
});

describe('factories called like untyped JavaScript, then used', () => {
  for (const [title, build] of FACTORY_CASES) {
    test(title, () => { validationErrorOf(() => synthIn(build)); });
  }
});

describe('the Pulumi adapter called like untyped JavaScript', () => {
  beforeAll(() => {
    void pulumi.runtime.setMocks({ newResource: args => ({ id: `${args.name}-id`, state: args.inputs }), call: args => args.inputs }, 'modelship', 'js', false);
  });
  const ARGS: Array<[string, unknown]> = [
    ['args undefined', undefined],
    ['args "chart"', 'chart'],
    ['source missing', {}],
    ['source 42', { source: 42 }],
    ['source a plain object', { source: { charts: [] } }],
    ['namespace 42', { source: (c: Chart) => service(c), namespace: 42 }],
    ['namespace "LLM"', { source: (c: Chart) => service(c), namespace: 'LLM' }],
    ['namePrefix 42', { source: (c: Chart) => service(c), namePrefix: 42 }],
    ['retainVolumeClaims "yes"', { source: (c: Chart) => service(c), retainVolumeClaims: 'yes' }],
    ['aliases []', { source: (c: Chart) => service(c), aliases: [] }],
    ['objectOptions {}', { source: (c: Chart) => service(c), objectOptions: {} }],
    ['source builds a bad service', { source: (c: Chart) => service(c, { replicas: '2' }) }],
  ];
  for (const [title, args] of ARGS) {
    test(title, () => {
      try {
        new ModelFleet('fleet', args as never);
      } catch (e) {
        if (e instanceof pulumi.InputPropertiesError) {
          expect(e.message).toMatch(/fix:/);
          return;
        }
        throw new Error(`a raw crash instead of an InputPropertiesError: ${(e as Error)?.stack ?? String(e)}`);
      }
      throw new Error('accepted: expected an InputPropertiesError');
    });
  }
});
