import { compareVersions, EngineKind, EngineProfile } from './engine';
import { GpuVendor } from '../accelerators/accelerator';
import { KvBudgetRequest, KvCacheBudget } from '../planning/kv-budget';
import type { LoraBufferShape } from '../planning/lora-memory';
import { CrossNodeParallelism } from '../planning/memory-fit';
import { Precision } from '../planning/precision';

/** Object stores an engine can stream weights from without a copy to a volume. */
export type ObjectStoreScheme = 's3' | 'gs';

/** What an engine can do, so constructs ask the driver instead of switching on its kind. */
export interface EngineCapabilities {
  /** Whether modelship renders the model flags (model id, tensor parallelism, context length, precision). */
  readonly rendersModelArgs: boolean;
  /** Object stores the engine reads weights from directly (`s3://`, `gs://`). */
  readonly objectStores: readonly ObjectStoreScheme[];
  /** How a fix names this engine as an object-store reader, e.g. `Runtime.vllm() (Run:ai streamer)`. */
  readonly objectStoreFactory?: string;
  /** Why the engine cannot serve a Hugging Face model id, when it cannot. */
  readonly refusesHuggingFaceIds?: string;
  /**
   * GPU vendors the engine's public image is built for. On another vendor a user image is needed
   * (e.g. a ROCm build of vLLM for AMD GPUs).
   */
  readonly publicImageVendors: readonly GpuVendor[];
  /**
   * Why the engine's public image cannot run as a non-root user, when it cannot (with the upstream
   * issue). The service then refuses unless the user gives a non-root image or accepts running as root.
   */
  readonly publicImageNeedsRoot?: string;
  /**
   * How the engine runs one replica across nodes, as its documentation does it. Absent: the engine
   * cannot span nodes, and a model larger than one node does not fit.
   */
  readonly multiNode?: MultiNodeCapability;
  /**
   * How the llm-d endpoint picker (EPP) reads this engine's load, when it can: its engine type
   * and the metric names it scrapes. Undefined where the EPP cannot route to the engine.
   */
  readonly endpointPicker?: EndpointPickerSupport;
  /** Why the endpoint picker cannot route to this engine (version), when `endpointPicker` is undefined. */
  readonly refusesEndpointPicker?: string;
  /** How the engine serves LoRA adapters; undefined where modelship renders none (the service refuses adapters). */
  readonly lora?: LoraSupport;
}

/**
 * What the llm-d endpoint picker's `core-metrics-extractor` reads from one engine (its built-in
 * engine configs: llm-d/llm-d-router `pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go`, v0.10.0).
 */
export interface EndpointPickerSupport {
  /** Engine name in the extractor's configs (`vllm`, `sglang`), its `defaultEngine` parameter. */
  readonly engineType: string;
  /** Gauge of waiting requests the queue scorer reads. */
  readonly queuedRequests: string;
  /** Gauge (0-1) of KV-cache use the KV-cache-utilization scorer reads. */
  readonly kvCacheUsage: string;
  /** Info metric of loaded LoRA adapters the LoRA-affinity scorer reads, if the engine exports one. */
  readonly loraInfo?: string;
  /** Where the facts come from. */
  readonly source: string;
}

/** An engine's documented way of spanning nodes. */
export interface MultiNodeCapability {
  /** Tensor parallelism within a node and pipeline parallelism across nodes, or tensor parallelism across all of them. */
  readonly crossNode: CrossNodeParallelism;
  /** Where the engine documents it (repository, path, version). */
  readonly source: string;
}

/** The pod of a LeaderWorkerSet group: the leader serves the API, workers join it. */
export type GroupRole = 'leader' | 'worker';

/** What a driver needs to start one pod of a multi-node replica. */
export interface MultiNodeArgsContext extends EngineArgsContext {
  /** Pods (nodes) in the group: the LeaderWorkerSet's `size`. */
  readonly nodes: number;
  /** Pipeline stages (1 when tensor parallelism spans the nodes). */
  readonly pipelineParallelSize: number;
  /** Seconds the leader may wait for its workers to join before it gives up (the startup budget). */
  readonly groupFormSeconds: number;
}

