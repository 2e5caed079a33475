import { ApiObject, Chart, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator } from '../accelerators';
import { EngineMetrics, EngineProfile, selector } from '../engines';
import { Problems } from '../errors';
import { attachPlanWriter } from '../report/plan-writer';
import { IGpuConsumer, IGpuNodePool } from '../gpu-node-pool/contract';
import { HttpRoute } from '../imports/httproutes-gateway.networking.k8s.io';
import { ScaledObject } from '../imports/scaledobjects-keda.sh';
import { ModelCache, ModelCacheKind } from './model-cache';
import { buildPodTemplate } from './pod-template';
import { prometheusAdapterMetricName } from './prometheus-adapter';
import { AUTOSCALING_DEFAULTS, AutoscalerProvider, ModelServiceProps } from './props';
import { resolveServicePlan, ServicePlan } from './resolve';
import { fractionalSeconds } from '../duration';
import { nameHolder, takeName } from '../name-registry';

/** Longest HPA stabilization window the Kubernetes API accepts (autoscaling/v2). */
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** Label every modelship object carries with the service it belongs to. */
export const SERVICE_LABEL = 'modelship.dev/service';


/**
 * One model behind one endpoint: a Deployment of model server pods planned from the model's
 * memory needs, with its Service, ServiceAccount, PodDisruptionBudget, NetworkPolicy,
 * autoscaler, model cache and (optionally) a Gateway API route.
 *
 * The Deployment is `node.defaultChild`, so `ApiObject.of(service)` reaches it for patches.
 */
export class ModelService extends Construct implements IGpuConsumer {
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

  private readonly props: ModelServiceProps;

  constructor(scope: Construct, id: string, props: ModelServiceProps) {
    super(scope, id);
    attachPlanWriter(this);
    this.props = props;
    const problems = new Problems(this.node.path);
    this.name = props.name ?? id;
    this.nodePool = props.nodePool;
    const plan = resolveServicePlan(problems, this.name, props, props.nodePool);
    this.namespace = Chart.of(this).namespace ?? 'default';
    // Every object of a service is named after it: one name per namespace.
    const namesake = nameHolder(this, 'ModelService', `${this.namespace}/${this.name}`);
    if (namesake) {
      problems.add('name', this.name, `the service ${namesake.node.path} has the same name in namespace ${this.namespace}, so both would emit a Deployment, Service and ServiceAccount named ${this.name}`,
        'give each service its own name (or id)');
    }
    problems.throwIfAny();
    takeName(this, 'ModelService', `${this.namespace}/${this.name}`);
    this.plan = plan!;

    this.selectorLabels = { [SERVICE_LABEL]: this.name };
    const labels = this.objectLabels();

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels },
      // The model server never talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });

