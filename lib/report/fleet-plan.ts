import { IConstruct } from 'constructs';
import { isPlanContributor, PlanContribution } from './contributor';
import { CanaryRollout } from '../canary-rollout/canary-rollout';
import { GpuBudgetRow } from '../canary-rollout/gpu-budget';
import { IGpuNodePool } from '../gpu-node-pool/contract';
import { fleetCost, FleetCost, GpuDemand, PoolCost, poolCost, ServiceCost } from '../gpu-node-pool/cost';
import { GpuNodePool } from '../gpu-node-pool/gpu-node-pool';
import { ModelService } from '../model-service/model-service';

/** Provisioner shown for services that are not placed on a GpuNodePool. */
export const NO_POOL_PROVISIONER = 'none';

/** One pool of the plan, or the group of services on an accelerator without a pool. */
export interface PoolPlanEntry {
  /** The pool construct; undefined for services placed on no GpuNodePool. */
  readonly construct?: IConstruct;
  /** Pool name, or `(no pool)`. */
  readonly name: string;
  /** Accelerator display name, e.g. `NVIDIA H100 80GB`. */
  readonly accelerator: string;
  /** Costs, from the pool's own cost functions (`GpuNodePool.costSummary()`). */
  readonly cost: PoolCost;
}

/** One service of the plan. */
export interface ServicePlanEntry {
  readonly service: ModelService;
  /** Name of the pool the service is on, if any. */
  readonly pool?: string;
  /** GPUs and USD per hour at min and max scale. */
  readonly cost: ServiceCost;
}

/** One canary of the plan. */
export interface CanaryPlanEntry {
  readonly canary: CanaryRollout;
  /** The worst moment of the rollout, when a candidate is given. */
  readonly worst?: GpuBudgetRow;
  /** GPUs of the stable alone at peak. */
  readonly baselineGpus?: number;
  /** GPUs beyond the baseline at the worst moment. */
  readonly extraGpus?: number;
}

/** One construct that described itself for the plan. */
export interface ContributorPlanEntry {
  readonly construct: IConstruct;
  readonly contribution: PlanContribution;
}

/** Everything PLAN.md and the topology show, gathered in one walk of the construct tree. */
export interface FleetPlan {
  readonly pools: PoolPlanEntry[];
  readonly services: ServicePlanEntry[];
  readonly canaries: CanaryPlanEntry[];
  readonly contributors: ContributorPlanEntry[];
  /** Totals over pools (including services on no pool, at their accelerator's list price). */
  readonly total: FleetCost;
}

function demandOf(svc: ModelService): GpuDemand {
  return { name: svc.consumerName, gpusAtMin: svc.gpusAtMin, gpusAtMax: svc.gpusAtMax, gpusAtPeak: svc.gpusAtPeak };
}

/**
 * Gathers pools, services, canaries and contributors under a scope, in construct-tree order,
 * with costs from the pools' cost functions. Walks the tree once.
 */
export function buildFleetPlan(scope: IConstruct): FleetPlan {
  const pools: GpuNodePool[] = [];
  const services: ModelService[] = [];
  const canaries: CanaryRollout[] = [];
  const contributors: ContributorPlanEntry[] = [];
  for (const c of scope.node.findAll()) {
    if (c instanceof GpuNodePool) pools.push(c);
    else if (c instanceof ModelService) services.push(c);
    else if (c instanceof CanaryRollout) canaries.push(c);
    else if (isPlanContributor(c)) contributors.push({ construct: c, contribution: c.describeForPlan() });
  }

  const costOf = new Map<ModelService, ServiceCost>();
  const poolEntries: PoolPlanEntry[] = pools.map(pool => {
    const cost = pool.costSummary();
    // costSummary() rows are in consumer order.
    pool.consumers.forEach((consumer, i) => {
      if (consumer instanceof ModelService) costOf.set(consumer, cost.services[i]);
    });
    return { construct: pool, name: pool.name, accelerator: pool.accelerator.displayName, cost };
  });

  // Services on no GpuNodePool (or on another IGpuNodePool implementation): one group per
  // accelerator and price, at the pool's price or the accelerator's list price.
  const groups = new Map<string, { pool?: IGpuNodePool; svc: ModelService[] }>();
  for (const svc of services) {
    if (costOf.has(svc)) continue;
    const key = svc.nodePool ? `pool:${svc.nodePool.node.path}` : `accelerator:${svc.accelerator.id}`;
    const group = groups.get(key) ?? { pool: svc.nodePool, svc: [] };
    group.svc.push(svc);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const first = group.svc[0];
    const accelerator = first.accelerator;
    const cost = poolCost({
      pool: group.pool ? group.pool.node.id : '(no pool)',
      accelerator: accelerator.id,
      provisioner: group.pool ? 'other' : NO_POOL_PROVISIONER,
      usdPerGpuHour: group.pool ? group.pool.usdPerGpuHour : accelerator.spec.onDemandUsdPerGpuHour,
      priceSource: group.pool ? 'the pool\'s usdPerGpuHour' : accelerator.spec.priceSource,
      maxGpus: group.pool?.maxGpus,
    }, group.svc.map(demandOf));
    group.svc.forEach((svc, i) => costOf.set(svc, cost.services[i]));
    poolEntries.push({ construct: group.pool, name: cost.pool, accelerator: accelerator.displayName, cost });
  }

  const poolName = (svc: ModelService): string | undefined =>
    svc.nodePool instanceof GpuNodePool ? svc.nodePool.name : svc.nodePool?.node.id;

  return {
    pools: poolEntries,
    services: services.map(service => ({ service, pool: poolName(service), cost: costOf.get(service)! })),
    canaries: canaries.map(canary => ({
      canary,
      worst: canary.budget?.worst,
      baselineGpus: canary.budget?.baselineGpus,
      extraGpus: canary.budget?.extraGpus,
    })),
    contributors,
    total: fleetCost(poolEntries.map(p => p.cost)),
  };
}
