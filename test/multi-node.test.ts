/**
 * Issue 13 (items 3 and 5): a replica bigger than one node runs as a LeaderWorkerSet group.
 * Checked against what we did not write: the vendored LWS v0.10.0 CRD schema (ajv), its CEL rules,
 * kubernetes-models' PodTemplate schema for the two embedded pod templates, the Pod Security
 * "restricted" controls on leader and worker pods, and the upstream examples' flags (LWS
 * docs/examples/vllm/GPU/lws.yaml and docs/examples/sglang/lws.yaml at v0.10.0).
 */
import { Chart, Testing } from 'cdk8s';
import {
  Accelerator, AutoscalerProvider, CanaryRollout, GpuNodePool, Interconnect, Model, ModelService, ModelServiceProps, Provisioner, renderPlanMarkdown, renderPlanText, Runtime, TrafficStrategy,
} from '../lib';
import { crdVersionOf, evaluateCelRules, formatOutcome, vendoredRules } from './support/cel-rules';
import { expectValidationError } from './support/errors';
import { mermaidBlock, parseFlowchart } from './support/mermaid-flowchart';
import { expectRestricted, modelPodSpecs, restrictedViolations } from './support/pss';
import { expectSchemaValid, schemaErrors } from './support/schema';
import { ENGINE_DRIVERS } from '../lib/engines/registry';
import { planFleet } from '../lib/pulumi/plan';
import { PROVISIONING_MARGIN_SECONDS } from '../lib/pulumi/timeouts';

const LLAMA_405B = 'meta-llama/Llama-3.1-405B-Instruct';
/** p5.48xlarge: 32 EFA interfaces (AWS EFA docs, "Supported instance types"). */
const EFA: Interconnect = { kind: 'efa', resourcesPerNode: { 'vpc.amazonaws.com/efa': 32 }, env: { FI_PROVIDER: 'efa' } };

/** An H100 pool; `null` declares no interconnect. */
function h100(chart: Chart, interconnect: unknown): GpuNodePool {
  return new GpuNodePool(chart, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64, interconnect: interconnect ?? undefined,
  } as any);
}

function synth(props: Partial<ModelServiceProps>, interconnect: unknown = EFA): { objs: any[]; service: ModelService } {
  const chart = Testing.chart();
  const service = new ModelService(chart, 'llama', {
    model: Model.huggingFace(LLAMA_405B), runtime: Runtime.vllm({ version: '0.9.2' }), nodePool: h100(chart, interconnect), replicas: 2, ...props,
  });
  return { objs: Testing.synth(chart), service };
}

