import { DEFAULT_ENGINE_VERSIONS, engineProfile, EngineKind, EngineMetrics, EngineProfile } from '../engines';
import { DEFAULT_MEMORY_UTILIZATION } from '../planning/memory-fit';
import { Precision } from '../planning/precision';

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
  /** Share of GPU memory the engine may claim. @default DEFAULT_MEMORY_UTILIZATION (0.9) */
  readonly memoryUtilization?: number;
  /** Extra command-line arguments, appended after modelship's. @default - none */
  readonly extraArgs?: string[];
  /** Extra environment variables. @default - none */
  readonly env?: Record<string, string>;
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
}

/**
 * The serving engine of a ModelService: vLLM (the default), SGLang, TGI, Triton, or a custom
 * container. Each knows its image, arguments, ports, health paths and metric names.
 */
export class Runtime {
  /** vLLM's OpenAI-compatible server. */
  public static vllm(options: EngineRuntimeOptions = {}): Runtime {
    return new Runtime(engineProfile(EngineKind.VLLM, options.version), options, options.image);
  }

  /** SGLang's server (metrics enabled). */
  public static sglang(options: EngineRuntimeOptions = {}): Runtime {
    return new Runtime(engineProfile(EngineKind.SGLANG, options.version), options, options.image);
  }

  /** Hugging Face Text Generation Inference. */
  public static tgi(options: EngineRuntimeOptions = {}): Runtime {
    return new Runtime(engineProfile(EngineKind.TGI, options.version), options, options.image);
  }

  /** NVIDIA Triton Inference Server (HTTP and gRPC), serving a model repository. */
  public static triton(options: TritonRuntimeOptions = {}): Runtime {
    return new Runtime(engineProfile(EngineKind.TRITON, options.version), options, options.image);
  }

  /** Any other container: modelship adds no arguments and knows only the metrics you declare. */
  public static custom(options: CustomRuntimeOptions): Runtime {
    const port = options.port ?? 8000;
    const healthPath = options.healthPath ?? '/health';
    const tag = options.image.includes('@') ? options.image.split('@')[1] : (options.image.split('/').pop() ?? '').split(':')[1] ?? '';
    const profile: EngineProfile = {
      kind: EngineKind.CUSTOM, version: tag, image: options.image,
      httpPort: port, metricsPort: options.metricsPort ?? port, metricsPath: options.metricsPath ?? '/metrics',
      healthPath, readyPath: options.readyPath ?? healthPath, metrics: options.metrics ?? {},
    };
    return new Runtime(profile, { env: options.env, extraArgs: options.args }, options.image, options.command);
  }

  /** Image, ports, health paths and metric names of this engine version. */
  public readonly profile: EngineProfile;
  /** Image reference the pod runs. */
  public readonly image: string;
  /** Whether the image was given rather than the engine's public default. */
  public readonly imageGiven: boolean;
  private readonly options: EngineRuntimeOptions;
  private readonly command?: string[];

  private constructor(profile: EngineProfile, options: EngineRuntimeOptions, image?: string, command?: string[]) {
    this.profile = { ...profile, image: image ?? profile.image };
    this.image = this.profile.image;
    this.imageGiven = image !== undefined;
    this.options = options;
    this.command = command;
  }

  public get kind(): EngineKind { return this.profile.kind; }
  public get version(): string { return this.profile.version; }
  /** Metric names: the single source for autoscaling, alerts, dashboards and canaries. */
  public get metrics(): EngineMetrics { return this.profile.metrics; }
  /** Context length asked for, if any. */
  public get maxModelLen(): number | undefined { return this.options.maxModelLen; }
  /** Share of GPU memory the engine may claim. */
  public get memoryUtilization(): number { return this.options.memoryUtilization ?? DEFAULT_MEMORY_UTILIZATION; }
  /** Extra environment variables. */
  public get env(): Record<string, string> { return this.options.env ?? {}; }
  /** Container command: the images of SGLang and Triton have no server entrypoint. */
  public get containerCommand(): string[] | undefined {
    switch (this.kind) {
      case EngineKind.SGLANG: return ['python3', '-m', 'sglang.launch_server'];
      case EngineKind.TRITON: return ['tritonserver'];
      default: return this.command;
    }
  }
  /** Whether modelship renders the model flags (false for custom containers and Triton). */
  public get understandsModels(): boolean {
    return this.kind === EngineKind.VLLM || this.kind === EngineKind.SGLANG || this.kind === EngineKind.TGI;
  }

