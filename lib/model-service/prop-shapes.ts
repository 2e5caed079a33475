/**
 * The types of a ModelService's props (and of the Model, Runtime, ModelCache and
 * GatewayImplementation inside them), checked at run time for JavaScript and config-driven callers
 * (see lib/private/prop-guards.ts). Value rules (names, ranges) are in api-checks.ts and resolve.ts.
 */
import { Accelerator, GpuVendor } from '../accelerators';
import { GatewayImplementation } from './gateway-implementation';
import { LoraAdapter, LoraAdapterSourceKind } from './lora-adapter';
import { Model, ModelSourceKind } from './model';
import { ModelCache } from './model-cache';
import { AutoscalerProvider } from './props';
import { Routing } from './routing';
import { Runtime } from './runtime';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import { Precision } from '../planning/precision';
import { report } from '../private/api-rules';
import { describeValue, Fields, Guard, guardFields, is, isPlainObject, required } from '../private/prop-guards';

const strings = (example: string) => is.array(is.string(example), `["${example}"]`);
const stringMap = (example: string) => is.record(is.string('value'), example);

/** A GpuNodePool, or anything that implements the pool contract. */
export const nodePoolGuard: Guard = (sink, property, value) => {
  const v = value as Partial<IGpuNodePool> | undefined;
  const ok = v !== null && typeof v === 'object' && typeof v.registerConsumer === 'function' && v.accelerator instanceof Accelerator
    && isPlainObject(v.nodeSelector) && Array.isArray(v.tolerations) && typeof v.gpusPerNode === 'number';
  return ok || report(sink, property, value, [`must be a GpuNodePool, got ${describeValue(value)}`], 'pass the pool construct: new GpuNodePool(chart, "h100", {...})');
};

const modelSpecFields: Fields = {
  parametersBillions: required(is.number(8)),
  layers: required(is.number(32)),
  attentionHeads: required(is.number(32)),
  kvHeads: required(is.number(8)),
  headDim: required(is.number(128)),
  maxContextLength: is.number(131072),
};

/** A Model made by its factories, and what the factories were given. */
export const modelGuard: Guard = (sink, property, value) => {
  if (!is.instance(Model, 'Model.huggingFace("meta-llama/Llama-3.1-8B-Instruct"), Model.fromObjectStore("s3://...") or Model.fromVolume({ claimName })')(sink, property, value)) return false;
  const m = value as Model;
  const fields: Fields = {
    id: required(is.string(m.source === ModelSourceKind.VOLUME ? 'weights' : 'meta-llama/Llama-3.1-8B-Instruct'),
      m.source === ModelSourceKind.VOLUME ? 'give claimName: Model.fromVolume({ claimName: "weights" })' : undefined),
    servedName: is.string('llama-3.1-8b'),
    spec: is.object(modelSpecFields, '{ parametersBillions: 8, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128 }'),
    revision: is.string('main'),
    tokenSecret: is.object({ name: required(is.string('hf-token')), key: is.string('token') }, '"hf-token" or { name: "hf-token", key: "token" }'),
    credentialsSecret: is.string('s3-credentials'),
    volumePath: is.string('llama-3.1-8b'),
  };
  return guardFields(sink, property, {
    id: m.id,
    servedName: m.servedName,
    spec: m.spec,
    revision: m.revision,
    tokenSecret: m.tokenSecret,
    credentialsSecret: m.credentialsSecret,
    volumePath: m.volumePath,
  }, fields);
};

const counterRef = is.object({ metric: required(is.string('vllm:request_success_total')), matchers: stringMap('{ code: "500" }'), regexMatchers: stringMap('{ code: "5.." }') },
  '{ metric: "http_requests_total", matchers: { code: "500" } }');
const metricsFields: Fields = {
  queueDepth: is.string('queue_depth'),
  running: is.string('running'),
  kvCacheUsage: is.string('kv_cache_usage'),
  timeToFirstToken: is.string('ttft_seconds'),
  interTokenLatency: is.string('itl_seconds'),
  e2eLatency: is.string('e2e_seconds'),
  requests: is.array(counterRef, '[{ metric: "requests_total" }]'),
  errors: counterRef,
  clientErrors: counterRef,
  promptTokens: is.string('prompt_tokens_total'),
  generationTokens: is.string('generation_tokens_total'),
};

/** A Runtime made by its factories, and what the factories were given. */
export const runtimeGuard: Guard = (sink, property, value) => {
  if (!is.instance(Runtime, 'Runtime.vllm(), Runtime.sglang(), Runtime.tgi(), Runtime.triton() or Runtime.custom({ image })')(sink, property, value)) return false;
  const r = value as Runtime;
  const o = r._options as Record<string, unknown>;
  let ok = guardFields(sink, property, o, {
    // version: any type is reported by the engine's version check (resolve.ts), with the release grammar.
    maxModelLen: is.number(8192),
    memoryUtilization: is.number(0.9),
    extraArgs: strings('--enable-prefix-caching'),
    env: stringMap('{ VLLM_LOGGING_LEVEL: "INFO" }'),
    allowRootImage: is.boolean(),
  });
  const p = r.profile as unknown as Record<string, unknown>;
  ok = guardFields(sink, property, { image: r.image, ...p }, {
    image: required(is.string('vllm/vllm-openai:v0.9.2'), 'give the image: Runtime.custom({ image: "registry.example.com/server:v1" })'),
    httpPort: is.number(8000),
    metricsPort: is.number(8000),
    healthPath: is.string('/health'),
    readyPath: is.string('/health'),
    metricsPath: is.string('/metrics'),
    apiPathPrefix: is.string('/v1'),
    metrics: is.object(metricsFields, '{ queueDepth: "queue_depth" }'),
  }) && ok;
  const command = r.containerCommand(GpuVendor.NVIDIA);
  if (command !== undefined) ok = strings('python3')(sink, `${property}.command`, command) && ok;
  return ok;
};

