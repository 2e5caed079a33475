import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * The package works for a real consumer: build, `npm pack`, install the tarball into an empty
 * project beside cdk8s, cdk8s-plus-28 and constructs (offline, from the npm cache that `npm ci`
 * filled), and synthesize a ModelService there.
 */
const root = join(__dirname, '..');

function installedVersion(pkg: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
}

describe('npm package', () => {
  let work: string;
  beforeAll(() => { work = mkdtempSync(join(tmpdir(), 'modelship-consumer-')); });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('installs from its tarball and synthesizes a ModelService for a consumer', () => {
    run('npx', ['tsc', '--build'], root);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root));
    const tarball = join(work, packed[0].filename);
    const files: string[] = packed[0].files.map((f: any) => f.path);
    expect(files).toContain('build/index.js');
    expect(files).toContain('build/index.d.ts');
    expect(files.some(f => f.startsWith('lib/') || f.startsWith('test/') || f.startsWith('examples/'))).toBe(false);

    const consumer = join(work, 'consumer');
    run('mkdir', ['-p', consumer], work);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball,
      `cdk8s@${installedVersion('cdk8s')}`, `cdk8s-plus-28@${installedVersion('cdk8s-plus-28')}`, `constructs@${installedVersion('constructs')}`], consumer);

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
    `);
    const out = run('node', ['main.js'], consumer);
    expect(out.trim()).toBe('1');
    // app.synth() writes the chart's YAML and PLAN.md.
    const written = readdirSync(join(consumer, 'out')).sort();
    expect(written).toEqual(['PLAN.md', expect.stringMatching(/\.k8s\.yaml$/)]);
    const yaml = readFileSync(join(consumer, 'out', written[1]), 'utf8');
    expect(yaml).toContain('kind: Deployment');
    expect(yaml).toContain('name: qwen');
    // A cdk8s-only consumer installs no Pulumi packages.
    expect(readdirSync(join(consumer, 'node_modules'))).not.toContain('@pulumi');
  });
});
