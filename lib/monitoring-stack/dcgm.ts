import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import { GKE_ACCELERATOR_LABEL } from '../gpu-node-pool/resolve';
import * as k8s from '../imports/k8s';
import { serviceMonitors } from '../private/crd-bindings';
import { podImagePullSecrets, resolveImage } from '../private/image-policy';

/**
 * Pinned DCGM exporter image: the release whose default counters (`etc/default-counters.csv`)
 * modelship's GPU alerts and dashboard were checked against.
 */
export const DEFAULT_DCGM_EXPORTER_IMAGE = 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-ubuntu22.04';
/** Name of the DaemonSet, Service, ServiceAccount and ServiceMonitor. */
export const DEFAULT_DCGM_EXPORTER_NAME = 'dcgm-exporter';
/** Port the exporter listens on (its default). */
export const DCGM_EXPORTER_PORT = 9400;
/**
 * Namespace of the node agents modelship deploys (the DCGM exporter). It needs hostPath volumes and
 * root, which Pod Security "baseline" and "restricted" refuse, so it is kept apart from the model
 * namespace (where "restricted" can then be enforced) and labelled `privileged`.
 */
export const NODE_AGENTS_NAMESPACE = 'gpu-system';
/** Namespace of the Prometheus that scrapes the exporter (kube-prometheus-stack's default). */
export const DEFAULT_METRICS_NAMESPACE = 'monitoring';
/**
 * GKE's COS nodes have no NVIDIA container runtime: the driver's libraries live on the host under
 * this path, mounted into the exporter at /usr/local/nvidia with `LD_LIBRARY_PATH` pointing there
 * (GoogleCloudPlatform/prometheus-engine `examples/nvidia-dcgm/exporter.yaml`, commit 03303ccc, the
 * manifest Google Cloud's managed-prometheus DCGM docs reference).
 */
export const GKE_NVIDIA_DRIVER_PATH = '/home/kubernetes/bin/nvidia';
/** Label telling the exporter's DaemonSets apart when GKE and other pools are watched together. */
export const NODE_FLAVOR_LABEL = 'modelship.dev/node-flavor';

/** Where the kubelet serves the pod-resources API, which maps GPUs to pods. */
export const KUBELET_POD_RESOURCES_PATH = '/var/lib/kubelet/pod-resources';

/** Options of a DCGM exporter that modelship deploys. */
export interface DcgmExporterOptions {
  /** @default DEFAULT_DCGM_EXPORTER_IMAGE */
  readonly image?: string;
  /** @default DEFAULT_DCGM_EXPORTER_NAME */
  readonly name?: string;
  /**
   * Namespace of the exporter. It mounts a hostPath and runs as root, so the namespace must allow
   * the `privileged` Pod Security level: keep it out of the model namespace.
   * @default NODE_AGENTS_NAMESPACE ('gpu-system')
   */
  readonly namespace?: string;
  /**
   * Emit the exporter's Namespace, labelled for Pod Security admission as `privileged` (the level
   * its hostPath and root need). Set false when the namespace exists or another tool owns it.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Namespace of the Prometheus that scrapes the exporter: its NetworkPolicy opens the metrics
   * port to that namespace only.
   * @default DEFAULT_METRICS_NAMESPACE ('monitoring')
   */
  readonly metricsNamespace?: string;
  /**
   * RuntimeClass giving the container the GPUs, when the NVIDIA runtime is not the node's default
   * (GPU Operator clusters without CDI: `nvidia`).
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;
  /** @default - none */
  readonly priorityClassName?: string;
}

/** Options when a DCGM exporter already runs (GPU Operator, a Helm release). */
export interface ExistingDcgmOptions {
  /**
   * The `job` label of its scrape targets, for the exporter-down alert.
   * @default 'nvidia-dcgm-exporter' (the GPU Operator's Service)
   */
  readonly job?: string;
}

/** Whether and how GPU metrics come in. */
export enum DcgmMode {
  DEPLOY = 'deploy',
  EXISTING = 'existing',
  NONE = 'none',
}

/**
 * The GPU metrics source: an exporter modelship deploys on the pools' nodes, one that already
 * runs, or none (then no GPU alerts or dashboard).
 */
export class Dcgm {
  /** Deploy the DCGM exporter (DaemonSet + Service + ServiceMonitor) on the pools' nodes. */
  public static exporter(options: DcgmExporterOptions = {}): Dcgm {
    return new Dcgm(DcgmMode.DEPLOY, options, undefined);
  }
  /** An exporter already runs (e.g. the GPU Operator's, with its ServiceMonitor): only rules and dashboard. */
  public static existing(options: ExistingDcgmOptions = {}): Dcgm {
    return new Dcgm(DcgmMode.EXISTING, undefined, options);
  }
  /** No GPU metrics. */
  public static none(): Dcgm {
    return new Dcgm(DcgmMode.NONE, undefined, undefined);
  }

  private constructor(
    public readonly mode: DcgmMode,
    public readonly exporterOptions?: DcgmExporterOptions,
    public readonly existingOptions?: ExistingDcgmOptions,
  ) {}
}

