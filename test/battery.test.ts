/**
 * Issue 11, the battery: hundreds of bad and edge inputs across every construct and the Pulumi
 * adapter. Each must end in a ValidationError (every problem with a property and a fix; through
 * the Pulumi adapter, a pulumi.InputPropertiesError) or in output that every checker we did not
 * write accepts:
 * - the API server's rules in code (test/support/api-server-rules.ts, independent of lib),
 * - the vendored CRDs' schemas (ajv) and CEL rules (@bufbuild/cel),
 * - promtool, for every PrometheusRule (`promtool check rules`),
 * - no two objects with one group, kind, namespace and name,
 * - every Deployment covered by a PodDisruptionBudget.
 * Never a raw crash. The counts are printed: `battery: N inputs, R ValidationErrors, A accepted-and-valid, 0 crashes, 0 invalid`.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import {
  Accelerator, AlertSeverity, AutoscalerProvider, CanaryRollout, CapacityType, Dcgm, DevicePlugin, GatewayImplementation, GpuNodePool, GpuSharing,
  Interconnect, MigStrategy, Model, ModelCache, ModelNamespace, ModelService, MonitoringRule, MonitoringStack, PodSecurityLevel, Precision, Provisioner,
  Runtime, SurgePolicy, TaintEffect, TrafficStrategy, ValidationError, Routing, EndpointPickerFailureMode, LoraAdapter,
} from '../lib';
import { ImagePolicy } from '../lib/image-policy';
import { ModelImageMount } from '../lib/model-service/model-image';
import { ModelFleet } from '../lib/pulumi';
import { apiServerViolations } from './support/api-server-rules';
import { evaluateCelRules } from './support/cel-rules';
import { PROMTOOL, requirePromtool } from './support/promtool';
import { schemaErrors } from './support/schema';

requirePromtool('`promtool check rules` of the battery\'s PrometheusRules');

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const QWEN_7B = 'Qwen/Qwen2.5-7B-Instruct';

type Build = (chart: Chart) => void;
interface Input {
  readonly title: string;
  readonly build: Build;
  /** Namespace of the chart. @default 'llm' */
  readonly namespace?: string;
  /** Build through the Pulumi adapter (`new ModelFleet(name, { source: build, namespace })`). */
  readonly pulumi?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Inputs

const INPUTS: Input[] = [];
/** The chart namespace is 'llm' unless given; NO_NAMESPACE builds a chart without one. */
const NO_NAMESPACE = '\u0000none';
const add = (title: string, build: Build, namespace = 'llm') => INPUTS.push({ title, build, namespace });

const poolOf = (c: Chart): GpuNodePool => (c.node.tryFindChild('h100') as GpuNodePool | undefined)
  ?? new GpuNodePool(c, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64 });
const service = (extra: Record<string, unknown> = {}, id = 'llama') => (c: Chart) =>
  new ModelService(c, id, { model: Model.huggingFace(LLAMA_8B, { tokenSecret: 'hf-token' }), accelerator: Accelerator.NVIDIA_L4, ...extra });
const onPool = (extra: Record<string, unknown> = {}, id = 'llama') => (c: Chart) =>
  new ModelService(c, id, { model: Model.huggingFace(LLAMA_8B), runtime: Runtime.vllm({ version: '0.9.2' }), nodePool: poolOf(c), replicas: 2, ...extra });
const volume = (runtime: Runtime, extra: Record<string, unknown> = {}) =>
  service({ runtime, model: Model.fromVolume({ claimName: 'weights' }), gpusPerReplica: 1, ...extra });
