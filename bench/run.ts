/**
 * `npm run bench`: the targets of issue 16, measured side by side in one run, printed as a table
 * and, last, as one JSON line with every target and whether it is met.
 *
 * - Per-service cost: generated fleets (see fleet.ts) of 10, 100 and 1,000 model services with
 *   a MonitoringStack over all, and of 100 and 1,000 without one; each against its floor, the very
 *   same objects as plain cdk8s ApiObjects through the same serializer (`app.synthYaml()`). The
 *   slope is (time at 1,000 - time at 100) / 900 services; growth is time(1,000) / time(100).
 * - End to end: the whole child process (Node start, module loading, build, YAML, PLAN.md), the
 *   modelship side against the floor's process, and the in-process synth time alone.
 * - Memory: each child's peak RSS (the kernel's high-water mark, what `/usr/bin/time -v` reports
 *   as "Maximum resident set size"), at 1,000 and 2,000 services; 10,000 services once (report only).
 * - Start-up: `import 'modelship'` (compiled JavaScript) over `cdk8s` + `constructs` alone (startup.ts).
 * - The flagship example under `cdk8s synth`, process start to YAML and PLAN.md on disk.
 * - The Pulumi adapter under mocks for 100 services against the cdk8s synth of the same fleet.
 *
 * Each measurement runs in a fresh process; the sides are interleaved so that noise on a shared
 * machine hits both alike, the five fleets of the slopes are measured round by round, and the
 * median of BENCH_REPEATS (default 5) runs is taken (3 at 2,000 services, 1 at 10,000;
 * BENCH_HUGE=0 skips 10,000). Absolute times on a shared machine are
 * noise: read the ratios.
 *
 * This file imports nothing from modelship, so it runs as `node --import tsx bench/run.ts`
 * without the examples' path mapping; the child processes get it through TSX_TSCONFIG_PATH.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { compileLib, measureStartup, median } from './startup';

const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5));
const HUGE = process.env.BENCH_HUGE !== '0';
const PULUMI_SIZE = 100;
const ROOT = join(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'modelship-bench-'));
const began = Date.now();
const load = [loadavg()[0]];

type Mode = 'dump' | 'modelship' | 'floor' | 'pulumi';
interface Sample { ms: number; cpuMs: number; wallMs: number; peakRssMiB: number; bytes: number; planBytes: number; objects?: number }

function measure(mode: Mode, size: number, objectsFile: string, monitoring = true): Sample {
  const start = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'measure.ts'), mode, String(size), objectsFile, monitoring ? 'mon' : 'nomon'], {
    encoding: 'utf8',
    // PLAN.md is rendered in memory by the modelship side; nothing is written to disk by either side.
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'examples', 'tsconfig.json') },
    maxBuffer: 16 * 2 ** 20,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  load.push(loadavg()[0]);
  return { ...JSON.parse(out.trim().split('\n').pop()!), wallMs };
}

interface Cell {
  size: number;
  monitoring: boolean;
  objects: number;
  /** In-process: build + synthYaml + PLAN.md (modelship), synthYaml (floor); medians. */
  modelshipMs: number;
  floorMs: number;
  /** The same in CPU time (see measure.ts). */
  modelshipCpuMs: number;
  floorCpuMs: number;
  /** Whole child process, medians. */
  modelshipWallMs: number;
  floorWallMs: number;
  modelshipPeakMiB: number;
  floorPeakMiB: number;
  yamlBytes: number;
  planBytes: number;
  /** The modelship side's CPU ms, round by round (round r of every fleet ran in the same round). */
  modelshipCpuByRound: number[];
}

/**
 * Interleaved modelship / floor runs of several fleets: each round measures every fleet once (its
 * modelship side, then its floor), so the fleets a ratio compares (the slopes compare four) are
 * measured side by side, not minutes apart on a machine whose speed drifts.
 */