/** A ModelCache made by its factories. */
export const cacheGuard: Guard = (sink, property, value) => {
  if (!is.instance(ModelCache, 'ModelCache.emptyDir(), ModelCache.perReplica(), ModelCache.shared() or ModelCache.existingClaim(name)')(sink, property, value)) return false;
  const c = value as ModelCache;
  return guardFields(sink, property, { sizeGiB: c.sizeGiB, storageClassName: c.storageClassName, claimName: c.claimName }, {
    sizeGiB: is.number(200), storageClassName: is.string('efs-sc'), claimName: is.string('model-cache'),
  });
};

/** A LoraAdapter made by its factories, and what the factories were given. */
export const loraAdapterGuard: Guard = (sink, property, value) => {
  if (!is.instance(LoraAdapter, 'LoraAdapter.huggingFace("org/adapter"), LoraAdapter.fromObjectStore("s3://...") or LoraAdapter.fromVolume({ claimName })')(sink, property, value)) return false;
  const a = value as LoraAdapter;
  const volume = a.source === LoraAdapterSourceKind.VOLUME;
  return guardFields(sink, property, {
    id: a.id, name: a.name, rank: a.rank, revision: a.revision, tokenSecret: a.tokenSecret, credentialsSecret: a.credentialsSecret, path: a.volumePath,
  }, {
    id: required(is.string(volume ? 'adapters' : 'org/adapter'), volume ? 'give claimName: LoraAdapter.fromVolume({ claimName: "adapters" })' : undefined),
    name: is.string('support'),
    rank: is.number(16),
    revision: is.string('main'),
    tokenSecret: is.object({ name: required(is.string('hf-token')), key: is.string('token') }, '"hf-token" or { name: "hf-token", key: "token" }'),
    credentialsSecret: is.string('s3-credentials'),
    path: is.string('support'),
  });
};

const durationGuard = is.duration();

/** The fields of ModelServiceProps a canary candidate may also carry. */
export const SERVICE_VARIANT_FIELDS: Fields = {
  model: modelGuard,
  runtime: runtimeGuard,
  precision: is.oneOf(Object.values(Precision), 'Precision'),
  gpusPerReplica: is.number(1),
  concurrentSequences: is.number(4),
  resources: is.object({ cpu: is.number(8), memoryGiB: is.number(64) }, '{ cpu: 8, memoryGiB: 64 }'),
  allowMutableImageTag: is.boolean(),
  env: stringMap('{ VLLM_LOGGING_LEVEL: "INFO" }'),
  secretEnv: is.record(is.object({ secretName: required(is.string('api-keys')), key: required(is.string('openai')) },
    '{ secretName: "api-keys", key: "openai" }'), '{ OPENAI_API_KEY: { secretName: "api-keys", key: "openai" } }'),
};

/** Every field of ModelServiceProps. */
export const MODEL_SERVICE_FIELDS: Fields = {
  ...SERVICE_VARIANT_FIELDS,
  model: required(modelGuard),
  nodePool: nodePoolGuard,
  accelerator: is.instance(Accelerator, 'Accelerator.NVIDIA_L4 (or another Accelerator constant)'),
  replicas: is.number(2),
  autoscaling: is.object({
    minReplicas: required(is.number(1)),
    maxReplicas: required(is.number(4)),
    queueDepthPerReplica: is.number(5),
    provider: is.oneOf(Object.values(AutoscalerProvider), 'AutoscalerProvider'),
    prometheusUrl: is.string('http://prometheus-operated.monitoring.svc:9090'),
    scaleDownStabilization: durationGuard,
  }, '{ minReplicas: 1, maxReplicas: 4 }'),
  maxSurge: is.number(1),
  cache: cacheGuard,
  name: is.string('llama-8b'),
  network: is.object({
    allowNamespaces: strings('team-a'),
    allowPods: is.array(stringMap('{ app: "chat" }'), '[{ app: "chat" }]'),
    metricsNamespace: is.string('monitoring'),
    disabled: is.boolean(),
  }, '{ allowNamespaces: ["team-a"] }'),
  route: is.object({
    gatewayName: required(is.string('inference-gateway')),
    gatewayNamespace: is.string('gateway'),
    implementation: is.instance(GatewayImplementation, 'GatewayImplementation.istio(), .envoyGateway(), .gke() or .peers([...])'),
    hostnames: strings('llm.example.com'),
    pathPrefix: is.string('/v1'),
    requestTimeout: durationGuard,
  }, '{ gatewayName: "inference-gateway" }'),
  routing: is.instance(Routing, 'Routing.service() or Routing.inferencePool()'),
  terminationGracePeriod: durationGuard,
  drain: is.object({ maxRequestDuration: durationGuard, endpointRemovalDelay: durationGuard, maxTerminationGracePeriod: durationGuard },
    '{ maxRequestDuration: Duration.minutes(10) }'),
  serviceAccountAnnotations: stringMap('{ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/llm" }'),
  requireStableCapacity: is.boolean(),
  gpuDeviceGroupIds: is.array(is.number(110), '[110]'),
  labels: stringMap('{ team: "search" }'),
  maxNodesPerReplica: is.number(4),
  allowSlowInterconnect: is.boolean(),
  adapters: is.array(loraAdapterGuard, '[LoraAdapter.huggingFace("org/adapter", { revision: "main" })]'),
  lora: is.object({ maxLoras: is.number(4), maxLoraRank: is.number(16) }, '{ maxLoras: 4, maxLoraRank: 16 }'),
};
