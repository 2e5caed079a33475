import { IConstruct } from 'constructs';
import { LoraAdapterSourceKind } from './lora-adapter';
import { LORA_VOLUME_MOUNT, LoraPlan, PlannedAdapter } from './lora-plan';
import { SecretKeyReference } from './model';
import * as k8s from '../imports/k8s';
import { resolveImage } from '../private/image-policy';

/**
 * Downloads a Hugging Face adapter at a revision into a directory, with `huggingface_hub`, which
 * the vLLM and SGLang images carry (the engines import it to download models). `local_dir` keeps
 * the files under their own names, and `snapshot_download` skips files already up to date there
 * (huggingface_hub >= 0.23), so a restart on a kept cache downloads nothing.
 */
const HF_FETCH = [
  'import sys',
  'from huggingface_hub import snapshot_download',
  'snapshot_download(repo_id=sys.argv[1], revision=sys.argv[2] or None, local_dir=sys.argv[3])',
].join('\n');

/**
 * Copies every object under an S3 prefix into a directory with `boto3` (in the vLLM image:
 * `docker/Dockerfile` v0.9.2 L511-513). Credentials come the usual boto3 way: the pod's workload
 * identity (IRSA) or the variables of `credentialsSecret`; `AWS_ENDPOINT_URL` selects an
 * S3-compatible store. An empty prefix fails the pod, rather than starting a server without the adapter.
 */
const S3_FETCH = [
  'import os, sys, boto3',
  'bucket, prefix, dest = sys.argv[1], sys.argv[2], sys.argv[3]',
  "prefix = prefix.rstrip('/') + '/' if prefix else ''",
  "s3 = boto3.client('s3')",
  'n = 0',
  "for page in s3.get_paginator('list_objects_v2').paginate(Bucket=bucket, Prefix=prefix):",
  "    for o in page.get('Contents', []):",
  "        rel = o['Key'][len(prefix):]",
  "        if not rel or rel.endswith('/'):",
  '            continue',
  '        path = os.path.join(dest, rel)',
  '        os.makedirs(os.path.dirname(path), exist_ok=True)',
  "        s3.download_file(bucket, o['Key'], path)",
  '        n += 1',
  'if n == 0:',
  "    sys.exit('no objects under s3://%s/%s' % (bucket, prefix))",
].join('\n');

/** What the pod needs beyond the server container to serve the adapters. */
export interface LoraPodParts {
  /** One init container per downloaded adapter, in declaration order. */
  readonly initContainers: k8s.Container[];
  /** One read-only volume per distinct claim of the volume adapters. */
  readonly volumes: k8s.Volume[];
  /** Their mounts in the server container. */
  readonly mounts: k8s.VolumeMount[];
}

/** What the init containers share with the server container. */
export interface LoraPodInput {
  readonly lora: LoraPlan;
  /** The server image: it carries the download libraries. */
  readonly serverImage: string;
  /** The construct whose props set the server image, and the property (the image policy names them). */
  readonly scope: IConstruct;
  readonly imageProperty: string;
  /** The server's environment without its model token (HOME, HF_HOME, proxies, the user's variables). */
  readonly env: readonly k8s.EnvVar[];
  /** The model's Hugging Face token, which adapters without their own use. */
  readonly modelToken?: SecretKeyReference;
  /** The server's security context (non-root, read-only root filesystem, no capabilities). */
  readonly securityContext: k8s.SecurityContext;
  /** Mounts of the model cache and /tmp. */
  readonly mounts: readonly k8s.VolumeMount[];
}

/**
 * Init containers that download Hugging Face and S3 adapters into the model cache before the
 * server starts (the server then reads them as local directories: no download at request time,
 * and a revision stays pinned), and read-only volumes for adapters on claims.
 */
export function loraPodParts(input: LoraPodInput): LoraPodParts {
  const initContainers = input.lora.adapters
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.downloaded)
    .map(({ p, i }) => fetchContainer(input, p, i));
  const volumes: k8s.Volume[] = input.lora.claims.map((claimName, k) => ({ name: `lora-volume-${k}`, persistentVolumeClaim: { claimName, readOnly: true } }));
  const mounts: k8s.VolumeMount[] = input.lora.claims.map((_, k) => ({ name: `lora-volume-${k}`, mountPath: `${LORA_VOLUME_MOUNT}/${k}`, readOnly: true }));
  return { initContainers, volumes, mounts };
}

function fetchContainer(input: LoraPodInput, planned: PlannedAdapter, index: number): k8s.Container {
  const a = planned.adapter;
  const hf = a.source === LoraAdapterSourceKind.HUGGING_FACE;
  const env: k8s.EnvVar[] = [...input.env];
  const token = hf ? a.tokenSecret ?? input.modelToken : undefined;
  // Referenced, never inlined: the token stays in the Secret.
  if (token) env.push({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: token.name, key: token.key ?? 'token' } } });
  const args = hf
    ? [HF_FETCH, a.id, a.revision ?? '', planned.path]
    : [S3_FETCH, ...s3BucketAndPrefix(a.id), planned.path];
  return {
    name: `fetch-lora-${index}`,
    image: resolveImage(input.scope, input.serverImage, { property: input.imageProperty }),
    imagePullPolicy: 'IfNotPresent',
    command: ['python3', '-c'],
    args,
    env,
    envFrom: a.credentialsSecret ? [{ secretRef: { name: a.credentialsSecret } }] : undefined,
    // Adapters are tens to hundreds of MiB: a download needs little, and the pod's request is the
    // larger of its init containers' and the sum of its containers' (the server's dominates).
    resources: {
      requests: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('1Gi') },
      limits: { memory: k8s.Quantity.fromString('1Gi') },
    },
    securityContext: input.securityContext,
    volumeMounts: [...input.mounts],
  };
}

/** `s3://bucket/a/b` as `['bucket', 'a/b']`. */
function s3BucketAndPrefix(uri: string): [string, string] {
  const rest = uri.replace(/^s3:\/\//, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? [rest, ''] : [rest.slice(0, slash), rest.slice(slash + 1).replace(/\/+$/, '')];
}
