import { App, Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Accelerator, GpuNodePool, Model, ModelService, ModelServiceProps, Provisioner, renderPlanMarkdown, Runtime,
} from '../lib';
import { expectValidationError } from './support/errors';
import { expectSchemaValid } from './support/schema';

const base: ModelServiceProps = {
  model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
  accelerator: Accelerator.NVIDIA_L4,
  runtime: Runtime.vllm({ maxModelLen: 4096 }),
};

function synth(props: Partial<ModelServiceProps>): any[] {
  const chart = Testing.chart();
  new ModelService(chart, 'llama', { ...base, ...props });
  return Testing.synth(chart);
}

/** The pod's drain and the route's timeout, read from the synthesized objects. */
function drainOf(objs: any[]): { grace: number; preStop: number; routeTimeout?: number } {
  const pod = objs.find(o => o.kind === 'Deployment').spec.template.spec;
  const [cmd, seconds] = pod.containers[0].lifecycle.preStop.exec.command;
  expect(cmd).toBe('sleep');
  const route = objs.find(o => o.kind === 'HTTPRoute');
  return { grace: pod.terminationGracePeriodSeconds, preStop: Number(seconds), routeTimeout: route ? gatewayDurationSeconds(route.spec.rules[0].timeouts.request) : undefined };
}

/** Reads a Gateway API duration (GEP-2257: `1h30m`, `600s`, `250ms`), written here from the GEP, not from lib/. */
function gatewayDurationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|h|m|s)/g)) total += Number(n) * units[unit];
  return total;
}

describe('the drain covers the route\'s request timeout', () => {
  test('a route\'s 600 s timeout: the pod sleeps through endpoint removal and the longest request, then gets 15 s to exit', () => {
    const objs = synth({ route: { gatewayName: 'gw' } });
    expectSchemaValid(objs);
    const d = drainOf(objs);
    expect(d.routeTimeout).toBe(600);
    // Before: 45 s preStop and 60 s grace cut every generation longer than ~35 s on scale-down.
    expect(d.preStop).toBeGreaterThanOrEqual(d.routeTimeout! + 5);
    expect(d).toEqual({ grace: 625, preStop: 610, routeTimeout: 600 });
  });

  test('without a route and without a request bound, the drain is as before (60 s, preStop 45 s)', () => {
    expect(drainOf(synth({}))).toEqual({ grace: 60, preStop: 45, routeTimeout: undefined });
  });

  test('drain.maxRequestDuration without a route', () => {
    expect(drainOf(synth({ drain: { maxRequestDuration: Duration.minutes(3), endpointRemovalDelay: Duration.seconds(20) } })))
      .toEqual({ grace: 215, preStop: 200, routeTimeout: undefined });
  });

  test('property: for any route timeout, the pod outlives the longest request unless the ceiling says otherwise (then the plan says so)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 * 3600 }), fc.integer({ min: 20, max: 4 * 3600 }), (timeout, ceiling) => {
      const chart = Testing.chart();
      const svc = new ModelService(chart, 'llama', { ...base, route: { gatewayName: 'gw', requestTimeout: Duration.seconds(timeout) }, drain: { maxTerminationGracePeriod: Duration.seconds(ceiling) } });
      const d = drainOf(Testing.synth(chart));
      expect(d.grace - d.preStop).toBe(15);
      expect(d.grace).toBeLessThanOrEqual(ceiling);
      const capped = svc.plan.warnings.some(n => n.startsWith('drain capped'));
      if (d.preStop < timeout + 10) expect(capped).toBe(true);
      else expect(capped).toBe(false);
    }), { numRuns: 40 });
  });

  test('a ceiling below the route timeout caps the drain, with the arithmetic in PLAN.md', () => {
    const app = new App();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    new ModelService(chart, 'llama', { ...base, route: { gatewayName: 'gw', requestTimeout: Duration.minutes(30) }, drain: { maxTerminationGracePeriod: Duration.minutes(20) } });
    expect(drainOf(Testing.synth(chart))).toEqual({ grace: 1200, preStop: 1185, routeTimeout: 1800 });
    expect(renderPlanMarkdown(app)).toContain('llm/llama: drain capped at 1200 s by drain.maxTerminationGracePeriod: the route\'s requestTimeout is 1800 s, which needs 10 s endpoint removal + 1800 s + 15 s engine exit = 1825 s; requests running longer than 1175 s are cut when a replica stops');
  });

  test('an explicit terminationGracePeriod is used as given; the plan notes what the route loses', () => {
    const chart = Testing.chart();
    const svc = new ModelService(chart, 'llama', { ...base, route: { gatewayName: 'gw' }, terminationGracePeriod: Duration.seconds(90) });
    expect(drainOf(Testing.synth(chart))).toEqual({ grace: 90, preStop: 75, routeTimeout: 600 });
    expect(svc.plan.warnings).toContainEqual(expect.stringMatching(/^terminationGracePeriod 90 s lets a stopping replica finish requests for 65 s .* but the route allows 600 s/));
  });
});