function measureFleets(specs: ReadonlyArray<{ size: number; monitoring: boolean }>, repeats: number, withFloor = true): Cell[] {
  const runs = specs.map(({ size, monitoring }) => {
    const objectsFile = join(work, `fleet-${size}-${monitoring ? 'mon' : 'nomon'}.json`);
    const objects = withFloor ? measure('dump', size, objectsFile, monitoring).objects! : 0;
    return { size, monitoring, objectsFile, objects, ms: [] as Sample[], fl: [] as Sample[] };
  });
  for (let r = 0; r < repeats; r++) {
    // Each round starts at another fleet, so no fleet always runs first or last in a round.
    for (let i = 0; i < runs.length; i++) {
      const run = runs[(i + r) % runs.length];
      run.ms.push(measure('modelship', run.size, run.objectsFile, run.monitoring));
      if (withFloor) run.fl.push(measure('floor', run.size, run.objectsFile, run.monitoring));
    }
  }
  const med = (xs: Sample[], f: (s: Sample) => number) => (xs.length ? median(xs.map(f)) : NaN);
  return runs.map(({ size, monitoring, objects, ms, fl }) => {
    const result: Cell = {
      size,
      monitoring,
      objects,
      modelshipMs: med(ms, s => s.ms),
      floorMs: med(fl, s => s.ms),
      modelshipCpuMs: med(ms, s => s.cpuMs),
      floorCpuMs: med(fl, s => s.cpuMs),
      modelshipWallMs: med(ms, s => s.wallMs),
      floorWallMs: med(fl, s => s.wallMs),
      modelshipPeakMiB: med(ms, s => s.peakRssMiB),
      floorPeakMiB: med(fl, s => s.peakRssMiB),
      yamlBytes: ms[0].bytes,
      planBytes: ms[0].planBytes,
      modelshipCpuByRound: ms.map(x => x.cpuMs),
    };
    // Each cell as it is measured, so a long run that is stopped still tells something.
    process.stderr.write(`  measured ${JSON.stringify(result)}\n`);
    return result;
  });
}

const GNU_TIME = '/usr/bin/time';

/** Wall ms of a command and, when GNU time is installed, the CPU ms of it and its children. */
function timed(args: string[], cwd: string, env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const report = join(work, 'time.txt');
  const gnu = existsSync(GNU_TIME);
  const t = process.hrtime.bigint();
  execFileSync(gnu ? GNU_TIME : process.execPath, gnu ? ['-f', '%U %S', '-o', report, process.execPath, ...args] : args, { cwd, env, stdio: 'ignore' });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = gnu ? readFileSync(report, 'utf8').trim().split(/\s+/).slice(-2).reduce((a, x) => a + Number(x) * 1000, 0) : NaN;
  return { wall, cpu };
}

/**
 * `cdk8s synth` of the flagship example, process start to files on disk, and its app command alone;
 * interleaved with the floor every cdk8s project pays on this machine: the same CLI synthesizing a
 * plain cdk8s app of one ConfigMap, run the same way (`node --import tsx main.ts`), and the CLI
 * starting alone (`cdk8s --version`).
 */
function flagship(repeats: number) {
  const dir = join(ROOT, 'examples', 'flagship');
  const cli = join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  // Inside the repo, so `cdk8s` resolves from its node_modules.
  const floorDir = join(ROOT, '.tmp', 'bench-cdk8s-floor');
  mkdirSync(floorDir, { recursive: true });
  writeFileSync(join(floorDir, 'cdk8s.yaml'), 'language: typescript\napp: node --import tsx main.ts\n');
  writeFileSync(join(floorDir, 'main.ts'), "import { ApiObject, App, Chart } from 'cdk8s';\n"
    + "const app = new App();\nnew ApiObject(new Chart(app, 'floor'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'floor' } });\napp.synth();\n");
  // As a user runs it: modelship compiled to JavaScript (what the npm package holds), only main.ts
  // through tsx. The examples' tsconfig maps 'modelship' to lib/*.ts instead, which tsx transforms.
  const compiled = compileLib('bench-flagship');
  const compiledTsconfig = join(ROOT, '.tmp', 'bench-flagship', 'tsconfig.json');
  writeFileSync(compiledTsconfig, JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, baseUrl: '.', paths: { modelship: [join(compiled, 'index.js')] } } }));
  const synth: Array<{ wall: number; cpu: number }> = [];
  const synthCompiled: Array<{ wall: number; cpu: number }> = [];
  const app: Array<{ wall: number; cpu: number }> = [];
  const floor: Array<{ wall: number; cpu: number }> = [];
  const cliOnly: Array<{ wall: number; cpu: number }> = [];
  for (let r = 0; r < repeats; r++) {
    const out = join(work, `flagship-${r}`);
    synth.push(timed([cli, 'synth', '--output', `${out}-cli`, '--no-check-upgrade'], dir, process.env));
    synthCompiled.push(timed([cli, 'synth', '--output', `${out}-compiled`, '--no-check-upgrade'], dir, { ...process.env, TSX_TSCONFIG_PATH: compiledTsconfig }));
    floor.push(timed([cli, 'synth', '--output', `${out}-floor`, '--no-check-upgrade'], floorDir, process.env));
    cliOnly.push(timed([cli, '--version'], floorDir, process.env));
    app.push(timed(['--import', 'tsx', 'main.ts'], dir, { ...process.env, CDK8S_OUTDIR: `${out}-app` }));
  }
  rmSync(floorDir, { recursive: true, force: true });
  const wall = (xs: Array<{ wall: number }>) => median(xs.map(x => x.wall));
  const cpu = (xs: Array<{ cpu: number }>) => median(xs.map(x => x.cpu));
  return {
    cdk8sSynthMs: wall(synth),
    cdk8sSynthCpuMs: cpu(synth),
    compiledSynthMs: wall(synthCompiled),
    compiledSynthCpuMs: cpu(synthCompiled),
    appOnlyMs: wall(app),
    appOnlyCpuMs: cpu(app),
    floorSynthMs: wall(floor),
    floorSynthCpuMs: cpu(floor),
    cliVersionMs: wall(cliOnly),
    cliVersionCpuMs: cpu(cliOnly),
  };
}

