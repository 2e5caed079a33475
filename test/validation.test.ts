import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Duration } from 'cdk8s';
import { Accelerator, DevicePlugin, GpuNodePool, GpuSharing, Model, ModelService, MonitoringStack, Precision, Provisioner, Runtime, ValidationError } from '../lib';

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
      model: Model.huggingFace('meta-llama/Llama-3.1-70B-Instruct'),
      precision: Precision.FP8,
      nodePool: h100,
      runtime: Runtime.vllm({ maxModelLen: 8192 }),
      autoscaling: { minReplicas: 1, maxReplicas: 3 },
    });
    new ModelService(chart, 'llama-8b', {
      model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
      nodePool: l4,
      runtime: Runtime.vllm({ maxModelLen: 4096 }),
      replicas: 2,
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

describe('limits the API server would otherwise reject', () => {
  test.each([0, 1, -1, 1.5])('time-slicing with %d shares per GPU', shares => {
    expect(() => new GpuNodePool(new Chart(new App(), 'c'), 'p', {
      accelerator: Accelerator.NVIDIA_L4,
      provisioner: Provisioner.existing(),
      devicePlugin: DevicePlugin.nvidia({ sharing: GpuSharing.timeSlicing(shares) }),
    })).toThrow(/devicePlugin.sharing = "timeSlicing\(.*\)": time-slicing shares each GPU between a whole number of pods, at least 2/);
  });

  test('a scale-down window over one hour is refused; one hour is kept', () => {
    const chart = new Chart(new App(), 'c');
    const base = { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), accelerator: Accelerator.NVIDIA_L4, runtime: Runtime.vllm({ maxModelLen: 4096 }) };
    expect(() => new ModelService(chart, 'a', { ...base, autoscaling: { minReplicas: 1, maxReplicas: 2, scaleDownStabilization: Duration.hours(2) } }))
      .toThrow(/autoscaling.scaleDownStabilization = "7200s": Kubernetes accepts a stabilization window of at most one hour/);
    const custom = new ModelService(chart, 'b', {
      ...base,
      model: Model.fromVolume({ claimName: 'w' }),
      gpusPerReplica: 1,
      runtime: Runtime.custom({ image: 'ghcr.io/acme/s:1.0.0', metrics: { queueDepth: 'acme_queue' } }),
      autoscaling: { minReplicas: 1, maxReplicas: 2, scaleDownStabilization: Duration.hours(1) },
    });
    expect((custom.autoscaler!.toJson() as any).spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(3600);
  });
});

test('two monitoring stacks with one name in a namespace are refused', () => {
  const chart = new Chart(new App(), 'c', { namespace: 'llm' });
  const svc = new ModelService(chart, 'llama', { model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), accelerator: Accelerator.NVIDIA_L4, runtime: Runtime.vllm({ maxModelLen: 4096 }) });
  new MonitoringStack(chart, 'monitoring', { services: [svc] });
  const other = new Chart(chart.node.scope as App, 'd', { namespace: 'llm' });
  expect(() => new MonitoringStack(other, 'monitoring', { services: [svc] }))
    .toThrow(/\[d\/monitoring\] name = "monitoring": the monitoring stack c\/monitoring has the same name/);
});
