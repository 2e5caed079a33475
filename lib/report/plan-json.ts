import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { buildFleetPlan, FleetPlan } from './fleet-plan';
import { distinctImages } from './object-images';

/**
 * plan.json: the plan as data, written next to PLAN.md by every `app.synth()`, read by
 * `modelship plan` and `modelship diff`, and by anyone's pipeline. The schema is versioned
 * (`schemaVersion`), documented in docs/cli.md and shipped as `schemas/plan.schema.json`.
 *
 * Compatibility: a field is never removed or given another meaning within one `schemaVersion`;
 * fields may be added. Every key is always present (`null` where a value does not apply), and keys
 * come in the order of these interfaces, so the same app gives byte-identical files.
 */

/** File name of the machine-readable plan modelship writes next to PLAN.md. */
export const PLAN_JSON_FILE_NAME = 'plan.json';
/** The `schemaVersion` this modelship writes. */
export const PLAN_JSON_SCHEMA_VERSION = 1;

/** Minimum, maximum and peak of a GPU count. */
export interface PlanGpus {
  /** At minimum scale. */
  readonly min: number;
  /** At maximum scale. */
  readonly max: number;
  /** Max scale plus the rolling-update surge and a canary's worst moment: what the pool must hold. */
  readonly peak: number;
}

/** USD per hour at minimum and maximum scale (GPU-hours at the pool's price; no CPU, storage or network). */
export interface PlanUsdPerHour {
  readonly min: number;
  readonly max: number;
}

/** One pool of plan.json (or the group of services on no GpuNodePool, named `(no pool)`). */
export interface PlanJsonPool {
  readonly name: string;
  /** Accelerator id, e.g. `h100-80gb`. */
  readonly accelerator: string;
  /** Accelerator display name, e.g. `NVIDIA H100 80GB`. */
  readonly acceleratorName: string;
  readonly provisioner: string;
  /** The pool's GPU ceiling, or null without one. */
  readonly maxGpus: number | null;
  readonly usdPerGpuHour: number;
  readonly priceSource: string;
  readonly gpus: PlanGpus;
  readonly usdPerHour: PlanUsdPerHour;
  /** `namespace/name` of the services on the pool, in plan order. */
  readonly services: string[];
  /** Images the pool itself runs (node agents such as a device plugin), sorted. */
  readonly images: string[];
}

/** One model service of plan.json. */
export interface PlanJsonService {
  /** `namespace/name`: the key `modelship diff` matches services by. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** Pool name, or null when the service is on no pool. */
  readonly pool: string | null;
  readonly model: string;
  readonly precision: string;
  readonly runtime: string;
  /** Accelerator id. */
  readonly accelerator: string;
  readonly gpusPerReplica: number;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly gpus: PlanGpus;
  readonly usdPerHour: PlanUsdPerHour;
  /** Seconds a replica may take from scheduling to ready (download, load, warm-up). */
  readonly startupBudgetSeconds: number;
  /** Every image the service's objects run (containers, init containers, image volumes), sorted. */
  readonly images: string[];
  /** Why this many GPUs per replica: the memory fit. */
  readonly why: string;
  readonly notes: string[];
  readonly warnings: string[];
}

/** One canary of plan.json. */
export interface PlanJsonCanary {
  readonly name: string;
  /** `namespace/name` of the service it rolls out. */
  readonly service: string;
  /** GPUs held at the rollout's worst moment (0 at rest). */
  readonly worstMomentGpus: number;
  /** GPUs beyond the stable alone at that moment. */
  readonly extraGpus: number;
  /** Images of the canary's own objects (the candidate), sorted. */
  readonly images: string[];
}

/** Totals of plan.json. */
export interface PlanJsonFleet {
  readonly gpus: PlanGpus;
  readonly usdPerHour: PlanUsdPerHour;
  /** Every image of every object of the app, sorted and deduplicated. */
  readonly images: string[];
}

/** The content of plan.json, schema version 1. */
export interface PlanJson {
  readonly schemaVersion: number;
  readonly pools: PlanJsonPool[];
  readonly services: PlanJsonService[];
  readonly canaries: PlanJsonCanary[];
  readonly fleet: PlanJsonFleet;
}

/**
 * Kinds whose objects hold pod specs. Only these are rendered again for plan.json (rendering every
 * object a second time would double a synth's cost); `imagesOfObject` then finds the pod specs by
 * shape. A workload kind missing here has its images missing from plan.json (not from
 * `modelship images`, which reads every object of the YAML).
 */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Rollout', 'LeaderWorkerSet',
]);

