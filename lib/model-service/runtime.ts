import { GpuVendor } from '../accelerators/accelerator';
import { checkEngineVersion, DEFAULT_ENGINE_VERSIONS, ENGINE_DRIVERS, EngineCapabilities, EngineDriver, EngineKind, EngineMetrics, EngineProfile, VersionCheck } from '../engines';
import type { LoraArgs } from '../engines/driver';
import { DEFAULT_MEMORY_UTILIZATION } from '../planning/memory-fit';
import { Precision } from '../planning/precision';
import { factoryOptions } from '../private/prop-guards';

/** Context length a server is configured for when none is given (capped at the model's own). */
export const DEFAULT_MAX_MODEL_LEN = 8192;

/** Options every engine runtime accepts. */
export interface EngineRuntimeOptions {
  /** Engine version: picks the image tag and the metric names. @default - see DEFAULT_ENGINE_VERSIONS */
  readonly version?: string;
  /** Full image reference, e.g. a mirror in your registry. Must carry a tag or digest. @default - the engine's public image for `version` */
  readonly image?: string;
  /** Context length (prompt + output tokens). @default - DEFAULT_MAX_MODEL_LEN, capped at the model's maximum */
  readonly maxModelLen?: number;
  /**
   * Share of GPU memory the engine may claim (vLLM `--gpu-memory-utilization`, SGLang
   * `--mem-fraction-static`, TGI `--cuda-memory-fraction`).
   * @default - DEFAULT_MEMORY_UTILIZATION (0.9) for vLLM and TGI; for SGLang none is passed and SGLang
   * computes its own from the GPU's memory and the tensor-parallel size (the plan states it)
   */
  readonly memoryUtilization?: number;
  /** Extra command-line arguments, appended after modelship's. @default - none */
  readonly extraArgs?: string[];
  /** Extra environment variables. @default - none */
  readonly env?: Record<string, string>;
  /**
   * Run the engine's public image as root where it cannot run as another user (TGI >= 3.1.1, whose
   * image installs Python under /root: huggingface/text-generation-inference#3082). A visible
   * exception to Pod Security "restricted": the pod is labelled, annotated and listed in PLAN.md;
   * it still drops every capability and runs with RuntimeDefault seccomp. The alternative is a
   * non-root build of the image as `image`.
   * @default false - such an image is refused with the fix
   */
  readonly allowRootImage?: boolean;
}

/** Options for a Triton Inference Server runtime. */
export interface TritonRuntimeOptions {
  /** Triton release (NGC tag without `-py3`), e.g. `25.06`. @default - DEFAULT_ENGINE_VERSIONS.triton */
  readonly version?: string;
  /** Full image reference. @default - `nvcr.io/nvidia/tritonserver:<version>-py3` */
  readonly image?: string;
  /** Extra command-line arguments. @default - none */
  readonly extraArgs?: string[];
  /** Extra environment variables. @default - none */
  readonly env?: Record<string, string>;
}

/** Options for a container modelship knows nothing about. */
export interface CustomRuntimeOptions {
  /** Image reference with a tag or digest. */
  readonly image: string;
  /** Container command. @default - the image's entrypoint */
  readonly command?: string[];
  /** Container arguments (modelship adds none). @default - none */
  readonly args?: string[];
  /** HTTP port. @default 8000 */
  readonly port?: number;
  /** Liveness and startup path. @default '/health' */
  readonly healthPath?: string;
  /** Readiness path. @default - healthPath */
  readonly readyPath?: string;
  /** Metrics port. @default - port */
  readonly metricsPort?: number;
  /** Metrics path. @default '/metrics' */
  readonly metricsPath?: string;
  /**
   * Path prefix of the inference API the container serves; a route on another prefix is
   * rewritten to it. @default '/v1' (the OpenAI-compatible convention)
   */
  readonly apiPathPrefix?: string;
  /** Metric names the server exports, for autoscaling, alerts and canaries. @default - none */
  readonly metrics?: EngineMetrics;
  /** Extra environment variables. @default - none */
  readonly env?: Record<string, string>;
}

