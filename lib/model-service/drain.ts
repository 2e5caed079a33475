import { Duration } from 'cdk8s';
import { fractionalSeconds } from '../duration';
import { Problems } from '../errors';
import { IGpuNodePool } from '../gpu-node-pool/contract';

/**
 * How a stopping replica (scale-down, rollout, node drain) lets its in-flight requests finish.
 *
 * The engines do not drain on SIGTERM: vLLM's API server cancels its serving task on the signal
 * (vllm `vllm/entrypoints/launcher.py` v0.9.2 `signal_handler`: `server_task.cancel()`), and only
 * from v0.18.0 has an opt-in `--shutdown-timeout` (default 0 = abort; PR #36666). So the pod's
 * preStop hook is the drain: Kubernetes removes the terminating pod from the Service's endpoints
 * while the hook sleeps, the engine keeps serving what it already accepted, and SIGTERM comes only
 * after the hook. The sleep covers the time for the endpoint to leave every load balancer plus the
 * longest request; the grace period adds the engine's exit.
 */
export interface DrainOptions {
  /**
   * Longest request a stopping replica must let finish.
   * @default - the route's `requestTimeout` when the service has a route (10 minutes unless set);
   * without a route, none is known and the grace period is DRAIN_DEFAULTS.terminationGracePeriodSeconds (60 s)
   */
  readonly maxRequestDuration?: Duration;
  /**
   * Time from the pod's deletion until no load balancer sends it a new request: the EndpointSlice
   * update, then kube-proxy and the Gateway's proxies catching up.
   * @default Duration.seconds(10)
   */
  readonly endpointRemovalDelay?: Duration;
  /**
   * Ceiling on the derived grace period. A long grace period holds a stopping replica's GPUs
   * that long, and node drains that give pods less time cut it anyway (cluster-autoscaler's
   * `--max-graceful-termination-sec` defaults to 600 s; a Karpenter pool's
   * `terminationGracePeriod` is checked at synth).
   * @default Duration.hours(1)
   */
  readonly maxTerminationGracePeriod?: Duration;
}

/** Defaults of the drain, exported for docs and tests. */
export const DRAIN_DEFAULTS = {
  /** Grace period when no request bound is known (no route, no `drain.maxRequestDuration`). */
  terminationGracePeriodSeconds: 60,
  /** Shortest grace period accepted: below it, any generation is cut. */
  minTerminationGracePeriodSeconds: 20,
  /** Time for a deleted pod's endpoint to leave the load balancers. */
  endpointRemovalSeconds: 10,
  /** Time the engine gets after SIGTERM, at the end of the grace period, to exit. */
  engineExitSeconds: 15,
  /** Ceiling on a derived grace period. */
  maxTerminationGracePeriodSeconds: 3600,
  /**
   * cluster-autoscaler's default `--max-graceful-termination-sec` (kubernetes/autoscaler
   * `cluster-autoscaler/FAQ.md`, parameters table: 600): a scale-down gives pods at most this long.
   */
  clusterAutoscalerMaxGracefulTerminationSeconds: 600,
} as const;

/** What the drain resolves to. */
export interface DrainPlan {
  /** The pod's `terminationGracePeriodSeconds`. */
  readonly terminationGracePeriodSeconds: number;
  /** Seconds the preStop hook sleeps: endpoint removal plus the longest request. */
  readonly preStopSeconds: number;
  /** The arithmetic, when a reader should see it (a capped drain, a grace period shorter than the route's timeout). */
  readonly warnings: string[];
}

/** What the drain is derived from. */
export interface DrainInput {
  readonly terminationGracePeriod?: Duration;
  readonly drain?: DrainOptions;
  /** The route's request timeout, when the service has a route. */
  readonly routeRequestTimeout?: Duration;
  readonly pool?: IGpuNodePool;
}

/**
 * The grace period and preStop sleep of a replica. An explicit `terminationGracePeriod` is used
 * as given (preStop = grace - engine exit); otherwise the grace period is derived from the longest
 * request, capped by the ceiling. Problems go to `problems`; undefined when there are any.
 */
