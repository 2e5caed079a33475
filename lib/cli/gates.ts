/**
 * `modelship diff --fail-on <gate>`: conditions that fail a pull request's check (exit 1).
 *
 * - `cost-increase>N%` / `cost-increase>N`: the fleet's USD per hour at max scale grew by more than
 *   N percent / N dollars. From $0 any increase is an infinite percentage.
 * - `gpu-increase>N%` / `gpu-increase>N`: the fleet's GPUs at max scale grew by more than N percent / N GPUs.
 * - `any-removal`: an object of the base is not in the head (a deletion on apply with pruning).
 * - `service-removal`: a model service of the base plan is not in the head plan.
 */
import { UsageError } from './command';
import type { ObjectDiff } from './object-diff';
import type { PlanDiff } from './plan-diff';

/** A parsed gate. */
export type Gate =
  | { readonly text: string; readonly kind: 'cost-increase' | 'gpu-increase'; readonly threshold: number; readonly percent: boolean }
  | { readonly text: string; readonly kind: 'any-removal' | 'service-removal' };

/** The outcome of one gate. */
export interface GateResult {
  readonly gate: string;
  readonly failed: boolean;
  readonly detail: string;
}

/** Every gate `--fail-on` accepts, for help and errors. */
export const GATE_FORMS = ['cost-increase>N%', 'cost-increase>N (USD/hour)', 'gpu-increase>N', 'gpu-increase>N%', 'any-removal', 'service-removal'];

/** Parses one `--fail-on` value (several may be comma-separated). */
export function parseGates(values: readonly string[]): Gate[] {
  return values.flatMap(v => v.split(',')).map(s => s.trim()).filter(s => s !== '').map(text => {
    if (text === 'any-removal' || text === 'service-removal') return { text, kind: text };
    const m = /^(cost-increase|gpu-increase)\s*>\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)$/.exec(text);
    if (!m) throw new UsageError(`--fail-on ${JSON.stringify(text)}: expected one of ${GATE_FORMS.join(', ')}`);
    return { text, kind: m[1] as 'cost-increase' | 'gpu-increase', threshold: Number(m[2]), percent: m[3] === '%' };
  });
}

function increase(base: number, head: number): { abs: number; pct: number } {
  const abs = head - base;
  return { abs, pct: base === 0 ? (abs > 0 ? Infinity : 0) : (abs / base) * 100 };
}

const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)}%` : 'from 0');

/** Evaluates the gates on a diff. */
export function evaluateGates(gates: readonly Gate[], objects: ObjectDiff, plan: PlanDiff): GateResult[] {
  const fb = plan.fleet.base;
  const fh = plan.fleet.head;
  return gates.map(g => {
    switch (g.kind) {
      case 'any-removal':
        return { gate: g.text, failed: objects.removed.length > 0, detail: objects.removed.length > 0 ? `${objects.removed.length} object(s) removed: ${objects.removed.join(', ')}` : 'no object removed' };
      case 'service-removal': {
        const gone = plan.services.filter(s => s.base && !s.head).map(s => s.subject.replace(/^service /, ''));
        return { gate: g.text, failed: gone.length > 0, detail: gone.length > 0 ? `service(s) removed: ${gone.join(', ')}` : 'no service removed' };
      }
      default: {
        const cost = g.kind === 'cost-increase';
        const b = cost ? fb?.usdPerHour.max ?? 0 : fb?.gpus.max ?? 0;
        const h = cost ? fh?.usdPerHour.max ?? 0 : fh?.gpus.max ?? 0;
        const d = increase(b, h);
        const failed = g.percent ? d.pct > g.threshold : d.abs > g.threshold + 1e-9;
        const what = cost ? `$/hour at max scale ${b.toFixed(2)} -> ${h.toFixed(2)} (${d.abs >= 0 ? '+' : ''}${d.abs.toFixed(2)}, ${pct(d.pct)})`
          : `GPUs at max scale ${b} -> ${h} (${d.abs >= 0 ? '+' : ''}${d.abs}, ${pct(d.pct)})`;
        return { gate: g.text, failed, detail: what };
      }
    }
  });
}
