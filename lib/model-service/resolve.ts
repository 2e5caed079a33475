import { Accelerator, GpuVendor } from '../accelerators';
import { objectStoreReaders } from '../engines';
import { Problems } from '../errors';
import { checkServiceDurations, checkServiceEndpoints, checkServiceNames, checkServiceNumbers } from './api-checks';
import { resolveDrain } from './drain';
import { mutableImageReason } from './image-reference';
import { LoraPlan, resolveLora } from './lora-plan';
import { Model, ModelSourceKind } from './model';
import { checkImageModel, imageModelNotes } from './model-image-check';
import { addCannotSpanNodes, checkMaxNodes, groupPlacementWarning, MultiNodePlan, resolveMultiNode } from './multi-node';
import { AutoscalingOptions, MODEL_SERVICE_DEFAULTS, ModelServiceProps } from './props';
import { checkRoute } from './route-check';
import { DEFAULT_MAX_MODEL_LEN, Runtime } from './runtime';
import { fractionalSeconds } from '../duration';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import { KvBudgetRequest } from '../planning/kv-budget';
import { loraBufferItem } from '../planning/lora-memory';
import { MemoryFit, planMemory, weightsGiB as modelWeightsGiB } from '../planning/memory-fit';
import { downloadGiB as modelDownloadGiB } from '../planning/model-bytes';
import { hostCpuCores, hostMemoryGiB, shmSizeGiB, startupBudgetSeconds } from '../planning/pod-budget';
import { needsBf16, needsFp8, Precision } from '../planning/precision';

/** Longest service name: leaves room for suffixes such as `-model-cache` and `-canary` within 63 characters. */
export const MAX_SERVICE_NAME_LENGTH = 50;

/** Startup budget when the model's size is unknown (custom containers, Triton repositories). */
export const UNKNOWN_SIZE_STARTUP_SECONDS = 900;

/** Download assumed for the cache volume when the model's size is unknown, GiB. */
const UNKNOWN_SIZE_CACHE_GIB = 100;

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Everything decided about one model server: the plan behind its objects and its report.
 */
export interface ServicePlan {
  readonly name: string;
  readonly model: Model;
  readonly runtime: Runtime;
  readonly precision: Precision;
  readonly accelerator: Accelerator;
  /** GPUs per replica, also the tensor parallel size. */
  readonly gpusPerReplica: number;
  /** Whether modelship chose the GPU count from memory fit. */
  readonly planned: boolean;
  /** The memory arithmetic, when the model's size is known. */
  readonly memory?: MemoryFit;
  /** Why this GPU count, in one line. */
  readonly why: string;
  /** Assumptions the plan rests on that a reader should see (e.g. an engine version newer than any checked). */
  readonly notes: readonly string[];
  /** Set when the server runs as root (an accepted exception to Pod Security "restricted"), with why. */
  readonly rootException?: string;
  /** Supplemental groups of the pod, for the GPU device files (AMD's render group). */
  readonly gpuDeviceGroupIds: readonly number[];
  /**
   * Risks of this plan a reader should act on, with the arithmetic: a drain shorter than the
   * route's timeout, a single replica that node drains take down.
   */
  readonly warnings: readonly string[];
  readonly maxModelLen: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly maxSurge: number;
  readonly startupBudgetSeconds: number;
  readonly shmGiB: number;
  readonly cpu: number;
  readonly memoryGiB: number;
  /** Size of a cache volume modelship creates (the download plus room). */
  readonly cacheSizeGiB: number;
  /**
   * GiB a cold start downloads: the checkpoint at its own precision (`ModelSpec.checkpointPrecision`),
   * which drives the startup budget and the cache size. Undefined when the model's size is unknown.
   */
  readonly downloadGiB?: number;
  /**
   * KV-cache capacity of one replica in tokens, as the engine will size it: vLLM logs it as "GPU KV
   * cache size: N tokens", SGLang as "KV Cache is allocated. #tokens: N". Undefined when the
   * model's size is unknown.
   */
  readonly kvCacheTokens?: number;
  /**
   * Requests of `maxModelLen` tokens the KV cache holds at once (vLLM logs "Maximum concurrency for
   * L tokens per request: Xx"). Undefined when the model's size is unknown.
   */
  readonly maxConcurrency?: number;
  readonly terminationGracePeriodSeconds: number;
  /** Seconds the preStop hook sleeps while the endpoint is removed and in-flight requests finish. */
  readonly preStopSeconds: number;
  /**
   * How a replica spans nodes (a LeaderWorkerSet group), when one node cannot hold it. `shmGiB`,
   * `cpu` and `memoryGiB` are then per pod (per node); `gpusPerReplica` counts every node.
   * @default - one node per replica (a Deployment)
   */
  readonly multiNode?: MultiNodePlan;
  /** LoRA adapters, their paths and the engine's limits; undefined without adapters. */
  readonly lora?: LoraPlan;
}