export function resolveDrain(problems: Problems, input: DrainInput): DrainPlan | undefined {
  const before = problems.list.length;
  const d = input.drain ?? {};
  const exit = DRAIN_DEFAULTS.engineExitSeconds;
  const min = DRAIN_DEFAULTS.minTerminationGracePeriodSeconds;

  const seconds = (property: string, value: Duration | undefined, fallback: number, minimum: number, fix: string): number => {
    if (value === undefined) return fallback;
    const s = fractionalSeconds(value);
    if (!(s >= minimum)) problems.add(property, `${s}s`, `must be at least ${minimum} s`, fix);
    return s;
  };
  const removal = seconds('drain.endpointRemovalDelay', d.endpointRemovalDelay, DRAIN_DEFAULTS.endpointRemovalSeconds, 0, 'use e.g. Duration.seconds(10)');
  const ceiling = seconds('drain.maxTerminationGracePeriod', d.maxTerminationGracePeriod, DRAIN_DEFAULTS.maxTerminationGracePeriodSeconds, min,
    `use at least Duration.seconds(${min}); the default is one hour`);
  if (d.maxTerminationGracePeriod !== undefined && !Number.isInteger(ceiling)) {
    problems.add('drain.maxTerminationGracePeriod', `${ceiling}s`, 'Kubernetes takes the grace period in whole seconds', `use Duration.seconds(${Math.floor(ceiling)})`);
  }
  const asked = d.maxRequestDuration !== undefined
    ? seconds('drain.maxRequestDuration', d.maxRequestDuration, 0, 0, 'use the longest time one request may run, e.g. Duration.minutes(10)')
    : undefined;

  let plan: DrainPlan;
  if (input.terminationGracePeriod !== undefined) {
    // Given as is: the behaviour before the drain was derived.
    const grace = fractionalSeconds(input.terminationGracePeriod);
    if (!(grace >= min)) {
      problems.add('terminationGracePeriod', `${grace}s`, `in-flight generations need time to finish; below ${min} s they are cut off`, 'use at least Duration.seconds(30); 60 s is the default');
    } else if (!Number.isInteger(grace)) {
      problems.add('terminationGracePeriod', `${grace}s`, 'Kubernetes takes the grace period in whole seconds', `use Duration.seconds(${Math.ceil(grace)})`);
    }
    if (input.drain !== undefined) {
      problems.add('drain', input.drain, 'terminationGracePeriod is given too, so the drain would not be derived',
        'give either terminationGracePeriod (used as is) or drain (the grace period is derived from it)');
    }
    const preStop = Math.max(5, grace - exit);
    const notes: string[] = [];
    const timeout = input.routeRequestTimeout !== undefined ? fractionalSeconds(input.routeRequestTimeout) : undefined;
    if (timeout !== undefined && preStop - removal < timeout) {
      notes.push(`terminationGracePeriod ${grace} s lets a stopping replica finish requests for ${Math.max(0, preStop - removal)} s after its endpoint is removed (${preStop} s preStop - ${removal} s endpoint removal), but the route allows ${timeout} s: longer generations are cut on scale-down, rollouts and node drains`);
    }
    plan = { terminationGracePeriodSeconds: grace, preStopSeconds: preStop, warnings: notes };
  } else {
    const longest = asked ?? (input.routeRequestTimeout !== undefined ? fractionalSeconds(input.routeRequestTimeout) : undefined);
    if (longest === undefined) {
      const grace = DRAIN_DEFAULTS.terminationGracePeriodSeconds;
      plan = { terminationGracePeriodSeconds: grace, preStopSeconds: grace - exit, warnings: [] };
    } else {
      const wanted = Math.ceil(removal + longest) + exit;
      const grace = Math.min(wanted, Math.floor(ceiling));
      const notes: string[] = [];
      if (grace < wanted) {
        const source = asked !== undefined ? 'drain.maxRequestDuration' : 'the route\'s requestTimeout';
        notes.push(`drain capped at ${grace} s by drain.maxTerminationGracePeriod: ${source} is ${longest} s, which needs ${removal} s endpoint removal + ${longest} s + ${exit} s engine exit = ${wanted} s; requests running longer than ${Math.max(0, grace - exit - removal)} s are cut when a replica stops`);
      }
      plan = { terminationGracePeriodSeconds: grace, preStopSeconds: Math.max(5, grace - exit), warnings: notes };
    }
  }

  const nodeGrace = input.pool?.nodeTerminationGracePeriodSeconds;
  if (nodeGrace !== undefined && plan.terminationGracePeriodSeconds > nodeGrace) {
    const property = input.terminationGracePeriod !== undefined ? 'terminationGracePeriod' : 'drain';
    problems.add(property, `${plan.terminationGracePeriodSeconds}s`,
      `the pods' grace period (${plan.terminationGracePeriodSeconds} s) is longer than the node pool ${input.pool!.node.path}'s terminationGracePeriod (${nodeGrace} s): Karpenter deletes a draining node's pods at T = ${nodeGrace} s - their grace period and forces the node down at ${nodeGrace} s, so in-flight generations are cut ${plan.terminationGracePeriodSeconds - nodeGrace} s early`,
      `raise the pool's terminationGracePeriod to at least Duration.seconds(${plan.terminationGracePeriodSeconds}), or lower drain.maxTerminationGracePeriod (or the route's requestTimeout) to at most ${nodeGrace} s`);
  }
  return problems.list.length > before ? undefined : plan;
}
