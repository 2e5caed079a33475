import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ModelshipConstruct } from '../construct-base';
import { fractionalSeconds } from '../duration';
import { addCrossCheck, Problem, Problems } from '../errors';
import { ANALYSIS_DEFAULTS, ResolvedAnalysis, resolveAnalysis } from './analysis';
import { GpuBudget, GpuBudgetRow, planGpuBudget, replicasForWeight, RolloutMechanics, SurgeKind } from './gpu-budget';
import { addCanaryLeaderWorkerSet, canaryServiceSelector, checkGroupCanary } from './group-canary';
import { CANARY_ROLLOUT_FIELDS } from './prop-shapes';
import { CANARY_DEFAULTS, CanaryCandidate, CanaryRolloutProps } from './props';
import { SurgePolicy, TrafficStrategy, TrafficStrategyKind } from './strategy';
import { IGpuConsumer, IGpuNodePool } from '../gpu-node-pool/contract';
import type * as ArgoAnalysis from '../imports/analysistemplates-argoproj.io';
import * as k8s from '../imports/k8s';
import type * as ArgoRollouts from '../imports/rollouts-argoproj.io';
import { EndpointPicker, INFERENCE_POOL_GROUP } from '../model-service/endpoint-picker';
import { ModelService, POD_TEMPLATE_HASH_LABEL, RouteBackend, SERVICE_LABEL } from '../model-service/model-service';
import { groupIngressRule } from '../model-service/multi-node-service';
import { MODEL_SERVICE_DEFAULTS, ModelServiceProps } from '../model-service/props';
import { resolveServicePlan, ServicePlan } from '../model-service/resolve';
import { pathPrefixProblem } from '../model-service/route-path';
import { progressDeadlineSeconds } from '../planning/pod-budget';
import { checkArgoPauseDuration, checkDns1123Label, checkDns1123Subdomain, checkDuration, checkHttpUrl, checkInt32, isDuration } from '../private/api-rules';
import { httpRoutes } from '../private/crd-bindings';
import { KubeDeploymentWithImageVolumes } from '../private/image-volume-deployment';
import { lazyModule } from '../private/lazy-module';
import { guardProps } from '../private/prop-guards';
import { checkSameApp } from '../private/same-app';

// The Argo bindings are 2.6 MB of JavaScript: loaded when a canary builds a Rollout, not by `import 'modelship'`.
/* eslint-disable @typescript-eslint/no-require-imports */
const argoRollouts = lazyModule(() => require('../imports/rollouts-argoproj.io') as typeof ArgoRollouts);
const argoAnalysis = lazyModule(() => require('../imports/analysistemplates-argoproj.io') as typeof ArgoAnalysis);
/* eslint-enable @typescript-eslint/no-require-imports */

/** Label that tells stable and candidate objects apart. */
export const TRACK_LABEL = 'modelship.dev/track';
/** The CanaryRollout of each service: a service has at most one. */

/** Analysis argument carrying the pod-template hash of the candidate's pods (Argo Rollouts). */
export const CANARY_HASH_ARG = 'canary-hash';
/** Analysis argument carrying the pod-template hash of the stable pods (Argo Rollouts). */
export const STABLE_HASH_ARG = 'stable-hash';

/** Name of the Argo Rollouts Gateway API traffic router plugin. */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/**
 * Moves traffic from a stable ModelService to a candidate (new image or engine version, new
 * weights or revision, new precision) in steps, judged on the engine's SLO metrics, within the
 * GPU budget of the service's pool.
 *
 * - `TrafficStrategy.argoRollouts()`: a Rollout with `workloadRef` to the ModelService's Deployment.
 *   The Deployment keeps its name, ServiceAccount and model cache, and its pod template becomes the
 *   candidate's: Argo Rollouts reads the template from it, keeps the previous template running as
 *   the stable ReplicaSet, and runs the steps, background analysis, abort and rollback.
 * - `TrafficStrategy.gatewayWeights()`: a `<name>-canary` Deployment and Service beside the
 *   stable, one HTTPRoute with weighted backends; each step is a commit.
 */