/** Fields of ModelServiceProps that a canary candidate may change. */
export type ServiceVariant = Pick<ModelServiceProps, 'model' | 'runtime' | 'precision' | 'gpusPerReplica' | 'concurrentSequences' | 'resources' | 'allowMutableImageTag' | 'env' | 'secretEnv'>;

/**
 * Applies defaults, checks the input and plans GPUs. Every problem is recorded in `problems`;
 * the plan is returned only when there are none.
 */
export function resolveServicePlan(
  problems: Problems, name: string, props: ModelServiceProps, pool: IGpuNodePool | undefined,
): ServicePlan | undefined {
  const before = problems.list.length;
  const runtime = props.runtime ?? Runtime.vllm();
  const precision = props.precision ?? Precision.BF16;
  const model = props.model;

  if (!DNS_1035_LABEL.test(name) || name.length > MAX_SERVICE_NAME_LENGTH) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, MAX_SERVICE_NAME_LENGTH) || 'model';
    problems.add('name', name,
      `not a DNS-1035 label of at most ${MAX_SERVICE_NAME_LENGTH} characters (lowercase letters, digits, '-'; starts with a letter), which Service names and the suffixes modelship adds need`,
      `set name (or the construct id) to something like "${suggestion}"`);
  }

  const accelerator = resolveAccelerator(problems, props, pool);

  const version = runtime.versionCheck.problem;
  if (version) problems.add('runtime.version', runtime._options.version, version.reason, version.fix);
  const needsRoot = runtime.imageGiven ? undefined : runtime.capabilities.publicImageNeedsRoot;
  if (needsRoot && !runtime.allowRootImage) {
    problems.add('runtime.image', runtime.image, `${needsRoot}; the pod would not start as the non-root user Pod Security "restricted" requires`,
      'give a non-root build of the image as runtime image, or set allowRootImage: true on the runtime to run it as root (a documented exception, shown in PLAN.md)');
  }

  const imageReason = mutableImageReason(runtime.image);
  if (imageReason && !props.allowMutableImageTag) {
    problems.add('runtime.image', runtime.image, `${imageReason}: every pod restart may pull a different server`,
      'pin a version tag or digest (e.g. vllm/vllm-openai:v0.9.2), or set allowMutableImageTag: true');
  }
  if (!(runtime.memoryUtilization > 0 && runtime.memoryUtilization <= 1)) {
    problems.add('runtime.memoryUtilization', runtime.memoryUtilization, 'must be in (0, 1]', 'use 0.9 (the engines\' default) or a little lower');
  }

  checkModelSource(problems, model, runtime);
  const lora = resolveLora(problems, props, runtime, model);
  checkImageModel(problems, model, props.allowMutableImageTag ?? false);

  if (accelerator) {
    if (needsFp8(precision) && !accelerator.spec.supportsFp8) {
      problems.add('precision', precision, `${accelerator.displayName} has no FP8 support`,
        'use Precision.BF16 or an INT8/INT4 checkpoint, or an FP8-capable accelerator (H100, H200, L40S, L4, MI300X)');
    }
    // The engines' public images are built for CUDA; AMD GPUs need a ROCm build of the engine.
    if (!runtime.capabilities.publicImageVendors.includes(accelerator.vendor) && !runtime.imageGiven) {
      problems.add('runtime.image', runtime.image, `${runtime.image} is a CUDA build and cannot use ${accelerator.displayName}`,
        'give the ROCm build of the engine as runtime image (for vLLM, an image from rocm/vllm pinned by tag)');
    }
    if (accelerator.vendor === GpuVendor.AMD && !(Array.isArray(props.gpuDeviceGroupIds) && props.gpuDeviceGroupIds.length > 0)) {
      problems.add('gpuDeviceGroupIds', props.gpuDeviceGroupIds, `${accelerator.displayName} device files (/dev/kfd, /dev/dri/renderD*) belong to the nodes' render group, which a non-root server must be in to open them`,
        'give gpuDeviceGroupIds: [<GID of the render group on the nodes>] (`getent group render` on a node; often 109 or 110 on Ubuntu)');
    }
    for (const [i, gid] of (Array.isArray(props.gpuDeviceGroupIds) ? props.gpuDeviceGroupIds : []).entries()) {
      if (!(Number.isInteger(gid) && gid >= 1 && gid <= 2147483647)) {
        problems.add(`gpuDeviceGroupIds[${i}]`, gid, 'a group ID is a whole number from 1 to 2147483647 (0 would be root\'s group)', 'use the GID that `getent group render` prints on a node');
      }
    }
    if (needsBf16(precision) && !accelerator.spec.supportsBf16) {
      problems.add('precision', precision, `${accelerator.displayName} does not compute in bfloat16`, 'use Precision.FP16');
    }
  }

  // Context length.
  const maxContext = model.spec?.maxContextLength;
  const maxModelLen = runtime.maxModelLen ?? Math.min(DEFAULT_MAX_MODEL_LEN, maxContext ?? DEFAULT_MAX_MODEL_LEN);
  if (!Number.isInteger(maxModelLen) || maxModelLen <= 0) {
    problems.add('runtime.maxModelLen', maxModelLen, 'must be a positive whole number of tokens', 'use e.g. 8192');
  } else if (maxContext !== undefined && maxModelLen > maxContext) {
    problems.add('runtime.maxModelLen', maxModelLen, `${model.id} supports at most ${maxContext} tokens`, `use maxModelLen <= ${maxContext}`);
  }
  if (props.concurrentSequences !== undefined && !(Number.isInteger(props.concurrentSequences) && props.concurrentSequences >= 1)) {
    problems.add('concurrentSequences', props.concurrentSequences, 'must be a whole number >= 1', 'use e.g. 4');
  }

  // GPUs per replica.
  checkMaxNodes(problems, props.maxNodesPerReplica);
  const given = props.gpusPerReplica;
  if (given !== undefined && !(Number.isInteger(given) && given >= 1)) {
    problems.add('gpusPerReplica', given, 'must be a whole number of GPUs >= 1', 'use 1, 2, 4 or 8, or leave it out to plan from memory fit');
  }
  const gpusPerNode = pool?.gpusPerNode ?? accelerator?.spec.maxGpusPerNode ?? 8;
  let gpus: number | undefined;
  let memory: MemoryFit | undefined;
  let why = '';
  const givenValid = given !== undefined && Number.isInteger(given) && given >= 1;
  if (accelerator && (given === undefined || givenValid) && Number.isInteger(maxModelLen) && maxModelLen > 0) {
    if (model.spec) {
      const spec = model.spec;
      // A version the engine's policy refuses is reported above; its default stands in meanwhile.
      const knownVersion = typeof runtime.version === 'string' && !runtime.versionCheck.problem ? runtime.version : runtime.driver.defaultVersion;
      const kvRequest = (tensorParallelSize: number): KvBudgetRequest => ({
        version: knownVersion,
        model: spec,
        precision,
        tensorParallelSize,
        maxModelLen,
        gpu: { name: accelerator.displayName, memoryMiB: accelerator.memoryMiB, runtimeMemoryMiB: accelerator.runtimeMemoryMiB, cuda: accelerator.vendor === GpuVendor.NVIDIA },
        memoryUtilization: runtime.memoryUtilizationGiven,
        extraArgs: runtime.extraArgs,
      });
      const plan = planMemory({
        model: spec,
        precision,
        gpuMemoryGiB: accelerator.runtimeMemoryMiB / 1024,
        maxGpusPerNode: gpusPerNode,
        maxModelLen,
        concurrentSequences: props.concurrentSequences,
        memoryUtilization: runtime.memoryUtilization,
        gpus: given,
        kvCacheBudget: tp => runtime.driver.kvCacheBudget(kvRequest(tp)),
        maxNodesPerReplica: props.maxNodesPerReplica,
        crossNode: runtime.capabilities.multiNode?.crossNode,
        extraInside: lora ? tp => [loraBufferItem(spec, tp, lora.buffers)] : undefined,
      });
      if (plan.chosen) {
        gpus = plan.chosen.gpus;
        memory = plan.chosen;
        why = given !== undefined ? `given; ${plan.chosen.arithmetic}` : plan.why;
      } else if (given !== undefined && !plan.considered[0]?.dividesHeads) {
        problems.add('gpusPerReplica', given, `tensor parallel size ${given} does not divide the ${model.spec.attentionHeads} attention heads of ${model.id}`,
          `use a divisor of ${model.spec.attentionHeads}: ${divisorsUpTo(model.spec.attentionHeads, gpusPerNode).join(', ')}`);
      } else if (!runtime.capabilities.multiNode && plan.nodesNeeded !== undefined && given === undefined) {
        // It would fit on several nodes, which this engine cannot span: the fix is another engine.
        addCannotSpanNodes(problems, runtime, plan.nodesNeeded, gpusPerNode, plan.why);
      } else {
        problems.add(given !== undefined ? 'gpusPerReplica' : 'model', given ?? model.id,
          `${model.id} in ${precision} with maxModelLen ${maxModelLen} does not fit on ${accelerator.displayName}: ${plan.why}`,
          'use a lower precision (fp8 or int4), a shorter maxModelLen, fewer concurrentSequences, or an accelerator with more memory'
          + (lora ? ` (the LoRA buffers of lora.maxLoras ${lora.maxLoras} x maxLoraRank ${lora.maxLoraRank} count too: fewer slots or a lower rank free memory)` : ''));
      }
    } else if (given !== undefined) {
      gpus = given;
      why = 'given (model size unknown, memory fit not checked)';
    } else {
      problems.add('gpusPerReplica', undefined, `the size of ${model.id} is unknown, so modelship cannot plan its GPUs`,
        'give gpusPerReplica, or the model spec (parameters, layers, heads) in the Model options');
    }
  }
  // More GPUs than one node: a LeaderWorkerSet group of whole nodes (multi-node.ts).
  const multiNode = gpus !== undefined && gpus > gpusPerNode
    ? resolveMultiNode(problems, {
      runtime, pool, gpus, gpusPerNode, memory, given: given !== undefined, maxNodesPerReplica: props.maxNodesPerReplica, allowSlowInterconnect: props.allowSlowInterconnect,
    })
    : undefined;

  // Replicas.
  const { minReplicas, maxReplicas } = resolveReplicas(problems, props);
  const maxSurge = props.maxSurge ?? 1;
  if (!Number.isInteger(maxSurge) || maxSurge < 0) {
    problems.add('maxSurge', maxSurge, 'must be a whole number >= 0', 'use 1 (one extra replica during updates) or 0 (replace in place)');
  }
  if (props.autoscaling && runtime.metrics.queueDepth === undefined) {
    problems.add('autoscaling', props.autoscaling, `${runtime} exports no queue-depth metric to scale on`,
      'declare metrics.queueDepth on the custom runtime, or use fixed replicas');
  }

  const drain = resolveDrain(problems, {
    terminationGracePeriod: props.terminationGracePeriod,
    drain: props.drain,
    routeRequestTimeout: props.route ? props.route.requestTimeout ?? MODEL_SERVICE_DEFAULTS.requestTimeout : undefined,
    pool,
  });
  checkServiceNumbers(problems, props);
  checkServiceDurations(problems, props);
  checkServiceEndpoints(problems, props, runtime);
  if (props.route) checkRoute(problems, props.route, runtime.profile.apiPathPrefix);
  checkServiceNames(problems, props, runtime);

  if (problems.list.length > before || gpus === undefined || accelerator === undefined || drain === undefined) {
    return undefined;
  }

  const weights = model.spec ? modelWeightsGiB(model.spec, precision) : undefined;
  // A cold start moves the checkpoint's bytes, not the served ones: fp8 served from a bf16
  // checkpoint downloads (and caches) bf16.
  const download = model.spec ? modelDownloadGiB(model.spec, precision) : undefined;
  // Host resources are per pod: one node's GPUs of a multi-node replica.
  const podGpus = multiNode?.gpusPerNode ?? gpus;
  const shm = shmSizeGiB(podGpus);
  const budget = memory?.budget;
  return {
    name,
    model,
    runtime,
    precision,
    accelerator,
    gpusPerReplica: gpus,
    planned: given === undefined,
    memory,
    why,
    notes: [
      ...(runtime.versionCheck.note ? [runtime.versionCheck.note] : []),
      ...(budget?.notes ?? []),
      ...(lora?.notes ?? []),
      ...imageModelNotes(model, download),
      ...(needsRoot ? [`runs as root, an exception to Pod Security "restricted" accepted with allowRootImage: ${needsRoot}`] : []),
    ],
    rootException: needsRoot,
    gpuDeviceGroupIds: [...(props.gpuDeviceGroupIds ?? [])],
    warnings: [
      ...drain.warnings,
      ...(minReplicas === 1 ? [singleReplicaWarning(download !== undefined ? startupBudgetSeconds(download) : UNKNOWN_SIZE_STARTUP_SECONDS)] : []),
      ...(multiNode ? [groupPlacementWarning(multiNode, maxReplicas, maxSurge)] : []),
    ],
    maxModelLen,
    minReplicas,
    maxReplicas,
    maxSurge,
    startupBudgetSeconds: download !== undefined ? startupBudgetSeconds(download) : UNKNOWN_SIZE_STARTUP_SECONDS,
    shmGiB: shm,
    cpu: props.resources?.cpu ?? hostCpuCores(podGpus),
    memoryGiB: props.resources?.memoryGiB ?? hostMemoryGiB(multiNode ? (weights ?? 16) / multiNode.nodes : weights ?? 16, podGpus),
    // Downloaded LoRA adapters live in the model cache too (0 without adapters).
    cacheSizeGiB: Math.ceil(((download ?? UNKNOWN_SIZE_CACHE_GIB) + (lora?.cacheGiB ?? 0)) * 1.1 + 10),
    downloadGiB: download,
    kvCacheTokens: memory?.kvCacheCapacityTokens,
    maxConcurrency: memory?.maxConcurrency,
    terminationGracePeriodSeconds: drain.terminationGracePeriodSeconds,
    preStopSeconds: drain.preStopSeconds,
    ...(multiNode ? { multiNode } : {}),
    ...(lora ? { lora } : {}),
  };
}

