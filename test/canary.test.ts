import { parser } from '@prometheus-io/lezer-promql';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Accelerator, ANALYSIS_DEFAULTS, CanaryRollout, CanaryRolloutProps, IGpuConsumer, IGpuNodePool, Model, ModelService,
  ModelServiceProps, Precision, Runtime, SurgePolicy, TrafficStrategy, ValidationError,
} from '../lib';
import { expectSchemaValid } from './support/schema';

/** A pool that only records its consumers: the contract, nothing else. */
class FakePool extends Construct implements IGpuNodePool {
  public readonly nodeSelector = { 'example.com/pool': 'h100' };
  public readonly tolerations: k8s.Toleration[] = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
  public readonly gpusPerNode = 8;
  public readonly interruptible = false;
  public readonly usdPerGpuHour = 4;
  public readonly consumers: IGpuConsumer[] = [];
  constructor(scope: Construct, id: string, public readonly accelerator: Accelerator, public readonly maxGpus?: number) {
    super(scope, id);
  }
  public registerConsumer(consumer: IGpuConsumer): void { this.consumers.push(consumer); }
}

function setup(opts: { maxGpus?: number; service?: Partial<ModelServiceProps>; noPool?: boolean } = {}) {
  const chart = new Chart(Testing.app(), 'llm-prod', { namespace: 'llm' });
  const pool = new FakePool(chart, 'h100', Accelerator.NVIDIA_H100_80GB, opts.maxGpus ?? 64);
  const service = new ModelService(chart, 'llama-70b', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
    runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }),
    ...(opts.noPool ? { accelerator: Accelerator.NVIDIA_H100_80GB } : { nodePool: pool }),
    replicas: 4,
    ...opts.service,
  });
  return { chart, pool, service };
}

const newEngine = { runtime: Runtime.vllm({ version: '0.10.0', maxModelLen: 8192 }) };
const fp8 = { ...newEngine, precision: Precision.FP8 };

function canary(props: Partial<CanaryRolloutProps> & { setupOpts?: Parameters<typeof setup>[0] } = {}) {
  const { setupOpts, ...rest } = props;
  const s = setup(setupOpts);
  const c = new CanaryRollout(s.chart, 'canary', { service: s.service, candidate: fp8, ...rest });
  return { ...s, canary: c };
}

const find = (objs: any[], kind: string, name?: string) => objs.find(o => o.kind === kind && (name === undefined || o.metadata.name === name));
const all = (objs: any[], kind: string) => objs.filter(o => o.kind === kind);

/** Parses PromQL with Prometheus's own grammar; returns the text of every error node. */
function promqlErrors(query: string): string[] {
  const errors: string[] = [];
  parser.parse(query).iterate({ enter: n => { if (n.type.id === 0 || n.type.isError) errors.push(`${n.from}-${n.to}: ${query.slice(n.from, n.to)}`); } });
  return errors;
}