/** Command and arguments of one container. */
export interface ContainerCommand {
  readonly command: string[];
  readonly args?: string[];
}

/** How an engine serves LoRA adapters: its limits, its GPU buffers and what its image can download. */
export interface LoraSupport {
  /** Values the engine accepts as its largest rank, when it restricts them (vLLM: 8, 16, ..., 512). */
  readonly rankChoices?: readonly number[];
  /** Whether the engine takes the largest rank as a flag (vLLM `--max-lora-rank`); otherwise it sizes by the largest adapter. */
  readonly rankFlag: boolean;
  /**
   * What the engine's image can download adapters with, in an init container running the same
   * image: Hugging Face repositories (`huggingface_hub`), object stores (`boto3` for `s3`).
   */
  readonly fetch: { readonly huggingFace: boolean; readonly objectStores: readonly ObjectStoreScheme[] };
  /** What serving adapters changes that the plan should say (e.g. a cache the engine turns off). */
  readonly notes: readonly string[];
  /** The GPU buffers the engine preallocates for `maxLoras` adapters of `maxLoraRank`, for the planner. */
  buffers(maxLoras: number, maxLoraRank: number): LoraBufferShape;
}

/** The adapters to serve, as the driver renders them. */
export interface LoraArgs {
  /** Served name and path in the container of each adapter, in declaration order. */
  readonly adapters: readonly { readonly name: string; readonly path: string }[];
  readonly maxLoras: number;
  readonly maxLoraRank: number;
}

/** Where the container runs: what a driver needs beyond the version to pick its command. */
export interface EngineTarget {
  /** Vendor of the GPUs the pod gets. */
  readonly vendor: GpuVendor;
  /** Whether the user gave the image (a mirror, or a vendor build such as ROCm). */
  readonly imageGiven: boolean;
}

/** A version rule of an engine: the grammar of its release numbers and the range modelship knows. */
export interface EngineVersionPolicy {
  /** Release number grammar (without the image tag's prefix). */
  readonly pattern: RegExp;
  /** A valid example, for messages. */
  readonly example: string;
  /** Oldest release whose facts modelship holds; older ones are refused. */
  readonly oldest: string;
  /**
   * Newest release line whose facts were checked against upstream (e.g. `0.10` covers every 0.10.x).
   * A newer release is served with the newest profile and a note in the plan naming the assumption.
   */
  readonly newestChecked: string;
}

/** What a driver needs to render the engine's command-line arguments. */
export interface EngineArgsContext {
  readonly profile: EngineProfile;
  /** What to pass as the model: Hugging Face id, object store URI, or a local path. */
  readonly modelRef: string;
  readonly servedName: string;
  readonly precision: Precision;
  readonly tensorParallelSize: number;
  readonly maxModelLen: number;
  /** The memory share the user gave; undefined means the engine's own default applies. */
  readonly memoryUtilization?: number;
  readonly revision?: string;
  readonly fromObjectStore: boolean;
  /** LoRA adapters to serve; undefined without adapters. */
  readonly lora?: LoraArgs;
  /** The user's extra arguments, appended last so they win. */
  readonly extraArgs: readonly string[];
}

/** The outcome of checking a version against a driver's policy. */
export interface VersionCheck {
  /** Set when the version cannot be used. */
  readonly problem?: { readonly reason: string; readonly fix: string };
  /** Set when the version is used under an assumption the plan should show. */
  readonly note?: string;
}

/**
 * Everything modelship knows about one serving engine, by version: image, command, arguments,
 * precision flags, ports, health paths, metric names, histogram buckets and capabilities, each
 * with its upstream source. One file per engine under `lib/engines/`; the registry
 * (`ENGINE_DRIVERS`) is a `Record<EngineKind, EngineDriver>`, so the compiler refuses a kind
 * without a driver and a driver without a field.
 */
