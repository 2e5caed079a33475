import {
  RolloutMechanics, SurgeKind,
} from '../lib';
import { formatGpuBudget, planGpuBudget, replicasForWeight } from '../lib/canary-rollout/gpu-budget';

// A stable of 4 replicas x 4 GPUs (16 GPUs) and a candidate of 2 GPUs per replica (FP8).
const base = { stableReplicas: 4, stableGpusPerReplica: 4, candidateGpusPerReplica: 2, steps: [10, 25, 50], stableMaxSurge: 1 };
type Row = [string, number, number, number, number];
const rows = (b: ReturnType<typeof planGpuBudget>): Row[] => b.rows.map(r => [r.phase, r.weight, r.stableReplicas, r.candidateReplicas, r.gpus]);

describe('replicasForWeight', () => {
  test.each([[10, 4, 1], [25, 4, 1], [50, 4, 2], [100, 4, 4], [1, 10, 1], [33, 3, 1], [34, 3, 2]])('%i%% of %i replicas -> %i', (w, r, n) => {
    expect(replicasForWeight(w, r)).toBe(n);
  });
});

describe('Argo Rollouts with a traffic router', () => {
  test('scale-down-stable: candidate ready before the weight moves, stable shrinks after', () => {
    const b = planGpuBudget({ ...base, mechanics: RolloutMechanics.ARGO_TRAFFIC_ROUTED, surge: SurgeKind.SCALE_DOWN_STABLE });
    expect(rows(b)).toEqual<Row[]>([
      ['step 1 (10%)', 10, 4, 1, 18], // stable still serves 100 % while 1 candidate starts
      ['step 2 (25%)', 25, 4, 1, 18], // stable sized for 90 % (ceil(3.6) = 4)
      ['step 3 (50%)', 50, 3, 2, 16], // stable sized for 75 %
      ['promote', 100, 2, 4, 16], // stable sized for 50 % while the candidate reaches full size
    ]);
    expect(b.worst.phase).toBe('step 1 (10%)');
    expect(b.baselineGpus).toBe(16);
    expect(b.extraGpus).toBe(2);
  });

  test('extra-capacity: stable stays whole, promotion doubles (Argo scales the candidate up first)', () => {
    const b = planGpuBudget({ ...base, mechanics: RolloutMechanics.ARGO_TRAFFIC_ROUTED, surge: SurgeKind.EXTRA_CAPACITY, maxExtraReplicas: 4 });
    expect(rows(b)).toEqual<Row[]>([
      ['step 1 (10%)', 10, 4, 1, 18],
      ['step 2 (25%)', 25, 4, 1, 18],
      ['step 3 (50%)', 50, 4, 2, 20],
      ['promote', 100, 4, 4, 24],
    ]);
    expect(b.worst.phase).toBe('promote');
    expect(b.extraGpus).toBe(8);
  });

  test('a last step of 100 % needs no separate promotion row', () => {
    const b = planGpuBudget({ ...base, steps: [50, 100], mechanics: RolloutMechanics.ARGO_TRAFFIC_ROUTED, surge: SurgeKind.SCALE_DOWN_STABLE });
    expect(rows(b)).toEqual<Row[]>([
      ['step 1 (50%)', 50, 4, 2, 20],
      ['step 2 (100%)', 100, 2, 4, 16],
    ]);
  });
});

describe('Argo Rollouts without a router (replica-based)', () => {
  test('extra-capacity: candidate pods added first, at most maxExtraReplicas beyond the stable', () => {
    const b = planGpuBudget({ ...base, mechanics: RolloutMechanics.ARGO_REPLICA_BASED, surge: SurgeKind.EXTRA_CAPACITY, maxExtraReplicas: 1 });
    expect(rows(b)).toEqual<Row[]>([
      ['step 1 (10%)', 10, 4, 1, 18],
      ['step 2 (25%)', 25, 3, 1, 14],
      ['step 3 (50%)', 50, 3, 2, 16],
      ['promote', 100, 2, 3, 14],
    ]);
    expect(b.worst.gpus).toBe(18);
  });

  test('scale-down-stable: one stable pod stops before a candidate pod starts (never more than R pods)', () => {
    const b = planGpuBudget({ ...base, mechanics: RolloutMechanics.ARGO_REPLICA_BASED, surge: SurgeKind.SCALE_DOWN_STABLE });
    expect(rows(b)).toEqual<Row[]>([
      ['step 1 (10%)', 10, 4, 0, 16],
      ['step 2 (25%)', 25, 3, 1, 14],
      ['step 3 (50%)', 50, 3, 1, 14],
      ['promote', 100, 2, 2, 12],
    ]);
    expect(b.extraGpus).toBe(0);
  });

  test('a larger candidate makes the end of each move the worst moment', () => {
    const b = planGpuBudget({ ...base, candidateGpusPerReplica: 8, mechanics: RolloutMechanics.ARGO_REPLICA_BASED, surge: SurgeKind.SCALE_DOWN_STABLE });
    expect(rows(b).map(r => r[4])).toEqual([20, 20, 24, 32]);
  });
});

describe('Gateway API weights (one commit per phase)', () => {
  test('scale-down-stable: candidate sized for the next weight, stable for the previous one', () => {
    const b = planGpuBudget({ ...base, mechanics: RolloutMechanics.GATEWAY_WEIGHTS, surge: SurgeKind.SCALE_DOWN_STABLE });
    expect(rows(b)).toEqual<Row[]>([
      ['warm-up (0%)', 0, 4, 1, 18],
      ['step 1 (10%)', 10, 4, 1, 18],
      ['step 2 (25%)', 25, 4, 2, 20],
      ['step 3 (50%)', 50, 3, 2, 16],
      // The stable Deployment rolls to the candidate's template: 3 old pods + 2 new (4 + surge 1 - 3) + 2 canary.
      ['promote', 50, 5, 2, 20],
    ]);
    expect(b.worst.phase).toBe('step 2 (25%)');
  });

  test('extra-capacity: stable whole at every phase', () => {
    const b = planGpuBudget({ ...base, mechanics: RolloutMechanics.GATEWAY_WEIGHTS, surge: SurgeKind.EXTRA_CAPACITY, maxExtraReplicas: 2 });
    expect(rows(b)).toEqual<Row[]>([
      ['warm-up (0%)', 0, 4, 1, 18],
      ['step 1 (10%)', 10, 4, 1, 18],
      ['step 2 (25%)', 25, 4, 2, 20],
      ['step 3 (50%)', 50, 4, 2, 20],
      ['promote', 50, 5, 2, 22],
    ]);
    expect(b.worst.gpus).toBe(22);
  });
});

test('formatGpuBudget renders a Markdown table that marks the worst moment', () => {
  const b = planGpuBudget({ ...base, mechanics: RolloutMechanics.ARGO_TRAFFIC_ROUTED, surge: SurgeKind.SCALE_DOWN_STABLE });
  expect(formatGpuBudget(b)).toMatchInlineSnapshot(`
"| phase | weight | stable | candidate | GPUs |
| --- | ---: | ---: | ---: | ---: |
| step 1 (10%) (worst) | 10% | 4 | 1 | 18 |
| step 2 (25%) | 25% | 4 | 1 | 18 |
| step 3 (50%) | 50% | 3 | 2 | 16 |
| promote | 100% | 2 | 4 | 16 |"
`);
});