describe('Argo Rollouts with the Gateway API plugin (the service has a route)', () => {
  const { chart, canary: c, service } = canary({ setupOpts: { service: { route: { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway' } } } });
  const objs = Testing.synth(chart);

  test('every object validates against Kubernetes and the vendored CRDs', () => {
    expectSchemaValid(objs);
  });

  test('the Rollout references the Deployment, keeps its names and routes through the plugin', () => {
    const rollout = find(objs, 'Rollout');
    expect(rollout.metadata.name).toBe('llama-70b');
    expect(rollout.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-70b', scaleDown: 'progressively' });
    expect(rollout.spec.template).toBeUndefined();
    const canarySpec = rollout.spec.strategy.canary;
    expect(canarySpec.stableService).toBe('llama-70b');
    expect(canarySpec.canaryService).toBe('llama-70b-canary');
    expect(canarySpec.dynamicStableScale).toBe(true);
    expect(canarySpec.abortScaleDownDelaySeconds).toBeUndefined();
    expect(canarySpec.trafficRouting).toEqual({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'llama-70b', namespace: 'llm' } } });
    expect(canarySpec.steps).toEqual([
      { setWeight: 10 }, { pause: { duration: '600s' } },
      { setWeight: 25 }, { pause: { duration: '600s' } },
      { setWeight: 50 }, { pause: { duration: '600s' } },
    ]);
    expect(canarySpec.analysis.startingStep).toBe(1);
    expect(rollout.spec.progressDeadlineAbort).toBe(true);
  });

  test('the Deployment carries the candidate pod, planned for its own size', () => {
    const deployment = find(objs, 'Deployment', 'llama-70b');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('vllm/vllm-openai:v0.10.0');
    expect(container.args).toEqual(expect.arrayContaining(['--quantization', 'fp8']));
    // 70B in bf16 needs 4 H100s; in fp8, 2: tensor parallel, GPU limit and /dev/shm follow.
    expect(service.plan.gpusPerReplica).toBe(4);
    expect(c.candidatePlan!.gpusPerReplica).toBe(2);
    expect(container.args[container.args.indexOf('--tensor-parallel-size') + 1]).toBe('2');
    expect(container.resources.limits['nvidia.com/gpu']).toBe(2);
    const shm = deployment.spec.template.spec.volumes.find((v: any) => v.name === 'dshm');
    expect(shm.emptyDir.sizeLimit).toBe(`${c.candidatePlan!.shmGiB}Gi`);
    expect(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds).toBe(c.candidatePlan!.startupBudgetSeconds);
    // Argo owns the replica count now.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.template.metadata.labels['modelship.dev/service']).toBe('llama-70b');
  });

  test('the route lists both Services so the plugin can weight them', () => {
    const route = find(objs, 'HTTPRoute');
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: 'llama-70b', port: 8000, weight: 100 },
      { name: 'llama-70b-canary', port: 8000, weight: 0 },
    ]);
    const svc = find(objs, 'Service', 'llama-70b-canary');
    expect(svc.spec.selector).toEqual({ 'modelship.dev/service': 'llama-70b' });
    expect(svc.metadata.labels['modelship.dev/service']).toBe('llama-70b');
  });

  test('analysis: error ratio and TTFT on the candidate Service, inconclusive below minRequests', () => {
    const templates = all(objs, 'AnalysisTemplate');
    expect(templates.map(t => t.metadata.name)).toEqual(['llama-70b-canary-error-ratio', 'llama-70b-canary-client-error-increase', 'llama-70b-canary-ttft-p95']);
    for (const t of templates) {
      const m = t.spec.metrics[0];
      // The candidate's pods: the Rollout's newest ReplicaSet, by the pod-template hash Argo passes in.
      expect(m.provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.canary-hash}}",service="llama-70b"');
      expect(t.spec.args).toEqual([{ name: 'canary-hash' }, { name: 'stable-hash' }]);
      expect(m.provider.prometheus.query).toContain(`>= ${ANALYSIS_DEFAULTS.minRequests}`);
      expect(m.failureLimit).toBe(ANALYSIS_DEFAULTS.failureLimit);
      expect(m.successCondition).toMatch(/^len\(result\) > 0 && /);
      expect(m.failureCondition).toMatch(/^len\(result\) > 0 && /);
    }
    expect(templates[2].spec.metrics[0].provider.prometheus.query).toContain('vllm:time_to_first_token_seconds_bucket');
  });

  test('the candidate registers its extra GPUs with the pool', () => {
    expect(c.budget!.worst.gpus).toBe(18);
    expect(c.gpusAtPeak).toBe(0); // 18 at worst <= 20 the service already registered (4 x 4 + surge 4)
    expect(c.peakBreakdown).toContain('4 stable x 4 + 1 candidate x 2 = 18');
  });
});

test('every analysis query parses as PromQL, for every engine that supports a canary', () => {
  const queries: string[] = [];
  const runtimes = [Runtime.vllm({ version: '0.8.5' }), Runtime.vllm({ version: '0.10.0' }), Runtime.sglang(), Runtime.tgi({ allowRootImage: true })];
  for (const runtime of runtimes) {
    const s = setup({ service: { runtime: Runtime.vllm({ version: '0.9.2' }) } });
    const c = new CanaryRollout(s.chart, 'canary', {
      service: s.service,
      candidate: { runtime },
      analysis: { maxLatencyP95: Duration.seconds(30), ...(runtime.kind === 'sglang' ? {} : { maxErrorRatio: 0.02 }) },
    });
    queries.push(...c.analysis.checks.map(k => k.query));
    expectSchemaValid(Testing.synth(s.chart));
  }
  // errors, 4xx increase over the stable, TTFT, e2e (vLLM x2); TTFT, e2e (SGLang: no counters); errors, 4xx, e2e (TGI)
  expect(queries.length).toBe(4 + 4 + 2 + 3);
  for (const q of queries) expect(promqlErrors(q)).toEqual([]);
  // The checker itself catches a broken query.
  expect(promqlErrors('sum(rate(x[5m])')).not.toEqual([]);
});

