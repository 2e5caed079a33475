import { rmSync } from 'fs';
import { Accelerator } from '../lib';
import { captured, synthExampleDir, tempDir } from './support/synth-dirs';
import { ExitCode } from '../lib/cli/command';
import { main } from '../lib/cli/main';

// `modelship diff` between the flagship and a changed flagship. Expected figures are computed here by
// hand from the example's source and the accelerator's list price, not read from the plan.

/** The flagship's Llama 3.1 70B in FP8 needs 2 H100s per replica (70.6e9 params x 1 byte > one 80 GB GPU). */
const GPUS_PER_70B_REPLICA = 2;
/** The h100 pool prices GPU-hours at the catalog's on-demand price: $55.04/h for 8 GPUs of a p5.48xlarge. */
const H100_USD_PER_GPU_HOUR = Accelerator.NVIDIA_H100_80GB.spec.onDemandUsdPerGpuHour;
const L4_USD_PER_GPU_HOUR = Accelerator.NVIDIA_L4.spec.onDemandUsdPerGpuHour;

const dirs: string[] = [];
let base: string;
let head: string;
beforeAll(() => {
  base = synthExampleDir('flagship');
  // One more max replica on the 70B service (6 -> 7).
  head = synthExampleDir('flagship', s => s.replace('autoscaling: { minReplicas: 2, maxReplicas: 6, queueDepthPerReplica: 8 }', 'autoscaling: { minReplicas: 2, maxReplicas: 7, queueDepthPerReplica: 8 }'));
  dirs.push(base, head);
});
afterAll(() => dirs.forEach(d => rmSync(d, { recursive: true, force: true })));

function diff(...args: string[]): { code: ExitCode; out: string; err: string } {
  const c = captured(base);
  const code = main(['diff', ...args], c);
  return { code, out: c.stdout.join('\n'), err: c.stderr.join('\n') };
}

test('the price the hand computation uses is the H100 list price', () => {
  expect(H100_USD_PER_GPU_HOUR).toBe(6.88);
  expect(55.04 / 8).toBeCloseTo(H100_USD_PER_GPU_HOUR, 10);
});