const only = (objs: any[], kind: string): any => {
  const found = objs.filter(o => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};
/** A label selector's matchLabels against a pod's labels (the API server's rule: every pair present). */
const selects = (matchLabels: Record<string, string>, labels: Record<string, string>) => Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
const container = (template: any) => template.spec.containers[0];
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('405B bf16 on H100 with EFA: a LeaderWorkerSet of 2 nodes x 8', () => {
  const { objs, service } = synth({});
  const lws = only(objs, 'LeaderWorkerSet');
  const { leaderTemplate: leader, workerTemplate: worker } = lws.spec.leaderWorkerTemplate;

  test('no Deployment; the plan says 16 GPUs = 2 nodes x 8 (tensor parallel 8, pipeline parallel 2)', () => {
    expect(objs.filter(o => o.kind === 'Deployment')).toHaveLength(0);
    expect(service.plan.gpusPerReplica).toBe(16);
    expect(service.plan.multiNode).toMatchObject({ nodes: 2, gpusPerNode: 8, tensorParallelSize: 8, pipelineParallelSize: 2, crossNode: 'pipeline' });
    expect(service.workload.kind).toBe('LeaderWorkerSet');
  });

  test('every object validates against the vendored CRDs and kubernetes-models; both pod templates as v1 PodTemplates', () => {
    expectSchemaValid(objs);
    for (const [name, template] of [['leader', leader], ['worker', worker]]) {
      expect(schemaErrors({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name }, template })).toEqual([]);
    }
  });

  test('the CEL rules of the vendored CRDs hold (the LWS v0.10.0 CRD declares none)', () => {
    expect(crdVersionOf(lws)).toBeDefined();
    expect(vendoredRules().filter(r => r.kind === 'LeaderWorkerSet')).toHaveLength(0);
    const failed = evaluateCelRules(objs).outcomes.filter(o => o.status !== 'pass');
    expect(failed.map(formatOutcome)).toEqual([]);
  });

  test('Pod Security "restricted" holds on the leader and the worker pod', () => {
    expect(modelPodSpecs(objs)).toHaveLength(2);
    expectRestricted(objs);
    expect(restrictedViolations(leader.spec)).toEqual([]);
    expect(restrictedViolations(worker.spec)).toEqual([]);
  });

  test('group: size 2, LeaderCreated (LeaderReady would never start workers), RecreateGroupOnPodRestart, whole-group surge, zone exclusive placement', () => {
    expect(lws.spec.leaderWorkerTemplate.size).toBe(2);
    expect(lws.spec.leaderWorkerTemplate.restartPolicy).toBe('RecreateGroupOnPodRestart');
    expect(lws.spec.startupPolicy).toBe('LeaderCreated');
    expect(lws.spec.replicas).toBe(2);
    expect(lws.spec.rolloutStrategy).toEqual({ type: 'RollingUpdate', rollingUpdateConfiguration: { maxSurge: 1, maxUnavailable: 0 } });
    expect(lws.metadata.annotations['leaderworkerset.sigs.k8s.io/exclusive-topology']).toBe('topology.kubernetes.io/zone');
    expect(service.plan.warnings.join('\n')).toMatch(/one group per zone .* 3 groups need 3 zones/);
  });

  test('both pods: one node\'s GPUs, the EFA devices, NCCL env, the same volumes and do-not-disrupt', () => {
    for (const t of [leader, worker]) {
      const c = container(t);
      expect(c.resources.limits['nvidia.com/gpu']).toBe(8);
      expect(c.resources.requests['vpc.amazonaws.com/efa']).toBe(32);
      expect(c.resources.limits['vpc.amazonaws.com/efa']).toBe(32);
      expect(c.env).toContainEqual({ name: 'FI_PROVIDER', value: 'efa' });
      expect(t.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
      expect(t.spec.volumes.map((v: any) => v.name)).toEqual(['dshm', 'tmp', 'model-cache']);
      // /dev/shm for one node's 8 GPUs (1 + 2 x 7 = 15 GiB), not 16 GPUs' cap.
      expect(t.spec.volumes[0].emptyDir.sizeLimit).toBe('15Gi');
    }
  });

  test('the leader serves (probes, ports); workers have neither, as in the LWS examples', () => {
    const l = container(leader);
    const w = container(worker);
    expect(l.startupProbe.httpGet.path).toBe('/health');
    expect(l.readinessProbe).toBeDefined();
    expect(l.livenessProbe).toBeDefined();
    expect(l.ports.map((p: any) => p.name)).toEqual(['http']);
    expect(w.startupProbe).toBeUndefined();
    expect(w.readinessProbe).toBeUndefined();
    expect(w.livenessProbe).toBeUndefined();
    expect(w.ports).toBeUndefined();
  });

  test('vLLM: the leader forms the Ray cluster of LWS_GROUP_SIZE nodes, then serves TP 8 x PP 2 on Ray; the worker joins LWS_LEADER_ADDRESS', () => {
    const l = container(leader);
    expect(l.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(l.command[2]).toBe('bash /vllm-workspace/examples/online_serving/multi-node-serving.sh leader --ray_cluster_size=$(LWS_GROUP_SIZE) --ray_init_timeout=' + service.plan.startupBudgetSeconds + ' && exec "$@"');
    expect(l.args.slice(0, 3)).toEqual(['python3', '-m', 'vllm.entrypoints.openai.api_server']);
    expect(flag(l.args, '--tensor-parallel-size')).toBe('8');
    expect(flag(l.args, '--pipeline-parallel-size')).toBe('2');
    expect(flag(l.args, '--distributed-executor-backend')).toBe('ray');
    expect(flag(l.args, '--model')).toBe(LLAMA_405B);
    const w = container(worker);
    expect(w.command).toEqual(['/bin/sh', '-c', `exec bash /vllm-workspace/examples/online_serving/multi-node-serving.sh worker --ray_address=$(LWS_LEADER_ADDRESS) --ray_init_timeout=${service.plan.startupBudgetSeconds}`]);
    expect(w.args).toBeUndefined();
  });

  test('the Service selects the leaders only; the PDB and the NetworkPolicy cover every pod of the group', () => {
    const svc = only(objs, 'Service');
    expect(svc.spec.selector).toEqual({ 'modelship.dev/service': 'llama', 'leaderworkerset.sigs.k8s.io/worker-index': '0' });
    // LWS labels the leader worker-index 0 and workers 1..size-1 (pkg/webhooks/pod_webhook.go v0.10.0).
    const asRunning = (t: any, index: number) => ({ ...t.metadata.labels, 'leaderworkerset.sigs.k8s.io/worker-index': String(index) });
    expect(selects(svc.spec.selector, asRunning(leader, 0))).toBe(true);
    expect(selects(svc.spec.selector, asRunning(worker, 1))).toBe(false);
    const pdb = only(objs, 'PodDisruptionBudget');
    expect(selects(pdb.spec.selector.matchLabels, asRunning(leader, 0))).toBe(true);
    expect(selects(pdb.spec.selector.matchLabels, asRunning(worker, 1))).toBe(true);
    const np = only(objs, 'NetworkPolicy');
    expect(selects(np.spec.podSelector.matchLabels, asRunning(worker, 1))).toBe(true);
    // Ray and NCCL use many ports between the pods of a group: one rule admits the group on all of them.
    expect(np.spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: { 'modelship.dev/service': 'llama' } } }] });
  });

  test('the pool budget counts every node of a group and surges whole groups', () => {
    expect(service.gpusAtMin).toBe(2 * 16);
    expect(service.gpusAtPeak).toBe((2 + 1) * 16);
    expect(service.peakBreakdown).toBe('2 replicas x 16 GPUs (2 nodes x 8) + surge 1 x 16');
  });
});

