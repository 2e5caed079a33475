import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import * as k8s from '../imports/k8s';
import { resolveImage } from '../private/image-policy';
import { factoryOptions } from '../private/prop-guards';

/** How the weights of an image model reach the server. */
export enum ModelImageMountKind {
  /** A read-only Kubernetes image volume (1.33+ with the ImageVolume gate). */
  IMAGE_VOLUME = 'imageVolume',
  /** A copy into the model cache by an init container (any Kubernetes; the image needs /bin/sh and cp). */
  COPY_INIT_CONTAINER = 'copyInitContainer',
}

/** When the kubelet pulls a model image, with Kubernetes' values. */
export enum ModelImagePullPolicy {
  /** Pull on every pod start (the node's copy is checked against the registry). */
  ALWAYS = 'Always',
  /** Pull when the node does not have the image (the default: weights are large). */
  IF_NOT_PRESENT = 'IfNotPresent',
  /** Never pull: the image must be on the node (pre-pulled). */
  NEVER = 'Never',
}

/** Options of {@link ModelImageMount.imageVolume}. */
export interface ModelImageVolumeOptions {
  /** @default ModelImagePullPolicy.IF_NOT_PRESENT */
  readonly pullPolicy?: ModelImagePullPolicy;
}

/** Options of {@link ModelImageMount.copyInitContainer}. */
export interface ModelImageCopyOptions {
  /** @default ModelImagePullPolicy.IF_NOT_PRESENT */
  readonly pullPolicy?: ModelImagePullPolicy;
}

/**
 * How a model packaged as an OCI image is mounted.
 *
 * - `imageVolume()` (the default): a Kubernetes image volume (`volumes[].image`, KEP-4639). The
 *   kubelet pulls the image and mounts its filesystem read-only; nothing is copied. Needs the
 *   `ImageVolume` feature gate: alpha in 1.31, beta in 1.33 (off by default), beta and on by default
 *   from 1.35 (kubernetes.io/docs/tasks/configure-pod-container/image-volumes), and a container
 *   runtime that supports it (which runtime versions do was not verified here: see the runtime's
 *   release notes). The image may be `FROM scratch`.
 * - `copyInitContainer()`: for older clusters. An init container runs the model image itself and
 *   copies the weights into the model cache volume with `/bin/sh` and `cp`, so the image must have
 *   both (a `FROM scratch` image cannot be copied this way). The copy lands in a directory named
 *   after the reference and is skipped when complete, so a persistent cache copies once per image.
 */
export class ModelImageMount {
  /** Mount the image as a read-only image volume (Kubernetes 1.33+ with the ImageVolume gate on). */
  public static imageVolume(options: ModelImageVolumeOptions = {}): ModelImageMount {
    const o = factoryOptions('ModelImageMount.imageVolume', options, '{ pullPolicy: ModelImagePullPolicy.IF_NOT_PRESENT }');
    return new ModelImageMount(ModelImageMountKind.IMAGE_VOLUME, o.pullPolicy ?? ModelImagePullPolicy.IF_NOT_PRESENT);
  }

  /** Copy the weights into the model cache with an init container (any Kubernetes; the image needs `/bin/sh` and `cp`). */
  public static copyInitContainer(options: ModelImageCopyOptions = {}): ModelImageMount {
    const o = factoryOptions('ModelImageMount.copyInitContainer', options, '{ pullPolicy: ModelImagePullPolicy.IF_NOT_PRESENT }');
    return new ModelImageMount(ModelImageMountKind.COPY_INIT_CONTAINER, o.pullPolicy ?? ModelImagePullPolicy.IF_NOT_PRESENT);
  }

  private constructor(
    /** Image volume or copy. */
    public readonly kind: ModelImageMountKind,
    /** When the kubelet pulls the image. */
    public readonly pullPolicy: ModelImagePullPolicy,
  ) {}
}

/** Where an image volume is mounted in the server container (read-only). */
export const MODEL_IMAGE_MOUNT = '/model-image';
/** Directory of the model cache the copy init container writes to. */
export const MODEL_IMAGE_CACHE_DIR = 'model-images';
/** Name of the copy init container. */
export const MODEL_COPY_CONTAINER = 'copy-model';
/** File the copy writes last: a copy without it is incomplete and is redone. */
export const MODEL_COPY_MARKER = '.modelship-copy-complete';

/** What the pod template adds for an image model. */
export interface ModelImageParts {
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  readonly initContainers: k8s.Container[];
  /** The path the engine serves. */
  readonly modelRef: string;
}

/** What the parts are built from. */
export interface ModelImageInput {
  /** The construct whose property set the image (recorded by the image policy). */
  readonly scope: IConstruct;
  readonly reference: string;
  /** Directory of the weights inside the image ('' or '/': the image root). */
  readonly path: string;
  readonly mount: ModelImageMount;
  /** Where the model cache is mounted in the pod. */
  readonly cacheMount: string;
  /** UID and GID the copy runs as (the model server's non-root user; the cache is group-writable through fsGroup). */
  readonly uid: number;
}

/** Volumes, mounts and init containers of an image model, and the path the engine serves. */
export function modelImageParts(input: ModelImageInput): ModelImageParts {
  const inner = input.path.replace(/^\/+|\/+$/g, '');
  if (input.mount.kind === ModelImageMountKind.IMAGE_VOLUME) {
    return {
      // Typed escape: cdk8s-plus-28's k8s.Volume (Kubernetes 1.28) has no `image` source; the field is
      // core/v1 VolumeSource.image from Kubernetes 1.31 (KEP-4639), validated against the 1.33 schema
      // in the tests. The cast is only about the missing key.
      volumes: [{
        name: 'model',
        image: { reference: resolveImage(input.scope, input.reference, { property: 'model', use: 'imageVolume' }), pullPolicy: input.mount.pullPolicy },
      } as k8s.Volume],
      mounts: [{ name: 'model', mountPath: MODEL_IMAGE_MOUNT, readOnly: true }],
      initContainers: [],
      modelRef: inner ? `${MODEL_IMAGE_MOUNT}/${inner}` : MODEL_IMAGE_MOUNT,
    };
  }
  // A directory per reference: another image (a new tag or digest) is another copy, never a mix.
  const key = createHash('sha256').update(input.reference).digest('hex').slice(0, 16);
  const target = `${input.cacheMount}/${MODEL_IMAGE_CACHE_DIR}/${key}`;
  const source = `/${inner}`;
  // Copy into a staging directory, then rename: a copy cut short (OOM, eviction) is never served.
  const script = [
    'set -eu',
    `if [ -f "${target}/${MODEL_COPY_MARKER}" ]; then exit 0; fi`,
    `rm -rf "${target}.partial"`,
    `mkdir -p "${target}.partial"`,
    // The root of an image is refused for a copy (it would copy the image's OS): source is a directory.
    `cp -R "${source}/." "${target}.partial/"`,
    `touch "${target}.partial/${MODEL_COPY_MARKER}"`,
    `rm -rf "${target}"`,
    `mv "${target}.partial" "${target}"`,
  ].join('\n');
  return {
    volumes: [],
    mounts: [],
    initContainers: [{
      name: MODEL_COPY_CONTAINER,
      image: resolveImage(input.scope, input.reference, { property: 'model', use: 'initContainer' }),
      imagePullPolicy: input.mount.pullPolicy,
      command: ['/bin/sh', '-c', script],
      // Pod Security "restricted", like the server: non-root, nothing added, read-only root filesystem.
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: input.uid,
        runAsGroup: input.uid,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: [{ name: 'model-cache', mountPath: input.cacheMount }],
    }],
    modelRef: target,
  };
}