export interface EngineDriver {
  readonly kind: EngineKind;
  /** Name for messages and docs, e.g. `vLLM`. */
  readonly displayName: string;
  /** The version a runtime gets when none is given (empty for custom containers). */
  readonly defaultVersion: string;
  /** Release grammar and known range; undefined where the version is the image tag (custom). */
  readonly versions?: EngineVersionPolicy;
  /** Bucket boundaries (seconds) of the engine's time-to-first-token histogram, if it has one. */
  readonly ttftBuckets?: readonly number[];
  /** Image, ports, health paths and metric names of one version. */
  profile(version: string): EngineProfile;
  /** Container command, when the image's entrypoint is not the server (or differs by vendor build). */
  command(profile: EngineProfile, target: EngineTarget): string[] | undefined;
  /** Container arguments for a model and a plan, the user's extra arguments last. */
  args(ctx: EngineArgsContext): string[];
  /** Environment the engine needs (telemetry off, caches), before the user's. */
  env(profile: EngineProfile): Record<string, string>;
  /** What this version of the engine can do. */
  capabilities(profile: EngineProfile): EngineCapabilities;
  /**
   * How this engine version sizes its KV cache on each GPU of a replica (its memory share, what it
   * holds besides weights and KV cache), from its source, so the plan states the KV-cache tokens
   * and concurrency the engine will log. Undefined where modelship does not model the engine's
   * sizing: the planner then uses its generic estimate and says so.
   */
  kvCacheBudget(request: KvBudgetRequest): KvCacheBudget | undefined;
  /** Describes a runtime for plans, e.g. `vllm 0.9.2`. */
  describe(profile: EngineProfile): string;
  /**
   * Command and arguments of a leader or worker pod of a multi-node replica, from the LeaderWorkerSet
   * environment (`LWS_LEADER_ADDRESS`, `LWS_GROUP_SIZE`, `LWS_WORKER_INDEX`), the user's extra
   * arguments last. Present exactly where `capabilities(profile).multiNode` is.
   */
  multiNodeCommand?(role: GroupRole, ctx: MultiNodeArgsContext): ContainerCommand;
}

/**
 * Checks a version against a driver's policy: grammar (a leading `v` is refused, since the image
 * tag adds it), the oldest known release, and the newest checked line (newer: a plan note).
 */
export function checkEngineVersion(driver: EngineDriver, version: string): VersionCheck {
  const policy = driver.versions;
  if (!policy) return {};
  const name = driver.displayName;
  if (typeof version !== 'string' || !policy.pattern.test(version)) {
    const bare = typeof version === 'string' ? version.replace(/^v/, '') : '';
    const fix = bare !== version && policy.pattern.test(bare)
      ? `drop the leading "v": version: '${bare}' (modelship writes the image tag)`
      : `use a ${name} release number such as '${policy.example}' (newest checked: ${policy.newestChecked}.x)`;
    return { problem: { reason: `not a ${name} release number (like ${policy.example})`, fix } };
  }
  if (compareVersions(version, policy.oldest) < 0) {
    return {
      problem: {
        reason: `${name} ${version} is older than the oldest release modelship knows (${policy.oldest}); its flags and metric names are not on record`,
        fix: `use ${name} ${policy.oldest} or newer (default ${driver.defaultVersion}), or Runtime.custom() with the metrics that release exports`,
      },
    };
  }
  if (compareVersions(version, policy.newestChecked) > 0 && !isWithinLine(version, policy.newestChecked)) {
    return {
      note: `${name} ${version} is newer than the newest release line modelship checked (${policy.newestChecked}.x): its flags and metric names are assumed to be those of ${policy.newestChecked}.x`,
    };
  }
  return {};
}

/** Whether `version` belongs to the release line `line` (e.g. 0.10.1 to 0.10). */
function isWithinLine(version: string, line: string): boolean {
  return version === line || version.startsWith(`${line}.`);
}
