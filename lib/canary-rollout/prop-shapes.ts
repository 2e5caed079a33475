/**
 * The types of a CanaryRollout's props, checked at run time for JavaScript and config-driven
 * callers (see lib/private/prop-guards.ts).
 */
import { SurgeKind } from './gpu-budget';
import { SurgePolicy, TrafficStrategy, TrafficStrategyKind } from './strategy';
import { ModelService } from '../model-service/model-service';
import { SERVICE_VARIANT_FIELDS } from '../model-service/prop-shapes';
import { Fields, Guard, is, required } from '../private/prop-guards';

const durationGuard = is.duration();

/** A TrafficStrategy made by its factories, and what the factories were given. */
const strategyGuard: Guard = (sink, property, value) => {
  if (!is.instance(TrafficStrategy, 'TrafficStrategy.argoRollouts({...}) or TrafficStrategy.gatewayWeights({...})')(sink, property, value)) return false;
  const s = value as TrafficStrategy;
  return s.kind === TrafficStrategyKind.ARGO_ROLLOUTS
    ? is.object({ httpRoute: is.string('llama'), httpRouteNamespace: is.string('llm'), replicaBased: is.boolean() }, '{ httpRoute: "llama" }')(sink, property, s.argo)
    : is.object({
      gatewayName: is.string('inference-gateway'),
      gatewayNamespace: is.string('gateway'),
      pathPrefix: is.string('/v1'),
      currentWeight: is.number(10),
      promote: is.boolean(),
    }, '{ gatewayName: "inference-gateway" }')(sink, property, s.gateway);
};

/** A SurgePolicy made by its factories. */
const surgeGuard: Guard = (sink, property, value) => {
  if (!is.instance(SurgePolicy, 'SurgePolicy.scaleDownStable() or SurgePolicy.extraCapacity({ maxExtraReplicas })')(sink, property, value)) return false;
  const s = value as SurgePolicy;
  return s.kind !== SurgeKind.EXTRA_CAPACITY || is.number(1)(sink, `${property}.maxExtraReplicas`, s.maxExtraReplicas);
};

/** Every field of CanaryRolloutProps. */
export const CANARY_ROLLOUT_FIELDS: Fields = {
  service: required(is.instance(ModelService, 'the stable service: new ModelService(chart, "llama", {...})')),
  candidate: is.object(SERVICE_VARIANT_FIELDS, '{ runtime: Runtime.vllm({ version: "0.10.0" }) }'),
  steps: is.array(is.number(10), '[10, 25, 50]'),
  pause: durationGuard,
  analysis: is.object({
    maxErrorRatio: is.number(0.01),
    maxClientErrorRatioIncrease: is.number(0.01),
    maxTimeToFirstTokenP95: durationGuard,
    maxLatencyP95: durationGuard,
    minRequests: is.number(50),
    interval: durationGuard,
    failureLimit: is.number(2),
    prometheusUrl: is.string('http://prometheus-operated.monitoring.svc:9090'),
  }, '{ maxErrorRatio: 0.01 }'),
  strategy: strategyGuard,
  surge: surgeGuard,
};