    const cache = props.cache ?? ModelCache.emptyDir();
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
          resources: { requests: { storage: k8s.Quantity.fromString(`${cache.sizeGiB ?? this.plan.cacheSizeGiB}Gi`) } },
        },
      });
    }

    const template = buildPodTemplate({
      plan: this.plan,
      labels: { ...labels, ...this.selectorLabels, 'app.kubernetes.io/version': this.plan.runtime.version },
      serviceAccountName: serviceAccount.name,
      nodeSelector: this.nodeSelector(),
      tolerations: this.tolerations(),
      cache,
      sharedCacheClaim: this.cacheClaim?.name,
      env: props.env,
      spreadSelector: this.selectorLabels,
    });

    const autoscaled = props.autoscaling !== undefined;
    this.workload = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        // With an autoscaler, the replica count is its to set: leaving it out keeps
        // `kubectl apply` and GitOps from resetting it on every sync.
        replicas: autoscaled ? undefined : this.plan.minReplicas,
        selector: { matchLabels: this.selectorLabels },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromNumber(this.plan.maxSurge),
            maxUnavailable: k8s.IntOrString.fromNumber(this.plan.maxSurge === 0 ? 1 : 0),
          },
        },
        // A rollout is stuck only after a new pod has used its whole startup budget.
        progressDeadlineSeconds: this.plan.startupBudgetSeconds + 600,
        revisionHistoryLimit: 5,
        template,
      },
    });
    this.node.defaultChild = this.workload;

    const ports: k8s.ServicePort[] = [{ name: 'http', port: this.plan.runtime.profile.httpPort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }];
    const profile = this.plan.runtime.profile;
    if (profile.grpcPort !== undefined) ports.push({ name: 'grpc', port: profile.grpcPort, targetPort: k8s.IntOrString.fromString('grpc'), protocol: 'TCP' });
    if (profile.metricsPort !== profile.httpPort) ports.push({ name: 'metrics', port: profile.metricsPort, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports },
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
  /** The props the service was created with, for constructs that derive a variant (canaries). */
  public get definition(): ModelServiceProps { return this.props; }

  // IGpuConsumer
  public get consumerName(): string { return this.name; }
  public get gpusAtMin(): number { return this.plan.minReplicas * this.plan.gpusPerReplica; }
  public get gpusAtPeak(): number { return (this.plan.maxReplicas + this.plan.maxSurge) * this.plan.gpusPerReplica; }
  public get peakBreakdown(): string {
    const surge = this.plan.maxSurge > 0 ? ` + surge ${this.plan.maxSurge} x ${this.plan.gpusPerReplica}` : '';
    return `${this.plan.maxReplicas} replicas x ${this.plan.gpusPerReplica} GPUs${surge}`;
  }
  public get requiresStableCapacity(): boolean { return this.props.requireStableCapacity ?? false; }
  public get gpusAtMax(): number { return this.plan.maxReplicas * this.plan.gpusPerReplica; }
  public get nodeCacheGiB(): number {
    // Only an emptyDir cache lives on the node's disk; volumes are provisioned apart from it.
    const cache = this.props.cache ?? ModelCache.emptyDir();
    return cache.kind === ModelCacheKind.EMPTY_DIR ? cache.sizeGiB ?? this.plan.cacheSizeGiB : 0;
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
      const gwNs = this.props.route.gatewayNamespace ?? this.namespace;
      callers.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gwNs } } });
    }
    const metricsNs = net.metricsNamespace ?? 'monitoring';
    return new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [
          { from: callers, ports: apiPorts },
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': metricsNs } } }],
            ports: [{ port: k8s.IntOrString.fromNumber(profile.metricsPort), protocol: 'TCP' }],
          },
        ],
      },
    });
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
      return new ScaledObject(this, 'Autoscaler', {
        metadata: { name: this.name, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.workload.name },
          minReplicaCount: this.plan.minReplicas,
          maxReplicaCount: this.plan.maxReplicas,
          pollingInterval: AUTOSCALING_DEFAULTS.pollingIntervalSeconds,
          cooldownPeriod: stabilization,
          advanced: { horizontalPodAutoscalerConfig: { behavior: behavior as any } },
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
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.workload.name },
          minReplicas: this.plan.minReplicas,
          maxReplicas: this.plan.maxReplicas,
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

  private addRoute(labels: Record<string, string>): ApiObject | undefined {
    const r = this.props.route;
    if (!r) return undefined;
    const timeout = gatewayDuration(r.requestTimeout ?? Duration.minutes(10));
    return new HttpRoute(this, 'Route', {
      metadata: { name: this.name, labels },
      spec: {
        parentRefs: [{ name: r.gatewayName, namespace: r.gatewayNamespace }],
        hostnames: r.hostnames,
        rules: [{
          matches: [{ path: { type: 'PathPrefix' as any, value: r.pathPrefix ?? '/v1' } }],
          backendRefs: [{ name: this.service.name, port: this.engine.httpPort }],
          timeouts: { request: timeout, backendRequest: timeout },
        }],
      },
    });
  }
}

/**
 * A Gateway API duration (GEP-2257: up to four `<1-5 digits><h|m|s|ms>` parts): `600s`, `250ms`, `30h`.
 * Not `toSeconds()`: it throws on sub-second durations, and 100000 s or more breaks the 5-digit limit.
 */
function gatewayDuration(d: Duration): string {
  let ms = Math.round(d.toMilliseconds({ integral: false }));
  if (ms % 1000 === 0 && ms / 1000 <= 99999) return `${ms / 1000}s`;
  if (ms <= 99999) return `${ms}ms`;
  const parts: string[] = [];
  for (const [size, unit] of [[3_600_000, 'h'], [60_000, 'm'], [1000, 's'], [1, 'ms']] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n}${unit}`);
    ms -= n * size;
  }
  return parts.join('');
}
