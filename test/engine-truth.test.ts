import { Chart, Testing } from 'cdk8s';
import { Accelerator, Model, ModelService, MonitoringStack, PlanReport, Runtime } from '../lib';
import { expectValidationError } from './support/errors';
import { restrictedViolations } from './support/pss';
import { renderPlanMarkdown } from '../lib/report/plan-markdown';

/**
 * Engine facts that decide whether a pod starts, per version boundary (docs/engines.md has the
 * sources): TGI's root-only image, vLLM's ROCm builds and the render group, gs:// streaming.
 */
const LLAMA_8B = () => Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct');
const pod = (chart: any) => Testing.synth(chart).find((o: any) => o.kind === 'Deployment').spec.template;

describe('TGI: the stock image cannot run as non-root from 3.1.1 (huggingface/text-generation-inference#3082)', () => {
  test.each([['3.1.1'], ['3.3.4']])('TGI %s with the public image is refused, with both fixes', version => {
    const e = expectValidationError(() => new ModelService(Testing.chart(), 'tgi', { model: LLAMA_8B(), runtime: Runtime.tgi({ version }), accelerator: Accelerator.NVIDIA_L4 }));
    expect(e.problems[0]).toMatchObject({ property: 'runtime.image' });
    expect(e.problems[0].reason).toContain('installs Python under /root');
    expect(e.problems[0].fix).toMatch(/non-root build of the image.*allowRootImage: true/);
  });

  test('TGI 3.0.1 (conda under /opt/conda) still runs as uid 1000', () => {
    const chart = Testing.chart();
    new ModelService(chart, 'tgi', { model: LLAMA_8B(), runtime: Runtime.tgi({ version: '3.0.1' }), accelerator: Accelerator.NVIDIA_L4 });
    const t = pod(chart);
    expect(t.spec.securityContext.runAsUser).toBe(1000);
    expect(restrictedViolations(t.spec)).toEqual([]);
  });

  test('allowRootImage: root, visibly (label, annotation, PLAN.md), and every other restricted control still holds', () => {
    const app = Testing.app();
    PlanReport.disable(app);
    const chart = new Chart(app, 'test');
    new ModelService(chart, 'tgi', { model: LLAMA_8B(), runtime: Runtime.tgi({ version: '3.3.4', allowRootImage: true }), accelerator: Accelerator.NVIDIA_L4 });
    const t = pod(chart);
    expect(t.metadata.labels['modelship.dev/pod-security']).toBe('root-exception');
    expect(t.metadata.annotations['modelship.dev/pod-security-exception']).toContain('text-generation-inference#3082');
    expect(t.spec.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } });
    expect(restrictedViolations(t.spec).sort()).toEqual([
      'container server does not run as non-root', 'container server runs as UID 0', 'pod runs as UID 0',
    ]);
    expect(renderPlanMarkdown(app)).toContain('runs as root, an exception to Pod Security "restricted" accepted with allowRootImage');
  });

  test('a non-root build of the image given as image is served as uid 1000', () => {
    const chart = Testing.chart();
    new ModelService(chart, 'tgi', { model: LLAMA_8B(), runtime: Runtime.tgi({ version: '3.3.4', image: 'registry.example.com/tgi-nonroot:3.3.4' }), accelerator: Accelerator.NVIDIA_L4 });
    expect(pod(chart).spec.securityContext.runAsUser).toBe(1000);
  });
});