describe('one more max replica on the 70B service', () => {
  const money = (x: number) => `$${x.toFixed(2)}`;
  const before = { max: 6 * GPUS_PER_70B_REPLICA, peak: (6 + 1) * GPUS_PER_70B_REPLICA }; // maxSurge 1 replica
  const after = { max: 7 * GPUS_PER_70B_REPLICA, peak: (7 + 1) * GPUS_PER_70B_REPLICA };
  const usdBefore = before.max * H100_USD_PER_GPU_HOUR;
  const usdAfter = after.max * H100_USD_PER_GPU_HOUR;
  const usdDelta = (after.max - before.max) * H100_USD_PER_GPU_HOUR; // 2 GPUs x $6.88 = $13.76

  test('json: the service and its pool gain 2 GPUs at max and peak and $13.76/hour at max; nothing else changes', () => {
    const r = diff(base, head, '--format', 'json');
    expect(r.code).toBe(ExitCode.OK);
    const json = JSON.parse(r.out);
    const svc = json.plan.services.find((s: any) => s.subject === 'service llm/llama-70b');
    expect(svc.base.gpus).toEqual({ min: 2 * GPUS_PER_70B_REPLICA, max: before.max, peak: before.peak });
    expect(svc.head.gpus).toEqual({ min: 2 * GPUS_PER_70B_REPLICA, max: after.max, peak: after.peak });
    expect(svc.head.usdPerHour.max - svc.base.usdPerHour.max).toBeCloseTo(usdDelta, 2);
    expect(svc.head.usdPerHour.max).toBeCloseTo(usdAfter, 2);
    expect(svc.base.replicas).toBe('2-6');
    expect(svc.head.replicas).toBe('2-7');
    expect(json.plan.services.filter((s: any) => s.changed).map((s: any) => s.subject)).toEqual(['service llm/llama-70b']);
    expect(json.plan.pools.filter((p: any) => p.changed).map((p: any) => p.subject)).toEqual(['pool h100']);
    // The fleet: the 8B service on one L4 per replica, 1-4 replicas, is unchanged.
    const l4Max = 4 * L4_USD_PER_GPU_HOUR;
    expect(json.plan.fleet.base.usdPerHour.max).toBeCloseTo(usdBefore + l4Max, 2);
    expect(json.plan.fleet.head.usdPerHour.max).toBeCloseTo(usdAfter + l4Max, 2);
    // One object changes, in one field: the autoscaler's ceiling.
    expect(json.objects.added).toEqual([]);
    expect(json.objects.removed).toEqual([]);
    expect(json.objects.changed).toEqual([{ id: 'ScaledObject llm/llama-70b', paths: ['spec.maxReplicaCount'] }]);
  });

  test('markdown for a PR comment: the deltas per service and pool, the fleet line, the changed field', () => {
    const r = diff(base, head, '--format', 'markdown');
    expect(r.code).toBe(ExitCode.OK);
    const row = `| llm/llama-70b | 4 | ${before.max} → ${after.max} (+2) | ${before.peak} → ${after.peak} (+2) | ${money(2 * GPUS_PER_70B_REPLICA * H100_USD_PER_GPU_HOUR)} | ${money(usdBefore)} → ${money(usdAfter)} (+${money(usdDelta)}) | 2-6 → 2-7 | 840s | unchanged |`;
    expect(r.out).toContain(row);
    expect(r.out).toContain('| h100 | 4 | 12 → 14 (+2) | 14 → 16 (+2) | $27.52 | $82.56 → $96.32 (+$13.76) | unchanged |');
    expect(r.out).toMatch(/^### modelship diff\n\n\*\*Fleet\*\*: GPUs at max 16 → 18 \(\+2\), at peak 19 → 21 \(\+2\); \$\/hour at min \$28\.32, at max \$85\.76 → \$99\.52 \(\+\$13\.76\)/);
    expect(r.out).toContain('- changed `ScaledObject llm/llama-70b`: `spec.maxReplicaCount`');
    expect(r.out).toContain('0 added, 0 removed, 1 changed, 31 unchanged object(s).');
  });

  test('gates: +16% cost passes cost-increase>20% and fails cost-increase>10%; +2 GPUs fails gpu-increase>1', () => {
    const pct = (usdDelta / (usdBefore + 4 * L4_USD_PER_GPU_HOUR)) * 100;
    expect(pct).toBeCloseTo(16.04, 1);
    const pass = diff(base, head, '--format', 'markdown', '--fail-on', 'cost-increase>20%');
    expect(pass.code).toBe(ExitCode.OK);
    expect(pass.out).toContain(`- passed \`cost-increase>20%\`: $/hour at max scale 85.76 -> 99.52 (+13.76, ${pct.toFixed(1)}%)`);
    const fail = diff(base, head, '--fail-on', 'cost-increase>10%,gpu-increase>1', '--fail-on', 'gpu-increase>2', '--fail-on', 'any-removal');
    expect(fail.code).toBe(ExitCode.PROBLEMS);
    expect(fail.out).toContain('FAILED cost-increase>10%');
    expect(fail.out).toContain('FAILED gpu-increase>1: GPUs at max scale 16 -> 18 (+2, 12.5%)');
    expect(fail.out).toContain('passed gpu-increase>2');
    expect(fail.out).toContain('passed any-removal: no object removed');
    expect(fail.err).toContain('modelship diff: gate cost-increase>10% failed');
    expect(diff(base, head, '--fail-on', 'cost-increase>13.75').code).toBe(ExitCode.PROBLEMS);
    expect(diff(base, head, '--fail-on', 'cost-increase>13.77').code).toBe(ExitCode.OK);
  });
});

test('removing the 8B service: its objects are removed, and any-removal and service-removal fail', () => {
  const removed = synthExampleDir('flagship', s => s.replace('services: [llama8b, llama70b]', 'services: [llama70b]')
    .replace(/const llama8b = new ModelService\(chart, 'llama-8b', \{[\s\S]*?\n\}\);\n/, ''));
  dirs.push(removed);
  const r = diff(base, removed, '--fail-on', 'any-removal,service-removal');
  expect(r.code).toBe(ExitCode.PROBLEMS);
  expect(r.out).toContain('  - Deployment llm/llama-8b');
  expect(r.out).toMatch(/llm\/llama-8b +removed \(was 1\) +removed \(was 4\)/);
  expect(r.out).toContain('FAILED service-removal: service(s) removed: llm/llama-8b');
  expect(r.out).toMatch(/FAILED any-removal: \d+ object\(s\) removed: .*Deployment llm\/llama-8b/);
});

test('a first deployment (empty base): everything is new, noted, exit 0', () => {
  const empty = tempDir('diff-empty');
  dirs.push(empty);
  const r = diff(empty, head, '--format', 'markdown');
  expect(r.code).toBe(ExitCode.OK);
  expect(r.out).toContain('| llm/llama-70b | new: 4 | new: 14 | new: 16 |');
  expect(r.out).toContain('> base has no objects and no plan.json: everything is new.');
});

test.each([
  [['diff', '.'], /diff takes two directories \(base and head\), got 1/],
  [['diff', '.', '.', '--fail-on', 'cost>5'], /--fail-on "cost>5": expected one of cost-increase>N%/],
])('%j is a usage error (exit 2)', (argv, message) => {
  const c = captured(__dirname);
  expect(main(argv, c)).toBe(ExitCode.USAGE);
  expect(c.stderr.join('\n')).toMatch(message);
});
