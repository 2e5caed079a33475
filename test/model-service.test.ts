import { ApiObject, App, Chart, Duration, Testing, Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  Accelerator, AutoscalerProvider, EngineKind, Model, ModelCache, ModelService, ModelServiceProps, Precision, Runtime,
} from '../lib';
import { expectValidationError } from './support/errors';
import { expectRestricted } from './support/pss';
import { expectSchemaValid } from './support/schema';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const LLAMA_70B = 'meta-llama/Llama-3.1-70B-Instruct';

function synth(props: ModelServiceProps, id = 'llama'): any[] {
  const chart = Testing.chart();
  new ModelService(chart, id, props);
  return Testing.synth(chart);
}

function byKind(objs: any[], kind: string): any {
  const found = objs.filter(o => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

function serverContainer(objs: any[]): any {
  return byKind(objs, 'Deployment').spec.template.spec.containers[0];
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('ModelService: the pod', () => {
  const objs = synth({
    model: Model.huggingFace(LLAMA_70B, { tokenSecret: { name: 'hf', key: 'hf-token' }, revision: 'abc123' }),
    precision: Precision.FP8,
    accelerator: Accelerator.NVIDIA_H100_80GB,
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    cache: ModelCache.shared({ storageClassName: 'efs-sc' }),
  });

  test('every object is schema-valid and the model pod is PSS restricted', () => {
    expectSchemaValid(objs);
    expectRestricted(objs);
  });

  test('GPU count, tensor parallel flag and resources follow the plan', () => {
    const c = serverContainer(objs);
    expect(c.resources.limits['nvidia.com/gpu']).toBe(2);
    expect(c.resources.requests['nvidia.com/gpu']).toBe(2);
    expect(argValue(c.args, '--tensor-parallel-size')).toBe('2');
    expect(argValue(c.args, '--quantization')).toBe('fp8');
    expect(argValue(c.args, '--revision')).toBe('abc123');
  });

  test('shm is memory-backed and sized for tensor parallelism', () => {
    const vols = byKind(objs, 'Deployment').spec.template.spec.volumes;
    expect(vols.find((v: any) => v.name === 'dshm').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '3Gi' });
  });

  test('startup probe budget grows with the model; readiness and liveness on the engine paths', () => {
    const c = serverContainer(objs);
    // fp8 served from the bf16 checkpoint (quantized at load) downloads the bf16 bytes:
    // 70.6e9 x 2 B = 131.50 GiB; 180 + 5 x 131.50 = 837.5 -> 840 s = 84 x 10 s (the fp8 bytes,
    // 67.7 GiB, would give 520 s: a cold start killed by its own startup probe).
    expect(c.startupProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 84, httpGet: { path: '/health' } });
    expect(c.readinessProbe.httpGet.path).toBe('/health');
    expect(c.livenessProbe.httpGet.path).toBe('/health');
  });

  test('token is a secret reference, never a value', () => {
    const env = serverContainer(objs).env;
    expect(env.find((e: any) => e.name === 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'hf-token' } } });
    expect(env.filter((e: any) => e.value !== undefined && /token/i.test(e.name))).toEqual([]);
  });

  test('scheduling: toleration and accelerator label', () => {
    const spec = byKind(objs, 'Deployment').spec.template.spec;
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
  });

  test('drain on stop, no disruption while serving, no API token', () => {
    const tpl = byKind(objs, 'Deployment').spec.template;
    expect(tpl.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe('true');
    expect(tpl.spec.terminationGracePeriodSeconds).toBe(60);
    expect(tpl.spec.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', '45']);
    expect(tpl.spec.automountServiceAccountToken).toBe(false);
    expect(byKind(objs, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('shared cache: RWX claim with a stable name, HF_HOME inside it', () => {
    const pvc = byKind(objs, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('llama-model-cache');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    // 1.1 x 131.5 GiB (16-bit checkpoint) + 10 = 154.65 -> 155 GiB.
    expect(pvc.spec.resources.requests.storage).toBe('155Gi');
    expect(serverContainer(objs).env).toContainEqual({ name: 'HF_HOME', value: '/model-cache/huggingface' });
  });

  test('KEDA scales on the engine queue, never below 1, and waits out a model load before scaling down', () => {
    const so = byKind(objs, 'ScaledObject');
    expect(so.spec.minReplicaCount).toBe(2);
    expect(so.spec.maxReplicaCount).toBe(6);
    expect(so.spec.triggers[0].metadata.query).toBe('sum(vllm:num_requests_waiting{namespace="default",service="llama"})');
    expect(so.spec.triggers[0].metadata.threshold).toBe('5');
    expect(so.spec.cooldownPeriod).toBeGreaterThanOrEqual(510);
    expect(byKind(objs, 'Deployment').spec.replicas).toBeUndefined();
  });

  test('NetworkPolicy admits the namespace on the API port and Prometheus on the metrics port', () => {
    const np = byKind(objs, 'NetworkPolicy');
    expect(np.spec.ingress[0].from).toEqual([{ podSelector: {} }]);
    expect(np.spec.ingress[1].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
  });

  test('the Deployment is the default child (escape hatch)', () => {
    const chart = Testing.chart();
    const svc = new ModelService(chart, 'x', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4, runtime: Runtime.vllm({ maxModelLen: 4096 }) });
    ApiObject.of(svc).addJsonPatch();
    expect(ApiObject.of(svc).kind).toBe('Deployment');
  });
});

describe('ModelService: runtimes', () => {
  const base = { accelerator: Accelerator.NVIDIA_L4 };
  const variants: [string, ModelServiceProps][] = [
    ['vllm', { ...base, model: Model.huggingFace(LLAMA_8B), runtime: Runtime.vllm({ maxModelLen: 4096 }) }],
    ['sglang', { ...base, model: Model.huggingFace(LLAMA_8B), runtime: Runtime.sglang({ maxModelLen: 4096 }) }],
    ['tgi', { ...base, model: Model.huggingFace(LLAMA_8B), runtime: Runtime.tgi({ maxModelLen: 4096, allowRootImage: true }) }],
    ['triton', { ...base, model: Model.fromVolume({ claimName: 'triton-repo' }), runtime: Runtime.triton(), gpusPerReplica: 1 }],
    ['custom', { ...base, model: Model.fromVolume({ claimName: 'weights', path: 'llama' }), gpusPerReplica: 1, runtime: Runtime.custom({ image: 'ghcr.io/acme/server:1.2.3', port: 9000, args: ['--serve'] }) }],
  ];

  test.each(variants)('%s synthesizes schema-valid, restricted objects (snapshot)', (_name, props) => {
    const objs = synth(props);
    expectSchemaValid(objs);
    expectRestricted(objs);
    expect(objs).toMatchSnapshot();
  });

  test('SGLang: launch command, tp flag and metrics enabled', () => {
    const c = serverContainer(synth(variants[1][1]));
    expect(c.command).toEqual(['python3', '-m', 'sglang.launch_server']);
    expect(argValue(c.args, '--tp')).toBe('1');
    expect(c.args).toContain('--enable-metrics');
    // No memoryUtilization given: SGLang computes its own --mem-fraction-static (vLLM's 0.9 is not copied).
    expect(c.args).not.toContain('--mem-fraction-static');
  });

  test('TGI 3: separate metrics port on the Service', () => {
    const objs = synth(variants[2][1]);
    expect(byKind(objs, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
    expect(argValue(serverContainer(objs).args, '--num-shard')).toBe('1');
  });

  test('Triton: HTTP, gRPC and metrics ports, model repository on the volume', () => {
    const objs = synth(variants[3][1]);
    expect(byKind(objs, 'Service').spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 8000], ['grpc', 8001], ['metrics', 8002]]);
    const c = serverContainer(objs);
    expect(c.args).toContain('--model-repository=/models');
    expect(c.readinessProbe.httpGet.path).toBe('/v2/health/ready');
  });

  test('custom: no model flags, the declared port', () => {
    const c = serverContainer(synth(variants[4][1]));
    expect(c.args).toEqual(['--serve']);
    expect(c.ports[0].containerPort).toBe(9000);
  });

  test('vLLM version picks the image and the KV metric name', () => {
    const chart = Testing.chart();
    const old = new ModelService(chart, 'old', { ...variants[0][1], runtime: Runtime.vllm({ version: '0.8.5', maxModelLen: 4096 }) });
    expect(old.metrics.kvCacheUsage).toBe('vllm:gpu_cache_usage_perc');
    expect(old.plan.runtime.image).toBe('vllm/vllm-openai:v0.8.5');
    expect(old.plan.runtime.kind).toBe(EngineKind.VLLM);
  });

  test('HPA fallback on the queue metric', () => {
    const objs = synth({ ...variants[0][1], autoscaling: { minReplicas: 1, maxReplicas: 3, provider: AutoscalerProvider.HPA } });
    expectSchemaValid(objs);
    const hpa = byKind(objs, 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics[0].pods.metric.name).toBe('vllm_num_requests_waiting');
  });

  test.each([
    [Duration.millis(250), '250ms'], [Duration.minutes(10), '600s'], [Duration.hours(30), '30h'], [Duration.millis(100_000_500), '27h46m40s500ms'],
  ])('route requestTimeout %j renders as a Gateway API duration (%s)', (requestTimeout, expected) => {
    const objs = synth({ ...variants[0][1], route: { gatewayName: 'gw', requestTimeout } });
    expectSchemaValid(objs);
    expect(byKind(objs, 'HTTPRoute').spec.rules[0].timeouts).toEqual({ request: expected, backendRequest: expected });
  });

  test('a sub-second scale-down stabilization does not crash; the window is whole seconds, at least the startup budget', () => {
    const objs = synth({ ...variants[0][1], autoscaling: { minReplicas: 1, maxReplicas: 3, scaleDownStabilization: Duration.millis(250) } });
    expectSchemaValid(objs);
    const window = byKind(objs, 'ScaledObject').spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds;
    // The startup budget (minutes for an 8B model) wins over the 0.25 s asked for.
    expect(Number.isInteger(window) && window >= 60).toBe(true);
  });

  test('HTTPRoute for the OpenAI path, with the gateway namespace allowed in', () => {
    const objs = synth({ ...variants[0][1], route: { gatewayName: 'gw', gatewayNamespace: 'gateway' } });
    expectSchemaValid(objs);
    const route = byKind(objs, 'HTTPRoute');
    expect(route.spec.rules[0].matches[0].path).toEqual({ type: 'PathPrefix', value: '/v1' });
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'llama', port: 8000 }]);
    expect(byKind(objs, 'NetworkPolicy').spec.ingress[0].from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } });
  });
});

describe('ModelService: bad input', () => {
  const good: ModelServiceProps = { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4, runtime: Runtime.vllm({ maxModelLen: 4096 }) };

  test.each<[string, Partial<ModelServiceProps>, string | undefined, RegExp]>([
    ['name not DNS-1123', {}, 'Llama_8B', /name = "Llama_8B": not a DNS-1035 label/],
    ['zero GPUs', { gpusPerReplica: 0 }, undefined, /gpusPerReplica = 0: must be a whole number of GPUs >= 1/],
    ['negative GPUs', { gpusPerReplica: -2 }, undefined, /gpusPerReplica = -2/],
    ['TP not dividing heads', { gpusPerReplica: 3 }, undefined, /tensor parallel size 3 does not divide the 32 attention heads[\s\S]*fix: use a divisor of 32: 1, 2, 4, 8/],
    ['fp8 on A10G', { accelerator: Accelerator.NVIDIA_A10G, precision: Precision.FP8 }, undefined, /precision = "fp8": NVIDIA A10G 24GB has no FP8 support/],
    ['bf16 on T4', { accelerator: Accelerator.NVIDIA_T4 }, undefined, /does not compute in bfloat16[\s\S]*Precision.FP16/],
    ['min > max', { autoscaling: { minReplicas: 5, maxReplicas: 2 } }, undefined, /autoscaling.minReplicas = 5: is above maxReplicas \(2\)/],
    ['scale to zero', { autoscaling: { minReplicas: 0, maxReplicas: 2 } }, undefined, /autoscaling.minReplicas = 0/],
    ['image latest', { runtime: Runtime.vllm({ image: 'vllm/vllm-openai:latest', maxModelLen: 4096 }) }, undefined, /runtime.image = "vllm\/vllm-openai:latest": the image is tagged `latest`/],
    ['image untagged', { runtime: Runtime.vllm({ image: 'registry.local:5000/vllm', maxModelLen: 4096 }) }, undefined, /has no tag/],
    ['too large', { model: Model.huggingFace('meta-llama/Llama-3.1-405B-Instruct') }, undefined, /does not fit on NVIDIA L4 24GB: does not fit on 4 nodes of 8 GPUs \(maxNodesPerReplica 4[\s\S]*weights 24.2 GiB \(\(748.2 x 32\/126 \+ 3.9\) \/ 8\)[\s\S]*KV cache -5.2 GiB[\s\S]*raise maxNodesPerReplica to 6/],
    ['context longer than the model', { runtime: Runtime.vllm({ maxModelLen: 200_000 }) }, undefined, /supports at most 131072 tokens/],
    ['no accelerator', { accelerator: undefined }, undefined, /accelerator = undefined: no accelerator/],
    ['unknown model size', { model: Model.huggingFace('acme/private-13b') }, undefined, /size of acme\/private-13b is unknown/],
    ['CUDA image on AMD', { accelerator: Accelerator.AMD_MI300X }, undefined, /runtime.image = "vllm\/vllm-openai:v0.9.2": vllm\/vllm-openai:v0.9.2 is a CUDA build and cannot use AMD Instinct MI300X/],
    ['sub-second grace period', { terminationGracePeriod: Duration.millis(250) }, undefined, /terminationGracePeriod = "0.25s": in-flight generations need time to finish/],
    ['fractional grace period', { terminationGracePeriod: Duration.millis(30500) }, undefined, /terminationGracePeriod = "30.5s": Kubernetes takes the grace period in whole seconds[\s\S]*Duration.seconds\(31\)/],
    ['TGI from S3', { model: Model.fromObjectStore('s3://bucket/llama', { spec: { parametersBillions: 8, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128 } }), runtime: Runtime.tgi({ allowRootImage: true }) }, undefined, /tgi cannot read weights from an object store/],
  ])('%s', (_case, change, name, message) => {
    const e = expectValidationError(() => synth({ ...good, ...change, name }));
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/\[test\/llama\]/);
    expect(e.problems.every(p => p.fix.length > 0)).toBe(true);
  });

  test('two services with one name in one namespace are refused; other namespaces are fine', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    new ModelService(chart, 'a', { ...good, name: 'chat' });
    new ModelService(new Chart(app, 'd', { namespace: 'other' }), 'a', { ...good, name: 'chat' });
    const e = expectValidationError(() => new ModelService(chart, 'b', { ...good, name: 'chat' }));
    expect(e.problems.map(p => `${p.path} ${p.property}`)).toEqual(['c/b name']);
    expect(e.message).toMatch(/the service c\/a has the same name in namespace llm/);
  });

  test('every problem is reported at once', () => {
    const e = expectValidationError(() => synth({ ...good, name: 'Bad_Name', gpusPerReplica: 0, precision: Precision.FP8, accelerator: Accelerator.NVIDIA_A10G, autoscaling: { minReplicas: 3, maxReplicas: 1 } }));
    expect(e.problems.map(p => p.property).sort()).toEqual(['autoscaling.minReplicas', 'gpusPerReplica', 'name', 'precision']);
  });

  test('a mutable tag is allowed when asked for', () => {
    expect(() => synth({ ...good, runtime: Runtime.vllm({ image: 'vllm/vllm-openai:latest', maxModelLen: 4096 }), allowMutableImageTag: true })).not.toThrow();
  });
});

