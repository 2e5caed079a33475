import { factoryOptions } from '../private/prop-guards';

/** How model weights are cached between restarts. */
export enum ModelCacheKind {
  EMPTY_DIR = 'emptyDir',
  PER_REPLICA = 'perReplica',
  SHARED = 'shared',
  EXISTING_CLAIM = 'existingClaim',
}

/** Options for a cache volume modelship creates. */
export interface ModelCacheVolumeOptions {
  /** Size in GiB. @default - 1.1 x the 16-bit checkpoint size + 10 GiB */
  readonly sizeGiB?: number;
  /** StorageClass. @default - the cluster default */
  readonly storageClassName?: string;
}

/**
 * Where downloaded weights live, so that a restart does not download them again.
 * The cache is mounted at `/model-cache`, and `HF_HOME` points into it.
 */
export class ModelCache {
  /**
   * Node-local scratch space: survives container restarts (crash, OOM, liveness failure),
   * not rescheduling. The default, because it needs no storage class.
   */
  public static emptyDir(options: { sizeGiB?: number } = {}): ModelCache {
    return new ModelCache(ModelCacheKind.EMPTY_DIR, factoryOptions('ModelCache.emptyDir', options, '{ sizeGiB: 200 }'));
  }

  /** One volume per pod (a generic ephemeral volume), created and deleted with the pod. */
  public static perReplica(options: ModelCacheVolumeOptions = {}): ModelCache {
    return new ModelCache(ModelCacheKind.PER_REPLICA, factoryOptions('ModelCache.perReplica', options, '{ storageClassName: "gp3" }'));
  }

  /**
   * One ReadWriteMany volume shared by every replica (EFS, Filestore, Azure Files, CephFS):
   * the first replica downloads, the others and every later pod read. Its name,
   * `<service>-model-cache`, does not change with versions, so upgrades keep the cache.
   */
  public static shared(options: ModelCacheVolumeOptions = {}): ModelCache {
    return new ModelCache(ModelCacheKind.SHARED, factoryOptions('ModelCache.shared', options, '{ storageClassName: "efs-sc" }'));
  }

  /** A claim you manage (mounted read-write). */
  public static existingClaim(claimName: string): ModelCache {
    return new ModelCache(ModelCacheKind.EXISTING_CLAIM, { claimName });
  }

  private constructor(
    public readonly kind: ModelCacheKind,
    private readonly options: ModelCacheVolumeOptions & { claimName?: string },
  ) {}

  /** Size asked for, if any. */
  public get sizeGiB(): number | undefined { return this.options.sizeGiB; }
  /** StorageClass asked for, if any. */
  public get storageClassName(): string | undefined { return this.options.storageClassName; }
  /** Claim name, for existing claims. */
  public get claimName(): string | undefined { return this.options.claimName; }
}