// The five fleets of the slopes and ratios, interleaved round by round.
const fleets = measureFleets([
  { size: 10, monitoring: true }, { size: 100, monitoring: true }, { size: 1000, monitoring: true },
  { size: 100, monitoring: false }, { size: 1000, monitoring: false },
], REPEATS);
const withMon = fleets.filter(c => c.monitoring);
const noMon = fleets.filter(c => !c.monitoring);
const [big] = measureFleets([{ size: 2000, monitoring: true }], Math.min(REPEATS, 3), false);
const huge = HUGE ? measureFleets([{ size: 10000, monitoring: true }], 1, false)[0] : undefined;
const startup = measureStartup(REPEATS + 2);
const fs = flagship(Math.min(REPEATS, 3));

// Pulumi adapter under mocks against the cdk8s synth of the same fleet, interleaved the same way.
const pu: Sample[] = [];
const cd: Sample[] = [];
for (let r = 0; r < REPEATS; r++) {
  pu.push(measure('pulumi', PULUMI_SIZE, ''));
  cd.push(measure('modelship', PULUMI_SIZE, ''));
}
const pulumiRatio = median(pu.map(s => s.ms)) / median(cd.map(s => s.ms));
rmSync(work, { recursive: true, force: true });

const at = (cells: Cell[], n: number) => cells.find(c => c.size === n)!;
type Side = 'modelshipMs' | 'floorMs' | 'modelshipCpuMs' | 'floorCpuMs';
const slope = (cells: Cell[], side: Side) => (at(cells, 1000)[side] - at(cells, 100)[side]) / 900;
// Slopes in CPU time (robust to the machine's load; wall-time slopes are printed too).
const slopeMon = slope(withMon, 'modelshipCpuMs');
const slopeNoMon = slope(noMon, 'modelshipCpuMs');
// The target: the ratio of the slopes within each round (its four fleets ran side by side), median over rounds.
const roundSlope = (cells: Cell[], round: number) => (at(cells, 1000).modelshipCpuByRound[round] - at(cells, 100).modelshipCpuByRound[round]) / 900;
const slopeRatios = at(withMon, 1000).modelshipCpuByRound.map((_, round) => roundSlope(withMon, round) / roundSlope(noMon, round));
const slopeRatio = median(slopeRatios);
// CPU time below wall time means the process waited for a core: something else was running.
const contended = fleets.filter(c => c.modelshipCpuMs < c.modelshipMs).map(c => `${c.size}${c.monitoring ? '' : '-nomon'}`);
const m1000 = at(withMon, 1000);
const r = (x: number, d = 2) => Number(x.toFixed(d));