export class CanaryRollout extends ModelshipConstruct implements IGpuConsumer {
  /** The stable service. */
  public readonly service: ModelService;
  /** The candidate's plan (GPUs, probes budget, shm), when a candidate is given. */
  public readonly candidatePlan?: ServicePlan;
  /** Name of the candidate's Service (and, for gateway weights, its Deployment). */
  public readonly canaryName: string;
  /** Traffic weights of the steps. */
  public readonly steps: readonly number[];
  /** GPUs at every phase of the rollout, and the worst moment. */
  public readonly budget?: GpuBudget;
  /** How traffic and replicas move. */
  public readonly mechanics: RolloutMechanics;
  /** The analysis (queries, thresholds), also usable as a CI gate with gateway weights. */
  public readonly analysis: ResolvedAnalysis;
  /** The Argo Rollout, for the Argo Rollouts strategy. */
  public readonly rollout?: ApiObject;
  /** The AnalysisTemplates, for the Argo Rollouts strategy. */
  public readonly analysisTemplates: ApiObject[] = [];
  /** The candidate's Service. */
  public readonly canaryService?: ApiObject;
  /** The candidate's Deployment, for gateway weights. */
  public readonly canaryWorkload?: ApiObject;
  /** The candidate's InferencePool and endpoint picker, for gateway weights on a service routed by an InferencePool. */
  public readonly canaryEndpointPicker?: EndpointPicker;

  private readonly strategy: TrafficStrategy;
  private readonly surge: SurgePolicy;
  private readonly pause: number;

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    const problems = this._problems;
    // JavaScript and config-driven callers: wrong types end here, as a ValidationError.
    if (!guardProps(problems, props, CANARY_ROLLOUT_FIELDS, '{ service: llama, candidate: { runtime: Runtime.vllm({ version: "0.10.0" }) } }')) problems.throwIfAny();
    const service = props.service;
    this.service = service;
    this.canaryName = `${service.name}-canary`;
    this.strategy = props.strategy ?? TrafficStrategy.argoRollouts();
    this.surge = props.surge ?? SurgePolicy.scaleDownStable();
    this.steps = [...(props.steps ?? CANARY_DEFAULTS.steps)];
    this.pause = props.pause ? fractionalSeconds(props.pause) : CANARY_DEFAULTS.pauseSeconds;
    const pool = service.nodePool;
    if (checkSameApp(problems, 'service', this, service)) {
      // The canary's objects (its Service, Rollout, AnalysisTemplates) are found by name in the service's namespace.
      const namespace = Chart.of(this).namespace ?? 'default';
      if (namespace !== service.namespace) {
        problems.add('service', service.node.path, `the canary is in namespace ${namespace}, its service ${service.name} in ${service.namespace}: the Rollout, the canary Service and the route backends must share the service's namespace`,
          `create the CanaryRollout in the service's chart (namespace ${service.namespace})`);
      }
    }

    this._claimName('CanaryRollout of', service.node.path, earlier => ({
      property: 'service',
      value: service.node.path,
      reason: `${service.name} already has a canary (${earlier.node.path}); a second one would emit the same Rollout, canary Service and AnalysisTemplates and both would rewrite its Deployment`,
      fix: 'keep one CanaryRollout per service: change its candidate, or remove the other one',
    }));
    if (!pool) {
      problems.add('service', service.node.path, `${service.name} is not placed on a GpuNodePool, so the candidate's GPUs cannot be checked against a budget`,
        'give the ModelService a nodePool (a GpuNodePool with maxGpus) before adding a canary');
    }
    this.checkSteps(problems);

    // The candidate: its own plan, so a larger model or another precision gets its own GPUs,
    // probes, /dev/shm and startup budget.
    let candidateTemplate: k8s.PodTemplateSpec | undefined;
    if (props.candidate) {
      const merged = this.mergeCandidate(problems, props.candidate);
      const nested = new Problems(this.node.path);
      const plan = resolveServicePlan(nested, service.name, merged, pool);
      problems.addAll(nested.list.map(p => ({ ...p, property: `candidate.${p.property}` })));
      if (plan) {
        this.candidatePlan = plan;
        candidateTemplate = this.renderTemplate(plan, merged, service.selectorLabels);
        // The templates as built (not through cdk8s-plus-28's 1.28 toJson_, which drops image volumes).
        if (canonical(candidateTemplate) === canonical(service.podTemplate)) {
          problems.add('candidate', props.candidate, `the candidate renders the same pod as the stable ${service.name} (${service.plan.runtime}, ${service.plan.model})`,
            'change the runtime (image or version), the model or its revision, or the precision; or leave candidate out to keep the rollout at rest');
        }
      }
    }

