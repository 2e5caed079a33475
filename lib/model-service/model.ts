import { lookupModel, ModelSpec } from '../planning/model-spec';
import { factoryOptions } from '../private/prop-guards';

/**
 * A reference to one key of a Kubernetes Secret. modelship never reads or inlines the value.
 */
export interface SecretKeyReference {
  /** Secret name. */
  readonly name: string;
  /** Key in the Secret. @default 'token' */
  readonly key?: string;
}

/** Where the weights come from. */
export enum ModelSourceKind {
  HUGGING_FACE = 'huggingface',
  OBJECT_STORE = 'object-store',
  VOLUME = 'volume',
}

/** Options for a Hugging Face model. */
export interface HuggingFaceModelOptions {
  /** Git revision (commit, branch or tag) to pin. @default - the repository's default branch */
  readonly revision?: string;
  /** Secret holding an access token, for gated models. A name means key `token`. @default - no token */
  readonly tokenSecret?: string | SecretKeyReference;
  /** Model shape for memory planning. @default - from the built-in catalog when the id is known */
  readonly spec?: ModelSpec;
  /** Name the OpenAI-compatible API serves the model under. @default - the Hugging Face id */
  readonly servedName?: string;
}

/** Options for a model in an object store. */
export interface ObjectStoreModelOptions {
  /** Model shape for memory planning. @default - none: give `gpusPerReplica` on the service */
  readonly spec?: ModelSpec;
  /** Name the API serves the model under. @default - the last path segment of the URI */
  readonly servedName?: string;
  /**
   * Secret whose keys are exposed as environment variables (e.g. `AWS_ACCESS_KEY_ID`), when the
   * pod has no workload identity. @default - none: use IRSA / Workload Identity on the ServiceAccount
   */
  readonly credentialsSecret?: string;
}

/** Options for a model already on a PersistentVolumeClaim. */
export interface VolumeModelOptions {
  /** Existing claim that holds the weights. */
  readonly claimName: string;
  /** Directory of the model inside the volume. @default '' (the volume root) */
  readonly path?: string;
  /** Model shape for memory planning. @default - none: give `gpusPerReplica` on the service */
  readonly spec?: ModelSpec;
  /** Name the API serves the model under. @default - the claim name */
  readonly servedName?: string;
}

/**
 * The model a ModelService serves: where its weights are and what shape it has.
 */
export class Model {
  /** A model from the Hugging Face Hub, e.g. `meta-llama/Llama-3.1-70B-Instruct`. */
  public static huggingFace(id: string, options: HuggingFaceModelOptions = {}): Model {
    const o = factoryOptions('Model.huggingFace', options, '"meta-llama/Llama-3.1-8B-Instruct", { tokenSecret: "hf-token" }');
    const token = typeof o.tokenSecret === 'string' ? { name: o.tokenSecret } : o.tokenSecret;
    // A wrong type is reported by the ModelService that uses the model (with its path).
    return new Model(ModelSourceKind.HUGGING_FACE, id, o.spec ?? (typeof id === 'string' ? lookupModel(id) : undefined), o.servedName ?? id, {
      revision: o.revision, tokenSecret: token,
    });
  }

  /** A model in S3 or GCS (`s3://bucket/path`, `gs://bucket/path`). */
  public static fromObjectStore(uri: string, options: ObjectStoreModelOptions = {}): Model {
    const o = factoryOptions('Model.fromObjectStore', options, '"s3://bucket/models/llama", { credentialsSecret: "s3-credentials" }');
    const last = typeof uri === 'string' ? uri.replace(/\/+$/, '').split('/').pop() ?? uri : uri;
    return new Model(ModelSourceKind.OBJECT_STORE, uri, o.spec, o.servedName ?? last, {
      credentialsSecret: o.credentialsSecret,
    });
  }

  /** A model already on a PersistentVolumeClaim (mounted read-only). */
  public static fromVolume(options: VolumeModelOptions): Model {
    const o = factoryOptions<Partial<VolumeModelOptions>>('Model.fromVolume', options, '{ claimName: "weights" }');
    return new Model(ModelSourceKind.VOLUME, o.claimName as string, o.spec, o.servedName ?? o.claimName as string, {
      claimName: o.claimName, path: o.path ?? '',
    });
  }

  private constructor(
    /** Where the weights come from. */
    public readonly source: ModelSourceKind,
    /** Hugging Face id, object store URI, or claim name. */
    public readonly id: string,
    /** Shape for planning, when known. */
    public readonly spec: ModelSpec | undefined,
    /** Name the API serves the model under. */
    public readonly servedName: string,
    private readonly extra: {
      revision?: string; tokenSecret?: SecretKeyReference; credentialsSecret?: string; claimName?: string; path?: string;
    },
  ) {}

  /** Pinned revision of a Hugging Face model. */
  public get revision(): string | undefined { return this.extra.revision; }
  /** Secret with the Hugging Face token. */
  public get tokenSecret(): SecretKeyReference | undefined { return this.extra.tokenSecret; }
  /** Secret with object store credentials. */
  public get credentialsSecret(): string | undefined { return this.extra.credentialsSecret; }
  /** Claim holding the weights, for volume models. */
  public get claimName(): string | undefined { return this.extra.claimName; }
  /** Directory of the model inside the claim, for volume models. */
  public get volumePath(): string | undefined { return this.extra.path; }

  /** A short description for plans and messages. */
  public toString(): string {
    return this.revision ? `${this.id}@${this.revision}` : this.id;
  }
}