/** Props of {@link DcgmExporter}. */
export interface DcgmExporterProps extends DcgmExporterOptions {
  /** Pools whose nodes run the exporter. */
  readonly nodePools: readonly IGpuNodePool[];
  /** Labels for the ServiceMonitor, so Prometheus selects it. */
  readonly serviceMonitorLabels: Record<string, string>;
}

/** Nodes of any pool: one node-selector term per pool (terms are ORed). */
export function poolAffinity(pools: readonly IGpuNodePool[]): k8s.Affinity | undefined {
  const terms = pools
    .map(p => Object.keys(p.nodeSelector).sort().map(key => ({ key, operator: 'In', values: [p.nodeSelector[key]] })))
    .filter(t => t.length > 0);
  const unique = [...new Map(terms.map(t => [JSON.stringify(t), t])).values()];
  if (unique.length === 0 || unique.length < pools.length) return undefined; // a pool without labels means any node
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: unique.map(matchExpressions => ({ matchExpressions })) } } };
}

/** Every pool's taints tolerated (deduplicated, sorted). */
export function poolTolerations(pools: readonly IGpuNodePool[]): k8s.Toleration[] {
  const all = pools.flatMap(p => p.tolerations);
  const byKey = new Map(all.map(t => [JSON.stringify(t, Object.keys(t).sort()), t]));
  return [...byKey.keys()].sort().map(k => byKey.get(k)!);
}

/**
 * NVIDIA's DCGM exporter as a DaemonSet on the GPU pools' nodes, in Kubernetes mode so every
 * GPU series carries the `namespace` and `pod` holding the GPU (dcgm-exporter#342).
 *
 * It is a node agent and needs host access no model pod gets (the one place modelship's objects
 * are not "restricted"; docs/monitoring.md, "Node agents"):
 * - the kubelet's pod-resources socket (hostPath, read-only) to map GPUs to pods;
 * - root and `SYS_ADMIN`, which DCGM's profiling module needs for the `DCGM_FI_PROF_*` fields of
 *   the default counters (NVIDIA/dcgm-exporter `dcgm-exporter.yaml` at 4.5.3-4.8.2: root,
 *   `add: [SYS_ADMIN]` "Required for profiling metrics", `drop: [ALL]`, no privilege escalation).
 * Everything else is dropped: every other capability, privilege escalation; RuntimeDefault seccomp.
 * The root filesystem stays writable: upstream enables `readOnlyRootFilesystem` only "if tmpfs
 * volumes are configured" and does not say which paths DCGM writes (unverified, so not guessed).
 * It lives in its own namespace (`gpu-system`, Pod Security `privileged`), and a NetworkPolicy
 * opens its metrics port to the Prometheus namespace only. It does not need the Kubernetes API,
 * so its ServiceAccount mounts no token.
 */
export class DcgmExporter extends Construct {
  public readonly name: string;
  public readonly daemonSet: ApiObject;
  public readonly service: ApiObject;
  public readonly serviceMonitor: ApiObject;

  /** Every DaemonSet: one, or with GKE and other pools mixed, one per kind of node (`<name>-gke`). */
  public readonly daemonSets: ApiObject[] = [];
  /** The exporter's Namespace, when it emits one. */
  public readonly namespaceObject?: ApiObject;
  /** The NetworkPolicy that opens the metrics port to the Prometheus namespace only. */
  public readonly networkPolicy: ApiObject;

