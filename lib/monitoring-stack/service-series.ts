import { selector } from '../engines';
import { ModelService } from '../model-service';
import { RuleGroupSpec, RuleSpec } from './rule-group';
import { MODEL_LABELS } from './service-rules';
import { LatencyObjective } from './slo';
import { fractionalSeconds } from '../duration';

/**
 * Label naming the stack a series belongs to, `<namespace>/<stack name>`: the ServiceMonitor
 * attaches it to every scraped series of the stack's services, and every series the stack
 * records carries it, so two stacks in one Prometheus never read each other's services.
 */
export const STACK_LABEL = 'modelship_stack';

/** Label naming the engine group (kind and metric map, see `EngineGroup.key`) a series was recorded by. */
export const ENGINE_LABEL = 'modelship_engine';

/**
 * What is truly per service, published as one constant series each so that the shared rules
 * can join on `(namespace, service)` instead of being written out per service. An objective
 * series exists only for a service given its own (`serviceSlos`); the others use the stack's
 * default, which the shared rules hold (see {@link objectiveExpr}).
 */
export const SERVICE_SERIES = {
  /**
   * Seconds a new pod may take to become ready (the service's `plan.startupBudgetSeconds`).
   * One per service, with `modelship_engine`: it is also the list of the stack's services and
   * the engine group each belongs to, which the shared recording rules select by.
   */
  startupBudget: 'modelship:service_startup_budget:seconds',
  /** Availability objective (0-1). */
  availability: 'modelship:slo_availability:ratio',
  /** Share of requests that must get a first token within the threshold (0-1). */
  ttftObjective: 'modelship:slo_time_to_first_token:ratio',
  /** The time-to-first-token threshold, seconds (a bucket boundary of the engine's histogram). */
  ttftThreshold: 'modelship:slo_time_to_first_token_threshold:seconds',
} as const;

/** The objectives a service was given itself (`serviceSlos`), support checked. */
export interface ServiceObjectives {
  readonly service: ModelService;
  /** Its own availability objective. @default - the stack's */
  readonly availability?: number;
  /** Its own TTFT objective. @default - the stack's */
  readonly timeToFirstToken?: LatencyObjective;
}

/** A number as PromQL reads it back: String() is exact (0.9999995 stays, where 6 digits would give 1). */
export function promNumber(x: number): string {
  return String(x);
}

/** The series of one service (see {@link SERVICE_SERIES}): a few constant recording rules. */
export function serviceSeriesGroup(o: ServiceObjectives, stack: string, engineKey: string): RuleGroupSpec {
  const svc = o.service;
  const labels = { namespace: svc.namespace, service: svc.name, [STACK_LABEL]: stack };
  const rule = (record: string, value: number, extra: Record<string, string> = {}): RuleSpec =>
    ({ record, expr: `vector(${promNumber(value)})`, labels: { ...labels, ...extra } });
  const rules = [rule(SERVICE_SERIES.startupBudget, svc.plan.startupBudgetSeconds, { [ENGINE_LABEL]: engineKey })];
  if (o.availability !== undefined) rules.push(rule(SERVICE_SERIES.availability, o.availability));
  if (o.timeToFirstToken) {
    rules.push(rule(SERVICE_SERIES.ttftObjective, o.timeToFirstToken.objective));
    rules.push(rule(SERVICE_SERIES.ttftThreshold, fractionalSeconds(o.timeToFirstToken.threshold)));
  }
  return { name: `modelship.${svc.namespace}.${svc.name}`, rules };
}

/**
 * One objective series for every service of the stack: the service's own where it has one,
 * else the stack default (a constant on the service's startup-budget series, which every
 * service has). Labels: `namespace`, `service`, and the stack's.
 */
export function objectiveExpr(series: string, stack: string, stackDefault: number): string {
  const scope = { [STACK_LABEL]: stack };
  return `(${selector(series, scope)} or on (${MODEL_LABELS}) (0 * ${selector(SERVICE_SERIES.startupBudget, scope)} + ${promNumber(stackDefault)}))`;
}
