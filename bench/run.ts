/**
 * `npm run bench`: synthesizes generated fleets of 10, 100 and 1,000 model services (with pools
 * and canaries; see fleet.ts) with modelship and, side by side in the same run, the same objects
 * as plain cdk8s ApiObjects (the floor). Prints per-model synth time, peak memory, the ratio to
 * the floor, the growth from 100 to 1,000, and the Pulumi adapter under mocks for 100 services
 * against the cdk8s synth of the same fleet. The last line is a one-line JSON summary.
 *
 * Each measurement runs in a fresh process; the two sides are interleaved so that noise on a
 * shared machine hits both alike, and the median of BENCH_REPEATS (default 5) runs is taken.
 * Absolute times on a shared machine are noise: read the ratios.
 *
 * This file imports nothing from modelship, so it runs as `node --import tsx bench/run.ts`
 * without the examples' path mapping; the child processes get it through TSX_TSCONFIG_PATH.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { cpus, tmpdir } from 'os';
import { join } from 'path';

const SIZES = [10, 100, 1000];
const PULUMI_SIZE = 100;
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5));
const work = mkdtempSync(join(tmpdir(), 'modelship-bench-'));
const began = Date.now();

type Mode = 'dump' | 'modelship' | 'floor' | 'pulumi';
interface Sample { ms: number; peakRssMiB: number; deltaRssMiB: number; objects?: number }

function measure(mode: Mode, size: number, objectsFile: string): Sample {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'measure.ts'), mode, String(size), objectsFile], {
    encoding: 'utf8',
    // PLAN.md is rendered in memory by the modelship side; nothing is written to disk by either side.
    env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, '..', 'examples', 'tsconfig.json') },
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Row {
  size: number;
  objects: number;
  modelshipMsPerModel: number;
  floorMsPerModel: number;
  modelshipMs: number;
  modelshipPeakMiB: number;
  floorPeakMiB: number;
  timeRatio: number;
  memoryRatio: number;
}

const rows: Row[] = [];
for (const size of SIZES) {
  const objectsFile = join(work, `fleet-${size}.json`);
  const objects = measure('dump', size, objectsFile).objects!;
  const ms: Sample[] = [];
  const fl: Sample[] = [];
  for (let r = 0; r < REPEATS; r++) {
    ms.push(measure('modelship', size, objectsFile));
    fl.push(measure('floor', size, objectsFile));
  }
  const modelshipMs = median(ms.map(s => s.ms));
  const floorMs = median(fl.map(s => s.ms));
  const modelshipPeakMiB = median(ms.map(s => s.deltaRssMiB));
  const floorPeakMiB = median(fl.map(s => s.deltaRssMiB));
  rows.push({
    size,
    objects,
    modelshipMs,
    modelshipMsPerModel: modelshipMs / size,
    floorMsPerModel: floorMs / size,
    modelshipPeakMiB,
    floorPeakMiB,
    timeRatio: modelshipMs / floorMs,
    memoryRatio: modelshipPeakMiB / Math.max(1, floorPeakMiB),
  });
  process.stderr.write(`  measured ${size} services (${objects} objects)\n`);
}

// Pulumi adapter under mocks against the cdk8s synth of the same fleet, interleaved the same way.
const pu: Sample[] = [];
const cd: Sample[] = [];
for (let r = 0; r < REPEATS; r++) {
  pu.push(measure('pulumi', PULUMI_SIZE, ''));
  cd.push(measure('modelship', PULUMI_SIZE, ''));
}
const pulumiMs = median(pu.map(s => s.ms));
const pulumiRatio = pulumiMs / median(cd.map(s => s.ms));
rmSync(work, { recursive: true, force: true });

const f = (x: number, d = 2) => x.toFixed(d);
const bySize = (n: number) => rows.find(r => r.size === n)!;
const growth = bySize(1000).modelshipMs / bySize(100).modelshipMs;
const overhead = bySize(1000).timeRatio;

console.log(`modelship bench: ${cpus().length} cores, Node ${process.versions.node}, median of ${REPEATS} runs per cell`);
console.log('');
console.log('services  objects  ms/service modelship  ms/service floor  time ratio  peak MiB modelship  peak MiB floor  memory ratio');
for (const r of rows) {
  console.log(`${String(r.size).padStart(8)}  ${String(r.objects).padStart(7)}  ${f(r.modelshipMsPerModel, 3).padStart(20)}  ${f(r.floorMsPerModel, 3).padStart(16)}  ${f(r.timeRatio).padStart(10)}  ${f(r.modelshipPeakMiB, 1).padStart(18)}  ${f(r.floorPeakMiB, 1).padStart(14)}  ${f(r.memoryRatio).padStart(12)}`);
}
console.log('');
console.log(`growth: 1,000-service time / 100-service time = ${f(growth)} (linear is 10; target <= 11): ${growth <= 11 ? 'ok' : 'OVER'}`);
console.log(`overhead at 1,000 services: ${f(overhead)}x the floor (target <= 1.5x): ${overhead <= 1.5 ? 'ok' : 'OVER'}`);
console.log(`pulumi adapter, ${PULUMI_SIZE} services under mocks: ${f(pulumiMs / PULUMI_SIZE, 2)} ms/service, ${f(pulumiRatio)}x the cdk8s synth of the same fleet`);
console.log(`bench took ${f((Date.now() - began) / 1000, 0)} s`);
console.log(JSON.stringify({
  cores: cpus().length,
  node: process.versions.node,
  repeats: REPEATS,
  sizes: SIZES,
  growth100to1000: Number(f(growth)),
  timeRatio: Object.fromEntries(rows.map(r => [r.size, Number(f(r.timeRatio))])),
  memoryRatio: Object.fromEntries(rows.map(r => [r.size, Number(f(r.memoryRatio))])),
  pulumiVsCdk8s100: Number(f(pulumiRatio)),
  targets: { growthMax: 11, overheadMax: 1.5, met: growth <= 11 && overhead <= 1.5 },
}));