  /** Describes the runtime for plans, e.g. `vllm 0.9.2`. */
  public toString(): string {
    return this.kind === EngineKind.CUSTOM ? `custom ${this.image}` : `${this.kind} ${this.version}`;
  }

  /** The container arguments for a model and a plan. */
  public renderArgs(ctx: RuntimeArgsContext): string[] {
    const extra = this.options.extraArgs ?? [];
    switch (this.kind) {
      case EngineKind.VLLM:
        return [
          '--model', ctx.modelRef,
          '--served-model-name', ctx.servedName,
          '--host', '0.0.0.0',
          '--port', String(this.profile.httpPort),
          '--tensor-parallel-size', String(ctx.tensorParallelSize),
          '--max-model-len', String(ctx.maxModelLen),
          '--gpu-memory-utilization', String(this.memoryUtilization),
          ...vllmPrecisionArgs(ctx.precision),
          ...(ctx.revision ? ['--revision', ctx.revision] : []),
          // The Run:ai streamer reads safetensors straight from S3/GCS into GPU memory.
          ...(ctx.fromObjectStore ? ['--load-format', 'runai_streamer'] : []),
          ...extra,
        ];
      case EngineKind.SGLANG:
        return [
          '--model-path', ctx.modelRef,
          '--served-model-name', ctx.servedName,
          '--host', '0.0.0.0',
          '--port', String(this.profile.httpPort),
          '--tp', String(ctx.tensorParallelSize),
          '--context-length', String(ctx.maxModelLen),
          '--mem-fraction-static', String(this.memoryUtilization),
          '--enable-metrics',
          ...sglangPrecisionArgs(ctx.precision),
          ...(ctx.revision ? ['--revision', ctx.revision] : []),
          ...extra,
        ];
      case EngineKind.TGI:
        return [
          '--model-id', ctx.modelRef,
          '--hostname', '0.0.0.0',
          '--port', String(this.profile.httpPort),
          ...(this.profile.metricsPort !== this.profile.httpPort ? ['--prometheus-port', String(this.profile.metricsPort)] : []),
          '--num-shard', String(ctx.tensorParallelSize),
          '--max-total-tokens', String(ctx.maxModelLen),
          '--max-input-tokens', String(Math.max(1, ctx.maxModelLen - 1)),
          '--cuda-memory-fraction', String(this.memoryUtilization),
          ...tgiPrecisionArgs(ctx.precision),
          ...(ctx.revision ? ['--revision', ctx.revision] : []),
          ...extra,
        ];
      case EngineKind.TRITON:
        return [
          `--model-repository=${ctx.modelRef}`,
          `--http-port=${this.profile.httpPort}`,
          `--grpc-port=${this.profile.grpcPort}`,
          `--metrics-port=${this.profile.metricsPort}`,
          ...extra,
        ];
      case EngineKind.CUSTOM:
        return [...extra];
    }
  }
}

function vllmPrecisionArgs(precision: Precision): string[] {
  switch (precision) {
    case Precision.BF16: return ['--dtype', 'bfloat16'];
    case Precision.FP16: return ['--dtype', 'float16'];
    case Precision.FP8: return ['--quantization', 'fp8'];
    // W8A8 checkpoints declare their quantization in config.json; vLLM reads it.
    case Precision.INT8: return [];
    case Precision.INT4_AWQ: return ['--quantization', 'awq_marlin'];
    case Precision.INT4_GPTQ: return ['--quantization', 'gptq_marlin'];
  }
}

function sglangPrecisionArgs(precision: Precision): string[] {
  switch (precision) {
    case Precision.BF16: return ['--dtype', 'bfloat16'];
    case Precision.FP16: return ['--dtype', 'float16'];
    case Precision.FP8: return ['--quantization', 'fp8'];
    case Precision.INT8: return ['--quantization', 'w8a8_int8'];
    case Precision.INT4_AWQ: return ['--quantization', 'awq_marlin'];
    case Precision.INT4_GPTQ: return ['--quantization', 'gptq_marlin'];
  }
}

function tgiPrecisionArgs(precision: Precision): string[] {
  switch (precision) {
    case Precision.BF16: return ['--dtype', 'bfloat16'];
    case Precision.FP16: return ['--dtype', 'float16'];
    case Precision.FP8: return ['--quantize', 'fp8'];
    case Precision.INT8: return ['--quantize', 'compressed-tensors'];
    case Precision.INT4_AWQ: return ['--quantize', 'awq'];
    case Precision.INT4_GPTQ: return ['--quantize', 'gptq'];
  }
}

/** Default engine versions, re-exported for docs. */
export { DEFAULT_ENGINE_VERSIONS };
