import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { Accelerator, GpuNodePool, Model, ModelService, Precision, Provisioner, Runtime, ValidationError } from '../lib';

describe('bad input fails at synth, before any file is written, with every problem at once', () => {
  let outdir: string;
  beforeEach(() => { outdir = mkdtempSync(join(tmpdir(), 'modelship-validation-')); });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('two pools over budget: one ValidationError naming both, and no manifest on disk', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'prod', { namespace: 'llm' });
    const h100 = new GpuNodePool(chart, 'h100', { accelerator: Accelerator.NVIDIA_H100_80GB, provisioner: Provisioner.existing(), maxGpus: 4 });
    const l4 = new GpuNodePool(chart, 'l4', { accelerator: Accelerator.NVIDIA_L4, provisioner: Provisioner.existing(), maxGpus: 2 });
    new ModelService(chart, 'llama-70b', {
      model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'), precision: Precision.FP8, nodePool: h100,
      runtime: Runtime.vllm({ maxModelLen: 8192 }), autoscaling: { minReplicas: 1, maxReplicas: 3 },
    });
    new ModelService(chart, 'llama-8b', {
      model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), nodePool: l4,
      runtime: Runtime.vllm({ maxModelLen: 4096 }), replicas: 2,
    });

    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems.map(p => p.path).sort()).toEqual(['prod/h100', 'prod/l4']);
    // 3 replicas x 2 GPUs + surge 1 x 2 = 8 > 4; 2 replicas x 1 GPU + surge 1 x 1 = 3 > 2.
    expect((error as Error).message).toMatch(/maxGpus \(4\)[\s\S]*llama-70b 3 replicas x 2 GPUs \+ surge 1 x 2 = 8/);
    expect((error as Error).message).toMatch(/maxGpus \(2\)[\s\S]*llama-8b 2 replicas x 1 GPUs \+ surge 1 x 1 = 3/);
    expect(readdirSync(outdir)).toEqual([]);
  });
});