/**
 * The warning a single-replica service gets. Its PodDisruptionBudget stays `maxUnavailable: 1`:
 * with `minAvailable: 1` (or `maxUnavailable: 0`) "you are requiring zero voluntary evictions ...
 * then you cannot successfully drain a Node running one of those Pods" (kubernetes.io, "Specifying
 * a Disruption Budget for your Application"), so node upgrades and scale-downs would hang on it.
 * Drains go through, and the plan says what that costs.
 */
function singleReplicaWarning(startupSeconds: number): string {
  return `one replica at minimum scale: a node drain (upgrade, scale-down, Karpenter expiry) evicts it, since its PodDisruptionBudget (maxUnavailable 1) cannot keep it without blocking the drain; the API is down until a replacement loads (startup budget ${startupSeconds} s). Run 2 or more replicas to serve through drains`;
}

function resolveAccelerator(problems: Problems, props: ModelServiceProps, pool: IGpuNodePool | undefined): Accelerator | undefined {
  if (pool && props.accelerator && props.accelerator.id !== pool.accelerator.id) {
    problems.add('accelerator', props.accelerator.id, `the node pool ${pool.node.path} has ${pool.accelerator.displayName}`,
      'leave accelerator out (the pool decides) or pick a pool with that accelerator');
    return undefined;
  }
  const accelerator = pool?.accelerator ?? props.accelerator;
  if (!accelerator) {
    problems.add('accelerator', undefined, 'no accelerator: modelship cannot plan GPUs or schedule the pod',
      'give nodePool (a GpuNodePool) or accelerator (e.g. Accelerator.NVIDIA_L4)');
  }
  return accelerator;
}