    // Analysis on the candidate's own metric names: an engine upgrade may rename them.
    const metrics = (this.candidatePlan ?? service.plan).runtime.metrics;
    const runtimeName = String((this.candidatePlan ?? service.plan).runtime);
    // Which series are the candidate's: under Argo Rollouts its pods are the Rollout's newest
    // ReplicaSet (their pod-template hash, passed to the analysis as an argument); with gateway
    // weights they are the `<name>-canary` Deployment's. The pods are scraped once each by the
    // service's PodMonitor, never through the canary Service.
    const argo = this.strategy.kind === TrafficStrategyKind.ARGO_ROLLOUTS;
    const candidatePods: Record<string, string> = argo
      ? { namespace: service.namespace, service: service.name, [POD_TEMPLATE_HASH_LABEL]: `{{args.${CANARY_HASH_ARG}}}` }
      : { namespace: service.namespace, service: this.canaryName };
    const stablePods: Record<string, string> = argo
      ? { namespace: service.namespace, service: service.name, [POD_TEMPLATE_HASH_LABEL]: `{{args.${STABLE_HASH_ARG}}}` }
      : { namespace: service.namespace, service: service.name };
    const { analysis, unmeasurable } = resolveAnalysis(metrics, candidatePods, props.analysis,
      { metrics: service.plan.runtime.metrics, matchers: stablePods });
    this.analysis = analysis;
    for (const u of unmeasurable) {
      problems.add(u.property, valueAt(props.analysis, u.property), `${runtimeName} exports no ${u.signal} metric, so this threshold cannot be measured`,
        `remove ${u.property}, or use a runtime that exports ${u.signal} (vLLM, SGLang)`);
    }
    this.checkAnalysis(problems, props, runtimeName);

    this.mechanics = this.resolveMechanics(problems);
    // Multi-node replicas (LeaderWorkerSet): no Argo Rollouts; gateway weights run a second LWS.
    checkGroupCanary(problems, this.strategy, service.plan, this.candidatePlan);
    this.checkSurge(problems);

    if (this.candidatePlan && problems.list.length === 0) {
      this.budget = planGpuBudget({
        mechanics: this.mechanics,
        surge: this.surge.kind,
        maxExtraReplicas: this.surge.maxExtraReplicas,
        stableReplicas: service.plan.maxReplicas,
        stableGpusPerReplica: service.plan.gpusPerReplica,
        candidateGpusPerReplica: this.candidatePlan.gpusPerReplica,
        steps: this.steps,
        stableMaxSurge: service.plan.maxSurge,
      });
      this.checkExtraCapacity(problems, this.budget);
    }
    this._validate();
    // The analysis reads the pods' metrics: with or without a MonitoringStack, they are scraped.
    service.requireScrape();

    const labels = { ...service.objectLabels(), [TRACK_LABEL]: 'canary' };
    if (this.strategy.kind === TrafficStrategyKind.ARGO_ROLLOUTS) {
      this.canaryService = this.addCanaryService(labels, service.selectorLabels);
      if (candidateTemplate) {
        // Argo Rollouts reads the desired pod template from the Deployment it references: the
        // candidate. The stable is the ReplicaSet Argo already runs from the previous template.
        service.serveTemplate(candidateTemplate, this);
      }
      this.rollout = this.addRollout(service.objectLabels());
      this.analysisTemplates.push(...this.addAnalysisTemplates(labels));
    } else {
      const made = this.addGatewayWeights(labels, props);
      this.canaryWorkload = made.workload;
      this.canaryService = made.service;
      this.canaryEndpointPicker = made.endpointPicker;
    }

    this.node.defaultChild = this.rollout ?? this.canaryWorkload ?? this.canaryService;