describe('ModelService: stability', () => {
  function build(version: string): string {
    const app = Testing.app();
    const chart = new Chart(app, 'prod', { namespace: 'llm' });
    new ModelService(chart, 'llama', {
      model: Model.huggingFace(LLAMA_70B),
      precision: Precision.FP8,
      accelerator: Accelerator.NVIDIA_H100_80GB,
      runtime: Runtime.vllm({ version }),
      cache: ModelCache.shared(),
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
    });
    return Yaml.stringify(...chart.toJson());
  }

  test('the same input gives byte-identical YAML', () => {
    expect(build('0.9.2')).toEqual(build('0.9.2'));
  });

  test('long-lived names survive a version bump', () => {
    const names = (yaml: string) => parseAllDocuments(yaml).map(d => d.toJSON()).filter((o: any) => o.kind !== 'Deployment').map((o: any) => `${o.kind}/${o.metadata.name}`);
    expect(names(build('0.8.5'))).toEqual(names(build('0.9.2')));
    expect(names(build('0.9.2'))).toContain('PersistentVolumeClaim/llama-model-cache');
    expect(names(build('0.9.2'))).toContain('Service/llama');
  });

  test('the service URL names the namespace', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    const svc = new ModelService(chart, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4, runtime: Runtime.vllm({ maxModelLen: 4096 }), terminationGracePeriod: Duration.seconds(90) });
    expect(svc.url).toBe('http://llama.llm.svc.cluster.local:8000');
  });
});
