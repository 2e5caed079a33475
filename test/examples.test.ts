import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { expectRestricted } from './support/pss';
import { expectSchemaValid } from './support/schema';

const root = join(__dirname, '..');
const examplesDir = join(root, 'examples');
const cdk8sExamples = readdirSync(examplesDir).filter(d => existsSync(join(examplesDir, d, 'cdk8s.yaml'))).sort();

/** Runs an example the way `cdk8s synth` does (its cdk8s.yaml `app` command) into a temp outdir. */
function synthExample(name: string): { objects: any[]; stdout: string } {
  const outdir = mkdtempSync(join(tmpdir(), `modelship-${name}-`));
  try {
    const dir = join(examplesDir, name);
    const config = readFileSync(join(dir, 'cdk8s.yaml'), 'utf8');
    const app = /^app:\s*(.+)$/m.exec(config)![1].trim();
    const run = spawnSync(app, { cwd: dir, shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
    if (run.status !== 0) throw new Error(`example ${name} failed:\n${run.stdout}\n${run.stderr}`);
    const objects = readdirSync(outdir).filter(f => f.endsWith('.yaml')).sort()
      .flatMap(f => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map(d => d.toJSON()))
      .filter(o => o !== null);
    return { objects, stdout: run.stdout };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each(cdk8sExamples)('example %s', name => {
  let result: { objects: any[]; stdout: string };
  beforeAll(() => { result = synthExample(name); });

  test('synthesizes objects that validate against their upstream schemas', () => {
    expect(result.objects.length).toBeGreaterThan(0);
    expectSchemaValid(result.objects);
  });

  test('model pods meet Pod Security Standards "restricted"', () => {
    expectRestricted(result.objects);
  });

  test('no secret value is inlined', () => {
    for (const o of result.objects) expect(o.kind).not.toBe('Secret');
    const envs = result.objects.flatMap(o => o.spec?.template?.spec?.containers ?? []).flatMap((c: any) => c.env ?? []);
    for (const e of envs) if (/TOKEN|SECRET|PASSWORD|KEY/.test(e.name)) expect(e.value).toBeUndefined();
  });
});

test('the flagship example prints its plan', () => {
  const { stdout, objects } = synthExample('flagship');
  expect(stdout).toMatch(/llm\/llama-70b .*\s2 x NVIDIA H100 80GB\s/);
  expect(stdout).toMatch(/llm\/llama-8b .*\s1 x NVIDIA L4 24GB\s/);
  expect(objects.filter(o => o.kind === 'Deployment').map(o => o.metadata.name).sort()).toEqual(['llama-70b', 'llama-8b']);
});

test.each([
  // PrometheusRules: the stack's shared one, one for the vLLM metric map, one per service.
  ['flagship', { NodePool: 1, EC2NodeClass: 1, DaemonSet: 3, Deployment: 2, PrometheusRule: 4, ServiceMonitor: 1, PodMonitor: 2 }],
  ['pools', { NodePool: 1, EC2NodeClass: 1, Deployment: 3 }],
  // Two services span 2 nodes (a LeaderWorkerSet each); DeepSeek-R1 on one node of H200 is a Deployment.
  ['multi-node', { LeaderWorkerSet: 2, Deployment: 1, PodDisruptionBudget: 3 }],
  // Two services behind InferencePools, each with its endpoint picker (Deployment, PodMonitor, Istio DestinationRule).
  ['inference-gateway', { NodePool: 2, Deployment: 4, InferencePool: 2, DestinationRule: 2, HTTPRoute: 2, PodMonitor: 4 }],
])('example %s places its services on pools', (name, counts) => {
  const { objects } = synthExample(name);
  for (const [kind, n] of Object.entries(counts)) {
    expect(objects.filter(o => o.kind === kind)).toHaveLength(n);
  }
});