test('the analysis follows the candidate engine\'s metric names (vLLM 0.8 -> 0.9 renames)', () => {
  const s = setup({ service: { runtime: Runtime.vllm({ version: '0.9.2' }) } });
  const c = new CanaryRollout(s.chart, 'canary', { service: s.service, candidate: { runtime: Runtime.tgi({ allowRootImage: true }) }, analysis: { maxLatencyP95: Duration.seconds(30) } });
  expect(c.analysis.checks.map(k => k.name)).toEqual(['error-ratio', 'client-error-increase', 'latency-p95']);
  expect(c.analysis.checks[2].query).toContain('tgi_request_duration_bucket');
  // TGI's error ratio counts only the server's failures; a client's 422 is a 4xx on both sides of the comparison.
  expect(c.analysis.checks[0].query).toContain('tgi_request_failure{err=~"generation|incomplete|dropped",namespace="llm",rollouts_pod_template_hash="{{args.canary-hash}}",service="llama-70b"}');
  expect(c.analysis.checks[1].query).toContain('tgi_request_failure{err=~"validation|template",namespace="llm",rollouts_pod_template_hash="{{args.canary-hash}}",service="llama-70b"}');
  expect(c.analysis.checks[1].query).toContain('http_requests_total{handler=~"/v1/.*",namespace="llm",rollouts_pod_template_hash="{{args.stable-hash}}",service="llama-70b",status="4xx"}');
});

describe('Argo Rollouts without a router', () => {
  test('replica-based with extra capacity: maxSurge bounds the extra replicas; the autoscaler targets the Rollout', () => {
    const { chart } = canary({
      surge: SurgePolicy.extraCapacity({ maxExtraReplicas: 1 }),
      setupOpts: { service: { replicas: undefined, autoscaling: { minReplicas: 2, maxReplicas: 4 } } },
    });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const rollout = find(objs, 'Rollout');
    expect(rollout.spec.replicas).toBeUndefined();
    expect(rollout.spec.strategy.canary.trafficRouting).toBeUndefined();
    expect(rollout.spec.strategy.canary.maxSurge).toBe(1);
    expect(rollout.spec.strategy.canary.maxUnavailable).toBe(0);
    expect(rollout.spec.strategy.canary.dynamicStableScale).toBeUndefined();
    expect(find(objs, 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'llama-70b' });
  });

  test('routed with extra capacity: an explicit setCanaryScale gates every weight', () => {
    const { chart } = canary({
      strategy: TrafficStrategy.argoRollouts({ httpRoute: 'shared-route', httpRouteNamespace: 'gateway' }),
      surge: SurgePolicy.extraCapacity({ maxExtraReplicas: 4 }),
    });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const spec = find(objs, 'Rollout').spec.strategy.canary;
    expect(spec.steps.slice(0, 3)).toEqual([{ setCanaryScale: { weight: 10 } }, { setWeight: 10 }, { pause: { duration: '600s' } }]);
    expect(spec.analysis.startingStep).toBe(2);
    expect(spec.abortScaleDownDelaySeconds).toBe(60);
    expect(spec.trafficRouting.plugins['argoproj-labs/gatewayAPI']).toEqual({ httpRoute: 'shared-route', namespace: 'gateway' });
    expect(find(objs, 'HTTPRoute')).toBeUndefined();
  });
});

