import { SecretKeyReference } from './model';
import { factoryOptions } from '../private/prop-guards';

/** Where a LoRA adapter's weights come from. */
export enum LoraAdapterSourceKind {
  HUGGING_FACE = 'huggingface',
  OBJECT_STORE = 'object-store',
  VOLUME = 'volume',
}

/** Options every LoRA adapter accepts. */
export interface LoraAdapterOptions {
  /**
   * Name the API serves the adapter under: clients send it as `model` in requests, and an
   * InferencePool's InferenceObjective is named after it. A DNS-1123 label (lowercase letters,
   * digits, '-'; at most 63 characters).
   * @default - the last segment of the id, URI or path, lowercased, other characters as '-'
   */
  readonly name?: string;
  /**
   * The adapter's rank (`r` in its `adapter_config.json`): sizes the planner's estimate and is
   * checked against `lora.maxLoraRank`.
   * @default - unknown: the plan assumes `lora.maxLoraRank`
   */
  readonly rank?: number;
}

/** Options for an adapter on the Hugging Face Hub. */
export interface HuggingFaceLoraOptions extends LoraAdapterOptions {
  /**
   * Git revision (commit, branch or tag) to download. A commit pins the adapter; a branch
   * follows it on every cold start.
   * @default - the repository's default branch
   */
  readonly revision?: string;
  /** Secret holding an access token, for private or gated adapters. A name means key `token`. @default - the model's tokenSecret, if any */
  readonly tokenSecret?: string | SecretKeyReference;
}

/** Options for an adapter in an object store. */
export interface ObjectStoreLoraOptions extends LoraAdapterOptions {
  /**
   * Secret whose keys are exposed as environment variables to the download (e.g.
   * `AWS_ACCESS_KEY_ID`), when the pod has no workload identity.
   * @default - none: IRSA / Workload Identity on the ServiceAccount
   */
  readonly credentialsSecret?: string;
}

/** Options for an adapter on a PersistentVolumeClaim. */
export interface VolumeLoraOptions extends LoraAdapterOptions {
  /** Existing claim that holds the adapter (mounted read-only). */
  readonly claimName: string;
  /** Directory of the adapter inside the volume (where its `adapter_config.json` is). @default '' (the volume root) */
  readonly path?: string;
}

/**
 * Limits of the engine's LoRA serving: how many adapters one batch may mix, and the largest rank.
 */
export interface LoraOptions {
  /**
   * Adapters one batch may hold at once (vLLM `--max-loras`; SGLang `--max-loras-per-batch`, which
   * counts the base model as one more). The engine preallocates GPU buffers for this many adapters
   * at `maxLoraRank`, so it costs KV cache. More declared adapters than this is refused: each
   * request for an adapter outside the batch's slots would wait for a swap.
   * @default - the number of adapters
   */
  readonly maxLoras?: number;
  /**
   * Largest adapter rank the engine accepts (vLLM `--max-lora-rank`: one of 8, 16, 32, 64, 128,
   * 256, 320, 512). SGLang 0.4 sizes its buffers by the largest loaded adapter and takes no flag.
   * @default - the smallest allowed rank covering every adapter's `rank`, else 16 (vLLM's default)
   */
  readonly maxLoraRank?: number;
}

/**
 * A LoRA adapter served on top of a ModelService's base model, under its own model name:
 * `LoraAdapter.huggingFace('org/adapter', { revision })`, `LoraAdapter.fromObjectStore('s3://...')`
 * or `LoraAdapter.fromVolume({ claimName })`.
 */
export class LoraAdapter {
  /** An adapter repository on the Hugging Face Hub, e.g. `algoprog/mimics-query-lora`. Downloaded into the model cache before the server starts. */
  public static huggingFace(id: string, options: HuggingFaceLoraOptions = {}): LoraAdapter {
    const o = factoryOptions('LoraAdapter.huggingFace', options, '"org/adapter", { revision: "main" }');
    const token = typeof o.tokenSecret === 'string' ? { name: o.tokenSecret } : o.tokenSecret;
    return new LoraAdapter(LoraAdapterSourceKind.HUGGING_FACE, id, o.name ?? defaultName(id), o.rank, {
      revision: o.revision, tokenSecret: token,
    });
  }

  /** An adapter directory in S3 (`s3://bucket/path`). Copied into the model cache before the server starts. */
  public static fromObjectStore(uri: string, options: ObjectStoreLoraOptions = {}): LoraAdapter {
    const o = factoryOptions('LoraAdapter.fromObjectStore', options, '"s3://bucket/adapters/support", { name: "support" }');
    return new LoraAdapter(LoraAdapterSourceKind.OBJECT_STORE, uri, o.name ?? defaultName(uri), o.rank, {
      credentialsSecret: o.credentialsSecret,
    });
  }

  /** An adapter already on a PersistentVolumeClaim (mounted read-only). */
  public static fromVolume(options: VolumeLoraOptions): LoraAdapter {
    const o = factoryOptions<Partial<VolumeLoraOptions>>('LoraAdapter.fromVolume', options, '{ claimName: "adapters", path: "support" }');
    const path = o.path ?? '';
    return new LoraAdapter(LoraAdapterSourceKind.VOLUME, o.claimName as string, o.name ?? defaultName(path || (o.claimName as string)), o.rank, {
      claimName: o.claimName, path,
    });
  }

  private constructor(
    /** Where the weights come from. */
    public readonly source: LoraAdapterSourceKind,
    /** Hugging Face id, object store URI, or claim name. */
    public readonly id: string,
    /** Name the API serves the adapter under. */
    public readonly name: string,
    /** The adapter's rank, when given. */
    public readonly rank: number | undefined,
    private readonly extra: {
      revision?: string; tokenSecret?: SecretKeyReference; credentialsSecret?: string; claimName?: string; path?: string;
    },
  ) {}

  /** Revision of a Hugging Face adapter. */
  public get revision(): string | undefined { return this.extra.revision; }
  /** Secret with the Hugging Face token, if given. */
  public get tokenSecret(): SecretKeyReference | undefined { return this.extra.tokenSecret; }
  /** Secret with object store credentials, if given. */
  public get credentialsSecret(): string | undefined { return this.extra.credentialsSecret; }
  /** Claim holding the adapter, for volume adapters. */
  public get claimName(): string | undefined { return this.extra.claimName; }
  /** Directory of the adapter inside the claim, for volume adapters. */
  public get volumePath(): string | undefined { return this.extra.path; }

  /** A short description for plans and messages. */
  public toString(): string {
    const where = this.revision ? `${this.id}@${this.revision}` : this.source === LoraAdapterSourceKind.VOLUME ? `pvc ${this.id}${this.volumePath ? `/${this.volumePath}` : ''}` : this.id;
    return `${this.name} (${where})`;
  }
}

/**
 * The default served name: the last segment of an id, URI or path, lowercased, every run of
 * other characters as '-'. A wrong type is reported by the service's guard, not here.
 */
function defaultName(ref: unknown): string {
  if (typeof ref !== 'string') return '';
  const last = ref.replace(/\/+$/, '').split('/').pop() ?? '';
  return last.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
}