describe('autoscaling targets the LeaderWorkerSet scale subresource', () => {
  test.each([AutoscalerProvider.KEDA, AutoscalerProvider.HPA])('%s', provider => {
    const { objs } = synth({ replicas: undefined, autoscaling: { minReplicas: 1, maxReplicas: 2, provider } });
    const target = objs.find(o => o.kind === 'ScaledObject' || o.kind === 'HorizontalPodAutoscaler').spec.scaleTargetRef;
    expect(target).toEqual({ apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: 'llama' });
    // The autoscaler owns the count: the LWS leaves it out.
    expect(only(objs, 'LeaderWorkerSet').spec.replicas).toBeUndefined();
    expectSchemaValid(objs);
  });
});

describe('SGLang: tensor parallel over every GPU of the group', () => {
  const { objs, service } = synth({ runtime: Runtime.sglang({ version: '0.4.9' }) });
  const lws = only(objs, 'LeaderWorkerSet');
  test('leader and worker run launch_server with --tp 16 and the LWS rendezvous (docs/examples/sglang/lws.yaml)', () => {
    expect(service.plan.multiNode).toMatchObject({ nodes: 2, tensorParallelSize: 16, pipelineParallelSize: 1, crossNode: 'tensor' });
    for (const t of [lws.spec.leaderWorkerTemplate.leaderTemplate, lws.spec.leaderWorkerTemplate.workerTemplate]) {
      const c = container(t);
      expect(c.command).toEqual(['python3', '-m', 'sglang.launch_server']);
      expect(flag(c.args, '--tp')).toBe('16');
      expect(flag(c.args, '--dist-init-addr')).toBe('$(LWS_LEADER_ADDRESS):20000');
      expect(flag(c.args, '--nnodes')).toBe('$(LWS_GROUP_SIZE)');
      expect(flag(c.args, '--node-rank')).toBe('$(LWS_WORKER_INDEX)');
    }
    expectSchemaValid(objs);
    expectRestricted(objs);
  });
});

