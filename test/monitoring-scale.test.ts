/**
 * Scale: a MonitoringStack over 1,000 vLLM services (and a few SGLang and TGI ones) emits no
 * object that `kubectl apply` could not store, and its output grows by well under 2 KiB per
 * service. Sizes are measured here, on the synthesized manifests, as compact JSON (what
 * kubectl stores in its last-applied annotation); the numbers are printed.
 *
 * Before shared rules (one PrometheusRule and one dashboard per service) this was ~37.8 KB per
 * service, and the single PrometheusRule passed 256 KiB at 13 services.
 */
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { Accelerator, Model, ModelService, MonitoringRule, MonitoringStack, Runtime, ValidationError } from '../lib';

const LIMIT = 256 * 1024;

/** `n` vLLM services, every 50th on its own objectives, plus 5 SGLang and 5 TGI ones, and a stack over all. */
function fleet(n: number, extra: { bigRules?: boolean } = {}) {
  const chart = new Chart(Testing.app(), 'fleet', { namespace: 'llm-prod' });
  const model = Model.huggingFace('Qwen/Qwen2.5-7B-Instruct');
  const accelerator = Accelerator.NVIDIA_H100_80GB;
  const services: ModelService[] = [];
  // Names as long as real ones: the per-service bytes grow with them.
  for (let i = 0; i < n; i++) services.push(new ModelService(chart, `qwen2-5-7b-instruct-${String(i).padStart(4, '0')}`, { model, accelerator, runtime: Runtime.vllm({ version: '0.9.2', maxModelLen: 4096 }) }));
  for (let i = 0; i < 5; i++) services.push(new ModelService(chart, `qwen2-5-7b-sglang-${i}`, { model, accelerator, runtime: Runtime.sglang({ version: '0.4.9' }) }));
  for (let i = 0; i < 5; i++) services.push(new ModelService(chart, `qwen2-5-7b-tgi-${i}`, { model, accelerator, runtime: Runtime.tgi({ version: '3.3.4', allowRootImage: true }) }));
  const serviceSlos = services.filter((_, i) => i % 50 === 0 && i < n)
    .map(service => ({ service, slo: { availability: 0.995, timeToFirstToken: { threshold: Duration.millis(500), objective: 0.97 } } }));
  // ~300 KB of user rules: the one part of the main PrometheusRule that can grow.
  const rules = extra.bigRules
    ? Array.from({ length: 300 }, (_, i) => MonitoringRule.record({ name: `team:big_${i}:sum`, expr: `sum(${'modelship:requests:rate5m + '.repeat(40)}modelship:requests:rate5m)` }))
    : undefined;
  const stack = new MonitoringStack(chart, 'monitoring', { services, serviceSlos, rules });
  return { chart, stack };
}

interface Measured { readonly name: string; readonly bytes: number }

/** Synthesizes (which runs every synth-time check) and measures the stack's objects and the whole app's. */
function measure(n: number) {
  const { chart, stack } = fleet(n);
  const start = Date.now();
  const all = Testing.synth(chart);
  const ms = Date.now() - start;
  const size = (o: any): Measured => ({ name: `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, bytes: Buffer.byteLength(JSON.stringify(o), 'utf8') });
  const mine = stack.node.findAll().filter(ApiObject.isApiObject).map(o => size(o.toJson()));
  const largest = (xs: Measured[]) => xs.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    objects: mine.length,
    total: mine.reduce((a, b) => a + b.bytes, 0),
    largest: largest(mine),
    largestInApp: largest(all.map(size)),
    ms,
  };
}

test('1,000 services: every object far below 256 KiB, and well under 2 KiB of monitoring per service', () => {
  const small = measure(100);
  const large = measure(1000);
  const perService = (large.total - small.total) / 900;
  // eslint-disable-next-line no-console
  console.log([
    `MonitoringStack over 1,000 vLLM + 5 SGLang + 5 TGI services: ${large.objects} objects, ${large.total} bytes, synth ${large.ms} ms`,
    `  largest monitoring object: ${large.largest.name}, ${large.largest.bytes} bytes (${(100 * large.largest.bytes / LIMIT).toFixed(1)} % of 262144)`,
    `  largest object of the app: ${large.largestInApp.name}, ${large.largestInApp.bytes} bytes`,
    `  monitoring bytes per service (slope 100 -> 1,000 services): ${perService.toFixed(0)}`,
  ].join('\n'));
  expect(large.largest.bytes).toBeLessThan(LIMIT);
  expect(large.largestInApp.bytes).toBeLessThan(LIMIT);
  expect(perService).toBeLessThan(2048);
  // The shared objects do not grow: the largest is the same size at 100 and 1,000 services.
  expect(large.largest.bytes).toBe(small.largest.bytes);
});

test('1,000 services: the synth-time check refuses an object over the limit, naming it', () => {
  const { chart } = fleet(1000, { bigRules: true });
  let err: unknown;
  try { Testing.synth(chart); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(ValidationError);
  const problems = (err as ValidationError).problems;
  expect(problems.map(p => `${p.path}: ${p.property}`)).toEqual(['fleet/monitoring/Resource: PrometheusRule llm-prod/monitoring']);
  expect(Number(problems[0].value)).toBeGreaterThan(LIMIT);
});
