import { IConstruct } from 'constructs';
import { GroupRole } from '../engines';
import { groupPod } from './group-pod';
import { loraPodParts } from './lora-pod';
import { ModelSourceKind } from './model';
import { ModelCache, ModelCacheKind } from './model-cache';
import { modelImageParts } from './model-image';
import { ServicePlan } from './resolve';
import * as k8s from '../imports/k8s';
import { STARTUP_PROBE_PERIOD_SECONDS } from '../planning/pod-budget';
import { podImagePullSecrets, resolveImage } from '../private/image-policy';
import { coresQuantity, gibQuantity } from '../private/quantity-render';

/** UID and GID the model server runs as (Pod Security Standards "restricted": non-root). */
export const MODEL_SERVER_UID = 1000;
/** Where the model cache is mounted; `HF_HOME` points below it. */
export const MODEL_CACHE_MOUNT = '/model-cache';
/** Where a model on a volume is mounted, read-only. */
export const MODEL_VOLUME_MOUNT = '/models';
/** Name of the model server container. */
export const SERVER_CONTAINER = 'server';
/** Label on model pods that run as root (an accepted exception to Pod Security "restricted"). */
export const POD_SECURITY_EXCEPTION_LABEL = 'modelship.dev/pod-security';
/** Annotation saying why a model pod runs as root. */
export const POD_SECURITY_EXCEPTION_ANNOTATION = 'modelship.dev/pod-security-exception';

/** What the pod template needs beyond the plan. */
export interface PodTemplateInput {
  readonly plan: ServicePlan;
  readonly labels: Record<string, string>;
  readonly serviceAccountName: string;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: k8s.Toleration[];
  readonly cache: ModelCache;
  /** Claim name of a shared cache volume modelship created. */
  readonly sharedCacheClaim?: string;
  readonly env?: Record<string, string>;
  /** Variables read from Secrets. */
  readonly secretEnv?: Record<string, { readonly secretName: string; readonly key: string }>;
  /** Label that spreads replicas over nodes. */
  readonly spreadSelector: Record<string, string>;
  /** The pod's role in a multi-node replica (a LeaderWorkerSet group). @default - a single-node replica */
  readonly groupRole?: GroupRole;
  /** The construct whose props set the images (the image policy names it). */
  readonly scope: IConstruct;
  /** Property that set the server image, e.g. `runtime.image`. @default 'runtime.image' */
  readonly imageProperty?: string;
}

function sortedEnv(env: Record<string, string>): k8s.EnvVar[] {
  return Object.keys(env).sort().map(name => ({ name, value: env[name] }));
}

/**
 * The pod of one model server replica: GPU resources, scheduling, /dev/shm, probes on a
 * startup budget that grows with the model, a drain on stop, a model cache, and the Pod
 * Security Standards "restricted" profile.
 */