const custom = (o: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  volume(Runtime.custom({ image: 'registry.example.com/server:v1', metrics: { queueDepth: 'queue_depth' }, ...o } as never), extra);
const karpenter = (o: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => (c: Chart) =>
  new GpuNodePool(c, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB,
    maxGpus: 16,
    provisioner: Provisioner.karpenter({ clusterName: 'llm-prod', nodeRole: 'KarpenterNodeRole', ...o } as never),
    ...extra,
  });
const existing = (o: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => (c: Chart) =>
  new GpuNodePool(c, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(o as never), ...extra });
const canary = (extra: Record<string, unknown> = {}, svc: Record<string, unknown> = {}) => (c: Chart) => {
  const s = onPool({ route: { gatewayName: 'gw' }, ...svc })(c);
  new CanaryRollout(c, 'canary', { service: s, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, ...extra });
};
const stack = (extra: Record<string, unknown> = {}) => (c: Chart) => {
  const s = onPool()(c);
  new MonitoringStack(c, 'monitoring', { services: [s], ...extra });
};
const stackWithPool = (extra: Record<string, unknown> = {}) => (c: Chart) => {
  const s = onPool()(c);
  new MonitoringStack(c, 'monitoring', { services: [s], nodePools: [poolOf(c)], ...extra });
};

// Chart namespaces.
for (const ns of ['llm', 'a', 'n'.repeat(63), 'n'.repeat(64), 'LLM', 'llm_prod', 'llm.prod', '-llm', 'llm-', '', '9llm']) {
  add(`chart namespace ${JSON.stringify(ns)}`, service(), ns);
}
add('chart without a namespace', service(), NO_NAMESPACE);
add('chart without a namespace, two services named alike', c => { service()(c); service({ name: 'llama' }, 'other')(c); }, NO_NAMESPACE);

// ModelService names and labels.
for (const name of ['a', 'x'.repeat(50), 'x'.repeat(51), '70b', 'Llama', 'llama_8b', 'llama.8b', '-llama', 'llama-', 'l--x']) {
  add(`service name ${JSON.stringify(name.length > 20 ? `${name.length} chars` : name)}`, service({ name }));
}
for (const labels of [{}, { team: 'a' }, { 'a b': 'c' }, { 'example.com/team': 'x' }, { 'Example.com/team': 'x' }, { 'a/b/c': 'x' }, { x: 'a'.repeat(63) },
  { x: 'a'.repeat(64) }, { x: '-a' }, { x: '' }, { 'app.kubernetes.io/name': 'override' }, { ['a'.repeat(64)]: 'x' }, { '/x': 'y' }]) {
  add(`labels ${JSON.stringify(labels).slice(0, 30)} (${JSON.stringify(labels).length})`, service({ labels }));
}
for (const a of [{ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/llm' }, { 'a b': 'x' }, { x: 'y'.repeat(300_000) }, { '': 'x' }, { 'Example.COM/x': 'y' }]) {
  add(`serviceAccountAnnotations ${JSON.stringify(a).slice(0, 40)}`, service({ serviceAccountAnnotations: a }));
}

// Secrets, claims, storage classes.
for (const t of ['hf-token', '', 'HF_Token', 'a.b', 'a'.repeat(253), 'a'.repeat(254), { name: 'hf', key: 'tok.en' }, { name: 'hf', key: '..' }, { name: 'hf', key: '' }, { name: 'hf', key: 'a/b' }]) {
  add(`tokenSecret ${JSON.stringify(t).slice(0, 30)} (${JSON.stringify(t).length})`, service({ model: Model.huggingFace(LLAMA_8B, { tokenSecret: t as never }) }));
}
for (const cs of ['s3-creds', 'S3 Creds', '']) {
  add(`credentialsSecret ${JSON.stringify(cs)}`, service({ model: Model.fromObjectStore('s3://bucket/llama', { credentialsSecret: cs }), gpusPerReplica: 1 }));
}
for (const uri of ['s3://bucket/models/llama', 'gs://bucket/llama', 'http://bucket/llama', 's3://', 'bucket/llama']) {
  add(`object store ${uri}`, service({ model: Model.fromObjectStore(uri), gpusPerReplica: 1 }));
}
for (const claimName of ['weights', '', 'Weights', 'w.x', 'w'.repeat(254)]) {
  add(`volume claim ${JSON.stringify(claimName.slice(0, 20))}`, service({ model: Model.fromVolume({ claimName, path: 'llama/8b' }), gpusPerReplica: 1 }));
}
for (const sc of ['efs-sc', 'EFS', 'a.b-c', '', 'gp3_x']) {
  add(`shared storageClassName ${JSON.stringify(sc)}`, service({ cache: ModelCache.shared({ storageClassName: sc }) }));
  add(`perReplica storageClassName ${JSON.stringify(sc)}`, service({ cache: ModelCache.perReplica({ storageClassName: sc }) }));
}
for (const claim of ['model-cache', 'HF_Token', '']) add(`existing cache claim ${JSON.stringify(claim)}`, service({ cache: ModelCache.existingClaim(claim) }));

// Quantities and int32 fields.
for (const sizeGiB of [1, 0.5, 1e-9, 1e-7, 100.25, 1e6, 1e15, 1e21, -1, 0, NaN, Infinity]) {
  add(`shared cache sizeGiB ${sizeGiB}`, service({ cache: ModelCache.shared({ sizeGiB }) }));
  add(`emptyDir cache sizeGiB ${sizeGiB}`, service({ cache: ModelCache.emptyDir({ sizeGiB }) }));
}
for (const sizeGiB of [0.1, 100.5, 5000]) add(`emptyDir cache sizeGiB ${sizeGiB} on a Karpenter pool`, c => { karpenter()(c); onPool({ cache: ModelCache.emptyDir({ sizeGiB }) })(c); });
for (const cpu of [1e-9, 0.001, 1.5, 1e21, Infinity, -1, 0]) add(`resources.cpu ${cpu}`, service({ resources: { cpu } }));
for (const memoryGiB of [1e-9, 0.5, 24, 1e21, Infinity, 0]) add(`resources.memoryGiB ${memoryGiB}`, service({ resources: { memoryGiB } }));
for (const replicas of [1, 2, 0, -1, 1.5, 1e10, 2 ** 31 - 1, 2 ** 31, NaN, Infinity]) add(`replicas ${replicas}`, service({ replicas }));
for (const maxSurge of [0, 1, 1e10, -1, 1.5]) add(`maxSurge ${maxSurge}`, service({ maxSurge }));
for (const [min, max] of [[1, 2], [2, 1], [0, 2], [1, 1e10], [1, 2 ** 31 - 1], [1.5, 3]]) {
  add(`autoscaling ${min}..${max}`, service({ autoscaling: { minReplicas: min, maxReplicas: max } }));
}
for (const q of [1e-9, 0.5, 1e21, Infinity, 0, -1]) add(`queueDepthPerReplica ${q}`, service({ autoscaling: { minReplicas: 1, maxReplicas: 2, queueDepthPerReplica: q } }));
add('HPA provider', service({ autoscaling: { minReplicas: 1, maxReplicas: 2, provider: AutoscalerProvider.HPA, queueDepthPerReplica: 0.25 } }));
for (const url of ['http://prometheus:9090', 'prometheus:9090', 'javascript:alert(1)', 'http://user:pw@prometheus:9090', 'https://p.example.com/prom']) {
  add(`autoscaling prometheusUrl ${url}`, service({ autoscaling: { minReplicas: 1, maxReplicas: 2, prometheusUrl: url } }));
}
for (const [t, d] of [['0s', Duration.seconds(0)], ['1h', Duration.hours(1)], ['2h', Duration.hours(2)], ['1.5s', Duration.millis(1500)]] as const) {
  add(`scaleDownStabilization ${t}`, service({ autoscaling: { minReplicas: 1, maxReplicas: 2, scaleDownStabilization: d } }));
}
add('gpusPerReplica 1e10', service({ gpusPerReplica: 1e10 }));
add('concurrentSequences 1e10', service({ concurrentSequences: 1e10 }));

// Env.
for (const name of ['OK', 'MY VAR', '1X', 'a.b', 'a-b', '..', '.', 'A=B', '', 'HF_TOKEN', 'API_KEY', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'db_password', 'x'.repeat(300)]) {
  add(`env ${JSON.stringify(name.slice(0, 20))}`, service({ env: { [name]: 'x' } }));
}
add('runtime env "1X"', service({ runtime: Runtime.vllm({ env: { '1X': 'y' } }) }));
add('runtime env HF_TOKEN literal', service({ runtime: Runtime.vllm({ env: { HF_TOKEN: 'hf_abc' } }) }));
for (const [t, se] of [
  ['ok', { WANDB_API_KEY: { secretName: 'wandb', key: 'api-key' } }],
  ['bad secret name', { K: { secretName: 'My Secret', key: 'k' } }],
  ['bad key', { K: { secretName: 's', key: '../k' } }],
  ['HOME', { HOME: { secretName: 's', key: 'k' } }],
  ['HF_TOKEN with tokenSecret', { HF_TOKEN: { secretName: 's', key: 'k' } }],
] as const) add(`secretEnv ${t}`, service({ secretEnv: se }));

// Network.
for (const ns of [['team-a'], ['Team A'], [''], ['a'.repeat(64)], ['team-a', 'team-a']]) add(`allowNamespaces ${JSON.stringify(ns).slice(0, 30)}`, service({ network: { allowNamespaces: ns } }));
for (const pods of [[{ app: 'chat' }], [{ 'a b': 'x' }], [{}], [{ app: 'x'.repeat(64) }]]) add(`allowPods ${JSON.stringify(pods).slice(0, 30)}`, service({ network: { allowPods: pods } }));
for (const ns of ['monitoring', 'Mon', '']) add(`metricsNamespace ${JSON.stringify(ns)}`, service({ network: { metricsNamespace: ns } }));
add('network disabled', service({ network: { disabled: true } }));

// Routes.
for (const gatewayName of ['gw', 'My GW', '', 'g'.repeat(64), 'gw.example']) add(`route gatewayName ${JSON.stringify(gatewayName.slice(0, 20))}`, service({ route: { gatewayName } }));
for (const gatewayNamespace of ['gateway', 'GW NS', '']) add(`route gatewayNamespace ${JSON.stringify(gatewayNamespace)}`, service({ route: { gatewayName: 'gw', gatewayNamespace } }));
for (const hostnames of [['llm.example.com'], ['*.example.com'], ['Bad Host'], ['1.2.3.4'], ['a'.repeat(254)], Array.from({ length: 17 }, (_, i) => `h${i}.example.com`), ['llm.example.com:443']]) {
  add(`route hostnames ${JSON.stringify(hostnames).slice(0, 30)}`, service({ route: { gatewayName: 'gw', hostnames } }));
}
for (const pathPrefix of ['/v1', '/qwen/v1', '//v1', '/v1 beta', '/a/../b', 'v1', '/', '/v1/', '/%2f', '/x#y', `/${'a'.repeat(1024)}`, '/v1/chat']) {
  add(`route pathPrefix ${JSON.stringify(pathPrefix.slice(0, 20))}`, service({ route: { gatewayName: 'gw', pathPrefix } }));
}
for (const [t, d] of [['250ms', Duration.millis(250)], ['0s', Duration.seconds(0)], ['10m', Duration.minutes(10)], ['30h', Duration.hours(30)],
  ['5000d', Duration.days(5000)], ['0.5ms', Duration.millis(0.5)], ['99999h', Duration.hours(99999)], ['150000s', Duration.seconds(150000)]] as const) {
  add(`route requestTimeout ${t}`, service({ route: { gatewayName: 'gw', requestTimeout: d } }));
}
for (const [t, impl] of [
  ['envoy bad namespace', () => GatewayImplementation.envoyGateway({ namespace: 'Bad NS' })],
  ['envoy merged class of 64', () => GatewayImplementation.envoyGateway({ mergedGatewayClass: 'x'.repeat(64) })],
  ['envoy gateway-namespace mode', () => GatewayImplementation.envoyGateway({ gatewayNamespaceMode: true })],
  ['gke bad CIDR', () => GatewayImplementation.gke({ proxyOnlySubnetCidrs: ['10.0.0.0/33'] })],
  ['gke proxy subnet', () => GatewayImplementation.gke({ proxyOnlySubnetCidrs: ['10.129.0.0/23'] })],
  ['no peers', () => GatewayImplementation.peers([])],
  ['peer CIDR', () => GatewayImplementation.peers([{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }])],
  ['peer bad labels', () => GatewayImplementation.peers([{ podLabels: { 'a b': 'c' } }])],
] as const) add(`route implementation: ${t}`, service({ route: { gatewayName: 'gw', implementation: impl() } }));
add('envoy with a long gateway name', service({ route: { gatewayName: 'g'.repeat(63), implementation: GatewayImplementation.envoyGateway() } }));
add('two services on one route path', c => { service({ route: { gatewayName: 'gw' } })(c); service({ route: { gatewayName: 'gw' } }, 'qwen')(c); });

// Durations of the drain.
for (const [t, d] of [['30s', Duration.seconds(30)], ['10s', Duration.seconds(10)], ['30.5s', Duration.millis(30500)], ['1e12 days', Duration.days(1e12)], ['365 days', Duration.days(365)]] as const) {
  add(`terminationGracePeriod ${t}`, service({ terminationGracePeriod: d }));
}
add('drain maxRequestDuration 2h', service({ drain: { maxRequestDuration: Duration.hours(2) } }));
add('drain maxTerminationGracePeriod 20.5s', service({ drain: { maxTerminationGracePeriod: Duration.millis(20500) } }));
add('drain endpointRemovalDelay 1e9 days', service({ drain: { endpointRemovalDelay: Duration.days(1e9) } }));

// Runtimes and images.
for (const image of ['my.registry:5000/vllm/vllm-openai:v0.9.2', 'VLLM/x:v1', 'vllm openai:v1', 'repo@sha256:abc', `repo@sha256:${'a'.repeat(64)}`, 'vllm/vllm-openai:latest', 'vllm/vllm-openai', 'repo:v1:v2', '']) {
  add(`vLLM image ${JSON.stringify(image.slice(0, 30))}`, service({ runtime: Runtime.vllm({ image }) }));
}
for (const version of ['0.9.2', '0.9.2+cu126', 'v0.9.2', 'latest', '0.10.0', '9.9.9', '0.1.0']) add(`vLLM version ${version}`, service({ runtime: Runtime.vllm({ version }) }));
for (const [t, r] of [['sglang', Runtime.sglang()], ['tgi', Runtime.tgi({ version: '3.0.0' })], ['tgi root image', Runtime.tgi({ version: '3.3.0' })], ['tgi allowRootImage', Runtime.tgi({ version: '3.3.0', allowRootImage: true })]] as const) {
  add(`runtime ${t}`, service({ runtime: r }));
}
add('triton', volume(Runtime.triton()));
for (const maxModelLen of [4096, 0, 1e10, 1.5]) add(`maxModelLen ${maxModelLen}`, service({ runtime: Runtime.vllm({ maxModelLen }) }));
for (const memoryUtilization of [0.5, 0, 1.5, NaN]) add(`memoryUtilization ${memoryUtilization}`, service({ runtime: Runtime.vllm({ memoryUtilization }) }));
add('extraArgs', service({ runtime: Runtime.vllm({ extraArgs: ['--enable-prefix-caching', '--max-num-seqs', '64'] }) }));

// LoRA adapters.
const hfLora = (name = 'support', o: Record<string, unknown> = {}) => LoraAdapter.huggingFace('acme/support-lora', { name, revision: '3a1f0c2', ...o });
const volLora = (name: string, o: Record<string, unknown> = {}) => LoraAdapter.fromVolume({ claimName: 'adapters', path: name, name, ...o });
add('lora: three sources', service({ adapters: [hfLora(), LoraAdapter.fromObjectStore('s3://acme/sql', { name: 'sql', credentialsSecret: 's3-creds' }), volLora('legal')], lora: { maxLoras: 4, maxLoraRank: 32 } }));
add('lora: sglang', service({ runtime: Runtime.sglang(), adapters: [hfLora(), volLora('legal')] }));
add('lora: tgi', service({ runtime: Runtime.tgi({ version: '3.0.0' }), adapters: [hfLora()] }));
add('lora: triton', volume(Runtime.triton(), { adapters: [volLora('a')] }));
add('lora: custom', custom({}, { adapters: [volLora('a')] }));
add('lora: more adapters than maxLoras', service({ adapters: [volLora('a'), volLora('b')], lora: { maxLoras: 1 } }));
add('lora: duplicate names', service({ adapters: [volLora('a'), hfLora('a')] }));
add('lora: name of the base model', service({ model: Model.huggingFace(LLAMA_8B, { servedName: 'llama' }), adapters: [volLora('llama')] }));
for (const name of ['Bad Name', '', 'x'.repeat(64), 'a=b', 'a,b', '-a']) add(`lora: name ${JSON.stringify(name.slice(0, 20))}`, service({ adapters: [hfLora(name)] }));
for (const rank of [0, 1.5, 1e9, NaN, 512, 513]) add(`lora: rank ${rank}`, service({ adapters: [volLora('a', { rank })] }));
for (const maxLoraRank of [24, 1e9, 0, 320]) add(`lora: maxLoraRank ${maxLoraRank}`, service({ adapters: [volLora('a')], lora: { maxLoraRank } }));
for (const maxLoras of [0, NaN, 1.5, 1e6]) add(`lora: maxLoras ${maxLoras}`, service({ adapters: [volLora('a')], lora: { maxLoras } }));
add('lora: limits without adapters', service({ lora: { maxLoras: 2 } }));
for (const id of ['not an id', 'acme/a/b', '']) add(`lora: hf id ${JSON.stringify(id)}`, service({ adapters: [LoraAdapter.huggingFace(id, { name: 'a' })] }));
for (const revision of ['a b', 'refs/pr/1', '']) add(`lora: revision ${JSON.stringify(revision)}`, service({ adapters: [hfLora('a', { revision })] }));
for (const uri of ['gs://b/a', 's3://', 'http://b/a', 's3://b']) add(`lora: object store ${uri}`, service({ adapters: [LoraAdapter.fromObjectStore(uri, { name: 'a' })] }));
add('lora: s3 on sglang', service({ runtime: Runtime.sglang(), adapters: [LoraAdapter.fromObjectStore('s3://b/a', { name: 'a' })] }));
for (const claimName of ['Bad Claim', '', 'a'.repeat(254)]) add(`lora: claim ${JSON.stringify(claimName.slice(0, 20))}`, service({ adapters: [LoraAdapter.fromVolume({ claimName, name: 'a' })] }));
add('lora: path ..', service({ adapters: [volLora('a', { path: '../x' })] }));
for (const lpath of ['a=b', 'a,b', 'a b/c']) add(`lora: path ${JSON.stringify(lpath)}`, service({ adapters: [volLora('a', { path: lpath })] }));
add('lora: bad token secret', service({ adapters: [hfLora('a', { tokenSecret: 'Bad Secret' })] }));
add('lora: bad token key', service({ adapters: [hfLora('a', { tokenSecret: { name: 's', key: '../k' } })] }));
add('lora: bad credentials secret', service({ adapters: [LoraAdapter.fromObjectStore('s3://b/a', { name: 'a', credentialsSecret: 'Bad' })] }));
for (const [t, v] of [['string', 'acme/a'], ['null item', [null]], ['plain object', [{ id: 'acme/a', name: 'a' }]], ['number', 3]] as const) add(`lora: adapters ${t}`, service({ adapters: v }));
for (const [t, v] of [['string', 'x'], ['maxLoras string', { maxLoras: '2' }], ['maxLoraRank null', { maxLoraRank: null }]] as const) add(`lora: lora ${t}`, service({ adapters: [volLora('a')], lora: v }));
add('lora: canary inherits adapters', canary({}, { adapters: [hfLora(), volLora('legal')] }));
for (const port of [8000, 0, 65536, 1.5, 80]) add(`custom port ${port}`, custom({ port }));
for (const metricsPort of [9090, 0, 70000]) add(`custom metricsPort ${metricsPort}`, custom({ metricsPort }));
for (const apiPathPrefix of ['/v1', 'v1', '/api//v1', '/']) add(`custom apiPathPrefix ${apiPathPrefix} with a route`, custom({ apiPathPrefix }, { route: { gatewayName: 'gw', pathPrefix: '/custom/v1' } }));
for (const image of ['registry.example.com/server:v1', 'Registry.example.com/Server:v1', 'server', 'a b:v1']) add(`custom image ${image}`, custom({ image }, { allowMutableImageTag: true }));
add('custom metric name with a space, autoscaled', custom({ metrics: { queueDepth: 'queue depth' } }, { autoscaling: { minReplicas: 1, maxReplicas: 2 } }));
add('custom counter with a bad label name, monitored', c => {
  custom({ metrics: { queueDepth: 'q', requests: [{ metric: 'req_total' }], errors: { metric: 'req_total', matchers: { 'status-code': '500' } } } })(c);
  new MonitoringStack(c, 'monitoring', { services: [c.node.findChild('llama') as ModelService] });
});
add('custom metrics with counters', custom({ metrics: { queueDepth: 'q', requests: [{ metric: 'requests_total' }], errors: { metric: 'requests_total', matchers: { code: '500' } } } }));

// Accelerators and precisions.
for (const p of Object.values(Precision)) add(`precision ${p} on L4`, service({ precision: p }));
add('AMD without render group', service({ accelerator: Accelerator.AMD_MI300X, runtime: Runtime.vllm({ image: 'rocm/vllm:v0.9.2' }) }));
for (const gids of [[110], [0], [1.5], [2 ** 31]]) add(`AMD gpuDeviceGroupIds ${JSON.stringify(gids)}`, service({ accelerator: Accelerator.AMD_MI300X, runtime: Runtime.vllm({ image: 'rocm/vllm:v0.9.2' }), gpuDeviceGroupIds: gids }));

// GpuNodePool.
for (const name of ['h100', 'H100', 'x'.repeat(40), 'x'.repeat(41), 'h100_pool']) add(`pool name ${JSON.stringify(name.slice(0, 20))} (${name.length})`, karpenter({}, { name }));
for (const maxGpus of [1, 0, 1e10, 1.5, NaN]) add(`pool maxGpus ${maxGpus}`, karpenter({}, { maxGpus }));
for (const usdPerGpuHour of [0, 2.5, -1, Infinity]) add(`pool usdPerGpuHour ${usdPerGpuHour}`, karpenter({}, { usdPerGpuHour }));
for (const [t, o] of [
  ['nodeRole ""', { nodeRole: '' }], ['instanceProfile ""', { nodeRole: undefined, instanceProfile: '' }], ['instanceProfile', { nodeRole: undefined, instanceProfile: 'KarpenterProfile' }],
  ['both identities', { instanceProfile: 'p' }], ['no identity', { nodeRole: undefined }], ['clusterName ""', { clusterName: '' }], ['no discovery', { clusterName: undefined }],
  ['discoveryTags', { clusterName: undefined, discoveryTags: { 'karpenter.sh/discovery': 'prod', 'team': 'ml' } }], ['discoveryTags {}', { discoveryTags: {} }],
  ['discoveryTags empty value', { discoveryTags: { a: '' } }], ['discoveryTags 21', { discoveryTags: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }],
  ['amiAlias al2023@latest', { amiAlias: 'al2023@latest' }], ['amiAlias al2023@latest allowed', { amiAlias: 'al2023@latest', allowLatestAmi: true }],
  ['amiAlias bottlerocket', { amiAlias: 'bottlerocket@v1.44.0' }], ['amiAlias al2023@', { amiAlias: 'al2023@' }], ['amiAlias windows2022@latest', { amiAlias: 'windows2022@latest' }],
  ['amiAlias ubuntu@1', { amiAlias: 'ubuntu@1' }], ['amiAlias al2023', { amiAlias: 'al2023' }],
  ['labels ok', { labels: { 'example.com/team': 'ml' } }], ['labels karpenter.sh', { labels: { 'karpenter.sh/foo': 'x' } }], ['labels notkarpenter.sh', { labels: { 'notkarpenter.sh/x': 'a' } }],
  ['labels xkarpenter.sh', { labels: { 'xkarpenter.sh': 'a' } }], ['labels kubernetes.io/hostname', { labels: { 'kubernetes.io/hostname': 'a' } }], ['labels bad key', { labels: { 'a b': 'x' } }],
  ['labels karpenter.k8s.aws', { labels: { 'karpenter.k8s.aws/instance-family': 'p5' } }], ['taint', { taints: [{ key: 'example.com/dedicated', value: 'ml', effect: TaintEffect.NO_SCHEDULE }] }],
  ['taint bad key', { taints: [{ key: 'a b', effect: TaintEffect.NO_SCHEDULE }] }], ['capacity spot', { capacityTypes: [CapacityType.SPOT] }], ['capacity none', { capacityTypes: [] }],
  ['reserved without ids', { capacityTypes: [CapacityType.RESERVED] }], ['reserved', { capacityTypes: [CapacityType.RESERVED], capacityReservationIds: ['cr-0123456789abcdef0'] }],
  ['bad reservation id', { capacityTypes: [CapacityType.RESERVED], capacityReservationIds: ['reservation'] }], ['instance types', { instanceTypes: ['p5.48xlarge'] }],
  ['wrong instance type', { instanceTypes: ['g6.xlarge'] }], ['rootVolumeGiB 19', { rootVolumeGiB: 19 }], ['rootVolumeGiB 1000', { rootVolumeGiB: 1000 }],
  ['disruption 0', { disruptionBudgetPercent: 0 }], ['disruption 101', { disruptionBudgetPercent: 101 }], ['expireAfter 1e9 days', { expireAfter: Duration.days(1e9) }],
  ['expireAfter 90s', { expireAfter: Duration.seconds(90) }], ['consolidateAfter 1.5s', { consolidateAfter: Duration.millis(1500) }],
  ['terminationGracePeriod 1e12 h', { terminationGracePeriod: Duration.hours(1e12) }],
] as const) add(`Karpenter ${t}`, karpenter(o as Record<string, unknown>));
// Issue 13: keeping a multi-node group together, and the pool's fabric.
for (const [t, o] of [
  ['zones', { zones: ['us-east-1a'] }], ['zones []', { zones: [] }], ['zones bad', { zones: ['us east'] }],
  ['placement group name', { placementGroup: 'llm-cluster', zones: ['us-east-1a'] }], ['placement group id', { placementGroup: 'pg-0123456789abcdef0' }],
  ['placement group bad id', { placementGroup: 'pg-XYZ' }], ['placement group ""', { placementGroup: '' }], ['placement group number', { placementGroup: 7 }],
] as const) add(`Karpenter ${t}`, karpenter(o as Record<string, unknown>));
for (const [t, make] of [
  ['efa', () => Interconnect.efa()], ['efa 16', () => Interconnect.efa({ interfacesPerNode: 16 })], ['efa 64', () => Interconnect.efa({ interfacesPerNode: 64 })],
  ['efa 1.5', () => Interconnect.efa({ interfacesPerNode: 1.5 })], ['infiniband', () => Interconnect.infiniband({ resource: 'rdma/ib' })], ['none', () => Interconnect.none()],
] as const) add(`Karpenter interconnect ${t}`, karpenter({ instanceTypes: ['p5.48xlarge'] }, { interconnect: make() }));
for (const [t, make] of [
  ['efa without count', () => Interconnect.efa()], ['efa 8', () => Interconnect.efa({ interfacesPerNode: 8 })], ['infiniband', () => Interconnect.infiniband({ resource: 'rdma/ib', count: 4 })],
  ['infiniband no domain', () => Interconnect.infiniband({ resource: 'ib' })], ['roce env', () => Interconnect.roce({ resource: 'rdma/roce', env: { NCCL_IB_GID_INDEX: '3' } })],
  ['roce bad env', () => Interconnect.roce({ resource: 'rdma/roce', env: { 'A B': '3' } })], ['a string', () => 'efa'],
] as const) add(`existing pool interconnect ${t}`, existing({}, { interconnect: make() }));
for (const [t, o] of [
  ['default', {}], ['nodeLabels', { nodeLabels: { 'example.com/gpu': 'l4' } }], ['nodeLabels {}', { nodeLabels: {} }], ['nodeLabels bad', { nodeLabels: { 'a b': 'c' } }],
  ['GFD label of another GPU', { nodeLabels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } }], ['gpusPerNode 0', { gpusPerNode: 0 }], ['taint bad value', { taints: [{ key: 'x', value: 'a b', effect: TaintEffect.NO_SCHEDULE }] }],
] as const) add(`existing pool ${t}`, existing(o as Record<string, unknown>));
add('GKE pool spot', c => new GpuNodePool(c, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.gke({ spot: true }) }));
add('GKE pool of an accelerator GKE has not', c => new GpuNodePool(c, 'a10g', { accelerator: Accelerator.NVIDIA_A10G, provisioner: Provisioner.gke() }));
for (const [t, dp] of [
  ['default', () => DevicePlugin.nvidia()], ['image bad', () => DevicePlugin.nvidia({ image: 'NVCR/Plugin:v1' })], ['namespace bad', () => DevicePlugin.nvidia({ namespace: 'GPU Ops' })],
  ['namespace gpu-operator', () => DevicePlugin.nvidia({ namespace: 'gpu-operator' })], ['time-slicing 4', () => DevicePlugin.nvidia({ sharing: GpuSharing.timeSlicing(4) })],
  ['time-slicing 1', () => DevicePlugin.nvidia({ sharing: GpuSharing.timeSlicing(1) })], ['mig single', () => DevicePlugin.nvidia({ sharing: GpuSharing.mig(MigStrategy.SINGLE) })],
] as const) add(`device plugin ${t}`, karpenter({}, { devicePlugin: dp() }));
add('device plugin on AMD', c => new GpuNodePool(c, 'mi', { accelerator: Accelerator.AMD_MI300X, provisioner: Provisioner.existing({ nodeLabels: { 'example.com/gpu': 'mi300x' } }), devicePlugin: DevicePlugin.nvidia() }));
add('pool over budget', c => { const p = poolOf(c); new ModelService(c, 'big', { model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'), nodePool: p, replicas: 40 }); });

// CanaryRollout.
add('canary argo', canary());
add('canary at rest', c => { const s = onPool()(c); new CanaryRollout(c, 'canary', { service: s }); });
for (const steps of [[10, 25, 50], [], [50, 25], [0, 10], [10, 101], [1.5], [100]]) add(`canary steps ${JSON.stringify(steps)}`, canary({ steps }));
for (const [t, d] of [['10m', Duration.minutes(10)], ['1e9 days', Duration.days(1e9)], ['30s', Duration.seconds(30)], ['600.5s', Duration.millis(600500)]] as const) add(`canary pause ${t}`, canary({ pause: d }));
for (const [t, a] of [
  ['maxErrorRatio 0.05', { maxErrorRatio: 0.05 }], ['maxErrorRatio 5', { maxErrorRatio: 5 }], ['interval 100.25s', { interval: Duration.millis(100250) }], ['interval 5s', { interval: Duration.seconds(5) }],
  ['interval 1e9 days', { interval: Duration.days(1e9) }], ['minRequests 0', { minRequests: 0 }], ['failureLimit 1e10', { failureLimit: 1e10 }],
  ['prometheusUrl bad', { prometheusUrl: 'javascript:x' }], ['ttft 0.5s', { maxTimeToFirstTokenP95: Duration.millis(500) }], ['latency 30s', { maxLatencyP95: Duration.seconds(30) }],
] as const) add(`canary analysis ${t}`, canary({ analysis: a, pause: Duration.minutes(30) }));
for (const [t, s] of [
  ['gateway weights', () => TrafficStrategy.gatewayWeights({ currentWeight: 10 })], ['gateway warm-up', () => TrafficStrategy.gatewayWeights()],
  ['gateway promote', () => TrafficStrategy.gatewayWeights({ currentWeight: 50, promote: true })], ['gateway weight 30', () => TrafficStrategy.gatewayWeights({ currentWeight: 30 })],
  ['gateway pathPrefix bad', () => TrafficStrategy.gatewayWeights({ pathPrefix: 'v1' })], ['argo replica based', () => TrafficStrategy.argoRollouts({ replicaBased: true })],
  ['argo httpRoute bad', () => TrafficStrategy.argoRollouts({ httpRoute: 'My Route' })], ['argo httpRouteNamespace bad', () => TrafficStrategy.argoRollouts({ httpRoute: 'r', httpRouteNamespace: 'R NS' })],
] as const) add(`canary strategy ${t}`, canary({ strategy: s() }));
add('canary gateway weights without a route', c => {
  const s = onPool()(c);
  new CanaryRollout(c, 'canary', { service: s, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, strategy: TrafficStrategy.gatewayWeights({ gatewayName: 'gw', gatewayNamespace: 'GW NS', currentWeight: 10 }) });
});
for (const [t, surge] of [['extra 2', () => SurgePolicy.extraCapacity({ maxExtraReplicas: 2 })], ['extra 1e10', () => SurgePolicy.extraCapacity({ maxExtraReplicas: 1e10 })], ['extra 0', () => SurgePolicy.extraCapacity({ maxExtraReplicas: 0 })]] as const) {
  add(`canary surge ${t}`, canary({ surge: surge(), strategy: TrafficStrategy.argoRollouts({ replicaBased: true }) }));
}
for (const [t, cand] of [
  ['env', { env: { MODE: 'x' } }], ['env credential', { env: { API_KEY: 'x' } }], ['image bad', { runtime: Runtime.vllm({ image: 'VLLM:x' }) }], ['same as stable', { runtime: Runtime.vllm({ version: '0.9.2' }) }],
  ['precision fp8', { precision: Precision.FP8 }], ['resources cpu 1e21', { resources: { cpu: 1e21 } }], ['secretEnv', { runtime: Runtime.vllm({ version: '0.10.0' }), secretEnv: { K_KEY: { secretName: 's', key: 'k' } } }],
] as const) add(`canary candidate ${t}`, canary({ candidate: cand }));
add('canary service without a pool', c => { const s = service()(c); new CanaryRollout(c, 'canary', { service: s }); });
add('canary of a service named llama-canary', c => { canary()(c); onPool({ name: 'llama-canary', route: { gatewayName: 'gw', pathPrefix: '/x/v1' } }, 'other')(c); });
add('two canaries on one service', c => { canary()(c); new CanaryRollout(c, 'canary2', { service: c.node.findChild('llama') as ModelService }); });

// MonitoringStack.
add('stack default', stack());
add('stack with DCGM', stackWithPool());
for (const name of ['monitoring', 'Mon', 'x'.repeat(40), 'x'.repeat(41)]) add(`stack name ${JSON.stringify(name.slice(0, 20))} (${name.length})`, stack({ name }));
for (const key of ['serviceMonitorLabels', 'ruleLabels', 'dashboardLabels'] as const) {
  for (const labels of [{ release: 'prom' }, { 'a b': 'c' }, { x: 'v'.repeat(64) }, {}]) add(`stack ${key} ${JSON.stringify(labels).slice(0, 30)}`, stack({ [key]: labels }));
}
for (const ns of ['grafana', 'Team A', '']) add(`stack dashboardNamespace ${JSON.stringify(ns)}`, stack({ dashboardNamespace: ns }));
add('stack without dashboards', stack({ dashboards: false }));
for (const url of ['https://runbooks.example.com/llm', 'javascript:alert(1)', 'runbooks', 'http://u:p@h/x', 'data:text/html,x']) add(`stack runbookBaseUrl ${url}`, stack({ runbookBaseUrl: url }));
for (const [t, d] of [['30s', Duration.seconds(30)], ['0.5s', Duration.millis(500)], ['1e9 days', Duration.days(1e9)]] as const) add(`stack scrapeInterval ${t}`, stack({ scrapeInterval: d }));
for (const [t, slo] of [['availability 0.999', { availability: 0.999 }], ['availability 99', { availability: 99 }], ['availability 0.5', { availability: 0.5 }],
  ['ttft 1s', { timeToFirstToken: { threshold: Duration.seconds(1), objective: 0.95 } }], ['ttft 0.7s (no bucket)', { timeToFirstToken: { threshold: Duration.millis(700), objective: 0.95 } }]] as const) {
  add(`stack slo ${t}`, stack({ slo }));
}
for (const [t, th] of [['kvCacheUsage 0.9', { kvCacheUsage: 0.9 }], ['kvCacheUsage 95', { kvCacheUsage: 95 }], ['kvCacheFor 1e9 days', { kvCacheFor: Duration.days(1e9) }],
  ['queueBacklogFor 1.5s', { queueBacklogFor: Duration.millis(1500) }], ['gpuTemperature 200', { gpuTemperatureCelsius: 200 }], ['ttftAnomalyFactor 1', { ttftAnomalyFactor: 1 }]] as const) {
  add(`stack thresholds ${t}`, stack({ thresholds: th }));
}
for (const [t, r] of [
  ['alert', () => MonitoringRule.alert({ name: 'LlamaSlow', expr: 'sum(rate(vllm:num_requests_waiting[5m])) > 10', summary: 'slow', for: Duration.minutes(5), severity: AlertSeverity.CRITICAL, runbookUrl: 'https://r.example.com/x' })],
  ['alert bad name', () => MonitoringRule.alert({ name: 'Llama Slow', expr: 'up == 0', summary: 's' })], ['alert bad expr', () => MonitoringRule.alert({ name: 'A', expr: 'sum(', summary: 's' })],
  ['alert for 1e9 days', () => MonitoringRule.alert({ name: 'A', expr: 'up == 0', summary: 's', for: Duration.days(1e9) })],
  ['alert runbook javascript', () => MonitoringRule.alert({ name: 'A', expr: 'up == 0', summary: 's', runbookUrl: 'javascript:x' })],
  ['alert bad template', () => MonitoringRule.alert({ name: 'A', expr: 'up == 0', summary: '{{ $labels.x ' })],
  ['alert label name bad', () => MonitoringRule.alert({ name: 'A', expr: 'up == 0', summary: 's', labels: { 'a-b': 'x' } })],
  ['record', () => MonitoringRule.record({ name: 'team:requests:rate5m', expr: 'sum(rate(vllm:request_success_total[5m]))' })],
  ['record bad name', () => MonitoringRule.record({ name: 'team requests', expr: 'up' })], ['record string expr', () => MonitoringRule.record({ name: 'x:y', expr: '"text"' })],
] as const) add(`stack rule ${t}`, stack({ rules: [r()] }));
for (const [t, d] of [
  ['image bad', () => Dcgm.exporter({ image: 'NVCR/DCGM:v1' })], ['namespace bad', () => Dcgm.exporter({ namespace: 'GPU Ops' })], ['namespace gpu-monitoring', () => Dcgm.exporter({ namespace: 'gpu-monitoring' })],
  ['name bad', () => Dcgm.exporter({ name: '9dcgm' })], ['runtimeClassName', () => Dcgm.exporter({ runtimeClassName: 'nvidia' })], ['priorityClassName bad', () => Dcgm.exporter({ priorityClassName: 'Critical' })],
  ['existing', () => Dcgm.existing({ job: 'gpu-operator/dcgm' })], ['none', () => Dcgm.none()],
] as const) add(`stack dcgm ${t}`, stackWithPool({ dcgm: d() }));
add('DCGM exporter without pools', stack({ dcgm: Dcgm.exporter() }));
add('stack lists a service twice', c => { const s = onPool()(c); new MonitoringStack(c, 'monitoring', { services: [s, s] }); });
add('two stacks over one service', c => { const s = onPool()(c); new MonitoringStack(c, 'mon-a', { services: [s] }); new MonitoringStack(c, 'mon-b', { services: [s] }); });
add('two stacks with pools', c => {
  const a = onPool()(c); const b = onPool({ model: Model.huggingFace(QWEN_7B) }, 'qwen')(c);
  new MonitoringStack(c, 'mon-a', { services: [a], nodePools: [poolOf(c)] }); new MonitoringStack(c, 'mon-b', { services: [b], nodePools: [poolOf(c)] });
});
add('serviceSlos for a service not in services', c => {
  const a = onPool()(c); const b = onPool({ model: Model.huggingFace(QWEN_7B) }, 'qwen')(c);
  new MonitoringStack(c, 'monitoring', { services: [a], serviceSlos: [{ service: b, slo: { availability: 0.999 } }] });
});
add('stack over SGLang, TGI and Triton', c => {
  const p = poolOf(c);
  const s = [
    new ModelService(c, 'sg', { model: Model.huggingFace(QWEN_7B), runtime: Runtime.sglang(), nodePool: p }),
    new ModelService(c, 'tgi', { model: Model.huggingFace(QWEN_7B), runtime: Runtime.tgi({ version: '3.0.0' }), nodePool: p }),
    new ModelService(c, 'tr', { model: Model.fromVolume({ claimName: 'repo' }), runtime: Runtime.triton(), nodePool: p, gpusPerReplica: 1 }),
  ];
  new MonitoringStack(c, 'monitoring', { services: s, nodePools: [p] });
});

// ModelNamespace.
add('namespace object', c => new ModelNamespace(c, 'ns'));
for (const [t, p] of [
  ['name LLM', { name: 'LLM' }], ['name other', { name: 'other' }], ['level baseline', { podSecurityLevel: PodSecurityLevel.BASELINE }], ['version latest', { podSecurityVersion: 'latest' }],
  ['version 1.28', { podSecurityVersion: '1.28' }], ['labels', { labels: { team: 'ml' } }], ['labels bad', { labels: { 'a b': 'x' } }],
  ['pod security label', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }], ['annotations bad key', { annotations: { 'a b': 'x' } }],
  ['annotations too big', { annotations: { x: 'y'.repeat(300_000) } }],
] as const) add(`ModelNamespace ${t}`, c => new ModelNamespace(c, 'ns', p as never));
add('two ModelNamespaces', c => { new ModelNamespace(c, 'a'); new ModelNamespace(c, 'b'); });
add('a user object named like a service object', c => { service()(c); new k8s.KubeService(c, 'mine', { metadata: { name: 'llama' }, spec: { ports: [{ port: 80 }] } }); });

// Issue 13: multi-node replicas (LeaderWorkerSet groups).
const LLAMA_405B = 'meta-llama/Llama-3.1-405B-Instruct';
const EFA = { kind: 'efa', resourcesPerNode: { 'vpc.amazonaws.com/efa': 32 }, env: { FI_PROVIDER: 'efa' } };
const fabricPool = (c: Chart, interconnect: unknown = EFA): GpuNodePool => (c.node.tryFindChild('h100x') as GpuNodePool | undefined)
  ?? new GpuNodePool(c, 'h100x', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 128, interconnect } as any);
const multiNode = (extra: Record<string, unknown> = {}, interconnect?: unknown) => (c: Chart) =>
  new ModelService(c, 'big', { model: Model.huggingFace(LLAMA_405B), nodePool: fabricPool(c, interconnect), replicas: 2, ...extra });
add('multi-node vLLM 405B bf16 on H100 with EFA', multiNode());
add('multi-node SGLang 405B bf16 on H100 with EFA', multiNode({ runtime: Runtime.sglang() }));
add('multi-node autoscaled (KEDA on the LWS)', multiNode({ replicas: undefined, autoscaling: { minReplicas: 1, maxReplicas: 2 } }));
add('multi-node autoscaled (HPA on the LWS)', multiNode({ replicas: undefined, autoscaling: { minReplicas: 1, maxReplicas: 2, provider: AutoscalerProvider.HPA } }));
add('multi-node TGI refused', multiNode({ runtime: Runtime.tgi({ allowRootImage: true }) }));
add('multi-node Triton refused', multiNode({ runtime: Runtime.triton(), model: Model.fromVolume({ claimName: 'models' }), gpusPerReplica: 16 }));
add('multi-node on a pool without fabric refused', multiNode({}, null));
add('multi-node on a pool with fabric "none" refused', multiNode({}, { kind: 'none', resourcesPerNode: {}, env: {} }));
add('multi-node on a pool without fabric, allowSlowInterconnect', multiNode({ allowSlowInterconnect: true }, null));
add('multi-node over maxNodesPerReplica', multiNode({ gpusPerReplica: 24, maxNodesPerReplica: 2 }));
add('multi-node maxNodesPerReplica 0', multiNode({ maxNodesPerReplica: 0 }));
add('multi-node gpusPerReplica not whole nodes', multiNode({ gpusPerReplica: 12, model: Model.fromVolume({ claimName: 'models' }) }));
add('multi-node canary argo refused', c => { const s = multiNode()(c); new CanaryRollout(c, 'canary', { service: s, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) } }); });
add('multi-node canary gateway weights', c => {
  const s = multiNode({ route: { gatewayName: 'gw' } })(c);
  new CanaryRollout(c, 'canary', { service: s, candidate: { runtime: Runtime.vllm({ version: '0.10.0' }) }, strategy: TrafficStrategy.gatewayWeights({ currentWeight: 10 }), steps: [10, 50] });
});
add('multi-node with a MonitoringStack', c => { const s = multiNode()(c); new MonitoringStack(c, 'mon', { services: [s] }); });

// InferencePool routing (issue 14): engines the endpoint picker cannot read, bad scorer weights,
// failure modes, picker options, gateways, canaries, monitoring.
const pooled = (o: Record<string, unknown> = {}) => Routing.inferencePool(o as never);
add('InferencePool on vLLM', service({ routing: pooled(), route: { gatewayName: 'gw' } }));
add('InferencePool without a route', service({ routing: pooled() }));
add('InferencePool on SGLang', service({ runtime: Runtime.sglang(), routing: pooled(), route: { gatewayName: 'gw', gatewayNamespace: 'gateways' } }));
add('InferencePool on TGI', service({ runtime: Runtime.tgi({ version: '3.0.0', allowRootImage: true }), routing: pooled() }));
add('InferencePool on TGI (root image refused too)', service({ runtime: Runtime.tgi(), routing: pooled() }));
add('InferencePool on Triton', volume(Runtime.triton(), { routing: pooled() }));
add('InferencePool on a custom container', custom({}, { routing: pooled() }));
add('InferencePool on vLLM 0.8.5', service({ runtime: Runtime.vllm({ version: '0.8.5' }), routing: pooled() }));
for (const scorers of [{ queue: 5 }, { prefixCache: 0 }, { loraAffinity: 1 }, { queue: -1 }, { queue: 0.5 }, { queue: Number.NaN }, { queue: Infinity }, { queue: 1e9 }, { queue: '2' },
  { queue: 0, kvCacheUtilization: 0, prefixCache: 0 }, { latency: 1 }, { queue: null }, {}]) {
  add(`scorer weights {${Object.entries(scorers).map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`).join(', ')}}`, service({ routing: pooled({ scorers }) }));
}
for (const failureMode of [EndpointPickerFailureMode.FAIL_CLOSE, EndpointPickerFailureMode.FAIL_OPEN, 'FailClosed', '', 3]) {
  add(`failureMode ${JSON.stringify(failureMode)}`, service({ routing: pooled({ failureMode }) }));
}
for (const endpointPicker of [{ cpu: 2, memoryGiB: 4 }, { cpu: 0 }, { cpu: 1.5 }, { memoryGiB: 4096 }, { image: 'registry.example.com/epp:v0.10.0' }, { image: '' }, { image: 'a b' }]) {
  add(`endpointPicker ${JSON.stringify(endpointPicker)}`, service({ routing: pooled({ endpointPicker }) }));
}
add('routing given as a string', service({ routing: 'inference-pool' }));
add('Routing.inferencePool(3)', c => service({ routing: Routing.inferencePool(3 as never) })(c));
add('Routing.service() explicitly', service({ routing: Routing.service(), route: { gatewayName: 'gw' } }));
for (const [t, implementation] of [['Envoy Gateway', GatewayImplementation.envoyGateway()], ['GKE', GatewayImplementation.gke({ proxyOnlySubnetCidrs: ['10.129.0.0/23'] })],
  ['peers', GatewayImplementation.peers([{ namespaceLabels: { team: 'gw' } }])], ['Istio', GatewayImplementation.istio()]] as const) {
  add(`InferencePool behind ${t}`, service({ routing: pooled(), route: { gatewayName: 'gw', gatewayNamespace: 'gateways', implementation } }));
}
add('InferencePool with the NetworkPolicy disabled', service({ routing: pooled(), network: { disabled: true } }));
add('InferencePool gateway-weights canary', canary({ strategy: TrafficStrategy.gatewayWeights({ currentWeight: 25 }) }, { routing: pooled() }));
add('InferencePool gateway-weights canary at rest', c => {
  const s = onPool({ route: { gatewayName: 'gw' }, routing: pooled() })(c);
  new CanaryRollout(c, 'canary', { service: s, strategy: TrafficStrategy.gatewayWeights() });
});
add('InferencePool Argo canary', canary({}, { routing: pooled() }));
add('InferencePool Argo replica-based canary', canary({ strategy: TrafficStrategy.argoRollouts({ replicaBased: true }) }, { routing: pooled() }));
add('InferencePool monitored, FailClose', c => {
  const s = onPool({ routing: pooled({ failureMode: EndpointPickerFailureMode.FAIL_CLOSE }), route: { gatewayName: 'gw' } })(c);
  new MonitoringStack(c, 'monitoring', { services: [s] });
});
add('two InferencePool services, one namespace', c => {
  service({ routing: pooled(), route: { gatewayName: 'gw', pathPrefix: '/a/v1' } }, 'a')(c);
  service({ routing: pooled(), route: { gatewayName: 'gw', pathPrefix: '/b/v1' } }, 'b')(c);
});
add('InferencePool service named like another service\'s picker', c => {
  service({ routing: pooled() }, 'a')(c);
  service({}, 'a-epp')(c);
});
// ImagePolicy and Model.fromImage (issue 15).
const IMAGE_MODEL = 'registry.example.com/models/llama-3.1-8b:v1';
const PIN = `@sha256:${'d'.repeat(64)}`;
const policy = (props: unknown) => (c: Chart) => new ImagePolicy(c.node.root as never, 'images', props as never);
const withPolicy = (props: unknown, build: Build) => (c: Chart) => { build(c); policy(props)(c); };
for (const [t, p] of [
  ['mirror', { registryMirror: 'registry.corp.example:5000/ml-mirror' }], ['mirror without path', { registryMirror: 'mirror.internal' }],
  ['mirror localhost', { registryMirror: 'localhost:5000' }], ['mirror IPv6', { registryMirror: '[::1]:5000/m' }],
  ['mirror URL', { registryMirror: 'https://mirror.internal' }], ['mirror namespace', { registryMirror: 'mirror' }], ['mirror uppercase path', { registryMirror: 'mirror.internal/ML' }],
  ['mirror with tag', { registryMirror: 'mirror.internal/m:v1' }], ['mirror empty', { registryMirror: '' }], ['mirror 300 characters', { registryMirror: `mirror.internal/${'a'.repeat(300)}` }],
  ['mirror number', { registryMirror: 5000 }], ['pull secrets', { imagePullSecrets: ['creds', 'team'] }], ['pull secret uppercase', { imagePullSecrets: ['Creds'] }],
  ['pull secret duplicate', { imagePullSecrets: ['creds', 'creds'] }], ['pull secret empty', { imagePullSecrets: [''] }], ['pull secrets a string', { imagePullSecrets: 'creds' }],
  ['pull secret with dots', { imagePullSecrets: ['registry.creds'] }], ['requireDigests unpinned', { requireDigests: true }], ['requireDigests a string', { requireDigests: 'true' }],
  ['props null', null], ['props an array', [1]], ['everything', { requireDigests: false, registryMirror: 'mirror.internal/m', imagePullSecrets: ['creds'] }],
] as const) add(`ImagePolicy ${t}`, withPolicy(p, stackWithPool()));
add('ImagePolicy requireDigests, every image pinned', withPolicy({ requireDigests: true, registryMirror: 'mirror.internal/m' }, c => {
  const p = new GpuNodePool(c, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 64, devicePlugin: DevicePlugin.nvidia({ image: `nvcr.io/nvidia/k8s-device-plugin:v0.20.0${PIN}` }) });
  const s = new ModelService(c, 'llama', { model: Model.fromImage(`${IMAGE_MODEL}${PIN}`, { catalogId: LLAMA_8B }), runtime: Runtime.vllm({ version: '0.9.2', image: `vllm/vllm-openai:v0.9.2${PIN}` }), nodePool: p });
  new MonitoringStack(c, 'monitoring', { services: [s], nodePools: [p], dcgm: Dcgm.exporter({ image: `nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04${PIN}` }) });
}));
add('two ImagePolicies', c => { policy({})(c); new ImagePolicy(c, 'more', {}); });
for (const [t, m] of [
  ['image volume', () => Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B })],
  ['image volume with path', () => Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B, path: '/models/llama' })],
  ['image volume with spec', () => Model.fromImage(IMAGE_MODEL, { spec: { parametersBillions: 8, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128 } })],
  ['copy init container', () => Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B, path: '/models', mount: ModelImageMount.copyInitContainer() })],
  ['copy of the root', () => Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B, mount: ModelImageMount.copyInitContainer() })],
  ['no shape', () => Model.fromImage(IMAGE_MODEL)], ['unknown catalog id', () => Model.fromImage(IMAGE_MODEL, { catalogId: 'acme/x' })],
  ['latest', () => Model.fromImage('registry.example.com/m:latest', { catalogId: LLAMA_8B })], ['no tag', () => Model.fromImage('registry.example.com/m', { catalogId: LLAMA_8B })],
  ['invalid reference', () => Model.fromImage('Registry Example/M:v1', { catalogId: LLAMA_8B })], ['empty reference', () => Model.fromImage('', { catalogId: LLAMA_8B })],
  ['number reference', () => Model.fromImage(42 as never, { catalogId: LLAMA_8B })], ['path with ..', () => Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B, path: '../x' })],
  ['path a number', () => Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B, path: 1 as never })], ['mount a plain object', () => Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B, mount: {} as never })],
  ['catalogId a number', () => Model.fromImage(IMAGE_MODEL, { catalogId: 7 as never })], ['digest only', () => Model.fromImage(`registry.example.com/m${PIN}`, { catalogId: LLAMA_8B })],
] as const) {
  add(`Model.fromImage ${t}`, c => new ModelService(c, 'llama', { model: m(), accelerator: Accelerator.NVIDIA_L4 }));
}
add('Model.fromImage under a mirror with pull secrets, on SGLang', withPolicy({ registryMirror: 'mirror.internal/m', imagePullSecrets: ['creds'] },
  c => new ModelService(c, 'llama', { model: Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B }), runtime: Runtime.sglang(), accelerator: Accelerator.NVIDIA_L4 })));
add('Model.fromImage canary to another image', c => {
  const s = onPool({ model: Model.fromImage(IMAGE_MODEL, { catalogId: LLAMA_8B }), route: { gatewayName: 'gw' } })(c);
  new CanaryRollout(c, 'canary', { service: s, candidate: { model: Model.fromImage('registry.example.com/models/llama-3.1-8b:v2', { catalogId: LLAMA_8B }) } });
});

// The Pulumi adapter.
const PULUMI: Array<[string, Build, string?]> = [
  ['fleet of one service', service()], ['fleet namespace LLM', service(), 'LLM'], ['fleet namespace ""', service(), ''],
  ['fleet with a bad service', service({ replicas: 1e10 })], ['fleet with a pool and a canary', canary()], ['fleet with monitoring', stackWithPool()],
  ['fleet with a Karpenter pool', karpenter()], ['fleet with a bad Karpenter role', karpenter({ nodeRole: '' })], ['fleet with duplicate objects', c => { service()(c); new k8s.KubeService(c, 'mine', { metadata: { name: 'llama' }, spec: { ports: [{ port: 80 }] } }); }],
  ['fleet with an invalid label', service({ labels: { 'a b': 'c' } })], ['fleet with a credential env', service({ env: { HF_TOKEN: 'x' } })], ['fleet with a wrong type', service({ replicas: '2' })],
  ['fleet with a route timeout of 5000 days', service({ route: { gatewayName: 'gw', requestTimeout: Duration.days(5000) } })], ['fleet with a namespace object', c => new ModelNamespace(c, 'ns')],
  ['fleet with secretEnv', service({ secretEnv: { API_KEY: { secretName: 'keys', key: 'api' } } })], ['fleet with a bad image', service({ runtime: Runtime.vllm({ image: 'A B' }) })],
  ['fleet with a shared cache of 0.5 GiB', service({ cache: ModelCache.shared({ sizeGiB: 0.5 }) })], ['fleet with an HPA', service({ autoscaling: { minReplicas: 1, maxReplicas: 2, provider: AutoscalerProvider.HPA } })],
  ['fleet over budget', c => { const p = poolOf(c); new ModelService(c, 'big', { model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'), nodePool: p, replicas: 40 }); }],
  ['fleet with a gateway-weights canary', canary({ strategy: TrafficStrategy.gatewayWeights({ currentWeight: 25 }) })],
  ['fleet with an InferencePool', service({ routing: Routing.inferencePool(), route: { gatewayName: 'gw' } })],
  ['fleet with an InferencePool on TGI', service({ runtime: Runtime.tgi({ allowRootImage: true }), routing: Routing.inferencePool() })],
];
for (const [title, build, namespace] of PULUMI) INPUTS.push({ title: `pulumi: ${title}`, build, namespace: namespace ?? 'llm', pulumi: true });

// ---------------------------------------------------------------------------------------------
// Outcomes

type Outcome =
  | { kind: 'refused'; problems: ReadonlyArray<{ property: string; fix: string }> }
  | { kind: 'output'; objects: any[] }
  | { kind: 'crash'; error: unknown };

function run(input: Input): Outcome {
  if (input.pulumi) {
    try {
      const fleet = new ModelFleet(`f${INPUTS.indexOf(input)}`, { source: input.build, namespace: input.namespace });
      return { kind: 'output', objects: fleet.plan.objects.map(o => o.body) };
    } catch (e) {
      if (e instanceof pulumi.InputPropertiesError) {
        return { kind: 'refused', problems: e.errors?.map(x => ({ property: x.propertyPath, fix: /\(fix: (.+)\)$/.exec(x.reason)?.[1] ?? '' })) ?? [] };
      }
      return { kind: 'crash', error: e };
    }
  }
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new Chart(app, 'c', input.namespace === NO_NAMESPACE ? {} : { namespace: input.namespace });
  try {
    input.build(chart);
    return { kind: 'output', objects: Testing.synth(chart) };
  } catch (e) {
    return e instanceof ValidationError ? { kind: 'refused', problems: e.problems } : { kind: 'crash', error: e };
  }
}

/** Objects the API server, the CRDs (schema and CEL), or common sense refuse. */
function violations(objects: any[]): string[] {
  const out = [
    ...apiServerViolations(objects).filter(v => v.severity === 'error').map(v => `${v.object} ${v.path}: ${v.message} [${v.enforcedBy}]`),
    ...evaluateCelRules(objects).outcomes.filter(o => o.status !== 'pass').map(o => `${o.object} ${o.valuePath}: CEL ${o.rule.message}`),
    ...objects.flatMap(o => schemaErrors(o).map(e => `${o.kind}/${o.metadata?.name}: schema ${e}`)),
  ];
  const clusterScoped = new Set(['Namespace', 'NodePool', 'EC2NodeClass']);
  const keys = objects.map(o => `${String(o.apiVersion).split('/').slice(0, -1).join('/')}|${o.kind}|${clusterScoped.has(o.kind) ? '' : o.metadata?.namespace ?? ''}|${o.metadata?.name}`);
  keys.forEach((k, i) => { if (keys.indexOf(k) !== i) out.push(`duplicate object ${k}`); });
  // Every pod of a LeaderWorkerSet group (leader and workers) is covered too.
  for (const lws of objects.filter(o => o.kind === 'LeaderWorkerSet')) {
    for (const t of [lws.spec.leaderWorkerTemplate.leaderTemplate, lws.spec.leaderWorkerTemplate.workerTemplate ?? lws.spec.leaderWorkerTemplate.leaderTemplate]) {
      const covered = objects.some(p => p.kind === 'PodDisruptionBudget' && p.metadata.namespace === lws.metadata.namespace
        && Object.entries(p.spec.selector?.matchLabels ?? {}).every(([k, v]) => t.metadata.labels?.[k] === v));
      if (!covered) out.push(`LeaderWorkerSet ${lws.metadata.namespace}/${lws.metadata.name} has pods no PodDisruptionBudget covers`);
    }
  }
  for (const d of objects.filter(o => o.kind === 'Deployment')) {
    const covered = objects.some(p => p.kind === 'PodDisruptionBudget' && p.metadata.namespace === d.metadata.namespace
      && Object.entries(p.spec.selector?.matchLabels ?? {}).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v));
    if (!covered) out.push(`Deployment ${d.metadata.namespace}/${d.metadata.name} has no PodDisruptionBudget`);
  }
  return out;
}

describe('battery: bad and edge inputs across every construct and the Pulumi adapter', () => {
  const promtoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-battery-'));
  const ruleFiles: Array<{ file: string; title: string }> = [];
  const counts = { inputs: 0, refused: 0, valid: 0, crashes: 0, invalid: 0 };
  const failures: string[] = [];

  beforeAll(() => {
    void pulumi.runtime.setMocks({ newResource: args => ({ id: `${args.name}-id`, state: args.inputs }), call: args => args.inputs }, 'modelship', 'battery', false);
  });
  afterAll(() => fs.rmSync(promtoolDir, { recursive: true, force: true }));

  test('the titles are unique, and there are at least 250 inputs', () => {
    const titles = INPUTS.map(i => i.title);
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
    expect(INPUTS.length).toBeGreaterThanOrEqual(250);
  });

  test('every input: a ValidationError with property and fix, or output every checker accepts', () => {
    for (const input of INPUTS) {
      counts.inputs++;
      const o = run(input);
      if (o.kind === 'crash') {
        counts.crashes++;
        failures.push(`${input.title}: raw crash: ${String((o.error as Error)?.stack ?? o.error).split('\n').slice(0, 4).join(' | ')}`);
      } else if (o.kind === 'refused') {
        const incomplete = o.problems.length === 0 || o.problems.some(p => !p.property || !p.fix);
        if (incomplete) {
          counts.crashes++;
          failures.push(`${input.title}: a ValidationError without property or fix`);
        } else {counts.refused++;}
      } else {
        const v = violations(o.objects);
        if (v.length > 0) {
          counts.invalid++;
          failures.push(`${input.title}: accepted, but refused by a checker:\n      ${v.slice(0, 5).join('\n      ')}`);
        } else {
          counts.valid++;
          o.objects.filter(x => x.kind === 'PrometheusRule').forEach((rule, i) => {
            const file = path.join(promtoolDir, `${ruleFiles.length}-${i}.yaml`);
            fs.writeFileSync(file, YAML.stringify({ groups: rule.spec.groups }));
            ruleFiles.push({ file, title: input.title });
          });
        }
      }
    }
    expect(failures).toEqual([]);
  });

  (PROMTOOL ? test : test.skip)('promtool accepts every PrometheusRule of the accepted inputs', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    const check = spawnSync(PROMTOOL!, ['check', 'rules', ...ruleFiles.map(r => r.file)], { encoding: 'utf8' });
    if (check.status !== 0) {
      // Name the inputs whose rules failed.
      const bad = ruleFiles.filter(r => {
        try {
          execFileSync(PROMTOOL!, ['check', 'rules', r.file], { stdio: 'pipe' });
          return false;
        } catch {
          return true;
        }
      });
      counts.invalid += new Set(bad.map(b => b.title)).size;
      counts.valid -= new Set(bad.map(b => b.title)).size;
      throw new Error(`promtool refused the rules of: ${[...new Set(bad.map(b => b.title))].join(', ')}\n${check.stdout}\n${check.stderr}`);
    }
  });

  test('counts', () => {
    // eslint-disable-next-line no-console
    console.log(`battery: ${counts.inputs} inputs, ${counts.refused} ValidationErrors, ${counts.valid} accepted-and-valid, ${counts.crashes} crashes, ${counts.invalid} invalid`);
    expect(counts.inputs).toBe(INPUTS.length);
    expect(counts.crashes).toBe(0);
    expect(counts.invalid).toBe(0);
    // Both outcomes are common: the battery is not a list of things that are all refused.
    expect(counts.valid).toBeGreaterThan(50);
    expect(counts.refused).toBeGreaterThan(100);
  });
});
