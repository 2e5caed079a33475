/**
 * Start-up cost of `import 'modelship'`, the way a user's program pays it: from compiled
 * JavaScript (TypeScript's own `transpileModule` with the project's compiler options, as
 * `npm run compile` emits it), in fresh `node` processes, interleaved with the baseline
 * (`cdk8s` + `constructs` alone) and the median of the per-round differences taken.
 *
 * Also lists which heavy modules `import 'modelship'` loads, and what each costs alone.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';
import * as ts from 'typescript';
import { HEAVY_MODULES } from './heavy-modules';

const ROOT = join(__dirname, '..');

/** Compiles lib/ to JavaScript under `<repo>/.tmp/<name>/lib` (inside the repo, so `node_modules` resolves). */
export function compileLib(name = 'bench-build', libDir = join(ROOT, 'lib')): string {
  const out = join(ROOT, '.tmp', name);
  rmSync(out, { recursive: true, force: true });
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  const walk = (dir: string): string[] => readdirSync(dir).flatMap(f => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
  for (const file of walk(libDir)) {
    const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText;
    const target = join(out, 'lib', relative(libDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  return join(out, 'lib');
}

/** Wall and CPU milliseconds to `require` the modules, in a fresh node process. */
export function requireMs(modules: readonly string[]): { wall: number; cpu: number } {
  const script = `const c=process.cpuUsage(),t=process.hrtime.bigint();for(const m of ${JSON.stringify(modules)})require(m);`
    + 'const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wall:Number(process.hrtime.bigint()-t)/1e6,cpu:(u.user+u.system)/1000}))';
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

/** Which of the given module path fragments are in `require.cache` after requiring `entry`. */
export function loadedBy(entry: string, fragments: readonly string[]): string[] {
  const script = `require(${JSON.stringify(entry)});const keys=Object.keys(require.cache);`
    + `process.stdout.write(JSON.stringify(${JSON.stringify(fragments)}.filter(f=>keys.some(k=>k.includes(f)))))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export interface StartupResult {
  /**
   * Median of (cdk8s + constructs + modelship) - (cdk8s + constructs), per interleaved round, in
   * CPU time: loading modules is single-threaded work, so its CPU time is what the wall time is on
   * an idle machine, while the wall time of a shared one counts the waits for a core.
   */
  readonly importOverheadMs: number;
  /** The same in wall time. */
  readonly importOverheadWallMs: number;
  /** CPU ms of cdk8s + constructs alone. */
  readonly baselineMs: number;
  readonly withModelshipMs: number;
  /** Each heavy dependency's own load time (over the baseline, median), for the record. */
  readonly parts: Record<string, number>;
  /** HEAVY_MODULES that `import 'modelship'` loaded (should be empty). */
  readonly heavyLoaded: string[];
}

export function measureStartup(rounds: number): StartupResult {
  const lib = compileLib();
  const base = ['cdk8s', 'constructs'];
  const entry = join(lib, 'index.js');
  const parts: Record<string, string[]> = {
    'cdk8s-plus-28 (index)': ['cdk8s-plus-28'],
    'cdk8s-plus-28/lib/imports/k8s': ['cdk8s-plus-28/lib/imports/k8s'],
    'k8s bindings vendored (lib/imports/k8s)': [join(lib, 'imports', 'k8s.js')],
    '@grafana/grafana-foundation-sdk': ['dashboard', 'prometheus', 'timeseries', 'common'].map(m => `@grafana/grafana-foundation-sdk/${m}`),
    '@prometheus-io/lezer-promql': ['@prometheus-io/lezer-promql'],
    'LWS binding (lib/imports)': [join(lib, 'imports', 'leaderworkersets-leaderworkerset.x-k8s.io.js')],
    'Argo bindings (lib/imports)': ['rollouts-argoproj.io.js', 'analysistemplates-argoproj.io.js'].map(f => join(lib, 'imports', f)),
  };
  const b: number[] = [];
  const w: number[] = [];
  const d: number[] = [];
  const dw: number[] = [];
  const p: Record<string, number[]> = Object.fromEntries(Object.keys(parts).map(k => [k, []]));
  for (let r = 0; r < rounds; r++) {
    const x = requireMs(base);
    const y = requireMs([...base, entry]);
    b.push(x.cpu); w.push(y.cpu); d.push(y.cpu - x.cpu); dw.push(y.wall - x.wall);
    for (const [k, mods] of Object.entries(parts)) p[k].push(requireMs([...base, ...mods]).cpu - x.cpu);
  }
  const result = {
    importOverheadMs: median(d),
    importOverheadWallMs: median(dw),
    baselineMs: median(b),
    withModelshipMs: median(w),
    parts: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, median(v)])),
    heavyLoaded: loadedBy(entry, HEAVY_MODULES),
  };
  return result;
}

if (require.main === module) {
  if (process.argv[2] === 'compile') console.log(compileLib(process.argv[3], process.argv[4]));
  else console.log(JSON.stringify(measureStartup(Number(process.argv[2] ?? 7))));
}
