import { Duration } from 'cdk8s';
import { Accelerator } from '../accelerators';
import { DrainOptions } from './drain';
import { GatewayImplementation } from './gateway-implementation';
import { LoraAdapter, LoraOptions } from './lora-adapter';
import { Model } from './model';
import { ModelCache } from './model-cache';
import { Routing } from './routing';
import { Runtime } from './runtime';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import { Precision } from '../planning/precision';

/** Defaults of a ModelService that more than one construct reads, in one place. */
export const MODEL_SERVICE_DEFAULTS = {
  /** Model cache when none is given: an emptyDir that survives container restarts. */
  cache: (): ModelCache => ModelCache.emptyDir(),
  /**
   * Path prefix of the route for engines serving the OpenAI-compatible API. A service's route
   * defaults to its engine's own API prefix (`runtime.profile.apiPathPrefix`: `/v2` for Triton).
   */
  routePathPrefix: '/v1',
  /** Route request timeout: long generations stream for minutes. */
  requestTimeout: Duration.minutes(10),
} as const;

/** What drives the replica count. */
export enum AutoscalerProvider {
  /** A KEDA ScaledObject with a Prometheus trigger (no metrics adapter needed). */
  KEDA = 'keda',
  /** A HorizontalPodAutoscaler on a Pods metric served by prometheus-adapter. */
  HPA = 'hpa',
}

/** Defaults of autoscaling, exported for docs and tests. */
export const AUTOSCALING_DEFAULTS = {
  queueDepthPerReplica: 5,
  pollingIntervalSeconds: 15,
  /** KEDA's cooldown before going from 1 to 0 does not apply (min >= 1); scale-down waits this long. */
  minScaleDownStabilizationSeconds: 600,
  prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
} as const;

/**
 * Scale on the engine's own signal: requests waiting in the queue per replica.
 * GPU utilisation is not used: it reads near 100 % whenever the engine batches.
 */
export interface AutoscalingOptions {
  /** Fewest replicas. Must be at least 1: at zero, requests fail while a model loads. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** Waiting requests per replica that trigger a scale-up. @default 5 */
  readonly queueDepthPerReplica?: number;
  /** @default AutoscalerProvider.KEDA */
  readonly provider?: AutoscalerProvider;
  /** Prometheus that KEDA queries. @default 'http://prometheus-operated.monitoring.svc:9090' */
  readonly prometheusUrl?: string;
  /**
   * How long load must stay low before a replica is removed. Never shorter than the startup
   * budget, so a replica still loading its model is not scaled away.
   * @default - the larger of 10 minutes and the startup budget
   */
  readonly scaleDownStabilization?: Duration;
}

/** Who may call the model's API. */
export interface NetworkAccessOptions {
  /** Namespaces whose pods may call the API. @default - only the service's own namespace */
  readonly allowNamespaces?: string[];
  /** Pod labels (in the service's namespace) allowed to call; when set, replaces the own-namespace default. @default - none */
  readonly allowPods?: Record<string, string>[];
  /** Namespace of the Prometheus that scrapes metrics. @default 'monitoring' */
  readonly metricsNamespace?: string;
  /** Emit no NetworkPolicy (when the cluster has none, or another tool owns it). @default false */
  readonly disabled?: boolean;
}

/** The engine's API on a Gateway API Gateway. */
export interface RouteOptions {
  /** Gateway name. */
  readonly gatewayName: string;
  /** Gateway namespace. @default - the service's namespace */
  readonly gatewayNamespace?: string;
  /**
   * The Gateway API implementation behind the Gateway: where its proxies run, so the
   * NetworkPolicy admits them.
   * @default GatewayImplementation.istio() - proxies in the Gateway's namespace
   */
  readonly implementation?: GatewayImplementation;
  /** Hostnames the route answers. @default - every hostname of the Gateway listener */
  readonly hostnames?: string[];
  /**
   * Public path prefix. Another prefix than the engine's own API path (e.g. `/qwen/v1` for an
   * engine serving `/v1`) is rewritten to it (HTTPRoute `URLRewrite`, `ReplacePrefixMatch`); a
   * prefix below it (`/v1/chat`) passes through unchanged.
   * @default - the engine's API prefix: '/v1' (vLLM, SGLang, TGI, custom), '/v2' (Triton)
   */
  readonly pathPrefix?: string;
  /**
   * Request timeout: long generations stream for minutes. Stopping replicas get this long to
   * finish (see `ModelServiceProps.drain`).
   * @default Duration.minutes(10)
   */
  readonly requestTimeout?: Duration;
}

/** Host resources per replica, when the defaults do not suit. */
export interface ReplicaResources {
  /** CPU cores requested. @default - 2 + 4 per GPU */
  readonly cpu?: number;
  /** Memory in GiB requested and limited. @default - 8 GiB + one GPU's share of weights + /dev/shm */
  readonly memoryGiB?: number;
}

/**
 * Props of a ModelService.
 */
