import { App, Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, EngineKind, Model, ModelService, MonitoringStack, PlanReport, Runtime,
} from '../lib';
import { ENGINE_DRIVERS, EngineDriver } from '../lib/engines';
import { expectValidationError } from './support/errors';
import { FAKE_ENGINE_DRIVER } from './support/fake-engine';
import { libLinesMatching } from './support/lib-lines';
import { renderPlanMarkdown } from '../lib/report/plan-markdown';

const LLAMA_8B = () => Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct');

describe('the engine registry', () => {
  test('every engine kind has a driver of that kind', () => {
    for (const kind of Object.values(EngineKind)) {
      expect(ENGINE_DRIVERS[kind].kind).toBe(kind);
    }
  });

  test('the compiler refuses a driver with a missing piece and a registry with a missing kind', () => {
    // These lines are checked by `tsc --noEmit` (npm test): if the types stopped requiring
    // `args` or a driver for every kind, the @ts-expect-error lines would fail the type-check.
    // @ts-expect-error: a driver without args (and the rest) is not an EngineDriver
    const incomplete: EngineDriver = { ...FAKE_ENGINE_DRIVER, args: undefined };
    // @ts-expect-error: the registry must name a driver for every EngineKind
    const partial: Record<EngineKind, EngineDriver> = { [EngineKind.VLLM]: FAKE_ENGINE_DRIVER };
    expect([incomplete, partial]).toHaveLength(2);
  });

  test('nothing outside lib/engines/ switches on an engine kind', () => {
    expect(libLinesMatching(/case\s+EngineKind\.|[!=]==\s*EngineKind\.|EngineKind\.\w+\s*[!=]==|\.kind\s*[!=]==\s*'(vllm|sglang|tgi|triton|custom)'/, ['engines', 'imports'])).toEqual([]);
  });
});

describe('a test-only engine driver', () => {
  test('serves a model, scales on its queue metric, is monitored and planned, with no other change', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'fleet', { namespace: 'llm' });
    const svc = new ModelService(chart, 'tiny', {
      model: LLAMA_8B(),
      runtime: Runtime._fromDriver(FAKE_ENGINE_DRIVER, { maxModelLen: 4096, extraArgs: ['--flash-attn'] }),
      accelerator: Accelerator.NVIDIA_L4,
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
    });
    new MonitoringStack(chart, 'mon', {
      services: [svc],
      slo: { timeToFirstToken: { threshold: Duration.seconds(1), objective: 0.95 } },
    });
    const objs = chart.toJson();
    const deployment = objs.find(o => o.kind === 'Deployment' && o.metadata.name === 'tiny');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('example.org/llama-cpp-server:b4500.0.0');
    expect(container.command).toEqual(['/app/llama-server']);
    expect(container.args).toEqual(['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--port', '8080', '--ctx-size', '4096', '--flash-attn']);
    expect(container.env).toContainEqual({ name: 'LLAMA_ARG_NO_WEBUI', value: '1' });
    const scaler = objs.find(o => o.kind === 'ScaledObject');
    expect(scaler.spec.triggers[0].metadata.query).toBe('sum(llamacpp:requests_deferred{namespace="llm",service="tiny"})');
    expect(JSON.stringify(objs.filter(o => o.kind === 'PrometheusRule'))).toContain('llamacpp:ttft_seconds_bucket');
    expect(renderPlanMarkdown(app)).toContain('llamacpp 4500.0.0');
  });

  test('its TTFT buckets drive the SLO check', () => {
    const chart = Testing.chart();
    const svc = new ModelService(chart, 'tiny', { model: LLAMA_8B(), runtime: Runtime._fromDriver(FAKE_ENGINE_DRIVER), accelerator: Accelerator.NVIDIA_L4 });
    const e = expectValidationError(() => new MonitoringStack(chart, 'mon', {
      services: [svc], slo: { timeToFirstToken: { threshold: Duration.millis(750), objective: 0.95 } },
    }));
    expect(e.message).toMatch(/no bucket at 0\.75 s.*use a bucket boundary: one of 0\.5, 1, 2 s/s);
  });

  test('its KV-cache budget sizes the plan, its notes reach the plan', () => {
    const svc = new ModelService(Testing.chart(), 'tiny', { model: LLAMA_8B(), runtime: Runtime._fromDriver(FAKE_ENGINE_DRIVER, { maxModelLen: 4096 }), accelerator: Accelerator.NVIDIA_L4 });
    // 22,559 MiB x 0.8 = 17.62 GiB - 14.96 weights - 1.5 = 1.167 GiB = 9,560 tokens of 128 KiB; in
    // blocks of 256 tokens: 37 blocks = 9,472 tokens < 4 x 4,096, so two L4s.
    expect(svc.plan.memory!.budget.fractionSource).toBe('llama.cpp test driver');
    expect(svc.plan.gpusPerReplica).toBe(2);
    expect(svc.plan.why).toMatch(/1 GPU holds 9,472 tokens < 16,384/);
    expect(svc.plan.notes).toContain('llama.cpp test driver note');
  });
});

describe('engine versions are validated as versions', () => {
  const serve = (runtime: Runtime) => {
    const chart = Testing.chart();
    return new ModelService(chart, 'llama', { model: LLAMA_8B(), runtime, accelerator: Accelerator.NVIDIA_L4 });
  };

  test.each([
    ['vllm banana', () => Runtime.vllm({ version: 'banana' }), /runtime\.version = "banana": not a vLLM release number.*fix: use a vLLM release number such as '0\.9\.2'/s],
    ['vllm v0.9.2', () => Runtime.vllm({ version: 'v0.9.2' }), /runtime\.version = "v0\.9\.2".*fix: drop the leading "v": version: '0\.9\.2'/s],
    ['vllm 0.7.3', () => Runtime.vllm({ version: '0.7.3' }), /vLLM 0\.7\.3 is older than the oldest release modelship knows \(0\.8\.0\)/],
    ['sglang 0.4', () => Runtime.sglang({ version: '0.4' }), /not a SGLang release number/],
    ['tgi latest', () => Runtime.tgi({ version: 'latest' }), /not a TGI release number/],
    ['triton 25.6', () => Runtime.triton({ version: '25.6' }), /not a Triton release number \(like 25\.06\)/],
    ['vllm from JavaScript with a number', () => Runtime.vllm({ version: 0.9 as unknown as string }), /runtime\.version = 0\.9: not a vLLM release number/],
  ])('%s is a ValidationError with the fix', (_name, runtime, message) => {
    expect(expectValidationError(() => serve(runtime())).message).toMatch(message);
  });

  test.each([['0.8.5'], ['0.9.2'], ['0.10.1'], ['0.11.1'], ['0.8.5.post1']])('vLLM %s is known: no note', version => {
    expect(serve(Runtime.vllm({ version })).plan.notes).toEqual([]);
  });

  test('a release newer than the newest checked line is served with the newest profile and a plan note', () => {
    const app = new App({ outdir: '/nonexistent' });
    PlanReport.disable(app);
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    const svc = new ModelService(chart, 'llama', { model: LLAMA_8B(), runtime: Runtime.vllm({ version: '0.12.0' }), accelerator: Accelerator.NVIDIA_L4 });
    expect(svc.plan.runtime.image).toBe('vllm/vllm-openai:v0.12.0');
    expect(svc.plan.notes).toEqual(['vLLM 0.12.0 is newer than the newest release line modelship checked (0.11.x): its flags and metric names are assumed to be those of 0.11.x']);
    expect(renderPlanMarkdown(app)).toContain('### Assumptions\n\n- llm/llama: vLLM 0.12.0 is newer than');
  });
});