test('at rest (no candidate) the Rollout adopts the Deployment unchanged', () => {
  const s = setup();
  const before = JSON.stringify(s.service.workload.toJson().spec.template);
  new CanaryRollout(s.chart, 'canary', { service: s.service });
  const objs = Testing.synth(s.chart);
  expectSchemaValid(objs);
  expect(JSON.stringify(find(objs, 'Deployment', 'llama-70b').spec.template)).toBe(before);
  expect(find(objs, 'Rollout')).toBeDefined();
  expect(s.pool.consumers.map(x => x.consumerName)).toEqual(['llama-70b']);
});

describe('Gateway API weights', () => {
  const gw = (currentWeight: number, extra: Parameters<typeof canary>[0] = {}, promote = false) =>
    canary({ strategy: TrafficStrategy.gatewayWeights({ gatewayName: 'inference-gateway', currentWeight, promote }), ...extra });

  test.each([
    // weight, stable replicas (Deployment), candidate replicas, stable weight
    [0, 4, 1, 100],
    [10, 4, 1, 90],
    [25, 4, 2, 75],
    [50, 3, 2, 50],
  ])('at %i%% the stable runs %i replicas and the candidate %i (sized for the next step)', (weight, stable, cand, stableWeight) => {
    const { chart } = gw(weight);
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    expect(find(objs, 'Deployment', 'llama-70b').spec.replicas).toBe(stable);
    const candidate = find(objs, 'Deployment', 'llama-70b-canary');
    expect(candidate.spec.replicas).toBe(cand);
    expect(candidate.spec.selector.matchLabels).toEqual({ 'modelship.dev/service': 'llama-70b-canary' });
    expect(find(objs, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([
      { name: 'llama-70b', port: 8000, weight: stableWeight },
      { name: 'llama-70b-canary', port: 8000, weight },
    ]);
    expect(find(objs, 'Rollout')).toBeUndefined();
    expect(all(objs, 'AnalysisTemplate')).toEqual([]);
  });

  test('the candidate replica count always covers its weight share (capacity leads traffic)', () => {
    for (const w of [0, 10, 25, 50]) {
      const { canary: c } = gw(w);
      expect(c.canaryWorkload!.toJson().spec.replicas).toBeGreaterThanOrEqual(Math.ceil((w * 4) / 100));
    }
  });

  test('promote rolls the stable Deployment to the candidate template at full size', () => {
    const { chart } = gw(50, {}, true);
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const stable = find(objs, 'Deployment', 'llama-70b');
    expect(stable.spec.replicas).toBe(4);
    expect(stable.spec.template.spec.containers[0].image).toBe('vllm/vllm-openai:v0.10.0');
    expect(stable.spec.template.metadata.labels['modelship.dev/service']).toBe('llama-70b');
    expect(find(objs, 'Deployment', 'llama-70b-canary').spec.replicas).toBe(2);
  });

  test('the candidate gets its own NetworkPolicy', () => {
    const objs = Testing.synth(gw(10).chart);
    expect(find(objs, 'NetworkPolicy', 'llama-70b-canary').spec.podSelector).toEqual({ matchLabels: { 'modelship.dev/service': 'llama-70b-canary' } });
  });

  test('scale-down of an autoscaled stable caps its autoscaler', () => {
    const { chart } = gw(50, { setupOpts: { service: { replicas: undefined, autoscaling: { minReplicas: 4, maxReplicas: 4 } } } });
    const objs = Testing.synth(chart);
    expectSchemaValid(objs);
    const so = find(objs, 'ScaledObject');
    expect(so.spec.maxReplicaCount).toBe(3);
    expect(so.spec.minReplicaCount).toBe(3);
  });
});

describe('bad input', () => {
  const messageOf = (fn: () => unknown): string => {
    try { fn(); } catch (e) { expect(e).toBeInstanceOf(ValidationError); return (e as Error).message; }
    throw new Error('expected a ValidationError');
  };

  test('steps not increasing or outside 1..100, all reported at once', () => {
    const msg = messageOf(() => canary({ steps: [10, 5, 150, 2.5] }));
    expect(msg).toMatch(/3 problems/);
    expect(msg).toMatch(/sort the steps and drop repeats: \[5, 10\]/);
    expect(msg).toMatch(/steps\[1\] = 5: weights must increase: 5 follows 10/);
    expect(msg).toMatch(/steps\[2\] = 150: a step weight must be a whole percentage from 1 to 100/);
    expect(msg).toMatch(/steps\[3\] = 2.5/);
    expect(msg).toMatch(/\[llm-prod\/canary\]/);
  });

  test('a pause shorter than one analysis interval', () => {
    expect(() => canary({ pause: Duration.seconds(30), analysis: { interval: Duration.minutes(1) } }))
      .toThrow(/pause = "30s": shorter than one analysis interval \(60s\)/);
  });

  test('sub-second latency thresholds are judged in fractional seconds (Duration.millis does not crash)', () => {
    const { chart } = canary({ analysis: { maxTimeToFirstTokenP95: Duration.millis(250), maxLatencyP95: Duration.millis(45500) } });
    const conditions = all(Testing.synth(chart), 'AnalysisTemplate').map(t => t.spec.metrics[0].successCondition);
    expect(conditions).toEqual(expect.arrayContaining(['len(result) > 0 && result[0] <= 0.25', 'len(result) > 0 && result[0] <= 45.5']));
  });

  test('a sub-second analysis interval is a problem, not a cdk8s conversion error', () => {
    expect(() => canary({ analysis: { interval: Duration.millis(1500) } })).toThrow(/analysis.interval = "1.5s": Prometheus scrapes every 15-30 s/);
  });

  test('a sub-second pause is a problem, not a cdk8s conversion error', () => {
    expect(() => canary({ pause: Duration.millis(250) })).toThrow(/pause = "0.25s": shorter than one analysis interval \(60s\)/);
  });

  test('a threshold the runtime cannot measure: TTFT on TGI', () => {
    expect(() => canary({ candidate: { runtime: Runtime.tgi({ allowRootImage: true }) }, analysis: { maxTimeToFirstTokenP95: Duration.seconds(1) } }))
      .toThrow(/analysis.maxTimeToFirstTokenP95 = "1s": tgi 3.3.4 exports no timeToFirstToken metric[\s\S]*fix: remove analysis.maxTimeToFirstTokenP95/);
  });

  test('an unmeasurable sub-second threshold is reported with its value, not a cdk8s conversion error', () => {
    expect(() => canary({ candidate: { runtime: Runtime.tgi({ allowRootImage: true }) }, analysis: { maxTimeToFirstTokenP95: Duration.millis(250) } }))
      .toThrow(/analysis.maxTimeToFirstTokenP95 = "0.25s": tgi 3.3.4 exports no timeToFirstToken metric/);
  });

  test('a candidate identical to the stable', () => {
    expect(() => canary({ candidate: { runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 8192 }) } }))
      .toThrow(/candidate = .*renders the same pod as the stable llama-70b/);
  });

  test('a second canary on the same service is refused (it would duplicate the Rollout and canary objects)', () => {
    const { chart, service } = canary();
    expect(() => new CanaryRollout(chart, 'canary-2', { service, candidate: newEngine }))
      .toThrow(/\[llm-prod\/canary-2\] service = "llm-prod\/llama-70b": llama-70b already has a canary \(llm-prod\/canary\)/);
  });

  test('a service that is not on a pool', () => {
    expect(() => canary({ setupOpts: { noPool: true } }))
      .toThrow(/llama-70b is not placed on a GpuNodePool[\s\S]*fix: give the ModelService a nodePool/);
  });

  test('the candidate\'s own planning problems are reported under candidate.*', () => {
    expect(() => canary({ candidate: { gpusPerReplica: 3 } })).toThrow(/candidate.gpusPerReplica = 3: tensor parallel size 3 does not divide/);
  });

  test('extra capacity too small for a step names the step and what fits', () => {
    expect(() => canary({ strategy: TrafficStrategy.gatewayWeights({ gatewayName: 'gw' }), surge: SurgePolicy.extraCapacity({ maxExtraReplicas: 1 }) }))
      .toThrow(/surge.maxExtraReplicas = 1: step 2 \(25%\) needs 2 candidate replicas beside the whole stable of 4 \(2 > 1, sized ahead for the next step\)[\s\S]*fix: raise maxExtraReplicas to 2/);
  });

  test('Argo with a router and extra capacity below full size explains the promotion moment', () => {
    expect(() => canary({ strategy: TrafficStrategy.argoRollouts({ httpRoute: 'r' }), surge: SurgePolicy.extraCapacity({ maxExtraReplicas: 2 }) }))
      .toThrow(/full promotion scales the candidate to all 4 replicas/);
  });

  test('gateway weights: a weight that is not a step, promotion before the last step', () => {
    const msg = messageOf(() => canary({ strategy: TrafficStrategy.gatewayWeights({ gatewayName: 'gw', currentWeight: 30, promote: true }) }));
    expect(msg).toMatch(/strategy.currentWeight = 30: not 0 \(warm-up\) and not one of the steps \[10, 25, 50\]/);
    expect(msg).toMatch(/strategy.promote = true: promotion starts from the last step \(50%\)/);
  });

  test('the worst moment above the pool\'s maxGpus fails at synth with the numbers', () => {
    const { chart } = canary({ setupOpts: { maxGpus: 16, service: { route: { gatewayName: 'gw' } } } });
    expect(() => (chart.node.root as App).synth()).toThrow(/worst moment \(step 1 \(10%\): 4 stable x 4 \+ 1 candidate x 2 = 18\) needs 18 GPUs, but the pool llm-prod\/h100 has maxGpus 16/);
  });
});

