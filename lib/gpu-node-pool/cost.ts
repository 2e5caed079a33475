/**
 * Cost arithmetic of GPU pools: pure functions, no constructs.
 *
 * Figures are list prices per GPU-hour (see `Accelerator.spec.priceSource`) times GPUs held;
 * they leave out CPU-only nodes, storage, network and discounts. Dollar figures are rounded
 * to the cent per service, and totals are sums of the rounded figures, so a table adds up.
 */

/** Hours in an average month (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** GPUs one workload holds. */
export interface GpuDemand {
  /** Name shown in the plan. */
  readonly name: string;
  /** GPUs at minimum scale. */
  readonly gpusAtMin: number;
  /** GPUs at maximum scale, steady state. */
  readonly gpusAtMax: number;
  /** GPUs at the worst moment (max scale plus update surge). */
  readonly gpusAtPeak: number;
}

/** Cost of one workload on one pool. */
export interface ServiceCost extends GpuDemand {
  /** Estimated USD per hour at minimum scale. */
  readonly usdPerHourAtMin: number;
  /** Estimated USD per hour at maximum scale. */
  readonly usdPerHourAtMax: number;
}

/** Cost of one pool and every workload on it. */
export interface PoolCost extends PoolCostInput {
  /** One row per workload, in the order they were placed. */
  readonly services: ServiceCost[];
  /** Sum over workloads. */
  readonly gpusAtMin: number;
  readonly gpusAtMax: number;
  readonly gpusAtPeak: number;
  readonly usdPerHourAtMin: number;
  readonly usdPerHourAtMax: number;
  /** USD per hour if the pool ran full (maxGpus), when it has a ceiling. */
  readonly usdPerHourAtCeiling?: number;
}

/** Totals over pools. */
export interface FleetCost {
  readonly gpusAtMin: number;
  readonly gpusAtMax: number;
  readonly usdPerHourAtMin: number;
  readonly usdPerHourAtMax: number;
}

/** Rounds to the cent, without binary-fraction noise (0.1 + 0.2 gives 0.3). */
export function roundUsd(usd: number): number {
  return Math.round((usd + Number.EPSILON) * 100) / 100;
}

/** USD per month of a rate per hour, rounded to the dollar. */
export function usdPerMonth(usdPerHour: number): number {
  return Math.round(usdPerHour * HOURS_PER_MONTH);
}

/** Cost of one workload at a price per GPU-hour. */
export function serviceCost(demand: GpuDemand, usdPerGpuHour: number): ServiceCost {
  return {
    ...demand,
    usdPerHourAtMin: roundUsd(demand.gpusAtMin * usdPerGpuHour),
    usdPerHourAtMax: roundUsd(demand.gpusAtMax * usdPerGpuHour),
  };
}

/** What a pool's cost is computed from. */
export interface PoolCostInput {
  /** Pool name. */
  readonly pool: string;
  /** Accelerator id, e.g. `h100-80gb`. */
  readonly accelerator: string;
  /** Provisioner kind, e.g. `karpenter`. */
  readonly provisioner: string;
  /** Price of one GPU-hour used for the figures. */
  readonly usdPerGpuHour: number;
  /** Where the price comes from. */
  readonly priceSource: string;
  /** GPU ceiling of the pool, if any. */
  readonly maxGpus?: number;
}

/** Cost of a pool: one row per workload plus totals (sums of the rows). */
export function poolCost(input: PoolCostInput, demands: readonly GpuDemand[]): PoolCost {
  const services = demands.map(d => serviceCost(d, input.usdPerGpuHour));
  const sum = (f: (s: ServiceCost) => number) => services.reduce((a, s) => a + f(s), 0);
  return {
    ...input,
    services,
    gpusAtMin: sum(s => s.gpusAtMin),
    gpusAtMax: sum(s => s.gpusAtMax),
    gpusAtPeak: sum(s => s.gpusAtPeak),
    usdPerHourAtMin: roundUsd(sum(s => s.usdPerHourAtMin)),
    usdPerHourAtMax: roundUsd(sum(s => s.usdPerHourAtMax)),
    usdPerHourAtCeiling: input.maxGpus !== undefined ? roundUsd(input.maxGpus * input.usdPerGpuHour) : undefined,
  };
}

/** What a budget row needs of a workload (an `IGpuConsumer`). */
export interface BudgetRowInput {
  readonly consumerName: string;
  readonly peakBreakdown: string;
  readonly gpusAtPeak: number;
  readonly nodesPerReplica?: number;
}

/**
 * One workload's row of a pool's GPU budget: `name breakdown = GPUs`, and for a replica spanning
 * nodes the whole nodes it holds (`each replica 2 nodes x 8 GPUs`), since every node of a group is
 * held whole and priced whole.
 */
export function budgetRow(c: BudgetRowInput, gpusPerNode: number): string {
  const nodes = c.nodesPerReplica ?? 1;
  const whole = nodes > 1 ? ` (each replica ${nodes} nodes x ${gpusPerNode} GPUs)` : '';
  return `${c.consumerName} ${c.peakBreakdown} = ${c.gpusAtPeak}${whole}`;
}

/** Totals over pools (sums of the pool totals). */
export function fleetCost(pools: readonly PoolCost[]): FleetCost {
  const sum = (f: (p: PoolCost) => number) => pools.reduce((a, p) => a + f(p), 0);
  return {
    gpusAtMin: sum(p => p.gpusAtMin),
    gpusAtMax: sum(p => p.gpusAtMax),
    usdPerHourAtMin: roundUsd(sum(p => p.usdPerHourAtMin)),
    usdPerHourAtMax: roundUsd(sum(p => p.usdPerHourAtMax)),
  };
}
