import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Accelerator } from '../accelerators';
import { ModelshipConstruct } from '../construct-base';
import { EngineMetrics, EngineProfile, selector } from '../engines';
import { ValidationError } from '../errors';
import { ENDPOINT_PICKER_LABEL, EndpointPicker } from './endpoint-picker';
import { GatewayImplementation, GatewayReference } from './gateway-implementation';
import { buildLeaderWorkerSet, GroupTemplates, leaderSelector } from './leader-worker-set';
import { ModelCache, ModelCacheKind } from './model-cache';
import { groupIngressRule, groupWorkloadReference, multiNodeBreakdown } from './multi-node-service';
import { buildPodTemplate } from './pod-template';
import { prometheusAdapterMetricName } from './prometheus-adapter';
import { AUTOSCALING_DEFAULTS, AutoscalerProvider, MODEL_SERVICE_DEFAULTS, ModelServiceProps } from './props';
import { resolveServicePlan, ServicePlan } from './resolve';
import { fractionalSeconds } from '../duration';
import { MODEL_SERVICE_FIELDS } from './prop-shapes';
import { apiPrefixRewrite, normalizePathPrefix } from './route-path';
import { RoutingKind } from './routing';
import { checkRouting } from './routing-check';
import { IGpuConsumer, IGpuNodePool } from '../gpu-node-pool/contract';
import * as k8s from '../imports/k8s';
import { progressDeadlineSeconds } from '../planning/pod-budget';
import { CollectingSink, isDuration, renderDuration } from '../private/api-rules';
import { httpRoutes, podMonitors, scaledObjects } from '../private/crd-bindings';
import { KubeDeploymentWithImageVolumes } from '../private/image-volume-deployment';
import { guardProps } from '../private/prop-guards';
import { gibQuantity } from '../private/quantity-render';
import { collidingRoutes, recordRoute, RouteClaim } from '../private/route-registry';
import { checkSameApp } from '../private/same-app';

/** Longest HPA stabilization window the Kubernetes API accepts (autoscaling/v2). */
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** Label every modelship object carries with the service it belongs to. */
export const SERVICE_LABEL = 'modelship.dev/service';


/** A workload that takes over replica control of a ModelService's Deployment (e.g. an Argo Rollout with `workloadRef`). */
export interface WorkloadReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** One backend of the service's HTTPRoute rule. */
export interface RouteBackend {
  /** Service name (or InferencePool name, with `group` and `kind`). */
  readonly name: string;
  /** Port of a Service backend. @default - none (an InferencePool backend has no port) */
  readonly port?: number;
  /** API group of the backend. @default - core (a Service) */
  readonly group?: string;
  /** Kind of the backend, e.g. `InferencePool`. @default - Service */
  readonly kind?: string;
  /** Share of traffic, relative to the other backends. @default - Gateway API's default (1) */
  readonly weight?: number;
}

/** How Prometheus scrapes a service's pods (its PodMonitor). */
export interface ScrapeOptions {
  /** Labels on the PodMonitor, which Prometheus selects PodMonitors by. */
  readonly labels: Record<string, string>;
  /** Scrape interval (Prometheus duration, e.g. `30s`). @default - Prometheus' global interval */
  readonly interval?: string;
  /** Labels written on every scraped series (e.g. the monitoring stack's label). @default - none */
  readonly seriesLabels?: Record<string, string>;
}

/**
 * Labels Prometheus selects a service's PodMonitor by when no MonitoringStack configures it
 * (kube-prometheus-stack selects PodMonitors labelled with its release by default).
 */
export const DEFAULT_SCRAPE_LABELS: Readonly<Record<string, string>> = { release: 'kube-prometheus-stack' };

/** Series label carrying an Argo Rollouts pod's template hash, which tells canary from stable pods. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts_pod_template_hash';

/** One port of the service's Kubernetes Service. */
export interface ServicePortSpec {
  /** Port name (`http`, `grpc`, `metrics`), also the container port it targets. */
  readonly name: string;
  readonly port: number;
}

/** Which construct changed a seam of a ModelService, so a second, conflicting change is named. */
interface SeamClaim<T> {
  readonly value: T;
  readonly by: string;
}

/**
 * One model behind one endpoint: a Deployment of model server pods planned from the model's
 * memory needs, with its Service, ServiceAccount, PodDisruptionBudget, NetworkPolicy,
 * autoscaler, model cache and (optionally) a Gateway API route.
 *
 * The Deployment is `node.defaultChild`, so `ApiObject.of(service)` reaches it for patches.
 */