export function buildPodTemplate(input: PodTemplateInput): k8s.PodTemplateSpec {
  const { plan } = input;
  const runtime = plan.runtime;
  const profile = runtime.profile;
  const gpuResource = plan.accelerator.resourceName;
  // Set when the image cannot run as non-root and the user accepted root (allowRootImage).
  const root = plan.rootException;

  const volumes: k8s.Volume[] = [
    // NCCL exchanges tensors between the GPUs of a replica through /dev/shm.
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(`${plan.shmGiB}Gi`) } },
    // The root filesystem is read-only; engines write compile caches and temp files under HOME=/tmp.
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('20Gi') } },
    cacheVolume(input),
  ];
  const mounts: k8s.VolumeMount[] = [
    { name: 'dshm', mountPath: '/dev/shm' },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'model-cache', mountPath: MODEL_CACHE_MOUNT },
  ];

  let modelRef = plan.model.id;
  if (plan.model.source === ModelSourceKind.VOLUME) {
    volumes.push({ name: 'model', persistentVolumeClaim: { claimName: plan.model.claimName!, readOnly: true } });
    mounts.push({ name: 'model', mountPath: MODEL_VOLUME_MOUNT, readOnly: true });
    modelRef = plan.model.volumePath ? `${MODEL_VOLUME_MOUNT}/${plan.model.volumePath.replace(/^\/+/, '')}` : MODEL_VOLUME_MOUNT;
  }
  const initContainers: k8s.Container[] = [];
  if (plan.model.source === ModelSourceKind.IMAGE) {
    const parts = modelImageParts({ scope: input.scope, reference: plan.model.id, path: plan.model.imagePath ?? '', mount: plan.model.imageMount!, cacheMount: MODEL_CACHE_MOUNT, uid: MODEL_SERVER_UID });
    volumes.push(...parts.volumes);
    mounts.push(...parts.mounts);
    initContainers.push(...parts.initContainers);
    modelRef = parts.modelRef;
  }

  const argsContext = {
    modelRef,
    servedName: plan.model.servedName,
    precision: plan.precision,
    tensorParallelSize: plan.gpusPerReplica,
    maxModelLen: plan.maxModelLen,
    revision: plan.model.revision,
    fromObjectStore: plan.model.source === ModelSourceKind.OBJECT_STORE,
    lora: plan.lora ? { adapters: plan.lora.adapters, maxLoras: plan.lora.maxLoras, maxLoraRank: plan.lora.maxLoraRank } : undefined,
  };
  // One pod of a multi-node replica: the driver's command for its role, one node's GPUs, the fabric.
  const group = input.groupRole && plan.multiNode ? groupPod(input.groupRole, plan, argsContext) : undefined;
  const gpuCount = group?.gpus ?? plan.gpusPerReplica;
  const serves = group?.serves ?? true;
  const fabric: Record<string, k8s.Quantity> = {};
  for (const name of Object.keys(group?.resources ?? {}).sort()) fabric[name] = k8s.Quantity.fromNumber(group!.resources[name]);

  const env: k8s.EnvVar[] = [
    ...sortedEnv({
      HOME: '/tmp',
      HF_HOME: `${MODEL_CACHE_MOUNT}/huggingface`,
      ...runtime.engineEnv,
      ...(group?.env ?? {}),
      ...runtime.env,
      ...(input.env ?? {}),
    }),
  ];
  const token = plan.model.tokenSecret;
  if (token) {
    // Referenced, never inlined: the token stays in the Secret.
    env.push({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: token.name, key: token.key ?? 'token' } } });
  }
  const secretEnv = input.secretEnv ?? {};
  for (const name of Object.keys(secretEnv).sort()) {
    env.push({ name, valueFrom: { secretKeyRef: { name: secretEnv[name].secretName, key: secretEnv[name].key } } });
  }
  const envFrom: k8s.EnvFromSource[] | undefined = plan.model.credentialsSecret
    ? [{ secretRef: { name: plan.model.credentialsSecret } }] : undefined;

  const ports: k8s.ContainerPort[] = [{ name: 'http', containerPort: profile.httpPort, protocol: 'TCP' }];
  if (profile.grpcPort !== undefined) ports.push({ name: 'grpc', containerPort: profile.grpcPort, protocol: 'TCP' });
  if (profile.metricsPort !== profile.httpPort) ports.push({ name: 'metrics', containerPort: profile.metricsPort, protocol: 'TCP' });

  const args = group ? group.args ?? [] : runtime.renderArgs(argsContext);

  // Stop taking new requests first (the endpoint is removed while preStop sleeps), then let
  // in-flight generations finish; the rest of the grace period is for the engine to exit
  // (the engines abort in-flight requests on SIGTERM: see drain.ts).
  const drainSeconds = plan.preStopSeconds;

  const container: k8s.Container = {
    name: SERVER_CONTAINER,
    image: resolveImage(input.scope, runtime.image, { property: input.imageProperty ?? 'runtime.image' }),
    imagePullPolicy: 'IfNotPresent',
    command: group ? group.command : runtime.containerCommand(plan.accelerator.vendor),
    args: args.length > 0 ? args : undefined,
    ports: serves ? ports : undefined,
    env,
    envFrom,
    resources: {
      requests: {
        cpu: cpuQuantity(plan.cpu),
        memory: k8s.Quantity.fromString(gibQuantity(plan.memoryGiB)),
        [gpuResource]: k8s.Quantity.fromNumber(gpuCount),
        ...fabric,
      },
      limits: {
        memory: k8s.Quantity.fromString(gibQuantity(plan.memoryGiB)),
        [gpuResource]: k8s.Quantity.fromNumber(gpuCount),
        ...fabric,
      },
    },
    startupProbe: !serves ? undefined : {
      httpGet: { path: profile.healthPath, port: k8s.IntOrString.fromString('http') },
      periodSeconds: STARTUP_PROBE_PERIOD_SECONDS,
      timeoutSeconds: 5,
      failureThreshold: plan.startupBudgetSeconds / STARTUP_PROBE_PERIOD_SECONDS,
    },
    livenessProbe: !serves ? undefined : {
      httpGet: { path: profile.healthPath, port: k8s.IntOrString.fromString('http') },
      periodSeconds: 15,
      timeoutSeconds: 10,
      failureThreshold: 4,
    },
    readinessProbe: !serves ? undefined : {
      httpGet: { path: profile.readyPath, port: k8s.IntOrString.fromString('http') },
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    lifecycle: { preStop: { exec: { command: ['sleep', String(drainSeconds)] } } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: !root,
      runAsUser: root ? 0 : MODEL_SERVER_UID,
      runAsGroup: root ? 0 : MODEL_SERVER_UID,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: mounts,
  };
  // LoRA adapters: downloads into the model cache before the server starts, read-only claims.
  const lora = plan.lora ? loraPodParts({
    lora: plan.lora,
    serverImage: runtime.image,
    scope: input.scope,
    imageProperty: input.imageProperty ?? 'runtime.image',
    env: env.filter(e => e.name !== 'HF_TOKEN' && e.valueFrom === undefined),
    modelToken: token,
    securityContext: container.securityContext!,
    mounts: mounts.filter(m => m.name === 'tmp' || m.name === 'model-cache'),
  }) : undefined;
  if (lora) {
    volumes.push(...lora.volumes);
    mounts.push(...lora.mounts);
  }

  return {
    metadata: {
      // A root server is visible to anyone who lists pods: `-l modelship.dev/pod-security=root-exception`.
      labels: root ? { ...input.labels, [POD_SECURITY_EXCEPTION_LABEL]: 'root-exception' } : input.labels,
      annotations: {
        // Karpenter must not consolidate a node while its model server loads or serves.
        'karpenter.sh/do-not-disrupt': 'true',
        'kubectl.kubernetes.io/default-container': SERVER_CONTAINER,
        'modelship.dev/startup-budget-seconds': String(plan.startupBudgetSeconds),
        ...(root ? { [POD_SECURITY_EXCEPTION_ANNOTATION]: root } : {}),
      },
    },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds,
      securityContext: {
        runAsNonRoot: !root,
        runAsUser: root ? 0 : MODEL_SERVER_UID,
        runAsGroup: root ? 0 : MODEL_SERVER_UID,
        fsGroup: MODEL_SERVER_UID,
        supplementalGroups: plan.gpuDeviceGroupIds.length > 0 ? [...plan.gpuDeviceGroupIds] : undefined,
        // A cache of hundreds of GiB would be chowned on every mount otherwise.
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      nodeSelector: Object.keys(input.nodeSelector).length > 0 ? input.nodeSelector : undefined,
      tolerations: input.tolerations,
      topologySpreadConstraints: [{
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: input.spreadSelector },
      }],
      imagePullSecrets: podImagePullSecrets(input.scope),
      initContainers: initContainers.length > 0 || (lora && lora.initContainers.length > 0) ? [...initContainers, ...(lora?.initContainers ?? [])] : undefined,
      containers: [container],
      volumes,
    },
  };
}

function cacheVolume(input: PodTemplateInput): k8s.Volume {
  const { cache, plan } = input;
  const size = gibQuantity(cache.sizeGiB ?? plan.cacheSizeGiB);
  switch (cache.kind) {
    case ModelCacheKind.EMPTY_DIR:
      return { name: 'model-cache', emptyDir: { sizeLimit: k8s.Quantity.fromString(size) } };
    case ModelCacheKind.PER_REPLICA:
      return {
        name: 'model-cache',
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { labels: input.labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: cache.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(size) } },
            },
          },
        },
      };
    case ModelCacheKind.SHARED:
      return { name: 'model-cache', persistentVolumeClaim: { claimName: input.sharedCacheClaim! } };
    case ModelCacheKind.EXISTING_CLAIM:
      return { name: 'model-cache', persistentVolumeClaim: { claimName: cache.claimName! } };
  }
}

function cpuQuantity(cores: number): k8s.Quantity {
  const q = coresQuantity(cores);
  return typeof q === 'number' ? k8s.Quantity.fromNumber(q) : k8s.Quantity.fromString(q);
}