describe('the drain is checked against the node pool', () => {
  const karpenter = (terminationGracePeriod?: Duration) => ({ clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod', terminationGracePeriod });

  function onPool(tgp: Duration | undefined, props: Partial<ModelServiceProps>): () => ModelService {
    return () => {
      const chart = Testing.chart();
      const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxGpus: 8, provisioner: Provisioner.karpenter(karpenter(tgp)) });
      return new ModelService(chart, 'llama', { ...base, accelerator: undefined, nodePool: pool, ...props });
    };
  }

  test('a Karpenter pool whose terminationGracePeriod is shorter than the drain is refused, with the arithmetic', () => {
    const e = expectValidationError(onPool(Duration.minutes(5), { route: { gatewayName: 'gw' } }));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ path: 'test/llama', property: 'drain', value: '"625s"' });
    expect(e.problems[0].reason).toMatch(/grace period \(625 s\) is longer than the node pool test\/l4's terminationGracePeriod \(300 s\).*cut 325 s early/);
    expect(e.problems[0].fix).toMatch(/Duration.seconds\(625\)/);
  });

  test('the default Karpenter terminationGracePeriod (2 h) holds the default drain; the pool exposes it', () => {
    const svc = onPool(undefined, { route: { gatewayName: 'gw' } })();
    expect(svc.nodePool!.nodeTerminationGracePeriodSeconds).toBe(7200);
    expect(svc.plan.terminationGracePeriodSeconds).toBe(625);
  });

  test('an explicit grace period above the pool\'s is refused too; an existing pool has no bound to check', () => {
    expect(expectValidationError(onPool(Duration.seconds(60), { terminationGracePeriod: Duration.seconds(90) })).problems[0].property).toBe('terminationGracePeriod');
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing() });
    expect(pool.nodeTerminationGracePeriodSeconds).toBeUndefined();
    expect(() => new ModelService(chart, 'llama', { ...base, accelerator: undefined, nodePool: pool, route: { gatewayName: 'gw' } })).not.toThrow();
  });
});

describe('drain: bad input', () => {
  test.each<[string, Partial<ModelServiceProps>, RegExp]>([
    ['both terminationGracePeriod and drain', { terminationGracePeriod: Duration.seconds(90), drain: { maxRequestDuration: Duration.minutes(5) } }, /drain = .*: terminationGracePeriod is given too/],
    ['a ceiling below 20 s', { drain: { maxTerminationGracePeriod: Duration.seconds(5) } }, /drain.maxTerminationGracePeriod = "5s": must be at least 20 s/],
    ['a fractional ceiling', { drain: { maxTerminationGracePeriod: Duration.millis(30500) } }, /drain.maxTerminationGracePeriod = "30.5s": Kubernetes takes the grace period in whole seconds/],
  ])('%s', (_case, change, message) => {
    const e = expectValidationError(() => synth(change));
    expect(e.message).toMatch(message);
    expect(e.problems.every(p => p.path === 'test/llama' && p.fix.length > 0)).toBe(true);
  });
});
