/**
 * GPUs held at each phase of a canary rollout, for both surge policies and every traffic
 * mechanism. Pure: no cdk8s, so it is table-tested and reused by docs and the synth check.
 *
 * Two rules shape every row:
 * - the side that RECEIVES traffic has its replicas running and ready before the weight moves;
 * - the side that GIVES traffic keeps its replicas until the weight has moved away from it.
 * So the worst moment of a step is the transition into it: the receiving side already at the
 * new size, the giving side still at the old one.
 */

/** How the stable side is paid for while the candidate runs. */
export enum SurgeKind {
  /** The stable keeps its full size; the candidate runs in extra replicas, up to a limit. */
  EXTRA_CAPACITY = 'extra-capacity',
  /** The stable shrinks as the candidate grows (Argo `dynamicStableScale`, or weights in code). */
  SCALE_DOWN_STABLE = 'scale-down-stable',
}

/** Who moves traffic and replicas, which decides when capacity changes. */
export enum RolloutMechanics {
  /** Argo Rollouts with a traffic router (Gateway API plugin): weights and replicas are decoupled. */
  ARGO_TRAFFIC_ROUTED = 'argo-traffic-routed',
  /** Argo Rollouts without a router: traffic follows the replica ratio behind one Service. */
  ARGO_REPLICA_BASED = 'argo-replica-based',
  /** Two Deployments behind one HTTPRoute; weights and replica counts are set in code, one commit per phase. */
  GATEWAY_WEIGHTS = 'gateway-weights',
}

/** What the budget is computed from. */
export interface GpuBudgetInput {
  readonly mechanics: RolloutMechanics;
  readonly surge: SurgeKind;
  /** Limit on replicas beyond the stable's size (EXTRA_CAPACITY only). */
  readonly maxExtraReplicas?: number;
  /** Replicas of the stable at peak (its maxReplicas): the traffic at 100 %. */
  readonly stableReplicas: number;
  readonly stableGpusPerReplica: number;
  /** Planned separately: a larger model or another precision may need more or fewer GPUs. */
  readonly candidateGpusPerReplica: number;
  /** Traffic weights of the candidate, in percent, increasing. */
  readonly steps: readonly number[];
  /** The stable Deployment's own maxSurge, used when it rolls to the candidate (gateway promotion). */
  readonly stableMaxSurge: number;
}

/** The worst moment of one phase of the rollout. */
export interface GpuBudgetRow {
  /** e.g. `step 2 (25%)`, `warm-up`, `promote`. */
  readonly phase: string;
  /** Candidate's traffic weight in percent during the phase. */
  readonly weight: number;
  /** Stable replicas at the worst moment of the phase. */
  readonly stableReplicas: number;
  /** Candidate replicas at the worst moment of the phase. */
  readonly candidateReplicas: number;
  /** GPUs held at the worst moment of the phase. */
  readonly gpus: number;
  /** The arithmetic, e.g. `4 stable x 4 + 2 candidate x 8`. */
  readonly detail: string;
}

/** GPUs across the rollout. */
export interface GpuBudget {
  readonly rows: GpuBudgetRow[];
  /** The row with the most GPUs (the first one, when several tie). */
  readonly worst: GpuBudgetRow;
  /** GPUs of the stable alone at peak: stableReplicas x stableGpusPerReplica. */
  readonly baselineGpus: number;
  /** GPUs beyond the baseline at the worst moment (never negative). */
  readonly extraGpus: number;
}

/** Replicas that carry `weight` percent of the traffic the stable carries with `replicas`. */
export function replicasForWeight(weight: number, replicas: number): number {
  return Math.ceil((weight * replicas) / 100);
}

interface State { readonly stable: number; readonly candidate: number; readonly stableGpus: number; readonly candidateGpus: number }

function row(phase: string, weight: number, s: State): GpuBudgetRow {
  const gpus = s.stable * s.stableGpus + s.candidate * s.candidateGpus;
  const stablePart = `${s.stable} stable x ${s.stableGpus}`;
  const candPart = `${s.candidate} candidate x ${s.candidateGpus}`;
  return { phase, weight, stableReplicas: s.stable, candidateReplicas: s.candidate, gpus, detail: `${stablePart} + ${candPart} = ${gpus}` };
}

function worstOf(states: State[]): State {
  let best = states[0];
  for (const s of states) {
    if (s.stable * s.stableGpus + s.candidate * s.candidateGpus > best.stable * best.stableGpus + best.candidate * best.candidateGpus) best = s;
  }
  return best;
}

/**
 * Argo's basic canary moves from (c0 candidate, R - c0 stable) to (c1, R - c1). With extra
 * capacity it adds up to E candidate pods beyond R, waits for them, then removes as many stable
 * pods (maxSurge E, maxUnavailable 0); with scale-down it removes one stable pod first
 * (maxSurge 0, maxUnavailable 1). Returns the worst moment of the move.
 */
