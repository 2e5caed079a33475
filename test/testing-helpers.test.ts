import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Accelerator, GpuNodePool, Model, ModelService, MonitoringStack, Provisioner, Runtime } from '../lib';
import {
  assertCostAtMost, assertFitsPool, assertPodSecurity, assertValidKubernetes, kubernetesProblems, modelshipMatchers, modelshipSnapshotSerializer,
  podSecurityProblems, poolFitProblems, stableObjects, synthApp, SynthResult,
} from '../lib/testing';
import { restrictedViolations } from './support/pss';
import { schemaErrors } from './support/schema';

expect.extend(modelshipMatchers);

function fleet(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'llm', { namespace: 'llm' });
  const pool = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ gpusPerNode: 1 }), maxGpus: 8 });
  const svc = new ModelService(chart, 'qwen', {
    model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'),
    runtime: Runtime.vllm({ maxModelLen: 4096 }),
    nodePool: pool,
    autoscaling: { minReplicas: 1, maxReplicas: 3 },
  });
  new MonitoringStack(chart, 'monitoring', { services: [svc], nodePools: [pool] });
  return app;
}

let work: string;
let result: SynthResult;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'modelship-testing-'));
  result = synthApp(fleet(join(work, 'in-memory')));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('synthApp', () => {
  test('writes nothing, and returns what app.synth() writes: the same objects and plan.json', () => {
    expect(existsSync(join(work, 'in-memory'))).toBe(false);
    const outdir = join(work, 'written');
    fleet(outdir).synth();
    const yaml = readdirSync(outdir).filter(f => f.endsWith('.yaml'));
    const written = yaml.flatMap(f => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map((d: any) => d.toJSON()));
    expect(result.objects).toEqual(written);
    expect(`${JSON.stringify(result.plan, null, 2)}\n`).toBe(readFileSync(join(outdir, 'plan.json'), 'utf8'));
    // The tests' own schema checker agrees the objects are the real thing.
    expect(result.objects.flatMap(o => schemaErrors(o))).toEqual([]);
  });

  test('the plan as data: GPUs and cost per service', () => {
    const [svc] = result.plan.services;
    expect(svc).toEqual(expect.objectContaining({ id: 'llm/qwen', pool: 'l4', gpusPerReplica: 1, replicas: { min: 1, max: 3 } }));
    expect(svc.usdPerHour.max).toBeCloseTo(3 * Accelerator.NVIDIA_L4.spec.onDemandUsdPerGpuHour, 2);
  });

  test('a problem found at synth throws as app.synth() would (here: two ServiceAccounts llm/qwen)', () => {
    const app = fleet(join(work, 'duplicate'));
    new ApiObject(app.node.findChild('llm') as Chart, 'extra', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'qwen' } });
    expect(() => synthApp(app)).toThrow(/ServiceAccount/);
    expect(() => app.synth()).toThrow(/ServiceAccount/);
  });
});

