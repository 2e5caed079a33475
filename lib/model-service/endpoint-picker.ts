import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  ENDPOINT_PICKER_CONFIG, ENDPOINT_PICKER_HEALTH_SERVICE, ENDPOINT_PICKER_IMAGE, ENDPOINT_PICKER_PORTS, ENDPOINT_PICKER_RBAC,
  ENDPOINT_PICKER_RESOURCES, ENDPOINT_PICKER_UID, renderEndpointPickerConfig,
} from './endpoint-picker-config';
import { GatewayImplementation } from './gateway-implementation';
import { EndpointPickerFailureMode, Routing } from './routing';
import { EndpointPickerSupport } from '../engines/driver';
import * as k8s from '../imports/k8s';
import { inferenceObjectives, inferencePools, podMonitors } from '../private/crd-bindings';
import { podImagePullSecrets, resolveImage } from '../private/image-policy';

/** API group of the InferencePool (Gateway API Inference Extension v1, GA). */
export const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';

/** Label on the endpoint picker's pods, naming the service it routes for. */
export const ENDPOINT_PICKER_LABEL = 'modelship.dev/endpoint-picker';

/** Series label naming the InferencePool on the picker's metrics (from its pods' label). */
export const INFERENCE_POOL_SERIES_LABEL = 'inference_pool';
/** Series label carrying the pool's failure mode on the picker's metrics, so alerts know the severity. */
export const FAILURE_MODE_SERIES_LABEL = 'failure_mode';

/** How Prometheus scrapes the picker (the service's scrape options). */
export interface EndpointPickerScrape {
  readonly labels: Record<string, string>;
  readonly interval?: string;
  readonly seriesLabels?: Record<string, string>;
}

/** What an endpoint picker needs from its service. */
export interface EndpointPickerInput {
  /** Name of the InferencePool (the service's name, or its canary's). */
  readonly poolName: string;
  readonly namespace: string;
  /** Labels on every object (the service's). */
  readonly labels: Record<string, string>;
  /**
   * Labels of the picker's pods besides its selector: never the label the model Service and
   * PodMonitor select model pods by.
   */
  readonly podLabels: Record<string, string>;
  /** Labels of the model server pods the pool selects. */
  readonly podSelector: Record<string, string>;
  /** The engine's API port: the pool's target port. */
  readonly targetPort: number;
  readonly metricsPath: string;
  readonly engine: EndpointPickerSupport;
  readonly routing: Routing;
  /** Callers of the ext-proc port: the Gateway's proxies (none without a route). */
  readonly gatewayPeers: readonly k8s.NetworkPolicyPeer[];
  /** The route's Gateway implementation, which may need objects of its own to reach the picker. */
  readonly implementation?: GatewayImplementation;
  /** Namespace of the Prometheus that scrapes the picker. */
  readonly metricsNamespace: string;
  /** Whether to emit a NetworkPolicy for the picker. */
  readonly networkPolicy: boolean;
  /** Served model names of LoRA adapters: one InferenceObjective each. */
  readonly adapterNames: readonly string[];
  /** The construct the plan shows the pool for. */
  readonly service: IConstruct;
  /** Gateway the route attaches to, for the plan (`namespace/name`). */
  readonly gateway?: string;
}

/**
 * An InferencePool over a service's pods and the llm-d endpoint picker (EPP) it consults: the
 * picker's Deployment, Service, ServiceAccount, Role and RoleBinding, plugin ConfigMap,
 * PodDisruptionBudget and NetworkPolicy, and one InferenceObjective per LoRA adapter.
 * Shaped after llm-d/llm-d-router v0.10.0's `routerlib` chart (vendor/reference/llm-d-router/).
 */
export class EndpointPicker extends Construct {
  /** Name of the picker's Deployment, Service, ServiceAccount, Role, ConfigMap. */
  public readonly name: string;
  /** The InferencePool. */
  public readonly pool: ApiObject;
  /** The picker's Deployment. */
  public readonly workload: ApiObject;
  /** The picker's Service (ext-proc and metrics ports). */
  public readonly service: ApiObject;
  /** One per adapter. */
  public readonly objectives: ApiObject[] = [];
  /** Labels of the picker's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** What the Gateway does when the picker is down. */
  public readonly failureMode: EndpointPickerFailureMode;

  private readonly input: EndpointPickerInput;
  private scrapeObject?: ApiObject;

