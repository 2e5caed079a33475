import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, posix } from 'path';
import { minVersion as semverMin, satisfies } from 'semver';
import { parseAllDocuments } from 'yaml';
import { freshNpmEnv, npmInstall, run } from './support/npm';

/**
 * The package as a user gets it, on a machine that has never installed it: build, `npm pack`, then
 * install the tarball from the registry with an empty npm cache (never `--offline`):
 * - into a consumer project beside cdk8s, and synthesize a ModelService there;
 * - through `npx modelship init`, the way the README tells a new user, then `npm install`,
 *   `npx cdk8s synth` and the scaffold's own `npm test`; and the same with `--pulumi`.
 * Slow (every install resolves from the registry): minutes, not seconds.
 */
const root = join(__dirname, '..');
const INSTALL_TIMEOUT = 20 * 60_000;

function installedVersion(pkg: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** The oldest version a range such as `>=20.19.0` admits. */
function minVersion(range: string): string {
  return semverMin(range)!.version;
}

/** Every Kubernetes object of the YAML files in `dir`. */
function objectsIn(dir: string): any[] {
  return readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()
    .flatMap(f => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map(d => d.toJSON()))
    .filter(o => o !== null);
}

let work: string;
let env: NodeJS.ProcessEnv;
let tarball: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'modelship-package-'));
  // An empty cache of our own, whatever the caller's: every install below resolves from the registry.
  const cache = join(work, 'npm-cache');
  mkdirSync(cache);
  env = freshNpmEnv(cache);
  run('npx', ['tsc', '--build'], root, env);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root, env).stdout);
  tarball = join(work, packed[0].filename);
  files = packed[0].files.map((f: any) => f.path);
}, INSTALL_TIMEOUT);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the tarball', () => {
  test('holds the compiled library, the CLI and the docs, not the sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['build/index.js', 'build/index.d.ts', 'build/cli/main.js', 'README.md', 'docs/monitoring.md', 'docs/autoscaling.md']));
    // `modelship validate` reads the vendored CRDs; plan.json's schema ships; `modelship/testing` is compiled.
    expect(files).toEqual(expect.arrayContaining(['build/testing/index.js', 'build/testing/index.d.ts', 'schemas/plan.schema.json', 'vendor/crds/keda.sh_scaledobjects.yaml', 'docs/cli.md']));
    expect(files.filter(f => f.startsWith('vendor/reference/'))).toEqual([]);
    expect(files.filter(f => /^(lib|test|examples|bench|scripts)\//.test(f))).toEqual([]);
  });

  test('every relative link of README.md and docs/ leads to a file in the tarball', () => {
    const docs = files.filter(f => f === 'README.md' || /^docs\/.*\.md$/.test(f));
    const broken: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const path = posix.normalize(posix.join(posix.dirname(doc), target)).replace(/\/$/, '');
        if (!files.includes(path) && !files.some(f => f.startsWith(`${path}/`))) broken.push(`${doc} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

test('a consumer installs it with cdk8s and synthesizes a ModelService planned on one GPU', () => {
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  npmInstall(consumer, env, tarball,
    `cdk8s@${installedVersion('cdk8s')}`, `cdk8s-plus-28@${installedVersion('cdk8s-plus-28')}`, `constructs@${installedVersion('constructs')}`);

  writeFileSync(join(consumer, 'main.js'), `
    const { App, Chart } = require('cdk8s');
    const { Accelerator, Model, ModelService, Runtime } = require('modelship');
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'fleet', { namespace: 'llm' });
    const svc = new ModelService(chart, 'qwen', {
      model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'),
      runtime: Runtime.vllm({ maxModelLen: 4096 }),
      accelerator: Accelerator.NVIDIA_L4,
    });
    app.synth();
    console.log(svc.plan.gpusPerReplica);
    // modelship/testing: the same app in memory, checked by the matchers' plain functions.
    const { kubernetesProblems, podSecurityProblems, synthApp } = require('modelship/testing');
    const result = synthApp(app);
    console.log(result.plan.services[0].id, kubernetesProblems(result).length, podSecurityProblems(result).length);
  `);
  const { stdout } = run('node', ['main.js'], consumer, env);
  expect(stdout.trim().split('\n')).toEqual(['1', 'llm/qwen 0 0']);
  // app.synth() writes the chart's YAML, PLAN.md and plan.json.
  const written = readdirSync(join(consumer, 'out')).sort();
  expect(written).toEqual(['PLAN.md', expect.stringMatching(/\.k8s\.yaml$/), 'plan.json']);
  // The installed CLI validates the output (schemas, rules, CRDs from the package) and prints the plan.
  expect(run('npx', ['modelship', 'validate', 'out'], consumer, env).stdout).toMatch(/^modelship validate: \d+ object\(s\) in 1 file\(s\), 0 problem\(s\)$/m);
  expect(run('npx', ['modelship', 'plan', 'out'], consumer, env).stdout).toMatch(/llm\/qwen/);
  const deployment = objectsIn(join(consumer, 'out')).find(o => o.kind === 'Deployment');
  expect(deployment.metadata.name).toBe('qwen');
  expect(deployment.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  // A cdk8s-only consumer installs no Pulumi packages.
  expect(readdirSync(join(consumer, 'node_modules'))).not.toContain('@pulumi');
}, INSTALL_TIMEOUT);

/** `npx modelship init <dir>` as a new user runs it: npx installs the package (here, the tarball) and runs its bin. */
function init(dir: string, ...flags: string[]): string {
  mkdirSync(dirname(dir), { recursive: true });
  return run('npx', ['--yes', '--package', tarball, '--', 'modelship', 'init', dir, '--modelship', `file:${tarball}`, ...flags], work, env).stdout;
}

describe('npx modelship init', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(work, 'init-')), 'infra');
    expect(init(dir)).toMatch(/created {3}main\.ts/);
    npmInstall(dir, env);
  }, INSTALL_TIMEOUT);

  test('npx cdk8s synth writes the chart (one GPU per replica, autoscaler, monitoring) and prints the plan', () => {
    const synth = run('npx', ['cdk8s', 'synth'], dir, env);
    expect(synth.stdout).toMatch(/dist\/llm\.k8s\.yaml/);
    // The plan, on stderr (cdk8s synth swallows the app's stdout).
    expect(synth.stderr).toMatch(/llm\/qwen-7b .*\s1 x NVIDIA L4 24GB\s/);
    expect(readdirSync(join(dir, 'dist')).sort()).toEqual(['PLAN.md', 'llm.k8s.yaml', 'plan.json']);
    const objects = objectsIn(join(dir, 'dist'));
    const deployment = objects.find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(objects.map(o => o.kind)).toEqual(expect.arrayContaining(['ScaledObject', 'PodMonitor', 'PrometheusRule']));
    // What the CI pipelines run on the synth output.
    expect(run('npx', ['modelship', 'validate', 'dist'], dir, env).stdout).toMatch(/, 0 problem\(s\)$/m);
    expect(run('npx', ['modelship', 'images', 'dist'], dir, env).stdout).toMatch(/^vllm\/vllm-openai:/m);
  });

  test('npm test type-checks the repo and passes its generated test', () => {
    const test = run('npm', ['test'], dir, env);
    // main.test.ts: two plain tests and two with modelship/testing's matchers.
    expect(`${test.stdout}\n${test.stderr}`).toMatch(/Tests: +4 passed, 4 total/);
  }, INSTALL_TIMEOUT);

  test('npm run synth downloads nothing (cdk8s-cli\'s upgrade check is off)', () => {
    // Any outbound connection from any node process of the synth (npm, cdk8s-cli, the app, a child
    // the CLI starts to fetch a URL) throws; its message is the marker.
    const blocker = join(work, 'block-network.js');
    writeFileSync(blocker, `
      const net = require('net');
      const connect = net.Socket.prototype.connect;
      net.Socket.prototype.connect = function (...args) {
        // net.connect() passes its arguments normalized, as [options, callback].
        const target = Array.isArray(args[0]) ? args[0][0] : args[0];
        if (typeof target === 'string' || (target && typeof target === 'object' && target.path)) return connect.apply(this, args); // local (IPC) sockets
        throw new Error('NETWORK-BLOCKED-BY-TEST');
      };
    `);
    const blocked = { ...env, CDK8S_CHECK_UPGRADE: undefined, NODE_OPTIONS: `--require ${blocker}` };
    // The blocker works: cdk8s-cli's upgrade check (on without the flag; an empty HOME, so no
    // ~/.cdk8s-cli.version cache answers for it) trips it.
    const control = spawnSync('npx', ['cdk8s', 'synth'], { cwd: dir, env: { ...blocked, HOME: mkdtempSync(join(work, 'home-')) }, encoding: 'utf8' });
    expect(control.stderr).toContain('NETWORK-BLOCKED-BY-TEST');
    const synth = run('npm', ['run', 'synth'], dir, blocked);
    expect(`${synth.stdout}\n${synth.stderr}`).not.toContain('NETWORK-BLOCKED-BY-TEST');
    expect(synth.stdout).toMatch(/dist\/llm\.k8s\.yaml/);
  });

});

describe('npx modelship init --pulumi', () => {
  test('installs without ERESOLVE, on a Pulumi SDK that supports this Node, and its program runs under mocks', () => {
    const dir = join(mkdtempSync(join(work, 'init-')), 'infra');
    expect(init(dir, '--pulumi')).toMatch(/created {3}index\.ts/);
    // A real install (no --dry-run, no --force, no --legacy-peer-deps): ERESOLVE would fail it.
    npmInstall(dir, env);
    const installed = (pkg: string) => JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8'));
    const pulumi = installed('@pulumi/pulumi');
    // npm picks the newest @pulumi/pulumi whose engines fit the running Node (>= 22 from 3.249.0 on).
    const minNode = Number(/^>=\s*(\d+)/.exec(pulumi.engines.node)![1]);
    expect(minNode).toBeLessThanOrEqual(Number(process.versions.node.split('.')[0]));
    expect(installed('typescript').version).toMatch(/^5\.9\./);
    // Every package the scaffold installed accepts the Node its engines name (the same as modelship's).
    const engines = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).engines.node;
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    const refusing = Object.entries<any>(lock.packages)
      .filter(([, p]) => p.engines?.node !== undefined && !satisfies(minVersion(engines), p.engines.node))
      .map(([path, p]) => `${path}@${p.version}: node ${p.engines.node}`);
    expect(refusing).toEqual([]);

    const test = run('npm', ['test'], dir, env);
    expect(`${test.stdout}\n${test.stderr}`).toMatch(/Tests: +5 passed, 5 total/);
  }, INSTALL_TIMEOUT);
});