test('snapshot: Argo Rollouts canary of a 70B model to FP8 on a new vLLM', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'llm-prod', { namespace: 'llm' });
  const pool = new FakePool(chart, 'h100', Accelerator.NVIDIA_H100_80GB, 32);
  const service = new ModelService(chart, 'llama-70b', {
    model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct', { tokenSecret: 'hf-token' }),
    runtime: Runtime.vllm({ version: '0.9.2' }),
    nodePool: pool,
    autoscaling: { minReplicas: 2, maxReplicas: 4 },
    route: { gatewayName: 'inference-gateway', gatewayNamespace: 'gateway' },
  });
  new CanaryRollout(chart, 'llama-canary', { service, candidate: fp8, steps: [5, 25, 50], pause: Duration.minutes(15) });
  const objs = Testing.synth(chart);
  expectSchemaValid(objs);
  expect(objs.filter((o: any) => ['Rollout', 'AnalysisTemplate', 'HTTPRoute', 'Service', 'ScaledObject'].includes(o.kind))).toMatchSnapshot();
});

describe('the candidate inherits what it does not change', () => {
  test('a new engine version keeps the stable\'s context length, memory share, arguments and env', () => {
    const s = setup({ service: { runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 16384, memoryUtilization: 0.85, extraArgs: ['--enable-prefix-caching'], env: { A: '1' } }), precision: Precision.FP8 } });
    const c = new CanaryRollout(s.chart, 'canary', { service: s.service, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) } });
    const r = c.candidatePlan!.runtime;
    expect([r.version, r.maxModelLen, r.memoryUtilization, r.env]).toEqual(['0.10.0', 16384, 0.85, { A: '1' }]);
    expect(c.candidatePlan!.maxModelLen).toBe(16384);
    const args = all(Testing.synth(s.chart), 'Deployment').find(d => d.metadata.name === 'llama-70b').spec.template.spec.containers[0].args;
    expect(args).toEqual(expect.arrayContaining(['--max-model-len', '16384', '--gpu-memory-utilization', '0.85', '--enable-prefix-caching']));
  });

  test('what the candidate sets wins', () => {
    const s = setup({ service: { runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 16384 }), precision: Precision.FP8 } });
    const c = new CanaryRollout(s.chart, 'canary', { service: s.service, candidate: { runtime: Runtime.vllm({ version: '0.10.0', maxModelLen: 8192 }) } });
    expect(c.candidatePlan!.maxModelLen).toBe(8192);
  });

  test('a stable on its own image: a new version without an image is refused (it would pull the public one)', () => {
    const s = setup({ service: { runtime: Runtime.vllm({ version: '0.9.2', image: 'registry.example.com/vllm:0.9.2' }), precision: Precision.FP8 } });
    expect(() => new CanaryRollout(s.chart, 'canary', { service: s.service, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) } }))
      .toThrow(/candidate\.runtime\.image = undefined: the stable runs the image registry\.example\.com\/vllm:0\.9\.2/);
  });
});