describe('vLLM on AMD GPUs (ROCm builds)', () => {
  const rocm = () => Runtime.vllm({ version: '0.9.1', image: 'rocm/vllm:rocm6.4.1_vllm_0.9.1_20250715', maxModelLen: 8192 });

  test('the ROCm image starts a shell: the server is named as the command; the render group joins the pod', () => {
    const chart = Testing.chart();
    new ModelService(chart, 'llama', { model: LLAMA_8B(), runtime: rocm(), accelerator: Accelerator.AMD_MI300X, gpuDeviceGroupIds: [110] });
    const t = pod(chart);
    expect(t.spec.containers[0].command).toEqual(['python3', '-m', 'vllm.entrypoints.openai.api_server']);
    expect(t.spec.containers[0].args.slice(0, 2)).toEqual(['--model', 'meta-llama/Llama-3.1-8B-Instruct']);
    expect(t.spec.securityContext.supplementalGroups).toEqual([110]);
    expect(restrictedViolations(t.spec)).toEqual([]);
  });

  test('without the render group\'s GID: a ValidationError saying how to find it', () => {
    const e = expectValidationError(() => new ModelService(Testing.chart(), 'llama', { model: LLAMA_8B(), runtime: rocm(), accelerator: Accelerator.AMD_MI300X }));
    expect(e.problems[0]).toMatchObject({ property: 'gpuDeviceGroupIds' });
    expect(e.problems[0].fix).toContain('getent group render');
  });

  test.each([[0], [-1], [1.5]])('a group id of %s is refused', gid => {
    const e = expectValidationError(() => new ModelService(Testing.chart(), 'llama', { model: LLAMA_8B(), runtime: rocm(), accelerator: Accelerator.AMD_MI300X, gpuDeviceGroupIds: [gid] }));
    expect(e.problems[0].property).toBe('gpuDeviceGroupIds[0]');
  });

  test('the CUDA image on NVIDIA keeps its own entrypoint (no command)', () => {
    const chart = Testing.chart();
    new ModelService(chart, 'llama', { model: LLAMA_8B(), accelerator: Accelerator.NVIDIA_L4 });
    expect(pod(chart).spec.containers[0].command).toBeUndefined();
  });
});

describe('gs:// weights on vLLM: the image ships the Run:ai streamer\'s GCS extra from 0.11.1 (docker/Dockerfile, #26464)', () => {
  const spec = { parametersBillions: 8, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128 };
  test.each([['0.10.2', false], ['0.11.0', false], ['0.11.1', true]])('vLLM %s: gs:// accepted = %s', (version, ok) => {
    const build = () => new ModelService(Testing.chart(), 'llama', {
      model: Model.fromObjectStore('gs://bucket/llama', { spec }), runtime: Runtime.vllm({ version, maxModelLen: 4096 }), accelerator: Accelerator.NVIDIA_A100_80GB,
    });
    if (ok) expect(build().plan.model.id).toBe('gs://bucket/llama');
    else expect(expectValidationError(build).problems[0].fix).toMatch(/gs:\/\/ from 0\.11\.1/);
  });

  test('s3:// works on every supported vLLM', () => {
    const svc = new ModelService(Testing.chart(), 'llama', {
      model: Model.fromObjectStore('s3://bucket/llama', { spec }), runtime: Runtime.vllm({ version: '0.8.5', maxModelLen: 4096 }), accelerator: Accelerator.NVIDIA_A100_80GB,
    });
    expect(svc.plan.model.id).toBe('s3://bucket/llama');
  });
});

describe('dashboards\' folder: only as the Grafana sidecar reads it', () => {
  const cms = (folder?: string) => {
    const chart = Testing.chart();
    const svc = new ModelService(chart, 'llama', { model: LLAMA_8B(), accelerator: Accelerator.NVIDIA_L4 });
    new MonitoringStack(chart, 'mon', { services: [svc], ...(folder ? { dashboardFolder: folder } : {}) });
    return Testing.synth(chart).filter((o: any) => o.kind === 'ConfigMap');
  };
  test('no annotation by default (kube-prometheus-stack leaves folderAnnotation unset)', () => {
    for (const cm of cms()) expect(cm.metadata.annotations).toBeUndefined();
  });
  test('dashboardFolder writes grafana_folder', () => {
    for (const cm of cms('LLM')) expect(cm.metadata.annotations).toEqual({ grafana_folder: 'LLM' });
  });
});