export interface ModelServiceProps {
  /** The model to serve. */
  readonly model: Model;
  /** Serving engine. @default Runtime.vllm() */
  readonly runtime?: Runtime;
  /** Precision of the served weights. @default Precision.BF16 */
  readonly precision?: Precision;
  /** Pool of GPU nodes to run on: gives the accelerator, node labels, taints and GPU budget. @default - none: give `accelerator` */
  readonly nodePool?: IGpuNodePool;
  /** GPU model, when no pool is given. @default - the pool's accelerator */
  readonly accelerator?: Accelerator;
  /** GPUs per replica (= tensor parallel size). @default - the smallest count whose memory fits (planned) */
  readonly gpusPerReplica?: number;
  /** Sequences at full context the KV cache must hold, for planning. @default DEFAULT_CONCURRENT_SEQUENCES (4) */
  readonly concurrentSequences?: number;
  /** Fixed replica count, without autoscaling. @default 1 */
  readonly replicas?: number;
  /** Scale on queue depth. @default - fixed `replicas` */
  readonly autoscaling?: AutoscalingOptions;
  /** Extra replicas an update may start before old ones stop (each needs its GPUs). 0 replaces in place, with a gap in capacity. @default 1 */
  readonly maxSurge?: number;
  /** Where downloaded weights are cached. @default ModelCache.emptyDir() */
  readonly cache?: ModelCache;
  /** Name of the Deployment, Service and ServiceAccount. @default - the construct id */
  readonly name?: string;
  /** Who may call the API. @default - pods in the same namespace, plus Prometheus on the metrics port */
  readonly network?: NetworkAccessOptions;
  /** Gateway API route. @default - none */
  readonly route?: RouteOptions;
  /**
   * How requests reach the replicas: the Service, or an InferencePool whose endpoint picker chooses
   * the replica by queue, KV-cache use and prefix-cache affinity (the route's backend becomes the pool).
   * @default Routing.service()
   */
  readonly routing?: Routing;
  /** Host CPU and memory per replica. @default - derived from the GPU count and model size */
  readonly resources?: ReplicaResources;
  /**
   * The pod's grace period, used as given (the preStop sleep is 15 s shorter). Give either this or `drain`.
   * @default - derived by `drain`: endpoint removal + the longest request + 15 s engine exit
   * (625 s with a route's default 10-minute timeout), or 60 s when no request bound is known
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * How stopping replicas (scale-down, rollouts, node drains) let in-flight requests finish.
   * @default - the route's requestTimeout as the longest request, 10 s endpoint removal, at most one hour
   */
  readonly drain?: DrainOptions;
  /**
   * Annotations on the service's ServiceAccount, for cloud identity: IRSA
   * (`eks.amazonaws.com/role-arn`) or GKE Workload Identity (`iam.gke.io/gcp-service-account`), so
   * the engine reads `s3://` or `gs://` weights without keys.
   * @default - none
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /** Refuse interruptible (spot) capacity: placing the service on a spot pool is an error. @default false */
  readonly requireStableCapacity?: boolean;
  /** Allow an image tagged `latest` or without a tag (the pod may change under you). @default false */
  readonly allowMutableImageTag?: boolean;
  /**
   * Extra environment variables, as literal values. Names that look like credentials (`*_TOKEN`,
   * `*_KEY`, `*_SECRET`, `*PASSWORD*`, `AWS_*` but region and endpoint settings) are refused: pass
   * those with `secretEnv`, or the Hugging Face token with `Model.huggingFace(id, { tokenSecret })`.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Environment variables read from Secrets (`valueFrom.secretKeyRef`), so credentials never sit in
   * the Deployment: `{ OPENAI_API_KEY: { secretName: 'api-keys', key: 'openai' } }`. The Secret must
   * exist in the service's namespace (the pod does not start until it does).
   * @default - none
   */
  readonly secretEnv?: Record<string, { readonly secretName: string; readonly key: string }>;
  /**
   * Group IDs that own the GPU device files on the nodes, added to the pod's supplemental groups
   * so the non-root server can open them. AMD GPUs need the host's `render` group (owner of
   * `/dev/kfd` and `/dev/dri/renderD*`, mode 0660; its GID differs by distribution: run
   * `getent group render` on a node, often 109 or 110 on Ubuntu). ROCm/k8s-device-plugin#39.
   * @default - none; required on AMD accelerators
   */
  readonly gpuDeviceGroupIds?: number[];
  /** Extra labels on every object. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * Most nodes one replica may span (a LeaderWorkerSet group) when it does not fit one node.
   * @default DEFAULT_MAX_NODES_PER_REPLICA (4)
   */
  readonly maxNodesPerReplica?: number;
  /**
   * Run a multi-node replica on nodes without a declared fast interconnect (EFA, InfiniBand,
   * RoCE): NCCL then exchanges activations over TCP sockets, many times slower.
   * @default false
   */
  readonly allowSlowInterconnect?: boolean;
  /**
   * LoRA adapters served on the base model, each under its own model name (vLLM and SGLang). The
   * planner adds the engine's adapter buffers to each GPU's memory; downloaded adapters go into the
   * model cache. See docs/lora.md.
   * @default - none
   */
  readonly adapters?: LoraAdapter[];
  /** Limits of LoRA serving (adapters per batch, largest rank); needs `adapters`. @default - maxLoras = the number of adapters, maxLoraRank covering every adapter's rank (else 16) */
  readonly lora?: LoraOptions;
}
