/**
 * `npm run bench`: synthesizes generated fleets of 10, 100 and 1,000 model services with modelship
 * and, side by side in the same run, the same objects as plain cdk8s ApiObjects (the floor).
 * Prints per-model synth time, peak memory, the ratio to the floor, and the growth from 100 to
 * 1,000. The last line is a one-line JSON summary. Numbers are ratios measured in one run on
 * the same machine: absolute times on a shared machine are noise.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { buildFleet } from './fleet';

const SIZES = [10, 100, 1000];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'modelship-bench-'));

interface Sample { ms: number; peakRssMiB: number; deltaRssMiB: number }

function measure(mode: 'modelship' | 'floor', size: number, objectsFile: string): Sample {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'measure.ts'), mode, String(size), objectsFile], {
    encoding: 'utf8', env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, '..', 'examples', 'tsconfig.json') },
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const rows: any[] = [];
for (const size of SIZES) {
  const app = new App();
  const objects = buildFleet(app, size).toJson();
  const objectsFile = join(work, `fleet-${size}.json`);
  writeFileSync(objectsFile, JSON.stringify(objects));
  const ms: Sample[] = [];
  const fl: Sample[] = [];
  // Interleave the two so that machine noise hits both alike.
  for (let r = 0; r < REPEATS; r++) {
    ms.push(measure('modelship', size, objectsFile));
    fl.push(measure('floor', size, objectsFile));
  }
  const row = {
    size,
    objects: objects.length,
    modelshipMsPerModel: median(ms.map(s => s.ms)) / size,
    floorMsPerModel: median(fl.map(s => s.ms)) / size,
    modelshipPeakMiB: median(ms.map(s => s.deltaRssMiB)),
    floorPeakMiB: median(fl.map(s => s.deltaRssMiB)),
  };
  rows.push({ ...row, timeRatio: row.modelshipMsPerModel / row.floorMsPerModel, memoryRatio: row.modelshipPeakMiB / Math.max(1, row.floorPeakMiB) });
}
rmSync(work, { recursive: true, force: true });

const f = (x: number, d = 2) => x.toFixed(d);
console.log('size   objects  ms/model (modelship)  ms/model (floor)  time ratio  peak MiB (modelship)  peak MiB (floor)  memory ratio');
for (const r of rows) {
  console.log(`${String(r.size).padEnd(6)} ${String(r.objects).padEnd(8)} ${f(r.modelshipMsPerModel, 3).padEnd(21)} ${f(r.floorMsPerModel, 3).padEnd(17)} ${f(r.timeRatio).padEnd(11)} ${f(r.modelshipPeakMiB, 1).padEnd(21)} ${f(r.floorPeakMiB, 1).padEnd(17)} ${f(r.memoryRatio)}`);
}
const bySize = (n: number) => rows.find(r => r.size === n)!;
const growth = (bySize(1000).modelshipMsPerModel * 1000) / (bySize(100).modelshipMsPerModel * 100);
console.log(`growth: 1,000-model time / 100-model time = ${f(growth)} (linear is 10; target <= 11)`);
console.log(`overhead at 1,000 models: ${f(bySize(1000).timeRatio)}x the floor (target <= 1.5x)`);
console.log(JSON.stringify({ sizes: SIZES, repeats: REPEATS, growth100to1000: Number(f(growth)), timeRatio: Object.fromEntries(rows.map(r => [r.size, Number(f(r.timeRatio))])), memoryRatio: Object.fromEntries(rows.map(r => [r.size, Number(f(r.memoryRatio))])) }));