  constructor(scope: Construct, id: string, props: DcgmExporterProps) {
    super(scope, id);
    this.name = props.name ?? DEFAULT_DCGM_EXPORTER_NAME;
    const namespace = props.namespace ?? NODE_AGENTS_NAMESPACE;
    if (props.createNamespace ?? true) {
      // Pod Security labels: kubernetes.io/docs/concepts/security/pod-security-admission.
      this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
        metadata: {
          name: namespace,
          // Cluster-scoped: cdk8s would otherwise stamp the chart's namespace on it.
          namespace: Lazy.any({ produce: () => undefined }),
          labels: {
            'app.kubernetes.io/managed-by': 'modelship',
            'pod-security.kubernetes.io/enforce': 'privileged',
            'pod-security.kubernetes.io/warn': 'privileged',
            'pod-security.kubernetes.io/audit': 'privileged',
          },
        },
      });
    }
    const selectorLabels = { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/component': 'gpu-metrics' };
    const labels = { ...selectorLabels, 'app.kubernetes.io/managed-by': 'modelship' };
    const meta = { name: this.name, namespace, labels };

    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta, automountServiceAccountToken: false });

    // GKE (COS) nodes need the host's driver and a privileged container; other nodes must not get
    // that hostPath (it does not exist there). Mixed pools: one DaemonSet per kind of node, each
    // with its own selector label, behind the one Service.
    const gkePools = props.nodePools.filter(p => GKE_ACCELERATOR_LABEL in p.nodeSelector);
    const otherPools = props.nodePools.filter(p => !(GKE_ACCELERATOR_LABEL in p.nodeSelector));
    const mixed = gkePools.length > 0 && otherPools.length > 0;
    const daemonSet = (cid: string, dsName: string, pools: readonly IGpuNodePool[], gke: boolean): ApiObject => {
      const dsSelector = mixed ? { ...selectorLabels, [NODE_FLAVOR_LABEL]: gke ? 'gke' : 'default' } : selectorLabels;
      return new k8s.KubeDaemonSet(this, cid, {
        metadata: { ...meta, name: dsName },
        spec: {
          selector: { matchLabels: dsSelector },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
          template: {
            metadata: { labels: { ...labels, ...dsSelector } },
            spec: {
              serviceAccountName: sa.name,
              automountServiceAccountToken: false,
              affinity: poolAffinity(pools),
              tolerations: poolTolerations(pools),
              runtimeClassName: props.runtimeClassName,
              priorityClassName: props.priorityClassName,
              imagePullSecrets: podImagePullSecrets(this),
              containers: [{
                name: 'exporter',
                image: resolveImage(this, props.image ?? DEFAULT_DCGM_EXPORTER_IMAGE, { property: 'image' }),
                imagePullPolicy: 'IfNotPresent',
                env: [
                  ...(gke ? [{ name: 'LD_LIBRARY_PATH', value: '/usr/local/nvidia/lib64' }] : []),
                  { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
                  { name: 'DCGM_EXPORTER_LISTEN', value: `:${DCGM_EXPORTER_PORT}` },
                  // Becomes the `Hostname` label on every series: the node, not the pod.
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                ],
                ports: [{ name: 'metrics', containerPort: DCGM_EXPORTER_PORT, protocol: 'TCP' }],
                // Host access, deliberately: see the class comment. On GKE a container sees the GPU
                // devices only if it requests a GPU or is privileged: Google's manifest
                // (GoogleCloudPlatform/prometheus-engine examples/nvidia-dcgm/exporter.yaml) runs
                // it privileged; otherwise NVML fails to initialise (NVIDIA/dcgm-exporter#59).
                securityContext: gke
                  ? { privileged: true, runAsUser: 0 }
                  : {
                    runAsNonRoot: false,
                    runAsUser: 0,
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] },
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                volumeMounts: [
                  { name: 'pod-resources', mountPath: KUBELET_POD_RESOURCES_PATH, readOnly: true },
                  ...(gke ? [{ name: 'nvidia-driver', mountPath: '/usr/local/nvidia', readOnly: true }] : []),
                ],
                readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(DCGM_EXPORTER_PORT) }, initialDelaySeconds: 15, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(DCGM_EXPORTER_PORT) }, initialDelaySeconds: 45, periodSeconds: 15 },
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
                  limits: { memory: k8s.Quantity.fromString('1Gi') },
                },
              }],
              volumes: [
                { name: 'pod-resources', hostPath: { path: KUBELET_POD_RESOURCES_PATH, type: 'Directory' } },
                ...(gke ? [{ name: 'nvidia-driver', hostPath: { path: GKE_NVIDIA_DRIVER_PATH, type: 'Directory' } }] : []),
              ],
            },
          },
        },
      });
    };
    if (otherPools.length > 0 || gkePools.length === 0) {
      this.daemonSet = daemonSet('Resource', this.name, otherPools.length > 0 ? otherPools : props.nodePools, false);
      if (gkePools.length > 0) this.daemonSets.push(daemonSet('GkeDaemonSet', `${this.name}-gke`, gkePools, true));
    } else {
      this.daemonSet = daemonSet('Resource', this.name, gkePools, true);
    }
    this.daemonSets.unshift(this.daemonSet);
    this.node.defaultChild = this.daemonSet;

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: meta,
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels,
        ports: [{ name: 'metrics', port: DCGM_EXPORTER_PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
      },
    });

    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta,
      spec: {
        podSelector: { matchLabels: selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE } } }],
          ports: [{ port: k8s.IntOrString.fromNumber(DCGM_EXPORTER_PORT), protocol: 'TCP' }],
        }],
      },
    });

    this.serviceMonitor = new (serviceMonitors().ServiceMonitor)(this, 'ServiceMonitor', {
      metadata: { ...meta, labels: { ...labels, ...props.serviceMonitorLabels } },
      spec: {
        selector: { matchLabels: selectorLabels },
        namespaceSelector: { matchNames: [namespace] },
        endpoints: [{
          port: 'metrics',
          path: '/metrics',
          relabelings: [
            { sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: serviceMonitors().ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE },
            // Drop the exporter's own pod/namespace/container target labels, so a GPU's
            // `namespace` and `pod` are those of the workload holding it (Kubernetes mode), and
            // an idle GPU has none, rather than the exporter's.
            { regex: '(pod|namespace|container)', action: serviceMonitors().ServiceMonitorSpecEndpointsRelabelingsAction.LABELDROP },
          ],
        }],
      },
    });
  }
}