/**
 * The rendered workloads under a construct. The report reads rendered objects on purpose: an image
 * after every rewrite (mirror, digest policy) is what the cluster pulls. It changes nothing, and
 * renders each object at most once per plan (`cache`).
 */
function renderedWorkloads(scope: IConstruct, cache: Map<ApiObject, unknown>): unknown[] {
  return scope.node.findAll().filter(ApiObject.isApiObject).filter(o => WORKLOAD_KINDS.has(o.kind)).map(o => {
    if (!cache.has(o)) cache.set(o, o.toJson());
    return cache.get(o);
  });
}

/** plan.json's content for a fleet plan; `scope` is the app or chart the plan was built from. */
export function fleetPlanToJson(plan: FleetPlan, scope: IConstruct): PlanJson {
  const cache = new Map<ApiObject, unknown>();
  const renderedObjects = (c: IConstruct) => renderedWorkloads(c, cache);
  const pools: PlanJsonPool[] = plan.pools.map(p => ({
    name: p.name,
    accelerator: p.cost.accelerator,
    acceleratorName: p.accelerator,
    provisioner: p.cost.provisioner,
    maxGpus: p.cost.maxGpus ?? null,
    usdPerGpuHour: p.cost.usdPerGpuHour,
    priceSource: p.cost.priceSource,
    gpus: { min: p.cost.gpusAtMin, max: p.cost.gpusAtMax, peak: p.cost.gpusAtPeak },
    usdPerHour: { min: p.cost.usdPerHourAtMin, max: p.cost.usdPerHourAtMax },
    services: plan.services.filter(s => s.pool === p.name || (s.pool === undefined && p.construct === undefined && s.service.accelerator.id === p.cost.accelerator))
      .map(s => `${s.service.namespace}/${s.service.name}`),
    images: p.construct ? distinctImages(renderedObjects(p.construct)) : [],
  }));
  const services: PlanJsonService[] = plan.services.map(s => {
    const svc = s.service;
    const p = svc.plan;
    return {
      id: `${svc.namespace}/${svc.name}`,
      namespace: svc.namespace,
      name: svc.name,
      pool: s.pool ?? null,
      model: p.model.toString(),
      precision: String(p.precision),
      runtime: p.runtime.toString(),
      accelerator: p.accelerator.id,
      gpusPerReplica: p.gpusPerReplica,
      replicas: { min: p.minReplicas, max: p.maxReplicas },
      gpus: { min: s.cost.gpusAtMin, max: s.cost.gpusAtMax, peak: s.cost.gpusAtPeak },
      usdPerHour: { min: s.cost.usdPerHourAtMin, max: s.cost.usdPerHourAtMax },
      startupBudgetSeconds: p.startupBudgetSeconds,
      images: distinctImages(renderedObjects(svc)),
      why: p.why,
      notes: [...p.notes],
      warnings: [...(p.warnings ?? [])],
    };
  });
  const canaries: PlanJsonCanary[] = plan.canaries.map(c => ({
    name: c.canary.canaryName,
    service: `${c.canary.service.namespace}/${c.canary.service.name}`,
    worstMomentGpus: c.worst?.gpus ?? 0,
    extraGpus: c.extraGpus ?? 0,
    images: distinctImages(renderedObjects(c.canary)),
  }));
  return {
    schemaVersion: PLAN_JSON_SCHEMA_VERSION,
    pools,
    services,
    canaries,
    fleet: {
      gpus: { min: plan.total.gpusAtMin, max: plan.total.gpusAtMax, peak: plan.pools.reduce((a, p) => a + p.cost.gpusAtPeak, 0) },
      usdPerHour: { min: plan.total.usdPerHourAtMin, max: plan.total.usdPerHourAtMax },
      images: distinctImages(renderedObjects(scope)),
    },
  };
}

/** plan.json's content for every pool, service and canary under a scope. */
export function planJson(scope: IConstruct): PlanJson {
  return fleetPlanToJson(buildFleetPlan(scope), scope);
}

/** plan.json as written: two-space JSON, keys in schema order, a final newline. */
export function renderPlanJson(scope: IConstruct): string {
  return `${JSON.stringify(planJson(scope), null, 2)}\n`;
}
