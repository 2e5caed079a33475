/**
 * What a change does to the plan: per service and per pool, the GPUs at min/max/peak, USD per
 * hour at min/max, images and startup budget on each side, from the two plan.json files.
 * Services match by `namespace/name`, pools by name.
 */
import { compareStrings } from '../report/object-images';
import type { PlanGpus, PlanJson, PlanUsdPerHour } from '../report/plan-json';

/** One side's figures of a service or pool (undefined on the side where it does not exist). */
export interface PlanFigures {
  readonly gpus: PlanGpus;
  readonly usdPerHour: PlanUsdPerHour;
  readonly images: readonly string[];
  /** Services only. */
  readonly startupBudgetSeconds?: number;
  /** Services only: `min-max` replicas. */
  readonly replicas?: string;
}

/** A service, a pool or the fleet, on both sides. */
export interface PlanDelta {
  /** `service llm/llama-70b`, `pool h100` or `fleet`. */
  readonly subject: string;
  readonly base?: PlanFigures;
  readonly head?: PlanFigures;
  /** Whether anything of it differs. */
  readonly changed: boolean;
}

/** The plan difference of two synth outputs. */
export interface PlanDiff {
  readonly services: PlanDelta[];
  readonly pools: PlanDelta[];
  readonly fleet: PlanDelta;
}

function figuresEqual(a?: PlanFigures, b?: PlanFigures): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function deltas<T>(base: readonly T[], head: readonly T[], key: (t: T) => string, figures: (t: T) => PlanFigures, prefix: string): PlanDelta[] {
  const b = new Map(base.map(t => [key(t), t]));
  const h = new Map(head.map(t => [key(t), t]));
  const keys = [...new Set([...b.keys(), ...h.keys()])].sort(compareStrings);
  return keys.map(k => {
    const fb = b.has(k) ? figures(b.get(k)!) : undefined;
    const fh = h.has(k) ? figures(h.get(k)!) : undefined;
    return { subject: `${prefix} ${k}`, base: fb, head: fh, changed: !figuresEqual(fb, fh) };
  });
}

/** Differences of two plans (either may be missing: then every entry of the other side is added or removed). */
export function diffPlans(base: PlanJson | undefined, head: PlanJson | undefined): PlanDiff {
  const empty: PlanJson = { schemaVersion: 1, pools: [], services: [], canaries: [], fleet: { gpus: { min: 0, max: 0, peak: 0 }, usdPerHour: { min: 0, max: 0 }, images: [] } };
  const b = base ?? empty;
  const h = head ?? empty;
  const fleetOf = (p: PlanJson): PlanFigures => ({ gpus: p.fleet.gpus, usdPerHour: p.fleet.usdPerHour, images: p.fleet.images });
  return {
    services: deltas(b.services, h.services, s => s.id, s => ({
      gpus: s.gpus,
      usdPerHour: s.usdPerHour,
      images: s.images,
      startupBudgetSeconds: s.startupBudgetSeconds,
      replicas: s.replicas.min === s.replicas.max ? String(s.replicas.min) : `${s.replicas.min}-${s.replicas.max}`,
    }), 'service'),
    pools: deltas(b.pools, h.pools, p => p.name, p => ({ gpus: p.gpus, usdPerHour: p.usdPerHour, images: p.images }), 'pool'),
    fleet: { subject: 'fleet', base: base ? fleetOf(b) : undefined, head: head ? fleetOf(h) : undefined, changed: !figuresEqual(fleetOf(b), fleetOf(h)) },
  };
}