const targets = {
  importOverheadMs: { value: r(startup.importOverheadMs, 0), max: 150 },
  slopeRatioMonitoring: { value: r(slopeRatio), max: 1.5 },
  endToEndVsFloor1000: { value: r(m1000.modelshipWallMs / m1000.floorWallMs), max: 2 },
  outputMB1000: { value: r(m1000.yamlBytes / 1e6), max: 12 },
  peakMiB1000: { value: r(m1000.modelshipPeakMiB, 0), max: 400 },
  peakMiB2000: { value: r(big.modelshipPeakMiB, 0), max: 800 },
  growth100to1000: { value: r(m1000.modelshipCpuMs / at(withMon, 100).modelshipCpuMs), max: 11 },
  // CPU time of the whole process tree (the wall time on an idle machine; wall time is printed too).
  flagshipCdk8sSynthMs: { value: r(Number.isNaN(fs.cdk8sSynthCpuMs) ? fs.cdk8sSynthMs : fs.cdk8sSynthCpuMs, 0), max: 1500 },
};
const met = Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, { ...t, met: t.value <= t.max }]));

const f = (x: number, d = 2) => (Number.isNaN(x) ? '-' : x.toFixed(d));
const meanLoad = load.reduce((a, b) => a + b, 0) / load.length;
console.log(`modelship bench: ${cpus().length} cores, Node ${process.versions.node}, median of ${REPEATS} runs per cell, mean 1-min load average ${f(meanLoad, 1)}`);
console.log('');
console.log('services  monitoring  objects  ms/service modelship  ms/service floor  time ratio  process ratio  peak MiB modelship  peak MiB floor  YAML MB');
for (const c of [...withMon, ...noMon, big, ...(huge ? [huge] : [])]) {
  console.log(`${String(c.size).padStart(8)}  ${(c.monitoring ? 'yes' : 'no').padStart(10)}  ${String(c.objects || '-').padStart(7)}  ${f(c.modelshipMs / c.size, 3).padStart(20)}  `
    + `${f(c.floorMs / c.size, 3).padStart(16)}  ${f(c.modelshipMs / c.floorMs).padStart(10)}  ${f(c.modelshipWallMs / c.floorWallMs).padStart(13)}  `
    + `${f(c.modelshipPeakMiB, 0).padStart(18)}  ${f(c.floorPeakMiB, 0).padStart(14)}  ${f(c.yamlBytes / 1e6).padStart(7)}`);
}
console.log('');
console.log(`slope 100 -> 1,000 services, CPU ms/service: ${f(slopeMon, 3)} with monitoring, ${f(slopeNoMon, 3)} without (floor: ${f(slope(withMon, 'floorCpuMs'), 3)} / ${f(slope(noMon, 'floorCpuMs'), 3)});`
  + ` wall: ${f(slope(withMon, 'modelshipMs'), 3)} / ${f(slope(noMon, 'modelshipMs'), 3)}`);
