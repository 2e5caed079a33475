import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Accelerator, LoraAdapter, Model, ModelService, ModelServiceProps, Runtime, ValidationError,
} from '../lib';
import { expectRestricted } from './support/pss';
import { schemaErrors } from './support/schema';

// Kubernetes' DNS-1123 label, written here from apimachinery's validation.go, not taken from lib.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// The largest ranks vLLM accepts (vllm/config.py LoRAConfig, v0.9.2).
const VLLM_RANKS = [8, 16, 32, 64, 128, 256, 320, 512];

const nameArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('support', 'sql', 'legal', 'a', 'x1', 'b-2', 'chat', 'code') },
  { weight: 1, arbitrary: fc.constantFrom('Bad_Name', '', 'a=b', 'x'.repeat(64), 'meta-llama/Llama-3.1-8B-Instruct') },
);
const rankArb = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(undefined, 1, 8, 16, 40, 64) }, { weight: 1, arbitrary: fc.constantFrom(600, 0, 1.5) });
const kindArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('hf', 's3', 'volume') }, { weight: 1, arbitrary: fc.constant('gs') });
const revisionArb = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(undefined, 'main', '3a1f0c2') }, { weight: 1, arbitrary: fc.constant('a b') });
const adapterArb = fc.record({ kind: kindArb, name: nameArb, rank: rankArb, revision: revisionArb })
  .map(a => {
    switch (a.kind) {
      case 'hf': return LoraAdapter.huggingFace(`acme/${a.name || 'x'}-lora`, { name: a.name, rank: a.rank, revision: a.revision });
      case 's3': return LoraAdapter.fromObjectStore(`s3://acme/${a.name || 'x'}`, { name: a.name, rank: a.rank });
      case 'gs': return LoraAdapter.fromObjectStore(`gs://acme/${a.name || 'x'}`, { name: a.name, rank: a.rank });
      default: return LoraAdapter.fromVolume({ claimName: 'adapters', path: a.name, name: a.name, rank: a.rank });
    }
  });

const propsArb: fc.Arbitrary<ModelServiceProps> = fc.record({
  runtime: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('vllm', 'sglang') }, { weight: 1, arbitrary: fc.constant('tgi') })
    .map(k => (k === 'vllm' ? Runtime.vllm() : k === 'sglang' ? Runtime.sglang() : Runtime.tgi({ version: '3.0.0' }))),
  // Mostly distinct names (a duplicate is one refusal among many), sometimes any.
  adapters: fc.oneof({ weight: 5, arbitrary: fc.uniqueArray(adapterArb, { selector: a => a.name, maxLength: 5 }) }, { weight: 1, arbitrary: fc.array(adapterArb, { maxLength: 5 }) }),
  lora: fc.option(fc.record({
    maxLoras: fc.option(fc.constantFrom(2, 3, 8, 1, 0), { nil: undefined, freq: 2 }),
    maxLoraRank: fc.option(fc.constantFrom(16, 64, 512, 8, 24), { nil: undefined, freq: 2 }),
  }), { nil: undefined, freq: 2 }),
  accelerator: fc.constantFrom(Accelerator.NVIDIA_L4, Accelerator.NVIDIA_H100_80GB),
}).map(p => ({ model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), ...p }));

function synth(props: ModelServiceProps): { svc: ModelService; objs: any[] } {
  const chart = Testing.chart();
  const svc = new ModelService(chart, 'llama', props);
  return { svc, objs: Testing.synth(chart) };
}

test('any adapters: a ValidationError with fixes, or a valid pod whose flags name every adapter once', () => {
  const seen = { refused: 0, plain: 0, withAdapters: 0 };
  fc.assert(fc.property(propsArb, props => {
    let out: { svc: ModelService; objs: any[] };
    try {
      out = synth(props);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      seen.refused++;
      for (const p of e.problems) {
        expect(p.property).toBeTruthy();
        expect(p.fix).toBeTruthy();
      }
      return;
    }
    const { svc, objs } = out;
    expect(objs.flatMap(schemaErrors)).toEqual([]);
    expectRestricted(objs);
    const adapters = props.adapters ?? [];
    const spec = objs.find(o => o.kind === 'Deployment').spec.template.spec;
    const args: string[] = spec.containers[0].args;
    expect(svc.adapterNames).toEqual(adapters.map(a => a.name));
    if (adapters.length === 0) {
      seen.plain++;
      expect(args.some(a => /lora/.test(a))).toBe(false);
      return;
    }
    seen.withAdapters++;
    // Names: labels, unique, not the base model's.
    for (const name of svc.adapterNames) expect(name).toMatch(DNS1123_LABEL);
    expect(new Set(svc.adapterNames).size).toBe(adapters.length);
    const flag = props.runtime!.kind === 'vllm' ? '--lora-modules' : '--lora-paths';
    const listed = args.slice(args.indexOf(flag) + 1, args.indexOf(flag) + 1 + adapters.length);
    expect(listed.map(l => l.split('=')[0])).toEqual(svc.adapterNames);
    for (const l of listed) expect(l.split('=')).toHaveLength(2);
    if (props.runtime!.kind === 'vllm') {
      const maxLoras = Number(args[args.indexOf('--max-loras') + 1]);
      const maxRank = Number(args[args.indexOf('--max-lora-rank') + 1]);
      expect(maxLoras).toBeGreaterThanOrEqual(adapters.length);
      expect(VLLM_RANKS).toContain(maxRank);
      for (const a of adapters) if (a.rank !== undefined) expect(a.rank).toBeLessThanOrEqual(maxRank);
    } else {
      expect(Number(args[args.indexOf('--max-loras-per-batch') + 1])).toBeGreaterThan(adapters.length);
      expect(args).toContain('--disable-radix-cache');
    }
    // One download per adapter not on a volume; every volume adapter's path under a read-only mount.
    const downloads = adapters.filter(a => a.claimName === undefined).length;
    expect((spec.initContainers ?? []).length).toBe(downloads);
    const readOnly = spec.containers[0].volumeMounts.filter((m: any) => m.readOnly).map((m: any) => m.mountPath);
    for (const l of listed) {
      const path = l.split('=')[1];
      expect(path.startsWith('/model-cache/lora/') || readOnly.some((m: string) => path === m || path.startsWith(`${m}/`))).toBe(true);
    }
    // Adapters never give the KV cache more room than the same service without them.
    const without = synth({ ...props, adapters: undefined, lora: undefined }).svc.plan;
    if (without.gpusPerReplica === svc.plan.gpusPerReplica) {
      expect(svc.plan.memory!.kvCacheGiBPerGpu).toBeLessThan(without.memory!.kvCacheGiBPerGpu);
    }
  }), { numRuns: 300 });
  // The generator reaches both outcomes: a property over refusals only would prove nothing.
  expect(seen.withAdapters).toBeGreaterThan(20);
  expect(seen.refused).toBeGreaterThan(30);
  // eslint-disable-next-line no-console
  console.log(`lora property: ${seen.withAdapters} accepted with adapters, ${seen.plain} without, ${seen.refused} refused`);
});

test('same adapters, same output', () => {
  const props = (): ModelServiceProps => ({
    model: Model.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
    accelerator: Accelerator.NVIDIA_L4,
    adapters: [LoraAdapter.huggingFace('acme/b', { name: 'b', revision: 'r1' }), LoraAdapter.fromVolume({ claimName: 'ad', path: 'a', name: 'a' })],
  });
  expect(JSON.stringify(synth(props()).objs)).toBe(JSON.stringify(synth(props()).objs));
});