function replicaBasedMove(input: GpuBudgetInput, c0: number, c1: number): State {
  const R = input.stableReplicas;
  const gS = input.stableGpusPerReplica;
  const gC = input.candidateGpusPerReplica;
  const states: State[] = [{ stable: R - c0, candidate: c0, stableGpus: gS, candidateGpus: gC }];
  if (input.surge === SurgeKind.EXTRA_CAPACITY) {
    const E = Math.max(1, input.maxExtraReplicas ?? 1);
    let c = c0;
    let s = R - c0;
    while (c < c1) {
      c = Math.min(c1, R + E - s);
      states.push({ stable: s, candidate: c, stableGpus: gS, candidateGpus: gC });
      s = R - c;
    }
  }
  // Scale-down never holds more than R pods; the GPU count is linear in c, so an end is worst.
  states.push({ stable: R - c1, candidate: c1, stableGpus: gS, candidateGpus: gC });
  return worstOf(states);
}

/**
 * The GPUs held at the worst moment of every phase of the rollout, and the worst of all.
 */
export function planGpuBudget(input: GpuBudgetInput): GpuBudget {
  const R = input.stableReplicas;
  const gS = input.stableGpusPerReplica;
  const gC = input.candidateGpusPerReplica;
  const need = (w: number) => replicasForWeight(w, R);
  const extra = input.surge === SurgeKind.EXTRA_CAPACITY;
  const steps = input.steps;
  const last = steps.length > 0 ? steps[steps.length - 1] : 0;
  const st = (stable: number, candidate: number): State => ({ stable, candidate, stableGpus: gS, candidateGpus: gC });
  const rows: GpuBudgetRow[] = [];

  switch (input.mechanics) {
    case RolloutMechanics.ARGO_TRAFFIC_ROUTED: {
      steps.forEach((w, i) => {
        const prev = i > 0 ? steps[i - 1] : 0;
        rows.push(row(`step ${i + 1} (${w}%)`, w, st(extra ? R : need(100 - prev), need(w))));
      });
      if (last < 100) {
        // Full promotion: Argo brings the candidate to full size before the stable goes.
        rows.push(row('promote', 100, st(extra ? R : need(100 - last), R)));
      }
      break;
    }
    case RolloutMechanics.ARGO_REPLICA_BASED: {
      steps.forEach((w, i) => {
        const prev = i > 0 ? steps[i - 1] : 0;
        rows.push(row(`step ${i + 1} (${w}%)`, w, replicaBasedMove(input, need(prev), need(w))));
      });
      if (last < 100) rows.push(row('promote', 100, replicaBasedMove(input, need(last), R)));
      break;
    }
    case RolloutMechanics.GATEWAY_WEIGHTS: {
      // Phase p serves weight W[p]; the candidate is already sized for the NEXT weight and the
      // stable still sized for the PREVIOUS one, so a commit that moves the weight only ever
      // sends traffic to replicas that were started (and are ready) one commit earlier.
      const W = [0, ...steps];
      W.forEach((w, p) => {
        const next = p < W.length - 1 ? W[p + 1] : w;
        const prev = p > 0 ? W[p - 1] : 0;
        rows.push(row(p === 0 ? 'warm-up (0%)' : `step ${p} (${w}%)`, w, st(extra ? R : need(100 - prev), need(next))));
      });
      // Promotion: the stable Deployment rolls to the candidate's template at full size with its
      // own maxSurge, while the candidate Deployment keeps serving its share.
      const oldStable = extra ? R : need(100 - (W.length > 1 ? W[W.length - 2] : 0));
      const newStable = Math.min(R, R + input.stableMaxSurge - oldStable);
      const cand = need(last);
      const gpus = oldStable * gS + newStable * gC + cand * gC;
      rows.push({
        phase: 'promote',
        weight: last,
        stableReplicas: oldStable + newStable,
        candidateReplicas: cand,
        gpus,
        detail: `${oldStable} stable x ${gS} + ${newStable} stable on the candidate's template x ${gC} + ${cand} candidate x ${gC} = ${gpus}`,
      });
      break;
    }
  }

  let worst = rows[0];
  for (const r of rows) if (r.gpus > worst.gpus) worst = r;
  const baselineGpus = R * gS;
  return { rows, worst, baselineGpus, extraGpus: Math.max(0, worst.gpus - baselineGpus) };
}

/** The budget as a Markdown table, for docs and error messages. */
export function formatGpuBudget(budget: GpuBudget): string {
  const lines = ['| phase | weight | stable | candidate | GPUs |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of budget.rows) {
    const mark = r === budget.worst ? ' (worst)' : '';
    lines.push(`| ${r.phase}${mark} | ${r.weight}% | ${r.stableReplicas} | ${r.candidateReplicas} | ${r.gpus} |`);
  }
  return lines.join('\n');
}
