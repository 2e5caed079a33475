import { ModelImageMount } from './model-image';
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
  /** Weights packaged as an OCI image (`Model.fromImage`). */
  IMAGE = 'image',
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

/** Options for a model packaged as an OCI image. */
export interface ImageModelOptions {
  /**
   * Model shape for memory planning, download bytes and the startup budget. An image model needs
   * its shape: give `spec`, or `catalogId` for a model of the built-in catalog.
   * @default - from `catalogId`
   */
  readonly spec?: ModelSpec;
  /**
   * Hugging Face id of the catalog model whose weights the image holds (`MODEL_CATALOG`), for its shape.
   * @default - none: give `spec`
   */
  readonly catalogId?: string;
  /**
   * Directory of the weights inside the image (`config.json` and the safetensors files). A copy
   * (`ModelImageMount.copyInitContainer()`) needs a directory, not the image root.
   * @default '' (the image root: an image built `FROM scratch` with the weights at /)
   */
  readonly path?: string;
  /** Name the API serves the model under. @default - the image repository's last path component */
  readonly servedName?: string;
  /** Image volume (Kubernetes 1.33+) or a copy by an init container (older clusters). @default ModelImageMount.imageVolume() */
  readonly mount?: ModelImageMount;
}

/** What an image model keeps beyond the other sources. */
interface ImageModelExtra {
  readonly mount?: ModelImageMount;
  readonly catalogId?: string;
  readonly specGiven?: boolean;
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

  /**
   * A model whose weights are packaged as an OCI image, e.g. `registry.example.com/models/llama-3.1-8b:v1`,
   * mounted as a Kubernetes image volume (or copied by an init container, see `ModelImageMount`).
   * The image goes through the app's ImagePolicy like every other image.
   */
  public static fromImage(reference: string, options: ImageModelOptions = {}): Model {
    const o = factoryOptions('Model.fromImage', options, '"registry.example.com/models/llama-3.1-8b:v1", { catalogId: "meta-llama/Llama-3.1-8B-Instruct" }');
    const repository = typeof reference === 'string' ? reference.split('@')[0].replace(/:[^/:]*$/, '') : '';
    const last = repository.split('/').pop() || String(reference);
    const spec = o.spec ?? (typeof o.catalogId === 'string' ? lookupModel(o.catalogId) : undefined);
    return new Model(ModelSourceKind.IMAGE, reference, spec, o.servedName ?? last, {
      path: o.path ?? '', mount: o.mount ?? ModelImageMount.imageVolume(), catalogId: o.catalogId, specGiven: o.spec !== undefined,
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
    } & ImageModelExtra,
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
  public get volumePath(): string | undefined { return this.source === ModelSourceKind.VOLUME ? this.extra.path : undefined; }
  /** Directory of the weights inside the image, for image models. */
  public get imagePath(): string | undefined { return this.source === ModelSourceKind.IMAGE ? this.extra.path : undefined; }
  /** How an image model is mounted. */
  public get imageMount(): ModelImageMount | undefined { return this.extra.mount; }
  /** The catalog id an image model's shape was asked from, if any. */
  public get catalogId(): string | undefined { return this.extra.catalogId; }
  /** Whether the shape was given (rather than looked up). @internal */
  public get _specGiven(): boolean { return this.extra.specGiven ?? false; }

  /** A short description for plans and messages. */
  public toString(): string {
    return this.revision ? `${this.id}@${this.revision}` : this.id;
  }
}