  constructor(scope: Construct, id: string, input: EndpointPickerInput) {
    super(scope, id);
    this.input = input;
    this.name = `${input.poolName}-epp`;
    this.failureMode = input.routing.failureMode;
    const labels = { ...input.labels, 'app.kubernetes.io/component': 'endpoint-picker' };
    // Not the service's label: the model Service selects pods by it.
    this.selectorLabels = { [ENDPOINT_PICKER_LABEL]: input.poolName };
    const epp = input.routing.options.endpointPicker ?? {};

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: this.name, labels } });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: this.name, labels },
      rules: ENDPOINT_PICKER_RBAC.map(r => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.name, labels },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: input.namespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
    });
    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: this.name, labels },
      data: { [ENDPOINT_PICKER_CONFIG.file]: renderEndpointPickerConfig({ weights: input.routing.scorerWeights, engine: input.engine, metricsPath: input.metricsPath }) },
    });

    const cpu = epp.cpu ?? ENDPOINT_PICKER_RESOURCES.cpu;
    const memoryGiB = epp.memoryGiB ?? ENDPOINT_PICKER_RESOURCES.memoryGiB;
    const grpcProbe = { port: ENDPOINT_PICKER_PORTS.health, service: ENDPOINT_PICKER_HEALTH_SERVICE };
    this.workload = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: 1,
        // routerlib `_deployment.yaml`: "the recommended EPP deployment pattern is to have a single
        // active replica" (its prefix-cache index is in memory); Recreate hands over at once.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: { labels: { ...input.podLabels, 'app.kubernetes.io/component': 'endpoint-picker', ...this.selectorLabels } },
          spec: {
            serviceAccountName: this.name,
            imagePullSecrets: podImagePullSecrets(this),
            // It watches pods, its InferencePool and objectives: it needs its API token.
            automountServiceAccountToken: true,
            // routerlib `_deployment.yaml`.
            terminationGracePeriodSeconds: 130,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: ENDPOINT_PICKER_UID,
              runAsGroup: ENDPOINT_PICKER_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [{
              name: 'epp',
              image: resolveImage(this, epp.image ?? ENDPOINT_PICKER_IMAGE, { property: 'routing.endpointPicker.image' }),
              imagePullPolicy: 'IfNotPresent',
              // Flags: `pkg/epp/server/options.go` (v0.10.0) and routerlib `_deployment.yaml`.
              args: [
                '--pool-name', input.poolName,
                '--pool-namespace', input.namespace,
                '--pool-group', INFERENCE_POOL_GROUP,
                '--zap-encoder', 'json',
                '--config-file', `${ENDPOINT_PICKER_CONFIG.mountPath}/${ENDPOINT_PICKER_CONFIG.file}`,
                '--grpc-health-port', String(ENDPOINT_PICKER_PORTS.health),
                // Tracing defaults to on (options.go) and would export to localhost:4317.
                '--tracing=false',
                // Plain /metrics, reachable only from the metrics namespace (NetworkPolicy): no
                // ClusterRole for token and access reviews.
                '--metrics-endpoint-auth=false',
              ],
              ports: [
                { name: 'grpc', containerPort: ENDPOINT_PICKER_PORTS.extProc, protocol: 'TCP' },
                { name: 'grpc-health', containerPort: ENDPOINT_PICKER_PORTS.health, protocol: 'TCP' },
                { name: 'metrics', containerPort: ENDPOINT_PICKER_PORTS.metrics, protocol: 'TCP' },
              ],
              livenessProbe: { grpc: grpcProbe, initialDelaySeconds: 5, periodSeconds: 10 },
              readinessProbe: { grpc: grpcProbe, periodSeconds: 2 },
              env: [
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              resources: {
                requests: { cpu: k8s.Quantity.fromNumber(cpu), memory: k8s.Quantity.fromString(`${memoryGiB}Gi`) },
                limits: { memory: k8s.Quantity.fromString(`${memoryGiB * 2}Gi`) },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'plugins-config', mountPath: ENDPOINT_PICKER_CONFIG.mountPath, readOnly: true }],
            }],
            volumes: [{ name: 'plugins-config', configMap: { name: config.name } }],
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        // routerlib `_service.yaml`.
        ports: [
          { name: 'grpc-ext-proc', port: ENDPOINT_PICKER_PORTS.extProc, targetPort: k8s.IntOrString.fromString('grpc'), protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
          { name: 'http-metrics', port: ENDPOINT_PICKER_PORTS.metrics, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
        ],
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: this.name, labels },
      // Like the model pods: drains proceed. With one replica a drain is a short outage of the
      // picker (FailOpen: routing without scores; FailClose: errors) while it restarts elsewhere.
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
    });

    if (input.networkPolicy) {
      const port = (n: number) => ({ port: k8s.IntOrString.fromNumber(n), protocol: 'TCP' });
      const ingress: k8s.NetworkPolicyIngressRule[] = [];
      // The Gateway's proxies call the picker over ext-proc (and health-check it on the gRPC health port).
      if (input.gatewayPeers.length > 0) ingress.push({ from: [...input.gatewayPeers], ports: [port(ENDPOINT_PICKER_PORTS.extProc), port(ENDPOINT_PICKER_PORTS.health)] });
      ingress.push({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': input.metricsNamespace } } }], ports: [port(ENDPOINT_PICKER_PORTS.metrics)] });
      new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: this.name, labels },
        spec: { podSelector: { matchLabels: this.selectorLabels }, policyTypes: ['Ingress'], ingress },
      });
    }

    input.implementation?._endpointPickerObjects(this, this.name, input.namespace, labels);

    this.pool = new (inferencePools().InferencePool)(this, 'InferencePool', {
      metadata: { name: input.poolName, labels },
      spec: {
        selector: { matchLabels: { ...input.podSelector } },
        targetPorts: [{ number: input.targetPort }],
        endpointPickerRef: {
          name: this.name,
          port: { number: ENDPOINT_PICKER_PORTS.extProc },
          failureMode: this.failureMode === EndpointPickerFailureMode.FAIL_CLOSE
            ? inferencePools().InferencePoolSpecEndpointPickerRefFailureMode.FAIL_CLOSE
            : inferencePools().InferencePoolSpecEndpointPickerRefFailureMode.FAIL_OPEN,
        },
      },
    });

    // InferenceObjective (llm-d.ai/v1alpha2) carries a priority and the pool, nothing else: a
    // request names its objective in the `x-llm-d-inference-objective` header
    // (`pkg/epp/metadata/consts.go`, v0.10.0), and the adapter itself by the request's `model`,
    // which the LoRA-affinity scorer matches against `vllm:lora_requests_info`. Priority 0 is what
    // the picker assumes when unset (CRD `spec.priority`); given so the plan states it.
    for (const adapter of input.adapterNames) {
      this.objectives.push(new (inferenceObjectives().InferenceObjective)(this, `Objective-${adapter}`, {
        metadata: { name: adapter, labels },
        spec: { priority: 0, poolRef: { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name: input.poolName } },
      }));
    }
  }

  /** The PodMonitor of the picker's pods, once scraped. */
  public get podMonitor(): ApiObject | undefined { return this.scrapeObject; }

  /**
   * (Re-)renders the PodMonitor of the picker's pods on its metrics port, plain HTTP
   * (`--metrics-endpoint-auth=false`: no bearer token, the NetworkPolicy admits only the metrics
   * namespace). Every series carries `inference_pool` and `failure_mode`.
   */
  public renderScrape(o: EndpointPickerScrape): ApiObject {
    if (this.scrapeObject) this.node.tryRemoveChild(this.scrapeObject.node.id);
    const replace = podMonitors().PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE;
    this.scrapeObject = new (podMonitors().PodMonitor)(this, 'PodMonitor', {
      metadata: { name: this.name, labels: { ...this.input.labels, 'app.kubernetes.io/component': 'endpoint-picker', ...o.labels } },
      spec: {
        selector: { matchLabels: { ...this.selectorLabels } },
        podMetricsEndpoints: [{
          port: 'metrics',
          path: '/metrics',
          interval: o.interval,
          relabelings: [
            { sourceLabels: ['__meta_kubernetes_pod_label_modelship_dev_endpoint_picker'], targetLabel: INFERENCE_POOL_SERIES_LABEL, action: replace },
            { targetLabel: FAILURE_MODE_SERIES_LABEL, replacement: this.failureMode, action: replace },
            ...Object.keys(o.seriesLabels ?? {}).sort().map(k => ({ targetLabel: k, replacement: o.seriesLabels![k], action: replace })),
          ],
        }],
      },
    });
    return this.scrapeObject;
  }

  /** The pool's name. */
  public get poolName(): string { return this.input.poolName; }
  /** The pool's namespace. */
  public get namespace(): string { return this.input.namespace; }

  /** The HTTPRoute backend that sends to this pool. */
  public get backendRef(): { group: string; kind: string; name: string } {
    return { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name: this.input.poolName };
  }

  /** The pool in PLAN.md and the topology: gateway -> InferencePool -> EPP -> replicas. */
  public describeForPlan(): { kind: string; name: string; summary: string; targets: IConstruct[]; details: { label: string; value: string }[] } {
    const w = this.input.routing.scorerWeights;
    const scorers = Object.entries(w).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
    const gateway = this.input.gateway ? `gateway ${this.input.gateway} -> ` : '';
    return {
      kind: 'inference-pool',
      name: `${this.input.namespace}/${this.input.poolName}`,
      summary: `${gateway}InferencePool ${this.input.poolName} -> EPP ${this.name} -> replicas`,
      targets: [this.input.service],
      details: [
        { label: 'endpoint picker', value: `${this.name} (${this.input.routing.options.endpointPicker?.image ?? ENDPOINT_PICKER_IMAGE}, ${this.input.engine.engineType} metrics)` },
        { label: 'scorers', value: scorers },
        { label: 'failure mode', value: this.failureMode === EndpointPickerFailureMode.FAIL_CLOSE ? 'FailClose (picker down = model down)' : 'FailOpen (picker down = unscored routing)' },
        { label: 'objectives', value: this.input.adapterNames.length > 0 ? this.input.adapterNames.join(', ') : 'none' },
      ],
    };
  }
}
