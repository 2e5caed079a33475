/**
 * Issue 11, no half-written output: a synth that fails leaves the previous good output directory
 * byte-identical, whatever fails (a construct's input, a synth-time check, or the rendering of a
 * later chart, e.g. a user's JSON patch that does not apply).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { Accelerator, GpuNodePool, Model, ModelService, MonitoringStack, Provisioner, ValidationError } from '../lib';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';

/** Every file under `dir`, relative path -> bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

interface Variant {
  /** Replicas of the second chart's service (so a partial write would be visible). */
  readonly replicas: number;
  /** What breaks. */
  readonly broken?: 'input' | 'synth-check' | 'duplicate' | 'render';
}

/** Two charts: a pool and a service in the first, a service and a stack in the second. */
function build(outdir: string, v: Variant): App {
  const app = new App({ outdir });
  const first = new Chart(app, 'pools', { namespace: 'llm' });
  const pool = new GpuNodePool(first, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: v.broken === 'synth-check' ? 1 : 64,
  });
  const firstSvc = new ModelService(first, 'qwen', { model: Model.huggingFace('Qwen/Qwen2.5-7B-Instruct'), nodePool: pool, replicas: v.replicas });
  const second = new Chart(app, 'services', { namespace: 'llm' });
  const svc = new ModelService(second, 'llama', {
    model: Model.huggingFace(LLAMA_8B), nodePool: pool, replicas: v.broken === 'input' ? 0 : v.replicas,
  });
  // The stack's object-size check renders every object while validating: without it, a rendering
  // failure happens only while cdk8s writes the files.
  if (v.broken !== 'render') new MonitoringStack(second, 'monitoring', { services: [svc, firstSvc] });
  if (v.broken === 'duplicate') new ModelService(second, 'qwen-again', { name: 'qwen', model: Model.huggingFace(LLAMA_8B), nodePool: pool });
  // Fails while cdk8s renders the second chart, after it wrote the first.
  if (v.broken === 'render') ApiObject.of(svc).addJsonPatch(JsonPatch.replace('/spec/no/such/path', 1));
  return app;
}

describe('a failed synth leaves the previous dist/ byte-identical', () => {
  let outdir: string;
  beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-atomic-')); });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test.each(['input', 'synth-check', 'duplicate', 'render'] as const)('broken by %s', broken => {
    build(outdir, { replicas: 2 }).synth();
    const before = snapshot(outdir);
    expect([...before.keys()].sort()).toEqual(['PLAN.md', 'plan.json', 'pools.k8s.yaml', 'services.k8s.yaml']);

    let error: unknown;
    try {
      build(outdir, { replicas: 3, broken }).synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeDefined();
    // Only a failure inside cdk8s's rendering is not a ValidationError: modelship checks every value before.
    if (broken !== 'render') expect(error).toBeInstanceOf(ValidationError);

    const after = snapshot(outdir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)!.equals(bytes)).toBe(true);
  });

  test('a successful synth replaces the files (and the staging directory is gone)', () => {
    build(outdir, { replicas: 2 }).synth();
    const before = snapshot(outdir);
    build(outdir, { replicas: 3 }).synth();
    const after = snapshot(outdir);
    expect(after.get('pools.k8s.yaml')!.equals(before.get('pools.k8s.yaml')!)).toBe(false);
    expect(after.get('services.k8s.yaml')!.toString()).toContain('replicas: 3');
    expect(fs.readdirSync(os.tmpdir()).filter(f => f.startsWith('modelship-synth-'))).toEqual([]);
  });
});
