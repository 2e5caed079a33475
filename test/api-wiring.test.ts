/**
 * Issue 11: every prop that ends up in an object goes through the API rules (lib/private/api-rules,
 * lib/private/crd-rules), and each problem names the property, the value and a fix. This file
 * pins WHICH property each bad input is reported on; test/api-input.test.ts and
 * test/battery.test.ts prove, with checkers independent of lib, that nothing a cluster refuses
 * gets through.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, CanaryRollout, Dcgm, DevicePlugin, GpuNodePool, Model, ModelCache, ModelNamespace, ModelService, MonitoringRule, MonitoringStack,
  Provisioner, Runtime, SurgePolicy, TrafficStrategy, ValidationError,
} from '../lib';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';

function refusal(build: (chart: Chart) => void, namespace: string | undefined = 'llm'): ValidationError {
  const chart = new Chart(new App({ outdir: Testing.app().outdir }), 'c', { namespace });
  try {
    build(chart);
    Testing.synth(chart);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('accepted: expected a ValidationError');
}

const svc = (extra: Record<string, unknown> = {}) => (c: Chart) =>
  new ModelService(c, 'llama', { model: Model.huggingFace(LLAMA_8B), accelerator: Accelerator.NVIDIA_L4, ...extra });
const pool = (o: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => (c: Chart) =>
  new GpuNodePool(c, 'h100', {
    accelerator: Accelerator.NVIDIA_H100_80GB, maxGpus: 8,
    provisioner: Provisioner.karpenter({ clusterName: 'llm-prod', nodeRole: 'KarpenterNodeRole', ...o }), ...extra,
  });
const stack = (extra: Record<string, unknown> = {}) => (c: Chart) =>
  new MonitoringStack(c, 'monitoring', { services: [svc()(c)], ...extra });

/** [title, build, property the problem is reported on, chart namespace] */
export const WIRED: Array<[string, (c: Chart) => unknown, string | RegExp, string?]> = [
  ['chart namespace "LLM"', svc(), 'namespace', 'LLM'],
  ['chart namespace ""', svc(), 'namespace', ''],
  ['chart namespace of a pool', pool(), 'namespace', 'GPU_Ops'],
  ['chart namespace of a ModelNamespace', c => new ModelNamespace(c, 'ns'), 'namespace', 'Team-A'],
];

describe('each bad input is refused on its own property, with a fix', () => {
  test.each(WIRED)('%s', (_title, build, property, namespace) => {
    const e = refusal(build, namespace ?? 'llm');
    const match = e.problems.find(p => (typeof property === 'string' ? p.property === property : property.test(p.property)));
    if (!match) throw new Error(`no problem on ${String(property)}; got:\n${e.message}`);
    expect(match.fix.length).toBeGreaterThan(10);
    expect(match.path).toMatch(/^c\//);
  });
});

test('a chart without a namespace is fine (the objects go where they are applied)', () => {
  const chart = new Chart(Testing.app(), 'c');
  svc()(chart);
  expect(Testing.synth(chart).length).toBeGreaterThan(0);
});

// Keep the imports used as the table grows.
void [Duration, CanaryRollout, Dcgm, DevicePlugin, ModelCache, MonitoringRule, Runtime, SurgePolicy, TrafficStrategy];