/** What a runtime needs from the service to render its container arguments. */
export interface RuntimeArgsContext {
  /** What to pass as the model: Hugging Face id, object store URI, or a local path. */
  readonly modelRef: string;
  readonly servedName: string;
  readonly precision: Precision;
  readonly tensorParallelSize: number;
  readonly maxModelLen: number;
  readonly revision?: string;
  readonly fromObjectStore: boolean;
  /** LoRA adapters to serve. @default - none */
  readonly lora?: LoraArgs;
}

/**
 * The serving engine of a ModelService: vLLM (the default), SGLang, TGI, Triton, or a custom
 * container. Everything it knows about its engine comes from the engine's driver
 * (`lib/engines/<engine>.ts`): image, command, arguments, ports, health paths, metric names.
 */
export class Runtime {
  /** vLLM's OpenAI-compatible server. */
  public static vllm(options: EngineRuntimeOptions = {}): Runtime {
    return Runtime._fromDriver(ENGINE_DRIVERS[EngineKind.VLLM], options);
  }

  /** SGLang's server (metrics enabled). */
  public static sglang(options: EngineRuntimeOptions = {}): Runtime {
    return Runtime._fromDriver(ENGINE_DRIVERS[EngineKind.SGLANG], options);
  }

  /** Hugging Face Text Generation Inference. */
  public static tgi(options: EngineRuntimeOptions = {}): Runtime {
    return Runtime._fromDriver(ENGINE_DRIVERS[EngineKind.TGI], options);
  }

  /** NVIDIA Triton Inference Server (HTTP and gRPC), serving a model repository. */
  public static triton(options: TritonRuntimeOptions = {}): Runtime {
    return Runtime._fromDriver(ENGINE_DRIVERS[EngineKind.TRITON], options);
  }

  /** Any other container: modelship adds no arguments and knows only the metrics you declare. */
  public static custom(given: CustomRuntimeOptions): Runtime {
    const options = factoryOptions<Partial<CustomRuntimeOptions>>('Runtime.custom', given, '{ image: "registry.example.com/server:v1" }') as CustomRuntimeOptions;
    const driver = ENGINE_DRIVERS[EngineKind.CUSTOM];
    const image = options.image;
    const tag = typeof image !== 'string' ? '' : image.includes('@') ? image.split('@')[1] : (image.split('/').pop() ?? '').split(':')[1] ?? '';
    const base = driver.profile(tag);
    const port = options.port ?? base.httpPort;
    const healthPath = options.healthPath ?? base.healthPath;
    const profile: EngineProfile = {
      ...base,
      image,
      httpPort: port,
      metricsPort: options.metricsPort ?? port,
      metricsPath: options.metricsPath ?? base.metricsPath,
      healthPath,
      readyPath: options.readyPath ?? healthPath,
      metrics: options.metrics ?? base.metrics,
      apiPathPrefix: options.apiPathPrefix ?? base.apiPathPrefix,
    };
    return new Runtime(driver, profile, { env: options.env, extraArgs: options.args }, image, options.command);
  }

  /**
   * A runtime on any engine driver (how a test plugs in a driver that is not in the registry).
   * @internal
   */
  public static _fromDriver(driver: EngineDriver, given: EngineRuntimeOptions = {}): Runtime {
    const options = factoryOptions(`Runtime.${driver.kind}`, given, '{ version: "..." }');
    const version = options.version ?? driver.defaultVersion;
    // A version modelship cannot use is reported by the ModelService (with its path): the
    // profile of the default version stands in until then.
    const check = checkEngineVersion(driver, version);
    const profile = driver.profile(check.problem ? driver.defaultVersion : version);
    return new Runtime(driver, profile, options, options.image, undefined, check);
  }

  /** Image, ports, health paths and metric names of this engine version. */
  public readonly profile: EngineProfile;
  /** Image reference the pod runs. */
  public readonly image: string;
  /** Whether the image was given rather than the engine's public default. */
  public readonly imageGiven: boolean;
  /** Everything modelship knows about this engine. @internal */
  public readonly driver: EngineDriver;
  /** The version checked against the engine's known releases: a problem, or a note for the plan. @internal */
  public readonly versionCheck: VersionCheck;
  private readonly options: EngineRuntimeOptions;
  private readonly command?: string[];