console.log(`  slope ratio per round: ${slopeRatios.map(x => f(x)).join(', ')} (median ${f(slopeRatio)}; ratio of the median slopes ${f(slopeMon / slopeNoMon)})`);
if (contended.length) console.log(`  WARNING: CPU time below wall time (the process waited for a core: something else ran) in ${contended.join(', ')}`);
console.log(`import 'modelship': +${f(startup.importOverheadMs, 0)} CPU ms over cdk8s + constructs (${f(startup.baselineMs, 0)} CPU ms), +${f(startup.importOverheadWallMs, 0)} ms wall; heavy modules it loads: ${startup.heavyLoaded.join(', ') || 'none'}`);
console.log(`  each alone over the baseline: ${Object.entries(startup.parts).map(([k, v]) => `${k} +${f(v, 0)} ms`).join(', ')}`);
console.log(`flagship: cdk8s synth ${f(fs.cdk8sSynthCpuMs, 0)} CPU ms (${f(fs.cdk8sSynthMs, 0)} ms wall), its app command alone ${f(fs.appOnlyCpuMs, 0)} CPU ms (${f(fs.appOnlyMs, 0)} ms wall)`);
console.log(`  with modelship compiled (as installed from npm; main.ts through tsx): cdk8s synth ${f(fs.compiledSynthCpuMs, 0)} CPU ms (${f(fs.compiledSynthMs, 0)} ms wall)`);
console.log(`  floor: cdk8s synth of a one-ConfigMap cdk8s app ${f(fs.floorSynthCpuMs, 0)} CPU ms (${f(fs.floorSynthMs, 0)} ms wall); cdk8s --version alone ${f(fs.cliVersionCpuMs, 0)} CPU ms (${f(fs.cliVersionMs, 0)} ms wall); flagship over the floor +${f(fs.cdk8sSynthMs - fs.floorSynthMs, 0)} ms wall`);
if (huge) console.log(`10,000 services: ${f(huge.modelshipMs / 1000, 1)} s in process, ${f(huge.modelshipWallMs / 1000, 1)} s end to end, peak ${f(huge.modelshipPeakMiB, 0)} MiB, ${f(huge.yamlBytes / 1e6, 1)} MB of YAML`);
console.log(`pulumi adapter, ${PULUMI_SIZE} services under mocks: ${f(pulumiRatio)}x the cdk8s synth of the same fleet`);
for (const [k, t] of Object.entries(met)) console.log(`  ${t.met ? 'ok  ' : 'OVER'} ${k}: ${t.value} (target <= ${t.max})`);
console.log(`bench took ${f((Date.now() - began) / 1000, 0)} s`);
console.log(JSON.stringify({
  cores: cpus().length,
  node: process.versions.node,
  repeats: REPEATS,
  meanLoadAverage: r(meanLoad, 1),
  targets: met,
  allMet: Object.values(met).every(t => t.met),
  slopeCpuMsPerService: { monitoring: r(slopeMon, 3), noMonitoring: r(slopeNoMon, 3) },
  slopeRatioByRound: slopeRatios.map(x => r(x)),
  contendedCells: contended,
  slopeWallMsPerService: { monitoring: r(slope(withMon, 'modelshipMs'), 3), noMonitoring: r(slope(noMon, 'modelshipMs'), 3) },
  // In-process synthesis time against the floor's, CPU time (wall-time ratios are in the table).
  cpuRatioToFloor: Object.fromEntries([
    ...withMon.map(c => [`${c.size}`, r(c.modelshipCpuMs / c.floorCpuMs)]),
    ...noMon.map(c => [`${c.size}-nomon`, r(c.modelshipCpuMs / c.floorCpuMs)]),
  ]),
  processRatioToFloor1000: r(m1000.modelshipWallMs / m1000.floorWallMs),
  bytesPerService1000: { yaml: Math.round(m1000.yamlBytes / 1000), plan: Math.round(m1000.planBytes / 1000) },
  peakMiB: { 1000: r(m1000.modelshipPeakMiB, 0), 2000: r(big.modelshipPeakMiB, 0), ...(huge ? { 10000: r(huge.modelshipPeakMiB, 0) } : {}) },
  services10000: huge
    ? {
      s: r(huge.modelshipMs / 1000, 1),
      cpuS: r(huge.modelshipCpuMs / 1000, 1),
      endToEndS: r(huge.modelshipWallMs / 1000, 1),
      peakMiB: r(huge.modelshipPeakMiB, 0),
      yamlMB: r(huge.yamlBytes / 1e6, 1),
    }
    : undefined,
  importMs: {
    overheadCpu: r(startup.importOverheadMs, 0),
    overheadWall: r(startup.importOverheadWallMs, 0),
    baselineCpu: r(startup.baselineMs, 0),
    heavyLoaded: startup.heavyLoaded,
    parts: Object.fromEntries(Object.entries(startup.parts).map(([k, v]) => [k, r(v, 0)])),
  },
  flagship: {
    cdk8sSynthCpuMs: r(fs.cdk8sSynthCpuMs, 0),
    cdk8sSynthWallMs: r(fs.cdk8sSynthMs, 0),
    appOnlyCpuMs: r(fs.appOnlyCpuMs, 0),
    appOnlyWallMs: r(fs.appOnlyMs, 0),
    // modelship compiled, as a user installs it; main.ts through tsx.
    compiledCdk8sSynthCpuMs: r(fs.compiledSynthCpuMs, 0),
    compiledCdk8sSynthWallMs: r(fs.compiledSynthMs, 0),
    // The same CLI and app command with a one-ConfigMap plain cdk8s app, and the CLI alone.
    floorCdk8sSynthCpuMs: r(fs.floorSynthCpuMs, 0),
    floorCdk8sSynthWallMs: r(fs.floorSynthMs, 0),
    cliVersionCpuMs: r(fs.cliVersionCpuMs, 0),
    cliVersionWallMs: r(fs.cliVersionMs, 0),
    overFloorWallMs: r(fs.cdk8sSynthMs - fs.floorSynthMs, 0),
  },
  pulumiVsCdk8s100: r(pulumiRatio),
}));