function checkModelSource(problems: Problems, model: Model, runtime: Runtime): void {
  if (model.source === ModelSourceKind.OBJECT_STORE) {
    if (!/^(s3|gs):\/\/[^/]+/.test(model.id)) {
      problems.add('model', model.id, 'an object store model must be an s3:// or gs:// URI with a bucket', 'use e.g. s3://my-bucket/models/llama-3.1-8b');
    }
    const scheme = model.id.split(':')[0];
    if (!runtime.capabilities.objectStores.some(s => s === scheme)) {
      const readers = objectStoreReaders().map(d => d.capabilities(d.profile(d.defaultVersion)).objectStoreFactory).join(' or ');
      problems.add('model', model.id, `${runtime.kind} cannot read weights from an object store`,
        `use ${readers}, or copy the weights to a volume and use Model.fromVolume`);
    }
  }
  const refusesHf = runtime.capabilities.refusesHuggingFaceIds;
  if (refusesHf && model.source === ModelSourceKind.HUGGING_FACE) {
    problems.add('model', model.id, refusesHf,
      'use Model.fromVolume({ claimName }) or Model.fromObjectStore("s3://...") pointing at the repository');
  }
  if (model.source === ModelSourceKind.HUGGING_FACE && !/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(model.id)) {
    problems.add('model', model.id, 'not a Hugging Face model id (owner/name)', 'use e.g. "meta-llama/Llama-3.1-8B-Instruct"');
  }
  const spec = model.spec;
  if (spec) {
    const shape = { parametersBillions: spec.parametersBillions, layers: spec.layers, attentionHeads: spec.attentionHeads, kvHeads: spec.kvHeads, headDim: spec.headDim };
    for (const [field, value] of Object.entries(shape)) {
      if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
        problems.add(`model.spec.${field}`, value, 'must be a positive number', 'copy it from the model\'s config.json');
      }
    }
    const optional = { hiddenSize: spec.hiddenSize, intermediateSize: spec.intermediateSize, vocabSize: spec.vocabSize, expertsPerToken: spec.expertsPerToken };
    for (const [field, value] of Object.entries(optional)) {
      if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
        problems.add(`model.spec.${field}`, value, 'must be a positive number when given', 'copy it from the model\'s config.json, or leave it out for the documented estimate');
      }
    }
  }
}