    if (pool && this.budget) {
      pool.registerConsumer(this);
      const budget = this.budget;
      addCrossCheck(this, () => this.checkPool(pool, budget));
    }
  }

  // IGpuConsumer: the candidate's GPUs beyond what the stable service already registered.
  public get consumerName(): string { return this.canaryName; }
  /** A canary is temporary: it holds nothing at rest. */
  public get gpusAtMin(): number { return 0; }
  public get gpusAtPeak(): number {
    return this.budget ? Math.max(0, this.budget.worst.gpus - this.service.gpusAtPeak) : 0;
  }
  public get peakBreakdown(): string {
    if (!this.budget) return 'no candidate';
    const w = this.budget.worst;
    return `rollout worst moment ${w.phase}: ${w.detail}, minus ${this.service.gpusAtPeak} counted for ${this.service.name} (${this.service.peakBreakdown})`;
  }
  public get requiresStableCapacity(): boolean { return this.service.requiresStableCapacity; }

  private checkSteps(problems: Problems): void {
    const steps = this.steps;
    if (steps.length === 0) {
      problems.add('steps', steps, 'no steps: the candidate would take all traffic at once', 'give increasing weights, e.g. [10, 25, 50]');
      return;
    }
    steps.forEach((w, i) => {
      if (!(Number.isInteger(w) && w >= 1 && w <= 100)) {
        problems.add(`steps[${i}]`, w, 'a step weight must be a whole percentage from 1 to 100', 'use e.g. [10, 25, 50]');
      } else if (i > 0 && !(w > steps[i - 1])) {
        const valid = steps.filter(x => Number.isInteger(x) && x >= 1 && x <= 100);
        problems.add(`steps[${i}]`, w, `weights must increase: ${w} follows ${steps[i - 1]}`, `sort the steps and drop repeats: [${[...new Set(valid)].sort((a, b) => a - b).join(', ')}]`);
      }
    });
  }

  private checkAnalysis(problems: Problems, props: CanaryRolloutProps, runtimeName: string): void {
    const a = props.analysis ?? {};
    const interval = this.analysis.intervalSeconds;
    const pause = this.pause;
    if (a.maxErrorRatio !== undefined && !(a.maxErrorRatio > 0 && a.maxErrorRatio < 1)) {
      problems.add('analysis.maxErrorRatio', a.maxErrorRatio, 'must be a share between 0 and 1', 'use e.g. 0.01 (1 % of requests)');
    }
    if (a.maxClientErrorRatioIncrease !== undefined && !(a.maxClientErrorRatioIncrease > 0 && a.maxClientErrorRatioIncrease < 1)) {
      problems.add('analysis.maxClientErrorRatioIncrease', a.maxClientErrorRatioIncrease, 'must be a share between 0 and 1', 'use e.g. 0.01 (at most 1 % more requests refused than on the stable)');
    }
    if (a.prometheusUrl !== undefined) checkHttpUrl(problems, 'analysis.prometheusUrl', a.prometheusUrl);
    if (a.minRequests !== undefined && !(Number.isInteger(a.minRequests) && a.minRequests >= 1)) {
      problems.add('analysis.minRequests', a.minRequests, 'must be a whole number >= 1', `use e.g. ${ANALYSIS_DEFAULTS.minRequests}`);
    }
    if (a.failureLimit !== undefined && !(Number.isInteger(a.failureLimit) && a.failureLimit >= 0)) {
      problems.add('analysis.failureLimit', a.failureLimit, 'must be a whole number >= 0', `use e.g. ${ANALYSIS_DEFAULTS.failureLimit}`);
    } else if (a.failureLimit !== undefined) {
      // An AnalysisTemplate's failureLimit is an int32 IntOrString.
      checkInt32(problems, 'analysis.failureLimit', a.failureLimit);
    }
    if (!(interval >= 10)) {
      problems.add('analysis.interval', `${interval}s`, 'Prometheus scrapes every 15-30 s; a shorter interval measures the same samples again', 'use at least Duration.seconds(30)');
    }
    if (!(pause >= interval)) {
      problems.add('pause', `${pause}s`, `shorter than one analysis interval (${interval}s): a step would end before it is measured once`,
        `use a pause of at least ${interval}s, better ${interval * (this.analysis.failureLimit + 2)}s (failureLimit + 2 measurements)`);
    }
    // Rendered as Argo Rollouts durations (Go time.ParseDuration; a pause at most int32 seconds) and
    // as the rate window of every PromQL query (Prometheus durations: whole units, no exponent).
    if (pause >= interval) checkArgoPauseDuration(problems, 'pause', `${pause}s`);
    if (interval >= 10) {
      checkDuration(problems, 'analysis.interval', `${interval}s`, 'argo');
      const window = `${this.analysis.windowSeconds}s`;
      if (!isDuration(window, 'prometheus')) {
        problems.add('analysis.interval', `${interval}s`, `the rate window modelship derives from it (${window}) is not a Prometheus duration (whole seconds, at most about 292 years)`,
          'use a whole number of seconds, e.g. Duration.minutes(1)');
      }
    }
    if (this.analysis.checks.length === 0) {
      problems.add('analysis', a, `${runtimeName} exports none of the signals a canary is judged on (errors and requests, time to first token, latency histograms)`,
        'declare metrics on the custom runtime (errors + requests, or e2eLatency), or use a runtime that exports them');
    }
  }

  private resolveMechanics(problems: Problems): RolloutMechanics {
    const s = this.strategy;
    const route = this.service.definition.route;
    if (s.kind === TrafficStrategyKind.ARGO_ROLLOUTS && this.service.routedByInferencePool && !s.argo?.replicaBased) {
      problems.add('strategy', 'TrafficStrategy.argoRollouts()',
        `${this.service.name} is routed by an InferencePool: Argo Rollouts' Gateway API plugin weights the Rollout's stableService and canaryService (Services) in the route, but the route's backend is the InferencePool, which selects stable and canary pods alike by the service's label, so its endpoint picker would spread traffic over both whatever the weights`,
        'use TrafficStrategy.gatewayWeights() (a second InferencePool for the candidate, weighted in the route), or TrafficStrategy.argoRollouts({ replicaBased: true }) (no fixed share: the picker scores stable and candidate pods of the one pool alike)');
    }
    if (s.kind === TrafficStrategyKind.ARGO_ROLLOUTS) {
      // Names the Gateway API plugin looks the route up by.
      if (s.argo?.httpRoute !== undefined) checkDns1123Subdomain(problems, 'strategy.httpRoute', s.argo.httpRoute);
      if (s.argo?.httpRouteNamespace !== undefined) checkDns1123Label(problems, 'strategy.httpRouteNamespace', s.argo.httpRouteNamespace);
      const routed = !s.argo?.replicaBased && (s.argo?.httpRoute !== undefined || route !== undefined);
      return routed ? RolloutMechanics.ARGO_TRAFFIC_ROUTED : RolloutMechanics.ARGO_REPLICA_BASED;
    }
    const g = s.gateway!;
    if (g.gatewayName !== undefined) checkDns1123Subdomain(problems, 'strategy.gatewayName', g.gatewayName, { maxLength: 63 });
    if (g.gatewayNamespace !== undefined) checkDns1123Label(problems, 'strategy.gatewayNamespace', g.gatewayNamespace);
    if (g.pathPrefix !== undefined) {
      const reason = pathPrefixProblem(g.pathPrefix);
      if (reason) problems.add('strategy.pathPrefix', g.pathPrefix, `an HTTPRoute path ${reason}`, `use a plain path such as "${MODEL_SERVICE_DEFAULTS.routePathPrefix}"`);
    }
    if (!route && !g.gatewayName) {
      problems.add('strategy.gatewayName', undefined, `${this.service.name} has no route and no Gateway was given, so there is nothing to weight`,
        'give TrafficStrategy.gatewayWeights({ gatewayName }) or a route on the ModelService');
    }
    if (route && g.gatewayName) {
      problems.add('strategy.gatewayName', g.gatewayName, `${this.service.name} already has a route on Gateway ${route.gatewayName}; a second route would compete for the same path`,
        'leave gatewayName out: the canary weights the service\'s own route');
    }
    const current = g.currentWeight ?? 0;
    if (current !== 0 && !this.steps.includes(current)) {
      problems.add('strategy.currentWeight', current, `not 0 (warm-up) and not one of the steps [${this.steps.join(', ')}]`,
        `use 0 or one of ${this.steps.join(', ')}; move one step per commit`);
    }
    if (g.promote && current !== this.steps[this.steps.length - 1]) {
      problems.add('strategy.promote', true, `promotion starts from the last step (${this.steps[this.steps.length - 1]}%), the candidate is at ${current}%`,
        `set currentWeight: ${this.steps[this.steps.length - 1]} first`);
    }
    return RolloutMechanics.GATEWAY_WEIGHTS;
  }

  private checkSurge(problems: Problems): void {
    if (this.surge.kind !== SurgeKind.EXTRA_CAPACITY) return;
    const e = this.surge.maxExtraReplicas;
    if (!(e !== undefined && Number.isInteger(e) && e >= 1)) {
      problems.add('surge.maxExtraReplicas', e, 'must be a whole number of replicas >= 1', 'use 1 or more, or SurgePolicy.scaleDownStable()');
    } else {
      // Written as the Rollout's maxSurge (an int32 IntOrString).
      checkInt32(problems, 'surge.maxExtraReplicas', e, { min: 1 });
    }
  }

  private checkExtraCapacity(problems: Problems, budget: GpuBudget): void {
    if (this.surge.kind !== SurgeKind.EXTRA_CAPACITY || this.mechanics === RolloutMechanics.ARGO_REPLICA_BASED) return;
    const e = this.surge.maxExtraReplicas!;
    const R = this.service.plan.maxReplicas;
    const over = budget.rows.filter(r => r.candidateReplicas > e && !(this.mechanics === RolloutMechanics.GATEWAY_WEIGHTS && r.phase === 'promote'));
    if (over.length === 0) return;
    const r = over.reduce((a, b) => (b.candidateReplicas > a.candidateReplicas ? b : a));
    if (this.mechanics === RolloutMechanics.ARGO_TRAFFIC_ROUTED && r.phase === 'promote') {
      problems.add('surge.maxExtraReplicas', e,
        `with Argo Rollouts traffic routing and the stable kept whole, full promotion scales the candidate to all ${R} replicas before the stable scales down: ${R} extra replicas at that moment`,
        `use SurgePolicy.scaleDownStable() (extra = one step's share), TrafficStrategy.argoRollouts({ replicaBased: true }) (extra = maxExtraReplicas), or maxExtraReplicas: ${R}`);
      return;
    }
    const fits = this.steps.filter(w => replicasForWeight(w, R) <= e);
    const ahead = this.mechanics === RolloutMechanics.GATEWAY_WEIGHTS ? ', sized ahead for the next step' : '';
    problems.add('surge.maxExtraReplicas', e,
      `${r.phase} needs ${r.candidateReplicas} candidate replicas beside the whole stable of ${R} (${r.candidateReplicas} > ${e}${ahead})`,
      `raise maxExtraReplicas to ${r.candidateReplicas}, keep the steps at or below ${fits.length > 0 ? `${fits[fits.length - 1]}%` : `${Math.floor((100 * e) / R)}%`}, or use SurgePolicy.scaleDownStable()`);
  }

  private checkPool(pool: IGpuNodePool, budget: GpuBudget): Problem[] {
    if (pool.maxGpus === undefined || budget.worst.gpus <= pool.maxGpus) return [];
    const w = budget.worst;
    return [{
      path: this.node.path,
      property: 'surge',
      value: this.surge.kind,
      reason: `the rollout's worst moment (${w.phase}: ${w.detail}) needs ${w.gpus} GPUs, but the pool ${pool.node.path} has maxGpus ${pool.maxGpus}`,
      fix: this.surge.kind === SurgeKind.EXTRA_CAPACITY
        ? `use SurgePolicy.scaleDownStable(), smaller steps, or raise the pool's maxGpus to ${w.gpus}`
        : `use smaller steps (the worst moment is one step's growth), fewer maxReplicas, or raise the pool's maxGpus to ${w.gpus}`,
    }];
  }

  /**
   * The candidate's props: the stable's, with what the candidate changes. A candidate runtime of
   * the same engine inherits every runtime setting it does not set (context length, memory share,
   * arguments, env), so `{ runtime: Runtime.vllm({ version: '0.10.0' }) }` changes only the version.
   */
  private mergeCandidate(problems: Problems, candidate: CanaryCandidate): ModelServiceProps {
    const def = this.service.definition;
    const stable = this.service.plan.runtime;
    const runtime = candidate.runtime?._inheriting(stable);
    if (candidate.runtime && stable.imageGiven && candidate.runtime.kind === stable.kind
      && candidate.runtime._options.version !== undefined && candidate.runtime._options.image === undefined) {
      problems.add('candidate.runtime.image', undefined, `the stable runs the image ${stable.image}; the candidate changes the version to ${candidate.runtime.version} but gives no image, so it would pull the public ${candidate.runtime.image}`,
        `give the candidate's image too (your build or mirror of ${stable.kind} ${candidate.runtime.version})`);
    }
    return { ...def, ...candidate, ...(runtime ? { runtime } : {}) };
  }

  private renderTemplate(plan: ServicePlan, merged: ModelServiceProps, selectorLabels: Record<string, string>): k8s.PodTemplateSpec {
    // The service renders it, so that folding the candidate into the service's props after
    // promotion renders the very same template (and restarts nothing).
    return this.service.renderPodTemplate(plan, merged, selectorLabels);
  }

  private addCanaryService(labels: Record<string, string>, selector: Record<string, string>): ApiObject {
    return new k8s.KubeService(this, 'CanaryService', {
      metadata: { name: this.canaryName, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: this.service.servicePorts.map(p => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: k8s.IntOrString.fromString(p.name) })),
      },
    });
  }

  private addRollout(labels: Record<string, string>): ApiObject {
    const service = this.service;
    const def = service.definition;
    const routed = this.mechanics === RolloutMechanics.ARGO_TRAFFIC_ROUTED;
    const scaleDown = this.surge.kind === SurgeKind.SCALE_DOWN_STABLE;
    const pause = `${(this.pauseSeconds())}s`;

    // The replica count moves to the Rollout (or to the autoscaler, retargeted at it); Argo
    // scales the Deployment to zero as the Rollout's pods become ready (`scaleDown: progressively`).
    service.handScalingTo({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: service.name }, this);

    const { Rollout, RolloutSpecStrategyCanaryMaxSurge, RolloutSpecStrategyCanaryMaxUnavailable, RolloutSpecStrategyCanaryStepsPauseDuration } = argoRollouts();
    const steps: ArgoRollouts.RolloutSpecStrategyCanarySteps[] = [];
    for (const w of this.steps) {
      // With the stable kept whole, an explicit setCanaryScale makes the wait for ready candidate
      // replicas a step of its own before the weight moves. With dynamicStableScale Argo already
      // scales the canary first; setCanaryScale there is the abort path argo-rollouts#4035 leaves open.
      if (routed && !scaleDown) steps.push({ setCanaryScale: { weight: w } });
      steps.push({ setWeight: w });
      steps.push({ pause: { duration: RolloutSpecStrategyCanaryStepsPauseDuration.fromString(pause) } });
    }
    const firstPause = routed && !scaleDown ? 2 : 1;

    let trafficRouting: ArgoRollouts.RolloutSpecStrategyCanaryTrafficRouting | undefined;
    if (routed) {
      const a = this.strategy.argo ?? {};
      const routeName = a.httpRoute ?? service.name;
      if (def.route && routeName === service.name) {
        // The plugin re-weights an existing rule; both Services must already be in it.
        const port = service.engine.httpPort;
        service.setRouteBackends([
          { name: service.service.name, port, weight: 100 },
          { name: this.canaryName, port, weight: 0 },
        ], this);
      }
      trafficRouting = { plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: routeName, namespace: a.httpRouteNamespace ?? service.namespace } } };
    }

    const plan = this.candidatePlan ?? service.plan;
    return new Rollout(this, 'Rollout', {
      metadata: { name: service.name, labels },
      spec: {
        replicas: def.autoscaling ? undefined : service.plan.minReplicas,
        selector: { matchLabels: service.selectorLabels },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service.workload.name, scaleDown: 'progressively' },
        revisionHistoryLimit: 5,
        // A candidate that never becomes ready (image, OOM, weights) is rolled back once it has
        // used its whole startup budget, not left half-deployed.
        progressDeadlineSeconds: progressDeadlineSeconds(plan.startupBudgetSeconds),
        progressDeadlineAbort: true,
        strategy: {
          canary: {
            stableService: service.service.name,
            canaryService: this.canaryName,
            dynamicStableScale: routed && scaleDown ? true : undefined,
            // With dynamicStableScale, an explicit value deadlocks aborts in some releases
            // (argo-rollouts#4898): leave Argo's behaviour (canary shrinks as traffic returns).
            abortScaleDownDelaySeconds: routed && !scaleDown ? plan.terminationGracePeriodSeconds : undefined,
            maxSurge: routed ? undefined : RolloutSpecStrategyCanaryMaxSurge.fromNumber(scaleDown ? 0 : this.surge.maxExtraReplicas!),
            maxUnavailable: routed ? undefined : RolloutSpecStrategyCanaryMaxUnavailable.fromNumber(scaleDown ? 1 : 0),
            analysis: {
              templates: this.analysis.checks.map(c => ({ templateName: this.templateName(c.name) })),
              startingStep: firstPause,
              // argo-rollouts docs/features/analysis.md: `podTemplateHashValue` Latest (the canary's
              // ReplicaSet) and Stable; the controller fills them in when it starts the AnalysisRun.
              args: [
                { name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } },
                { name: STABLE_HASH_ARG, valueFrom: { podTemplateHashValue: 'Stable' } },
              ],
            },
            steps,
            trafficRouting,
          },
        },
      },
    });
  }

  private templateName(check: string): string {
    return `${this.canaryName}-${check}`;
  }

  private pauseSeconds(): number {
    return this.pause;
  }

  private addAnalysisTemplates(labels: Record<string, string>): ApiObject[] {
    const a = this.analysis;
    // A whole step without enough traffic turns the run Inconclusive: the rollout pauses for a
    // person to promote or abort, instead of judging the candidate on a handful of requests.
    const inconclusiveLimit = Math.max(1, Math.floor(this.pauseSeconds() / a.intervalSeconds));
    const { AnalysisTemplate, AnalysisTemplateSpecMetricsFailureLimit, AnalysisTemplateSpecMetricsInconclusiveLimit } = argoAnalysis();
    return a.checks.map(c => new AnalysisTemplate(this, `Analysis-${c.name}`, {
      metadata: { name: this.templateName(c.name), labels, annotations: { 'modelship.dev/threshold': c.description } },
      spec: {
        args: [{ name: CANARY_HASH_ARG }, { name: STABLE_HASH_ARG }],
        metrics: [{
          name: c.name,
          interval: `${a.intervalSeconds}s`,
          initialDelay: `${a.windowSeconds}s`,
          failureLimit: AnalysisTemplateSpecMetricsFailureLimit.fromNumber(a.failureLimit),
          inconclusiveLimit: AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(inconclusiveLimit),
          successCondition: c.successCondition,
          failureCondition: c.failureCondition,
          provider: { prometheus: { address: a.prometheusUrl, query: c.query } },
        }],
      },
    }));
  }

  private addGatewayWeights(labels: Record<string, string>, props: CanaryRolloutProps): { workload?: ApiObject; service?: ApiObject; endpointPicker?: EndpointPicker } {
    const service = this.service;
    const def = service.definition;
    const g = this.strategy.gateway!;
    const current = g.currentWeight ?? 0;
    const port = service.engine.httpPort;

    let row: GpuBudgetRow | undefined;
    if (this.budget) {
      const W = [0, ...this.steps];
      row = g.promote ? this.budget.rows[this.budget.rows.length - 1] : this.budget.rows[W.indexOf(current)];
    }
    const weight = this.candidatePlan ? current : 0;
    // Routed by an InferencePool: the route weights two pools, each with its own endpoint picker
    // (Gateway API Inference Extension conformance test GatewayWeightedAcrossTwoInferencePools).
    const pooled = service.routedByInferencePool;
    const backend = (name: string, w: number): RouteBackend => (pooled
      ? { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name, weight: w }
      : { name, port, weight: w });
    const backendRefs: RouteBackend[] = [backend(service.service.name, 100 - weight)];
    let workload: ApiObject | undefined;
    let canaryService: ApiObject | undefined;
    let endpointPicker: EndpointPicker | undefined;

    if (this.candidatePlan && row) {
      const canarySelector = { [SERVICE_LABEL]: this.canaryName };
      const merged = this.mergeCandidate(new Problems(this.node.path), props.candidate!);
      const template = this.renderTemplate(this.candidatePlan, merged, canarySelector);
      workload = this.candidatePlan.multiNode ? addCanaryLeaderWorkerSet(this, {
        service, name: this.canaryName, labels, plan: this.candidatePlan, merged, selector: canarySelector, replicas: row.candidateReplicas,
      }) : new KubeDeploymentWithImageVolumes(this, 'CanaryDeployment', {
        metadata: { name: this.canaryName, labels },
        spec: {
          // Sized for the NEXT weight: the replicas a commit sends traffic to were started, and
          // passed their readiness probes, one commit earlier.
          replicas: row.candidateReplicas,
          selector: { matchLabels: canarySelector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
          progressDeadlineSeconds: progressDeadlineSeconds(this.candidatePlan.startupBudgetSeconds),
          revisionHistoryLimit: 5,
          template,
        },
      });
      // Like the stable's: node drains evict one candidate replica at a time and never block.
      new k8s.KubePodDisruptionBudget(this, 'CanaryDisruptionBudget', {
        metadata: { name: this.canaryName, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: canarySelector } },
      });
      canaryService = this.addCanaryService(labels, canaryServiceSelector(this.candidatePlan, canarySelector));
      this.copyNetworkPolicy(labels, canarySelector);
      if (pooled) endpointPicker = service.renderEndpointPicker(this, 'CanaryEndpointPicker', this.canaryName, canarySelector, labels, { objectives: false });
      backendRefs.push(backend(this.canaryName, weight));

      if (g.promote) {
        // The stable Deployment rolls to the candidate's template at full size (a LeaderWorkerSet to its group templates).
        if (this.candidatePlan.multiNode) service.serveGroupTemplates(service.renderGroupTemplates(this.candidatePlan, merged, service.selectorLabels), this);
        else service.serveTemplate(this.renderTemplate(this.candidatePlan, merged, service.selectorLabels), this);
      } else if (this.surge.kind === SurgeKind.SCALE_DOWN_STABLE && row.stableReplicas < service.plan.maxReplicas) {
        this.capStable(row.stableReplicas);
      }
    }

    if (def.route) {
      service.setRouteBackends(backendRefs, this);
    } else {
      const timeout = `${MODEL_SERVICE_DEFAULTS.requestTimeout.toSeconds()}s`;
      new (httpRoutes().HttpRoute)(this, 'Route', {
        metadata: { name: service.name, labels: service.objectLabels() },
        spec: {
          parentRefs: [{ name: g.gatewayName!, namespace: g.gatewayNamespace }],
          rules: [{
            matches: [{ path: { type: httpRoutes().HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: g.pathPrefix ?? MODEL_SERVICE_DEFAULTS.routePathPrefix } }],
            backendRefs,
            timeouts: { request: timeout, backendRequest: timeout },
          }],
        },
      });
    }
    return { workload, service: canaryService, endpointPicker };
  }

  /** Holds the stable at `replicas` (its share of the previous step) during the rollout. */
  private capStable(replicas: number): void {
    this.service.capReplicas(replicas, this);
  }

  private copyNetworkPolicy(labels: Record<string, string>, selector: Record<string, string>): void {
    let spec = this.service.networkPolicySpec(selector);
    if (!spec) return;
    // A multi-node candidate of a single-node stable: its group's pods talk to each other too.
    if (this.candidatePlan?.multiNode && !this.service.plan.multiNode) spec = { ...spec, ingress: [...spec.ingress!, groupIngressRule(selector)] };
    new k8s.KubeNetworkPolicy(this, 'CanaryNetworkPolicy', { metadata: { name: this.canaryName, labels }, spec });
  }
}

/** JSON with sorted keys, to compare rendered objects regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.keys(v).sort().reduce((o: any, k) => { o[k] = v[k]; return o; }, {}) : v));
}

function valueAt(obj: any, path: string): unknown {
  const key = path.split('.').pop()!;
  const v = obj?.[key];
  return v instanceof Duration ? `${fractionalSeconds(v)}s` : v;
}