describe('refusals, each with the fix', () => {
  test('TGI cannot span nodes', () => {
    const e = expectValidationError(() => synth({ runtime: Runtime.tgi() }));
    const p = e.problems.find(x => x.property === 'runtime')!;
    expect(p.reason).toMatch(/16 GPUs, 2 nodes of 8.*no documented way to run one replica across nodes/);
    expect(p.fix).toMatch(/Runtime\.vllm\(\).*Runtime\.sglang\(\)/);
  });

  test('Triton cannot span nodes', () => {
    const e = expectValidationError(() => synth({ runtime: Runtime.triton(), gpusPerReplica: 16, model: Model.fromVolume({ claimName: 'models' }) }));
    expect(e.problems.map(p => p.property)).toContain('runtime');
  });

  test('a pool without a fast interconnect, unless allowSlowInterconnect', () => {
    const e = expectValidationError(() => synth({}, null));
    const p = e.problems.find(x => x.property === 'nodePool')!;
    expect(p.reason).toMatch(/declares no fast interconnect .* TCP sockets/);
    expect(p.fix).toMatch(/allowSlowInterconnect: true/);
    expect(expectValidationError(() => synth({}, { kind: 'none', resourcesPerNode: {}, env: {} })).problems.map(x => x.property)).toContain('nodePool');
    const { objs } = synth({ allowSlowInterconnect: true }, null);
    const c = container(only(objs, 'LeaderWorkerSet').spec.leaderWorkerTemplate.leaderTemplate);
    expect(Object.keys(c.resources.limits).sort()).toEqual(['memory', 'nvidia.com/gpu']);
    expectSchemaValid(objs);
  });

  test('GPUs that are not whole nodes, and more nodes than maxNodesPerReplica', () => {
    // A model of unknown size with a given count (a known one is refused earlier: 12 does not divide 128 heads).
    const e = expectValidationError(() => synth({ gpusPerReplica: 12, model: Model.fromVolume({ claimName: 'models' }) }));
    expect(e.problems.find(p => p.property === 'gpusPerReplica')!.fix).toMatch(/multiple of 8/);
    const over = expectValidationError(() => synth({ gpusPerReplica: 24, maxNodesPerReplica: 2 }));
    expect(over.problems.find(p => p.property === 'gpusPerReplica')!.reason).toMatch(/24 GPUs, 3 nodes of 8, more than maxNodesPerReplica \(2\)/);
  });

  test('maxNodesPerReplica is checked even when the replica fits one node', () => {
    const e = expectValidationError(() => synth({ model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), maxNodesPerReplica: 0 }));
    expect(e.problems.find(p => p.property === 'maxNodesPerReplica')!.fix).toMatch(/whole number|e\.g\. 4/);
  });

  test('JavaScript callers: wrong types are ValidationErrors', () => {
    const e = expectValidationError(() => synth({ allowSlowInterconnect: 'yes' as any, maxNodesPerReplica: '2' as any }));
    expect(e.problems.map(p => p.property).sort()).toEqual(['allowSlowInterconnect', 'maxNodesPerReplica']);
  });
});

describe('CanaryRollout of a multi-node service', () => {
  const setup = () => {
    const chart = Testing.chart();
    const service = new ModelService(chart, 'llama', {
      model: Model.huggingFace(LLAMA_405B),
      runtime: Runtime.vllm({ version: '0.9.2' }),
      nodePool: new GpuNodePool(chart, 'h100', {
        accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 128, interconnect: EFA,
      }),
      replicas: 2,
      route: { gatewayName: 'inference' },
    });
    return { chart, service };
  };

  test('Argo Rollouts is refused with the fix', () => {
    const { chart, service } = setup();
    const e = expectValidationError(() => new CanaryRollout(chart, 'canary', { service, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) } }));
    const p = e.problems.find(x => x.property === 'strategy')!;
    expect(p.reason).toMatch(/LeaderWorkerSet, which Argo Rollouts cannot drive/);
    expect(p.fix).toMatch(/TrafficStrategy\.gatewayWeights/);
  });

  test('gateway weights: the candidate is a second LeaderWorkerSet behind the weighted route; schema, CEL and PSS hold', () => {
    const { chart, service } = setup();
    new CanaryRollout(chart, 'canary', {
      service, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, strategy: TrafficStrategy.gatewayWeights({ currentWeight: 10 }), steps: [10, 50],
    });
    const objs = Testing.synth(chart);
    const groups = objs.filter(o => o.kind === 'LeaderWorkerSet');
    expect(groups.map(o => o.metadata.name).sort()).toEqual(['llama', 'llama-canary']);
    expect(objs.filter(o => o.kind === 'Deployment')).toHaveLength(0);
    const canary = groups.find(o => o.metadata.name === 'llama-canary');
    expect(container(canary.spec.leaderWorkerTemplate.leaderTemplate).image).toBe('vllm/vllm-openai:v0.10.0');
    expect(canary.spec.leaderWorkerTemplate.size).toBe(2);
    const canaryService = objs.find(o => o.kind === 'Service' && o.metadata.name === 'llama-canary');
    expect(canaryService.spec.selector).toEqual({ 'modelship.dev/service': 'llama-canary', 'leaderworkerset.sigs.k8s.io/worker-index': '0' });
    const route = only(objs, 'HTTPRoute');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'llama', port: 8000, weight: 90 }, { name: 'llama-canary', port: 8000, weight: 10 }]);
    const canaryPdb = objs.find(o => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'llama-canary');
    expect(selects(canaryPdb.spec.selector.matchLabels, canary.spec.leaderWorkerTemplate.workerTemplate.metadata.labels)).toBe(true);
    expectSchemaValid(objs);
    expectRestricted(objs);
    expect(modelPodSpecs(objs)).toHaveLength(4);
    expect(evaluateCelRules(objs).outcomes.filter(o => o.status !== 'pass').map(formatOutcome)).toEqual([]);
  });
});

