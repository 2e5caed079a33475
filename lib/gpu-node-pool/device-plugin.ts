import { ApiObject, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { podImagePullSecrets, resolveImage } from '../private/image-policy';

/** NVIDIA device plugin image, pinned (as in NVIDIA's static `nvidia-device-plugin.yml`). */
export const NVIDIA_DEVICE_PLUGIN_IMAGE = 'nvcr.io/nvidia/k8s-device-plugin:v0.20.0';
/** Namespace of the device plugin: `system-node-critical` pods are admitted there by default. */
export const DEVICE_PLUGIN_NAMESPACE = 'kube-system';
/** Where the kubelet listens for device plugins. */
export const KUBELET_DEVICE_PLUGINS_DIR = '/var/lib/kubelet/device-plugins';
/** Where the plugin's config file is mounted. */
export const DEVICE_PLUGIN_CONFIG_PATH = '/etc/nvidia-device-plugin/config.yaml';

/** How the device plugin exposes MIG devices, with the plugin's own values. */
export enum MigStrategy {
  /** Each MIG slice is a `nvidia.com/gpu` (every GPU of the node is split the same way). */
  SINGLE = 'single',
  /** Each MIG profile is its own resource, e.g. `nvidia.com/mig-1g.10gb`. */
  MIXED = 'mixed',
}

/**
 * How one GPU is shared between pods. Sharing changes what a "GPU" is: with time-slicing a pod's
 * `nvidia.com/gpu: 1` is a time share, with MIG a slice with a fraction of the memory. Give the pool
 * an accelerator whose memory is the slice's (`Accelerator.custom`) so memory planning stays true.
 */
export class GpuSharing {
  /**
   * Time-slicing: each GPU is advertised `replicas` times. No memory or fault isolation between the
   * pods; suits small models and dev, not latency-bound serving.
   */
  public static timeSlicing(replicas: number): GpuSharing {
    return new GpuSharing('timeSlicing', replicas, undefined);
  }

  /** Multi-Instance GPU (A100, H100, H200): the GPUs are already partitioned (e.g. by the MIG manager). */
  public static mig(strategy: MigStrategy): GpuSharing {
    return new GpuSharing('mig', undefined, strategy);
  }

  private constructor(
    /** `timeSlicing` or `mig`. */
    public readonly mode: 'timeSlicing' | 'mig',
    /** Shares per GPU, for time-slicing. */
    public readonly replicas: number | undefined,
    /** MIG strategy, for MIG. */
    public readonly migStrategy: MigStrategy | undefined,
  ) {}

  /** The device plugin's config file (`version: v1`). */
  public renderConfig(resourceName: string): string {
    const config = this.mode === 'timeSlicing'
      ? { version: 'v1', flags: { migStrategy: 'none' }, sharing: { timeSlicing: { resources: [{ name: resourceName, replicas: this.replicas }] } } }
      : { version: 'v1', flags: { migStrategy: this.migStrategy } };
    return Yaml.stringify(config);
  }
}

/** Options of the NVIDIA device plugin. */
export interface NvidiaDevicePluginOptions {
  /** Image. Pin a version. @default NVIDIA_DEVICE_PLUGIN_IMAGE */
  readonly image?: string;
  /** Namespace. @default 'kube-system' */
  readonly namespace?: string;
  /** Time-slicing or MIG. @default - none: one pod per GPU */
  readonly sharing?: GpuSharing;
}

/**
 * The node agent that advertises GPUs to the kubelet. EKS AL2023 NVIDIA AMIs ship the driver but not
 * the plugin; GKE, Bottlerocket and the GPU Operator install their own (do not add a second one).
 */
export class DevicePlugin {
  /** The NVIDIA device plugin DaemonSet, on the pool's nodes only. */
  public static nvidia(options: NvidiaDevicePluginOptions = {}): DevicePlugin {
    return new DevicePlugin(options);
  }

  private constructor(
    /** Options given. */
    public readonly options: NvidiaDevicePluginOptions,
  ) {}
}

/** What the device plugin objects are built from. */
export interface DevicePluginInput {
  readonly poolName: string;
  readonly resourceName: string;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: k8s.Toleration[];
  readonly labels: Record<string, string>;
  readonly plugin: DevicePlugin;
}

/** The DaemonSet (and config map, when sharing) of the NVIDIA device plugin for one pool. */
export function buildDevicePlugin(scope: Construct, input: DevicePluginInput): { daemonSet: ApiObject; config?: ApiObject } {
  const o = input.plugin.options;
  const name = `${input.poolName}-nvidia-device-plugin`;
  const namespace = o.namespace ?? DEVICE_PLUGIN_NAMESPACE;
  const selector = { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'modelship.dev/pool': input.poolName };
  const labels = { ...input.labels, ...selector };

  let config: ApiObject | undefined;
  const volumes: k8s.Volume[] = [
    // The plugin registers with the kubelet through a Unix socket in this host directory and
    // serves its own socket there; there is no other channel to the kubelet's device manager.
    { name: 'kubelet-device-plugins', hostPath: { path: KUBELET_DEVICE_PLUGINS_DIR, type: 'Directory' } },
  ];
  const mounts: k8s.VolumeMount[] = [{ name: 'kubelet-device-plugins', mountPath: KUBELET_DEVICE_PLUGINS_DIR }];
  const env: k8s.EnvVar[] = [{ name: 'FAIL_ON_INIT_ERROR', value: 'true' }];
  const sharing = o.sharing;
  if (sharing) {
    config = new k8s.KubeConfigMap(scope, 'DevicePluginConfig', {
      metadata: { name: `${name}-config`, namespace, labels },
      data: { 'config.yaml': sharing.renderConfig(input.resourceName) },
    });
    volumes.push({ name: 'config', configMap: { name: config.name } });
    mounts.push({ name: 'config', mountPath: '/etc/nvidia-device-plugin', readOnly: true });
    env.push({ name: 'CONFIG_FILE', value: DEVICE_PLUGIN_CONFIG_PATH });
  }
  const mig = sharing?.mode === 'mig';

  const daemonSet = new k8s.KubeDaemonSet(scope, 'DevicePlugin', {
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels },
        spec: {
          // Without the plugin a GPU node advertises no GPUs: nothing on it can start.
          priorityClassName: 'system-node-critical',
          automountServiceAccountToken: false,
          nodeSelector: Object.keys(input.nodeSelector).length > 0 ? input.nodeSelector : undefined,
          tolerations: input.tolerations,
          imagePullSecrets: podImagePullSecrets(scope),
          containers: [{
            name: 'nvidia-device-plugin',
            image: resolveImage(scope, o.image ?? NVIDIA_DEVICE_PLUGIN_IMAGE, { property: 'devicePlugin.image' }),
            env,
            resources: {
              requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('64Mi') },
              limits: { memory: k8s.Quantity.fromString('256Mi') },
            },
            // MIG: the plugin reads MIG device nodes and capabilities under /proc/driver/nvidia, which
            // needs a privileged container (as NVIDIA's Helm chart does when a MIG strategy is set).
            securityContext: mig
              ? { privileged: true }
              : { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
            volumeMounts: mounts,
          }],
          volumes,
        },
      },
    },
  });
  return { daemonSet, config };
}