function resolveReplicas(problems: Problems, props: ModelServiceProps): { minReplicas: number; maxReplicas: number } {
  const a: AutoscalingOptions | undefined = props.autoscaling;
  if (a) {
    if (props.replicas !== undefined) {
      problems.add('replicas', props.replicas, 'fixed replicas and autoscaling are both set', 'remove replicas; autoscaling.minReplicas sets the floor');
    }
    if (!(Number.isInteger(a.minReplicas) && a.minReplicas >= 1)) {
      problems.add('autoscaling.minReplicas', a.minReplicas, 'must be a whole number >= 1: at zero replicas requests fail while the model loads', 'use minReplicas: 1 or more');
    }
    if (!(Number.isInteger(a.maxReplicas) && a.maxReplicas >= 1)) {
      problems.add('autoscaling.maxReplicas', a.maxReplicas, 'must be a whole number >= 1', 'use e.g. maxReplicas: 4');
    }
    if (a.minReplicas > a.maxReplicas) {
      problems.add('autoscaling.minReplicas', a.minReplicas, `is above maxReplicas (${a.maxReplicas})`, `use minReplicas <= ${a.maxReplicas}, or raise maxReplicas`);
    }
    if (a.scaleDownStabilization !== undefined && !(fractionalSeconds(a.scaleDownStabilization) <= 3600)) {
      problems.add('autoscaling.scaleDownStabilization', `${fractionalSeconds(a.scaleDownStabilization)}s`, 'Kubernetes accepts a stabilization window of at most one hour',
        'use at most Duration.hours(1)');
    }
    return { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas };
  }
  const replicas = props.replicas ?? 1;
  if (!(Number.isInteger(replicas) && replicas >= 1)) {
    problems.add('replicas', replicas, 'must be a whole number >= 1', 'use replicas: 1 or more');
  }
  return { minReplicas: replicas, maxReplicas: replicas };
}

function divisorsUpTo(n: number, max: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= max; d++) if (n % d === 0) out.push(d);
  return out;
}