describe('the Pulumi adapter registers the LeaderWorkerSet with timeouts from the group\'s startup budget', () => {
  test('waves of whole groups (maxSurge 1), each the leader\'s startup budget + provisioning margin; the autoscaler\'s bounds', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    const service = new ModelService(chart, 'llama', {
      model: Model.huggingFace(LLAMA_405B), runtime: Runtime.vllm({ version: '0.9.2' }), nodePool: h100(chart, EFA), autoscaling: { minReplicas: 1, maxReplicas: 3 },
    });
    const plan = planFleet(chart);
    const lws = plan.objects.find(o => o.kind === 'LeaderWorkerSet')!;
    expect(lws.type).toBe('kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet');
    // 3970 s budget + 600 s margin = 4570 s per wave; create: 1 group = 77 min; update: 3 groups, 1 per wave = 229 min.
    const perWave = service.plan.startupBudgetSeconds + PROVISIONING_MARGIN_SECONDS;
    expect(perWave).toBe(4570);
    expect(lws.timeouts).toEqual({ create: '77m', update: '229m' });
    expect(plan.objects.filter(o => o.timeouts).map(o => o.kind)).toEqual(['LeaderWorkerSet']);
  });
});

describe('PLAN.md and the topology show nodes per replica', () => {
  const { service } = synth({});
  const md = renderPlanMarkdown(service.node.root);
  test('the service table, the memory-fit line, the Mermaid node and the text plan', () => {
    expect(md).toMatch(/\| 16 \(2 nodes x 8\) \|/);
    expect(md).toMatch(/16 x NVIDIA H100 80GB \(2 nodes x 8\); smallest fit across nodes: 2 nodes x 8 GPUs \(tensor parallel 8 within each node, pipeline parallel 2/);
    const labels = [...parseFlowchart(mermaidBlock(md)).nodes.values()].map(n => n.label);
    expect(labels.some(l => l.includes('2 x 16 NVIDIA H100 80GB (2 nodes x 8)'))).toBe(true);
    expect(renderPlanText(service.node.root)).toContain('16 x NVIDIA H100 80GB (2 nodes x 8)');
  });
});

describe('engine drivers', () => {
  test('exactly the drivers that declare multiNode render a multi-node command (vLLM, SGLang)', () => {
    const spanning = Object.values(ENGINE_DRIVERS).filter(d => d.capabilities(d.profile(d.defaultVersion || '1.0.0')).multiNode !== undefined);
    expect(spanning.map(d => d.kind).sort()).toEqual(['sglang', 'vllm']);
    for (const d of Object.values(ENGINE_DRIVERS)) {
      const declares = d.capabilities(d.profile(d.defaultVersion || '1.0.0')).multiNode !== undefined;
      expect([d.kind, typeof d.multiNodeCommand === 'function']).toEqual([d.kind, declares]);
    }
  });

  test('the user\'s extra arguments come last on the leader (they win)', () => {
    const { objs } = synth({ runtime: Runtime.vllm({ version: '0.9.2', extraArgs: ['--enforce-eager'] }) });
    const args = container(only(objs, 'LeaderWorkerSet').spec.leaderWorkerTemplate.leaderTemplate).args;
    expect(args[args.length - 1]).toBe('--enforce-eager');
    expect(args.indexOf('--distributed-executor-backend')).toBeLessThan(args.indexOf('--enforce-eager'));
  });
});

describe('gateway-weights promotion of a multi-node candidate', () => {
  test('the stable LeaderWorkerSet rolls to the candidate\'s group templates', () => {
    const chart = Testing.chart();
    const service = new ModelService(chart, 'llama', {
      model: Model.huggingFace(LLAMA_405B),
      runtime: Runtime.vllm({ version: '0.9.2' }),
      nodePool: new GpuNodePool(chart, 'h100', {
        accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 128, interconnect: EFA,
      }),
      replicas: 2,
      route: { gatewayName: 'inference' },
    });
    new CanaryRollout(chart, 'canary', {
      service,
      candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) },
      steps: [10, 50],
      strategy: TrafficStrategy.gatewayWeights({ currentWeight: 50, promote: true }),
    });
    const objs = Testing.synth(chart);
    const stable = objs.find(o => o.kind === 'LeaderWorkerSet' && o.metadata.name === 'llama');
    for (const t of [stable.spec.leaderWorkerTemplate.leaderTemplate, stable.spec.leaderWorkerTemplate.workerTemplate]) {
      expect(container(t).image).toBe('vllm/vllm-openai:v0.10.0');
      expect(t.metadata.labels['modelship.dev/service']).toBe('llama');
    }
    expectSchemaValid(objs);
    expectRestricted(objs);
  });
});
