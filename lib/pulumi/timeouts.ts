import { KubeObjectBody } from './objects';

/** Pod template annotation where ModelService records the startup budget its probes allow. */
export const STARTUP_BUDGET_ANNOTATION = 'modelship.dev/startup-budget-seconds';

/**
 * Time a new replica may need beyond its startup budget before its model server even starts:
 * node provisioning (Karpenter GPU nodes take minutes) and pulling a multi-GB engine image.
 * The same margin ModelService adds to `progressDeadlineSeconds`.
 */
export const PROVISIONING_MARGIN_SECONDS = 600;

/** Timeouts of `pulumi up` for one workload (Pulumi duration strings, e.g. `"40m"`). */
export interface RolloutTimeouts {
  /** Time to wait for the first rollout. */
  readonly create: string;
  /** Time to wait for a rollout of a changed workload. */
  readonly update: string;
}

/** Replica bounds an autoscaler sets for a workload. */
export interface ReplicaBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * How long Pulumi should wait for a workload whose pod template carries the startup budget:
 *
 *   per wave = startup budget + {@link PROVISIONING_MARGIN_SECONDS}
 *   waves    = ceil(replicas / max(1, maxSurge, maxUnavailable))
 *   timeout  = waves x per wave, rounded up to whole minutes
 *
 * Pulumi waits until every replica runs the new template, and a rolling update replaces
 * `max(maxSurge, maxUnavailable)` replicas per wave, each wave loading the model again.
 * `create` counts the replicas at the start (`spec.replicas`, or the autoscaler minimum);
 * `update` the most there can be (the autoscaler maximum).
 *
 * @returns undefined when the workload has no startup budget annotation (not a model server).
 */
export function rolloutTimeouts(body: KubeObjectBody, bounds?: ReplicaBounds): RolloutTimeouts | undefined {
  const spec = groupWorkloadSpec(body) ?? (body as any).spec ?? {};
  const raw = spec.template?.metadata?.annotations?.[STARTUP_BUDGET_ANNOTATION];
  const budget = Number(raw);
  if (raw === undefined || !Number.isFinite(budget) || budget <= 0) return undefined;
  const perWave = budget + PROVISIONING_MARGIN_SECONDS;
  const rolling = spec.strategy?.rollingUpdate ?? {};
  // Percentages are resolved by the controller against the live count; counting one per wave is the safe bound.
  const step = Math.max(1, asCount(rolling.maxSurge), asCount(rolling.maxUnavailable));
  const declared = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const atCreate = Math.max(declared, bounds?.min ?? 0, 1);
  const atUpdate = Math.max(atCreate, bounds?.max ?? 0);
  const minutes = (replicas: number) => `${Math.ceil((Math.ceil(replicas / step) * perWave) / 60)}m`;
  return { create: minutes(atCreate), update: minutes(atUpdate) };
}

/**
 * A LeaderWorkerSet read as the Deployment-shaped spec the timeouts need: its groups roll like
 * replicas (`rolloutStrategy.rollingUpdateConfiguration` maxSurge/maxUnavailable count groups),
 * and a group is ready when its leader is, within the leader template's startup budget (every
 * pod of a group starts at once and loads in parallel: `startupPolicy: LeaderCreated`).
 */
function groupWorkloadSpec(body: KubeObjectBody): any {
  if (body.kind !== 'LeaderWorkerSet') return undefined;
  const spec = (body as any).spec ?? {};
  return {
    replicas: spec.replicas,
    template: spec.leaderWorkerTemplate?.leaderTemplate,
    strategy: { rollingUpdate: spec.rolloutStrategy?.rollingUpdateConfiguration },
  };
}

function asCount(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * Replica bounds of each workload that an autoscaler in `objects` targets
 * (KEDA ScaledObject, HorizontalPodAutoscaler), keyed `<Kind>/<namespace>/<name>`.
 */
export function autoscalerBounds(objects: readonly KubeObjectBody[]): Map<string, ReplicaBounds> {
  const bounds = new Map<string, ReplicaBounds>();
  for (const o of objects) {
    const spec = (o as any).spec ?? {};
    const ref = spec.scaleTargetRef;
    if (!ref?.name) continue;
    let b: ReplicaBounds | undefined;
    if (o.kind === 'ScaledObject') b = { min: spec.minReplicaCount ?? 0, max: spec.maxReplicaCount ?? 100 };
    else if (o.kind === 'HorizontalPodAutoscaler') b = { min: spec.minReplicas ?? 1, max: spec.maxReplicas ?? 1 };
    if (b) bounds.set(`${ref.kind ?? 'Deployment'}/${o.metadata.namespace}/${ref.name}`, b);
  }
  return bounds;
}