export class ModelService extends ModelshipConstruct implements IGpuConsumer {
  /** Name of the Deployment, Service and ServiceAccount: stable across versions. */
  public readonly name: string;
  /** Namespace of the chart, or `default`. */
  public readonly namespace: string;
  /** What was decided: GPUs, replicas, budgets, and why. */
  public readonly plan: ServicePlan;
  /** The pool the service runs on, if any. */
  public readonly nodePool?: IGpuNodePool;
  /** Labels that select this service's model server pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The workload (Deployment). */
  public readonly workload: ApiObject;
  /** The Service in front of the pods. */
  public readonly service: ApiObject;
  /** The PersistentVolumeClaim of a shared model cache, if any. */
  public readonly cacheClaim?: ApiObject;
  /** The autoscaler (KEDA ScaledObject or HorizontalPodAutoscaler), if autoscaling is on. */
  public readonly autoscaler?: ApiObject;
  /** The HTTPRoute, if a route was asked for. */
  public readonly route?: ApiObject;
  /** The NetworkPolicy, unless disabled. */
  public readonly networkPolicy?: ApiObject;
  /** The InferencePool and its endpoint picker, with `routing: Routing.inferencePool()`. */
  public readonly endpointPicker?: EndpointPicker;

  private readonly props: ModelServiceProps;
  /** The pod template this service renders for itself. */
  private readonly ownTemplate: k8s.PodTemplateSpec;
  private readonly ports: ServicePortSpec[];
  private servedTemplate?: SeamClaim<k8s.PodTemplateSpec>;
  private servedGroup?: SeamClaim<GroupTemplates>;
  private scalingTarget?: SeamClaim<WorkloadReference>;
  private replicaCap?: SeamClaim<number>;
  private routeBackends?: SeamClaim<RouteBackend[]>;
  private networkPolicyRules?: Omit<k8s.NetworkPolicySpec, 'podSelector'>;
  private scrapeObject?: ApiObject;
  private scrapeConfig?: SeamClaim<ScrapeOptions>;
  /** Endpoint pickers over this service's pods (its own pool's, and a canary's), scraped like the pods. */
  private readonly pickers: EndpointPicker[] = [];

  constructor(scope: Construct, id: string, props: ModelServiceProps) {
    super(scope, id);
    // JavaScript and config-driven callers: wrong types end here, as a ValidationError.
    if (!guardProps(this._problems, props, MODEL_SERVICE_FIELDS, '{ model: Model.huggingFace("meta-llama/Llama-3.1-8B-Instruct"), accelerator: Accelerator.NVIDIA_L4 }')) this._problems.throwIfAny();
    this.props = props;
    this.name = props.name ?? id;
    this.nodePool = props.nodePool;
    if (props.nodePool) checkSameApp(this._problems, 'nodePool', this, props.nodePool);
    const plan = resolveServicePlan(this._problems, this.name, props, props.nodePool);
    this.namespace = Chart.of(this).namespace ?? 'default';
    // Every object of a service is named after it: one name per namespace.
    this._claimName('ModelService', `${this.namespace}/${this.name}`, namesake => ({
      property: 'name',
      value: this.name,
      reason: `the service ${namesake.node.path} has the same name in namespace ${this.namespace}, so both would emit a Deployment, Service and ServiceAccount named ${this.name}`,
      fix: 'give each service its own name (or id)',
    }));
    const routeClaim = plan && props.route ? this.routeClaim(props, plan) : undefined;
    for (const other of routeClaim ? collidingRoutes(this, routeClaim) : []) {
      this._problems.add('route.pathPrefix', routeClaim!.pathPrefix,
        `the service ${other.owner.node.path} already routes ${routeClaim!.pathPrefix} on Gateway ${routeClaim!.gateway} for ${describeHostnames(routeClaim!.hostnames)}: both HTTPRoutes would be accepted and the Gateway would send every such request to one of them (the older), leaving the other unreachable`,
        'give each service its own pathPrefix (e.g. "/<model>/v1", rewritten to the engine\'s prefix) or its own hostnames');
    }
    // The engine is known without a plan (a plan may fail on other props): all problems at once.
    const runtime = plan?.runtime ?? props.runtime;
    if (runtime) checkRouting(this._problems, props.routing, runtime, plan?.lora?.adapters.map(a => a.name) ?? []);
    this._validate();
    this.plan = plan!;
    if (routeClaim) recordRoute({ ...routeClaim, owner: this });

    this.selectorLabels = { [SERVICE_LABEL]: this.name };
    const labels = this.objectLabels();

    const saAnnotations = props.serviceAccountAnnotations ?? {};
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: this.name,
        labels,
        // Cloud identity (IRSA, GKE Workload Identity) is bound to the ServiceAccount by annotation.
        annotations: Object.keys(saAnnotations).length > 0 ? sortedRecord(saAnnotations) : undefined,
      },
      // The model server never talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });

    const cache = this.cache;
    if (cache.kind === ModelCacheKind.SHARED) {
      this.cacheClaim = new k8s.KubePersistentVolumeClaim(this, 'ModelCache', {
        metadata: {
          name: `${this.name}-model-cache`,
          labels,
          annotations: { 'modelship.dev/purpose': 'model-cache' },
        },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: cache.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(gibQuantity(cache.sizeGiB ?? this.plan.cacheSizeGiB)) } },
        },
      });
    }

    this.ownTemplate = this.renderPodTemplate(this.plan, props, this.selectorLabels);

    const autoscaled = props.autoscaling !== undefined;
    // A replica bigger than one node: a LeaderWorkerSet of groups (leader-worker-set.ts).
    const own = this.plan.multiNode ? this.renderGroupTemplates(this.plan, props, this.selectorLabels) : undefined;
    this.workload = own ? buildLeaderWorkerSet(this, 'Resource', {
      name: this.name,
      labels,
      plan: this.plan,
      replicas: () => this.deploymentReplicas(autoscaled),
      templates: () => this.servedGroup?.value ?? own,
    }) : new KubeDeploymentWithImageVolumes(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        // With an autoscaler, the replica count is its to set: leaving it out keeps
        // `kubectl apply` and GitOps from resetting it on every sync.
        // Produced at synth: a canary may hand the count to a Rollout or cap it (the seams below).
        replicas: Lazy.any({ produce: () => this.deploymentReplicas(autoscaled) }),
        selector: { matchLabels: this.selectorLabels },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromNumber(this.plan.maxSurge),
            maxUnavailable: k8s.IntOrString.fromNumber(this.plan.maxSurge === 0 ? 1 : 0),
          },
        },
        // A rollout is stuck only after a new pod has used its whole startup budget.
        progressDeadlineSeconds: progressDeadlineSeconds(this.plan.startupBudgetSeconds),
        revisionHistoryLimit: 5,
        template: Lazy.any({ produce: () => this.servedTemplate?.value ?? this.ownTemplate }),
      },
    });
    this.node.defaultChild = this.workload;

    const profile = this.plan.runtime.profile;
    this.ports = [{ name: 'http', port: profile.httpPort }];
    if (profile.grpcPort !== undefined) this.ports.push({ name: 'grpc', port: profile.grpcPort });
    if (profile.metricsPort !== profile.httpPort) this.ports.push({ name: 'metrics', port: profile.metricsPort });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      // A multi-node service's API is its leaders'.
      spec: { type: 'ClusterIP', selector: this.plan.multiNode ? leaderSelector(this.selectorLabels) : this.selectorLabels, ports: this.renderServicePorts() },
    });

    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: this.name, labels },
      spec: {
        // One replica at a time: node drains proceed, capacity never drops by more than one.
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: this.selectorLabels },
      },
    });

    this.networkPolicy = this.addNetworkPolicy(labels);
    this.autoscaler = this.addAutoscaler(labels);
    // The autoscaler's query reads the engine's queue gauge: the pods must be scraped.
    if (this.autoscaler) this.renderScrape();
    this.endpointPicker = this.addEndpointPicker(labels);
    this.route = this.addRoute(labels);

    props.nodePool?.registerConsumer(this);
  }

  /** Runtime profile: image, ports, health paths and metric names. */
  public get engine(): EngineProfile { return this.plan.runtime.profile; }
  /** Metric names of this service's engine version. */
  public get metrics(): EngineMetrics { return this.plan.runtime.metrics; }
  /** GPU model of the replicas. */
  public get accelerator(): Accelerator { return this.plan.accelerator; }
  /** In-cluster URL of the HTTP API. */
  public get url(): string {
    return `http://${this.name}.${this.namespace}.svc.cluster.local:${this.engine.httpPort}`;
  }
  /** Labels for PromQL selectors of this service's metrics (as a ServiceMonitor attaches them). */
  public get metricSelector(): Record<string, string> {
    return { namespace: this.namespace, service: this.name };
  }
  /** Served model names of the LoRA adapters, in declaration order (empty without adapters). */
  public get adapterNames(): readonly string[] { return this.plan.lora?.adapters.map(a => a.name) ?? []; }
  /** Whether requests reach the replicas through an InferencePool and its endpoint picker. */
  public get routedByInferencePool(): boolean { return this.props.routing?.kind === RoutingKind.INFERENCE_POOL; }
  /** The props the service was created with, for constructs that derive a variant (canaries). */
  public get definition(): ModelServiceProps { return this.props; }

  // IGpuConsumer
  public get consumerName(): string { return this.name; }
  public get gpusAtMin(): number { return this.plan.minReplicas * this.plan.gpusPerReplica; }
  public get gpusAtPeak(): number { return (this.plan.maxReplicas + this.plan.maxSurge) * this.plan.gpusPerReplica; }
  public get peakBreakdown(): string {
    const surge = this.plan.maxSurge > 0 ? ` + surge ${this.plan.maxSurge} x ${this.plan.gpusPerReplica}` : '';
    return `${this.plan.maxReplicas} replicas x ${this.plan.gpusPerReplica} GPUs${multiNodeBreakdown(this.plan)}${surge}`;
  }
  public get requiresStableCapacity(): boolean { return this.props.requireStableCapacity ?? false; }
  public get gpusAtMax(): number { return this.plan.maxReplicas * this.plan.gpusPerReplica; }
  public get nodeCacheGiB(): number {
    // Only an emptyDir cache lives on the node's disk; volumes are provisioned apart from it.
    const cache = this.cache;
    return cache.kind === ModelCacheKind.EMPTY_DIR ? cache.sizeGiB ?? this.plan.cacheSizeGiB : 0;
  }

  /** The model cache: the one given, or the default (`ModelCache.emptyDir()`). */
  public get cache(): ModelCache { return this.props.cache ?? MODEL_SERVICE_DEFAULTS.cache(); }

  /** Ports of the Service in front of the pods (`http`, and `grpc`/`metrics` where the engine has them). */
  public get servicePorts(): readonly ServicePortSpec[] { return this.ports; }

  /** The pod template this service renders for itself (before any canary serves another). */
  public get podTemplate(): k8s.PodTemplateSpec { return this.ownTemplate; }

  /**
   * Renders the pod template of a variant of this service (a canary candidate): another plan and
   * props, with this service's ServiceAccount, scheduling, cache claim and labels. Rendering the
   * service's own plan and props gives exactly its own template.
   */
  public renderPodTemplate(plan: ServicePlan, variant: ModelServiceProps, selectorLabels: Record<string, string>): k8s.PodTemplateSpec {
    return buildPodTemplate(this.podTemplateInput(plan, variant, selectorLabels));
  }

  private podTemplateInput(plan: ServicePlan, variant: ModelServiceProps, selectorLabels: Record<string, string>) {
    return ({
      plan,
      labels: { ...this.objectLabels(), ...selectorLabels, 'app.kubernetes.io/version': plan.runtime.version },
      serviceAccountName: this.name,
      nodeSelector: this.nodeSelector(),
      tolerations: this.tolerations(),
      cache: variant.cache ?? MODEL_SERVICE_DEFAULTS.cache(),
      sharedCacheClaim: this.cacheClaim?.name,
      env: variant.env,
      secretEnv: variant.secretEnv,
      spreadSelector: selectorLabels,
      scope: this,
      imageProperty: variant === this.props ? 'runtime.image' : 'runtime.image (a variant of this service, e.g. a canary candidate)',
    });
  }

  /**
   * Renders the leader and worker pod templates of a multi-node variant (one LeaderWorkerSet group
   * per replica) with the same builder as `renderPodTemplate`.
   */
  public renderGroupTemplates(plan: ServicePlan, variant: ModelServiceProps, selectorLabels: Record<string, string>): GroupTemplates {
    const base = { ...this.podTemplateInput(plan, variant, selectorLabels) };
    return { leader: buildPodTemplate({ ...base, groupRole: 'leader' }), worker: buildPodTemplate({ ...base, groupRole: 'worker' }) };
  }

  /**
   * Serves other group templates from this multi-node service's LeaderWorkerSet (a gateway-weights
   * canary promoting its candidate). A second construct asking is a ValidationError.
   */
  public serveGroupTemplates(templates: GroupTemplates, by: IConstruct): void {
    this.servedGroup = this.claim('serveGroupTemplates', this.servedGroup, templates, by);
  }

  /**
   * Serves another pod template from this service's Deployment (Argo Rollouts reads the desired
   * template from the Deployment it references). User patches on the Deployment still apply on top.
   * A second construct asking for another template is a ValidationError.
   */
  public serveTemplate(template: k8s.PodTemplateSpec, by: IConstruct): void {
    this.servedTemplate = this.claim('serveTemplate', this.servedTemplate, template, by);
  }

  /**
   * Hands replica control to a workload that adopts the Deployment (an Argo Rollout's
   * `workloadRef`): the Deployment stops setting replicas, and the autoscaler, if any, targets it.
   */
  public handScalingTo(target: WorkloadReference, by: IConstruct): void {
    for (const [field, value] of Object.entries(target)) {
      if (typeof value !== 'string' || value.length === 0) {
        throw new ValidationError([{ path: by.node.path, property: `handScalingTo.${field}`, value: String(value), reason: 'a workload reference needs apiVersion, kind and name', fix: 'give all three, e.g. { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name }' }]);
      }
    }
    this.scalingTarget = this.claim('handScalingTo', this.scalingTarget, { ...target }, by);
  }

  /**
   * Holds the service at most at `replicas` (a canary keeping the stable at its share): the
   * autoscaler's ceiling (and floor, when above), or the Deployment's replicas.
   */
  public capReplicas(replicas: number, by: IConstruct): void {
    if (!(Number.isInteger(replicas) && replicas >= 1 && replicas <= this.plan.maxReplicas)) {
      throw new ValidationError([{ path: by.node.path, property: 'capReplicas', value: String(replicas), reason: `a cap on ${this.name} must be a whole number from 1 to its ${this.plan.maxReplicas} replicas`, fix: `cap at 1 to ${this.plan.maxReplicas} replicas` }]);
    }
    this.replicaCap = this.claim('capReplicas', this.replicaCap, replicas, by);
  }

  /** Sets the backends of the route's rule (weighted stable and canary Services). Needs a route. */
  public setRouteBackends(backends: readonly RouteBackend[], by: IConstruct): void {
    if (!this.route) {
      throw new ValidationError([{ path: by.node.path, property: 'setRouteBackends', value: this.name, reason: `${this.name} has no route`, fix: 'give the ModelService a route, or emit your own HTTPRoute' }]);
    }
    this.routeBackends = this.claim('setRouteBackends', this.routeBackends, backends.map(b => ({ ...b })), by);
  }

  /**
   * The PodMonitor that scrapes this service's pods, when anything reads their metrics: its
   * autoscaler, a canary's analysis, or a MonitoringStack. Pods are scraped directly, so each pod is
   * scraped exactly once whatever Services select it (the canary Service of Argo Rollouts selects the
   * same pods at rest), and every series carries `service` (the pod's `modelship.dev/service`
   * label: `<name>`, or `<name>-canary` for a gateway-weights candidate) and, under Argo Rollouts,
   * `rollouts_pod_template_hash` (stable vs canary).
   */
  public get scrapeMonitor(): ApiObject | undefined { return this.scrapeObject; }

  /** Makes sure the pods are scraped (a canary's analysis reads their metrics). */
  public requireScrape(): ApiObject {
    return this.scrapeObject ?? this.renderScrape();
  }

  /**
   * Sets how the pods are scraped (labels Prometheus selects by, interval, labels on every series):
   * the MonitoringStack watching the service does. A second construct configuring it is a
   * ValidationError (two stacks would scrape every pod twice).
   */
  public configureScrape(options: ScrapeOptions, by: IConstruct): ApiObject {
    this.scrapeConfig = this.claim('configureScrape', this.scrapeConfig, { ...options }, by);
    return this.renderScrape();
  }

  /** The ingress rules of the service's NetworkPolicy, if it has one (a canary's pods get the same). */
  public networkPolicySpec(podSelector: Record<string, string>): k8s.NetworkPolicySpec | undefined {
    const spec = this.networkPolicyRules;
    if (spec && this.plan.multiNode) {
      // The pods of a group talk to each other on every port (Ray, NCCL bootstrap, SGLang's rendezvous).
      return { ...spec, ingress: [...spec.ingress!, groupIngressRule(podSelector)], podSelector: { matchLabels: podSelector } };
    }
    return spec ? { ...spec, podSelector: { matchLabels: podSelector } } : undefined;
  }

  private renderScrape(): ApiObject {
    // The service owns its PodMonitor: re-rendered with the configuration a stack gives.
    if (this.scrapeObject) this.node.tryRemoveChild(this.scrapeObject.node.id);
    const o = this.scrapeConfig?.value ?? { labels: { ...DEFAULT_SCRAPE_LABELS } };
    // The endpoint pickers are scraped the same way.
    for (const picker of this.pickers) picker.renderScrape(o);
    const profile = this.engine;
    const replace = podMonitors().PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE;
    this.scrapeObject = new (podMonitors().PodMonitor)(this, 'PodMonitor', {
      metadata: { name: this.name, labels: { ...this.objectLabels(), ...o.labels } },
      spec: {
        // Stable and Argo canary pods carry `<name>`; a gateway-weights candidate `<name>-canary`.
        selector: { matchExpressions: [{ key: SERVICE_LABEL, operator: 'In', values: [this.name, `${this.name}-canary`] }] },
        // No namespaceSelector: a PodMonitor selects pods in its own namespace, the service's.
        podMetricsEndpoints: [{
          port: profile.metricsPort === profile.httpPort ? 'http' : 'metrics',
          path: profile.metricsPath,
          interval: o.interval,
          relabelings: [
            // Pod labels reach relabeling as __meta_kubernetes_pod_label_<name>, unsupported
            // characters as `_` (prometheus docs, kubernetes_sd_config, role pod).
            { sourceLabels: ['__meta_kubernetes_pod_label_modelship_dev_service'], targetLabel: 'service', action: replace },
            // Set by Argo Rollouts on the pods it manages; empty (so absent) elsewhere.
            { sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: POD_TEMPLATE_HASH_LABEL, action: replace },
            ...Object.keys(o.seriesLabels ?? {}).sort().map(k => ({ targetLabel: k, replacement: o.seriesLabels![k], action: replace })),
          ],
        }],
      },
    });
    return this.scrapeObject;
  }

  private claim<T>(seam: string, current: SeamClaim<T> | undefined, value: T, by: IConstruct): SeamClaim<T> {
    if (current && current.by !== by.node.path) {
      throw new ValidationError([{
        path: by.node.path,
        property: seam,
        value: this.name,
        reason: `${current.by} already did ${seam} on ${this.name}; two constructs would fight over the same objects`,
        fix: `let one construct change ${this.name} (e.g. one CanaryRollout per service)`,
      }]);
    }
    return { value, by: by.node.path };
  }

  private deploymentReplicas(autoscaled: boolean): number | undefined {
    // With an autoscaler (or a Rollout adopting the Deployment) the count is theirs to set: leaving
    // it out keeps `kubectl apply` and GitOps from resetting it on every sync.
    if (this.scalingTarget || autoscaled) return undefined;
    return this.replicaCap?.value ?? this.plan.minReplicas;
  }

  private scaleTargetRef(): WorkloadReference {
    return this.scalingTarget?.value ?? (this.plan.multiNode ? groupWorkloadReference(this.workload.name) : { apiVersion: 'apps/v1', kind: 'Deployment', name: this.workload.name });
  }

  private autoscalerBounds(): { min: number; max: number } {
    const cap = this.replicaCap?.value;
    if (cap === undefined) return { min: this.plan.minReplicas, max: this.plan.maxReplicas };
    return { min: Math.min(this.plan.minReplicas, cap), max: cap };
  }

  private renderServicePorts(): k8s.ServicePort[] {
    return this.ports.map(p => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' }));
  }

  /** Labels on every object of this service. */
  public objectLabels(): Record<string, string> {
    return {
      ...(this.props.labels ?? {}),
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/component': 'model-server',
      'app.kubernetes.io/managed-by': 'modelship',
      [SERVICE_LABEL]: this.name,
    };
  }

  /** Node labels the pods select. */
  public nodeSelector(): Record<string, string> {
    if (this.nodePool) return { ...this.nodePool.nodeSelector };
    const product = this.plan.accelerator.spec.gpuFeatureDiscoveryProduct;
    // Without a pool, GPU Feature Discovery's product label keeps a replica off other GPU models.
    return product ? { 'nvidia.com/gpu.product': product } : {};
  }

  /** Tolerations the pods carry. */
  public tolerations(): k8s.Toleration[] {
    if (this.nodePool) return [...this.nodePool.tolerations];
    return [{ key: this.plan.accelerator.taintKey, operator: 'Exists', effect: 'NoSchedule' }];
  }

  private addNetworkPolicy(labels: Record<string, string>): ApiObject | undefined {
    const net = this.props.network ?? {};
    if (net.disabled) return undefined;
    const profile = this.engine;
    const apiPorts: k8s.NetworkPolicyPort[] = [{ port: k8s.IntOrString.fromNumber(profile.httpPort), protocol: 'TCP' }];
    if (profile.grpcPort !== undefined) apiPorts.push({ port: k8s.IntOrString.fromNumber(profile.grpcPort), protocol: 'TCP' });

    const callers: k8s.NetworkPolicyPeer[] = [];
    if (net.allowPods && net.allowPods.length > 0) {
      for (const matchLabels of net.allowPods) callers.push({ podSelector: { matchLabels } });
    } else {
      callers.push({ podSelector: {} });
    }
    for (const ns of [...(net.allowNamespaces ?? [])].sort()) {
      callers.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
    }
    if (this.props.route) {
      // The Gateway's proxies: where they run depends on the implementation.
      const implementation = this.props.route.implementation ?? GatewayImplementation.istio();
      callers.push(...implementation._networkPolicyPeers(this.gatewayReference()));
    }
    const metricsNs = net.metricsNamespace ?? 'monitoring';
    this.networkPolicyRules = {
      policyTypes: ['Ingress'],
      ingress: [
        { from: callers, ports: apiPorts },
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': metricsNs } } },
            // The endpoint pickers of the service's pools (its own and a canary's) scrape the engine's metrics.
            ...(this.routedByInferencePool ? [{ podSelector: { matchExpressions: [{ key: ENDPOINT_PICKER_LABEL, operator: 'In', values: [this.name, `${this.name}-canary`] }] } }] : []),
          ],
          ports: [{ port: k8s.IntOrString.fromNumber(profile.metricsPort), protocol: 'TCP' }],
        },
      ],
    };
    return new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: this.networkPolicySpec(this.selectorLabels)!,
    });
  }

  /** The Gateway the route attaches to. */
  private gatewayReference(): GatewayReference {
    const r = this.props.route!;
    return { name: r.gatewayName, namespace: r.gatewayNamespace ?? this.namespace };
  }

  /** What the route claims on its Gateway: path and hostnames. */
  private routeClaim(props: ModelServiceProps, plan: ServicePlan): Omit<RouteClaim, 'owner'> {
    const r = props.route!;
    return {
      gateway: `${r.gatewayNamespace ?? this.namespace}/${r.gatewayName}`,
      hostnames: [...(r.hostnames ?? [])],
      pathPrefix: normalizePathPrefix(r.pathPrefix ?? plan.runtime.profile.apiPathPrefix),
    };
  }

  private addAutoscaler(labels: Record<string, string>): ApiObject | undefined {
    const a = this.props.autoscaling;
    if (!a) return undefined;
    const queueMetric = this.metrics.queueDepth!;
    const perReplica = a.queueDepthPerReplica ?? AUTOSCALING_DEFAULTS.queueDepthPerReplica;
    // A replica still loading its model must not be scaled away: wait at least its startup budget.
    // Kubernetes caps the window at one hour; a startup budget beyond that is still covered by
    // scale-down going one pod per 5 minutes.
    const stabilization = Math.min(MAX_STABILIZATION_WINDOW_SECONDS, Math.max(
      // Whole seconds, rounded up (the window is an integer); toSeconds() throws on a fraction.
      a.scaleDownStabilization ? Math.ceil(fractionalSeconds(a.scaleDownStabilization)) : AUTOSCALING_DEFAULTS.minScaleDownStabilizationSeconds,
      this.plan.startupBudgetSeconds,
    ));
    const behavior = {
      scaleDown: { stabilizationWindowSeconds: stabilization, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
      scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
    };
    if ((a.provider ?? AutoscalerProvider.KEDA) === AutoscalerProvider.KEDA) {
      const query = `sum(${selector(queueMetric, this.metricSelector)})`;
      return new (scaledObjects().ScaledObject)(this, 'Autoscaler', {
        metadata: { name: this.name, labels },
        spec: {
          scaleTargetRef: Lazy.any({ produce: () => this.scaleTargetRef() }),
          minReplicaCount: Lazy.any({ produce: () => this.autoscalerBounds().min }),
          maxReplicaCount: Lazy.any({ produce: () => this.autoscalerBounds().max }),
          pollingInterval: AUTOSCALING_DEFAULTS.pollingIntervalSeconds,
          cooldownPeriod: stabilization,
          advanced: { horizontalPodAutoscalerConfig: { behavior } },
          triggers: [{
            type: 'prometheus',
            name: 'queue-depth',
            // AverageValue: KEDA divides the summed queue by the replica count.
            metricType: 'AverageValue',
            metadata: {
              serverAddress: a.prometheusUrl ?? AUTOSCALING_DEFAULTS.prometheusUrl,
              query,
              threshold: String(perReplica),
              ignoreNullValues: 'false',
            },
          }],
        },
      });
    } else {
      // Served by prometheus-adapter under this name with the rule of prometheusAdapterRule() (docs/autoscaling.md).
      return new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: { name: this.name, labels },
        spec: {
          scaleTargetRef: Lazy.any({ produce: () => this.scaleTargetRef() }),
          minReplicas: Lazy.any({ produce: () => this.autoscalerBounds().min }),
          maxReplicas: Lazy.any({ produce: () => this.autoscalerBounds().max }),
          metrics: [{
            type: 'Pods',
            pods: {
              metric: { name: prometheusAdapterMetricName(queueMetric) },
              target: { type: 'AverageValue', averageValue: k8s.Quantity.fromNumber(perReplica) },
            },
          }],
          behavior,
        },
      });
    }
  }

  /**
   * The Gateway's proxies for this service's route, as NetworkPolicy peers (none without a route).
   * A canary's endpoint picker admits the same callers.
   */
  public gatewayPeers(): k8s.NetworkPolicyPeer[] {
    if (!this.props.route) return [];
    const implementation = this.props.route.implementation ?? GatewayImplementation.istio();
    return implementation._networkPolicyPeers(this.gatewayReference());
  }

  /**
   * An InferencePool with its endpoint picker over pods with `podSelector` (the service's own, or
   * a canary's), named `poolName`; `scope` owns the objects.
   */
  public renderEndpointPicker(scope: Construct, id: string, poolName: string, podSelector: Record<string, string>, labels: Record<string, string>,
    options: { objectives?: boolean } = {}): EndpointPicker {
    const r = this.props.route;
    const picker = new EndpointPicker(scope, id, {
      poolName,
      namespace: this.namespace,
      labels,
      // The model Service and PodMonitor select pods by SERVICE_LABEL: the picker's pods must not carry it.
      podLabels: Object.fromEntries(Object.entries(labels).filter(([k]) => k !== SERVICE_LABEL)),
      podSelector,
      targetPort: this.engine.httpPort,
      metricsPath: this.engine.metricsPath,
      engine: this.plan.runtime.capabilities.endpointPicker!,
      routing: this.props.routing!,
      // Without a route (a Gateway configured elsewhere), the service's own callers.
      gatewayPeers: r ? this.gatewayPeers() : [...(this.networkPolicyRules?.ingress?.[0]?.from ?? [])],
      implementation: r ? r.implementation ?? GatewayImplementation.istio() : undefined,
      metricsNamespace: this.props.network?.metricsNamespace ?? 'monitoring',
      networkPolicy: !this.props.network?.disabled,
      // Objectives are named after the adapters: only the service's own pool has them (a canary's
      // pool would claim the same names; its requests get the picker's unset priority, 0, the same).
      adapterNames: options.objectives === false ? [] : this.adapterNames,
      service: this,
      gateway: r ? `${r.gatewayNamespace ?? this.namespace}/${r.gatewayName}` : undefined,
    });
    // Its up series is what tells a down picker (with FailClose, a down model); a stack that
    // configures the service's scrape later re-renders it.
    picker.renderScrape(this.scrapeConfig?.value ?? { labels: { ...DEFAULT_SCRAPE_LABELS } });
    this.pickers.push(picker);
    return picker;
  }

  /** Every endpoint picker over this service's pods: its own pool's, then a canary's. */
  public get endpointPickers(): readonly EndpointPicker[] { return this.pickers; }

  private addEndpointPicker(labels: Record<string, string>): EndpointPicker | undefined {
    if (!this.routedByInferencePool) return undefined;
    return this.renderEndpointPicker(this, 'EndpointPicker', this.name, this.selectorLabels, labels);
  }

  private addRoute(labels: Record<string, string>): ApiObject | undefined {
    const r = this.props.route;
    if (!r) return undefined;
    const timeout = gatewayDuration(r.requestTimeout ?? MODEL_SERVICE_DEFAULTS.requestTimeout);
    const pathPrefix = r.pathPrefix ?? this.engine.apiPathPrefix;
    // A public prefix the engine does not serve is rewritten to the engine's; the rule keeps
    // exactly one PathPrefix match, which the CRD requires of ReplacePrefixMatch.
    const rewriteTo = apiPrefixRewrite(pathPrefix, this.engine.apiPathPrefix);
    return new (httpRoutes().HttpRoute)(this, 'Route', {
      metadata: { name: this.name, labels },
      spec: {
        parentRefs: [{ name: r.gatewayName, namespace: r.gatewayNamespace }],
        hostnames: r.hostnames,
        rules: [{
          matches: [{ path: { type: httpRoutes().HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: pathPrefix } }],
          filters: rewriteTo === undefined ? undefined : [{
            type: httpRoutes().HttpRouteSpecRulesFiltersType.URL_REWRITE,
            urlRewrite: { path: { type: httpRoutes().HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: rewriteTo } },
          }],
          backendRefs: Lazy.any({ produce: () => this.routeBackends?.value ?? [this.endpointPicker?.backendRef ?? { name: this.service.name, port: this.engine.httpPort }] }),
          timeouts: { request: timeout, backendRequest: timeout },
        }],
      },
    });
  }
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(r).sort().map(k => [k, r[k]]));
}

function describeHostnames(hostnames: readonly string[]): string {
  return hostnames.length === 0 ? 'every hostname' : hostnames.join(', ');
}

/**
 * A Gateway API duration (GEP-2257: up to four `<1-5 digits><h|m|s|ms>` parts): `600s`, `250ms`, `30h`.
 * Not `toSeconds()`: it throws on sub-second durations. Beyond 99999 of a unit the parts are carried
 * into the smaller ones (`renderDuration`); the duration was checked (whole milliseconds, at most
 * 99999h99999m99999s99999ms) in resolve.
 */
function gatewayDuration(d: Duration): string {
  let ms = Math.round(d.toMilliseconds({ integral: false }));
  if (ms % 1000 === 0 && ms / 1000 <= 99999) return `${ms / 1000}s`;
  if (ms <= 99999) return `${ms}ms`;
  const parts: string[] = [];
  const total = ms;
  for (const [size, unit] of [[3_600_000, 'h'], [60_000, 'm'], [1000, 's'], [1, 'ms']] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n}${unit}`);
    ms -= n * size;
  }
  const text = parts.join('');
  return isDuration(text, 'gateway') ? text : renderDuration(new CollectingSink(), 'requestTimeout', total, 'gateway') ?? text;
}
