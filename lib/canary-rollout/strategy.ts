import { SurgeKind } from './gpu-budget';
import { factoryOptions } from '../private/prop-guards';

/** Which traffic mechanism a CanaryRollout uses. */
export enum TrafficStrategyKind {
  ARGO_ROLLOUTS = 'argo-rollouts',
  GATEWAY_WEIGHTS = 'gateway-weights',
}

/** Options of the Argo Rollouts strategy. */
export interface ArgoRolloutsOptions {
  /**
   * HTTPRoute that the Argo Rollouts Gateway API plugin (`argoproj-labs/gatewayAPI`) re-weights.
   * When it is the ModelService's own route, modelship adds the canary Service to it with weight 0;
   * a route you manage yourself must list both Services (`<name>` and `<name>-canary`) in one rule.
   * @default - the ModelService's route when it has one; otherwise no router (replica-based canary)
   */
  readonly httpRoute?: string;
  /** Namespace of `httpRoute`. @default - the service's namespace */
  readonly httpRouteNamespace?: string;
  /** Ignore the service's route and split traffic by replica count behind one Service. @default false */
  readonly replicaBased?: boolean;
}

/** Options of the Gateway API weights strategy. */
export interface GatewayWeightsOptions {
  /**
   * Gateway the route attaches to, when the ModelService has no route of its own.
   * @default - the ModelService's route (its backends become the weighted pair)
   */
  readonly gatewayName?: string;
  /** Namespace of the Gateway. @default - the service's namespace */
  readonly gatewayNamespace?: string;
  /** Path prefix of the route, when modelship creates it. @default '/v1' */
  readonly pathPrefix?: string;
  /**
   * Weight the candidate receives now, in percent: 0 (warm-up: the candidate starts, takes no
   * traffic) or one of `steps`. Promotion is a commit that changes this number.
   * @default 0
   */
  readonly currentWeight?: number;
  /**
   * Roll the stable Deployment to the candidate's pod template (at full size, with its own
   * maxSurge) while the candidate keeps its share. Once it has rolled, fold the candidate into
   * the ModelService's props and remove `candidate`: nothing restarts.
   * @default false
   */
  readonly promote?: boolean;
}

/**
 * Who moves traffic from the stable version to the candidate: Argo Rollouts (a controller runs
 * the steps and the analysis and rolls back by itself) or Gateway API weights set in code.
 */
export class TrafficStrategy {
  /** Argo Rollouts: a Rollout with `workloadRef` to the ModelService's Deployment and AnalysisTemplates on Prometheus. */
  public static argoRollouts(options: ArgoRolloutsOptions = {}): TrafficStrategy {
    return new TrafficStrategy(TrafficStrategyKind.ARGO_ROLLOUTS, factoryOptions('TrafficStrategy.argoRollouts', options, '{ httpRoute: "llama" }'), undefined);
  }

  /** Two Deployments behind one HTTPRoute with weighted backends; every step is a commit (GitOps), no controller beyond a Gateway. */
  public static gatewayWeights(options: GatewayWeightsOptions = {}): TrafficStrategy {
    return new TrafficStrategy(TrafficStrategyKind.GATEWAY_WEIGHTS, undefined, factoryOptions('TrafficStrategy.gatewayWeights', options, '{ gatewayName: "inference-gateway" }'));
  }

  private constructor(
    public readonly kind: TrafficStrategyKind,
    /** Set for ARGO_ROLLOUTS. */
    public readonly argo: ArgoRolloutsOptions | undefined,
    /** Set for GATEWAY_WEIGHTS. */
    public readonly gateway: GatewayWeightsOptions | undefined,
  ) {}
}

/** Options of the extra-capacity surge policy. */
export interface ExtraCapacityOptions {
  /** Most replicas that may run beyond the stable's full size at any moment. */
  readonly maxExtraReplicas: number;
}

/**
 * Where the candidate's GPUs come from.
 */
export class SurgePolicy {
  /**
   * The stable keeps its full size through every analysis step (an abort only moves traffic
   * back, nothing has to start); the candidate runs in at most `maxExtraReplicas` extra replicas.
   */
  public static extraCapacity(options: ExtraCapacityOptions): SurgePolicy {
    return new SurgePolicy(SurgeKind.EXTRA_CAPACITY, factoryOptions<Partial<ExtraCapacityOptions>>('SurgePolicy.extraCapacity', options, '{ maxExtraReplicas: 2 }').maxExtraReplicas);
  }

  /**
   * The stable shrinks as the candidate grows: the candidate's replicas are ready before the
   * weight moves to them, and stable replicas stop only after the weight moved away. Costs about
   * one step's worth of extra GPUs; an abort has to start stable replicas again (model load time).
   */
  public static scaleDownStable(): SurgePolicy {
    return new SurgePolicy(SurgeKind.SCALE_DOWN_STABLE, undefined);
  }

  private constructor(
    public readonly kind: SurgeKind,
    /** Set for EXTRA_CAPACITY. */
    public readonly maxExtraReplicas: number | undefined,
  ) {}
}