describe('matchers', () => {
  test('a fleet modelship synthesized passes all four', () => {
    expect(result).toBeValidKubernetes();
    expect(result).toPassPodSecurity('restricted');
    expect(result).toFitPool();
    expect(result).toFitPool('l4');
    expect(result).toCostAtMost(3 * Accelerator.NVIDIA_L4.spec.onDemandUsdPerGpuHour);
  });

  test('toBeValidKubernetes fails on an unknown field and a bad label, naming the object and path', () => {
    const broken = structuredClone(result.objects);
    const deployment = broken.find(o => o.kind === 'Deployment');
    deployment.spec.replicaz = 1;
    deployment.metadata.labels.team = 'a b';
    expect(schemaErrors(deployment).length).toBeGreaterThan(0);
    expect(broken).not.toBeValidKubernetes();
    expect(kubernetesProblems(broken)).toEqual([
      'Deployment/llm/qwen: spec.replicaz: unknown field "replicaz" (not in the schema; the API server drops it)',
      expect.stringMatching(/^Deployment\/llm\/qwen: metadata\.labels\["team"\]: "a b": a label value must be/),
    ]);
    expect(() => assertValidKubernetes(broken)).toThrow(/not valid Kubernetes:\n {2}Deployment\/llm\/qwen: spec\.replicaz/);
    expect(() => expect(broken).toBeValidKubernetes()).toThrow(/toBeValidKubernetes:\n {2}Deployment\/llm\/qwen: spec\.replicaz/);
  });

  test('toPassPodSecurity fails on a model pod running privileged; node agents count only with allPods', () => {
    const broken = structuredClone(result.objects);
    const spec = broken.find(o => o.kind === 'Deployment').spec.template.spec;
    spec.containers[0].securityContext.privileged = true;
    expect(restrictedViolations(spec)).toEqual(expect.arrayContaining([expect.stringMatching(/privileged/)]));
    expect(broken).not.toPassPodSecurity('restricted');
    expect(podSecurityProblems(broken)).toEqual(['Deployment/qwen: spec.template.spec.containers[0].securityContext.privileged: container server is privileged']);
    expect(() => assertPodSecurity(broken)).toThrow(/privileged/);
    // The DCGM exporter DaemonSet reads the host: not "restricted", and not a model pod.
    expect(podSecurityProblems(result, 'restricted', { allPods: true }).length).toBeGreaterThan(0);
  });

  test('toFitPool and toCostAtMost read the plan', () => {
    const tight = structuredClone(result.plan);
    tight.pools[0] = { ...tight.pools[0], maxGpus: 2 };
    expect(tight).not.toFitPool();
    expect(poolFitProblems(tight)).toEqual([`pool l4: ${tight.pools[0].gpus.peak} GPUs at peak > maxGpus 2`]);
    expect(poolFitProblems(result, 'nope')).toEqual(['no pool named nope in the plan (pools: l4)']);
    expect(() => assertFitsPool(tight)).toThrow(/pools overcommitted/);
    expect(result).not.toCostAtMost(1);
    expect(() => assertCostAtMost(result, 1)).toThrow(/fleet costs \$2\.4\d\/hour at max scale > \$1\.00/);
  });
});

describe('snapshot serializer', () => {
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'rules-vllm-873ca37efe', annotations: { 'checksum/config': 'abc', 'team': 'ml' } },
    data: { image: `vllm/vllm-openai@sha256:${'a'.repeat(64)}`, date: 'v20250807', expr: 'x{engine="vllm-0123456789"}' },
  };

  test('masks generated hash suffixes and checksum annotations, keeps digests, sorts keys', () => {
    expect(stableObjects(object)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { date: 'v20250807', expr: 'x{engine="vllm-<hash>"}', image: `vllm/vllm-openai@sha256:${'a'.repeat(64)}` },
      metadata: { annotations: { 'checksum/config': '<checksum>', 'team': 'ml' }, name: 'rules-vllm-<hash>' },
    });
    expect(Object.keys(stableObjects(object).data)).toEqual(['date', 'expr', 'image']);
  });

  test('applies to Kubernetes objects and arrays of them only, and prints with jest', () => {
    expect(modelshipSnapshotSerializer.test(object)).toBe(true);
    expect(modelshipSnapshotSerializer.test([object])).toBe(true);
    expect(modelshipSnapshotSerializer.test({ a: 1 })).toBe(false);
    expect(modelshipSnapshotSerializer.test([])).toBe(false);
    const changedHash = { ...object, metadata: { ...object.metadata, name: 'rules-vllm-fedcba9876', annotations: { 'checksum/config': 'zzz', 'team': 'ml' } } };
    const print = (v: unknown) => modelshipSnapshotSerializer.serialize(v, {}, '', 0, [], (x: unknown) => JSON.stringify(x));
    expect(print(changedHash)).toBe(print(object));
    expect(print({ ...object, data: { ...object.data, image: `vllm/vllm-openai@sha256:${'b'.repeat(64)}` } })).not.toBe(print(object));
  });
});