  private constructor(driver: EngineDriver, profile: EngineProfile, options: EngineRuntimeOptions, image?: string, command?: string[], versionCheck: VersionCheck = {}) {
    this.driver = driver;
    this.profile = { ...profile, image: image ?? profile.image };
    this.image = this.profile.image;
    this.imageGiven = image !== undefined;
    this.options = options;
    this.command = command;
    this.versionCheck = versionCheck;
  }

  public get kind(): EngineKind { return this.profile.kind; }
  public get version(): string { return this.profile.version; }
  /** Metric names: the single source for autoscaling, alerts, dashboards and canaries. */
  public get metrics(): EngineMetrics { return this.profile.metrics; }
  /** Context length asked for, if any. */
  public get maxModelLen(): number | undefined { return this.options.maxModelLen; }
  /**
   * Share of GPU memory the engine may claim: the one given, else DEFAULT_MEMORY_UTILIZATION (which
   * SGLang does not receive: it computes its own, see the service's plan).
   */
  public get memoryUtilization(): number { return this.options.memoryUtilization ?? DEFAULT_MEMORY_UTILIZATION; }
  /** The share given in the options, if any. @internal */
  public get memoryUtilizationGiven(): number | undefined { return this.options.memoryUtilization; }
  /** Extra environment variables. */
  public get env(): Record<string, string> { return this.options.env ?? {}; }
  /** The user's extra engine arguments. @internal */
  public get extraArgs(): readonly string[] { return this.options.extraArgs ?? []; }
  /** Environment the engine itself needs (before the user's). */
  public get engineEnv(): Record<string, string> { return this.driver.env(this.profile); }
  /**
   * This runtime with every option it does not set taken from `base` (a canary candidate inherits
   * the stable's context length, memory share, arguments and env). The version and image are
   * inherited only together, when neither is given: an image belongs to its version. Runtimes of
   * different engines, or custom containers, inherit nothing.
   * @internal
   */
  public _inheriting(base: Runtime): Runtime {
    // Custom containers (no version policy) carry their whole definition: nothing to inherit.
    if (base.kind !== this.kind || this.driver.versions === undefined) return this;
    const { image, version, ...settings } = base.options;
    const own = this.options;
    const pinned = own.version === undefined && own.image === undefined ? { image, version } : {};
    return Runtime._fromDriver(this.driver, { ...settings, ...pinned, ...definedOnly(own) });
  }

  /** The options given (for messages). @internal */
  public get _options(): EngineRuntimeOptions { return this.options; }

  /** Whether running the public image as root was accepted (`allowRootImage`). */
  public get allowRootImage(): boolean { return this.options.allowRootImage ?? false; }
  /** What this engine version can do. @internal */
  public get capabilities(): EngineCapabilities { return this.driver.capabilities(this.profile); }
  /**
   * Container command on GPUs of `vendor`: the images of SGLang and Triton have no server
   * entrypoint, and vLLM's ROCm builds start a shell.
   */
  public containerCommand(vendor: GpuVendor): string[] | undefined {
    return this.command ?? this.driver.command(this.profile, { vendor, imageGiven: this.imageGiven });
  }
  /** Whether modelship renders the model flags (false for custom containers and Triton). */
  public get understandsModels(): boolean {
    return this.capabilities.rendersModelArgs;
  }

  /** Describes the runtime for plans, e.g. `vllm 0.9.2`. */
  public toString(): string {
    return this.driver.describe(this.profile);
  }

  /** The container arguments for a model and a plan. @internal */
  public renderArgs(ctx: RuntimeArgsContext): string[] {
    return this.driver.args({ ...ctx, profile: this.profile, memoryUtilization: this.options.memoryUtilization, extraArgs: this.options.extraArgs ?? [] });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Default engine versions, re-exported for docs. */
export { DEFAULT_ENGINE_VERSIONS };
