import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Accelerator, AutoscalerProvider, MODEL_CATALOG, Model, ModelCache, ModelService, ModelServiceProps, Precision, Runtime, ValidationError,
} from '../lib';
import { expectRestricted } from './support/pss';
import { schemaErrors } from './support/schema';

const precisions = Object.values(Precision);
const accelerators = Accelerator.catalog;

const modelArb = fc.oneof(
  fc.constantFrom(...MODEL_CATALOG.map(m => m.huggingFaceId)).map(id => Model.huggingFace(id, { tokenSecret: 'hf' })),
  fc.record({
    parametersBillions: fc.oneof({ weight: 5, arbitrary: fc.double({ min: 0.1, max: 500, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1) }),
    layers: fc.integer({ min: -1, max: 128 }),
    attentionHeads: fc.constantFrom(8, 12, 28, 32, 40, 64, 0),
    kvHeads: fc.integer({ min: 1, max: 16 }),
    headDim: fc.constantFrom(64, 128, 256),
  }).map(spec => Model.huggingFace('acme/model', { spec })),
  fc.constant(Model.fromVolume({ claimName: 'weights' })),
  fc.constant(Model.fromObjectStore('s3://bucket/model', { spec: { parametersBillions: 7, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128 } })),
);

const runtimeArb = fc.record({
  kind: fc.constantFrom('vllm', 'sglang', 'tgi', 'triton', 'custom'),
  maxModelLen: fc.option(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 256, max: 32768 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -5, 1.5, 200_000) }), { nil: undefined }),
  version: fc.option(fc.constantFrom('0.8.5', '0.9.2', '0.10.1'), { nil: undefined }),
  memoryUtilization: fc.option(fc.constantFrom(0.5, 0.9, 0.95, 1.5, 0), { nil: undefined, freq: 4 }),
}).map(r => {
  switch (r.kind) {
    case 'vllm': return Runtime.vllm({ maxModelLen: r.maxModelLen, version: r.version, memoryUtilization: r.memoryUtilization });
    case 'sglang': return Runtime.sglang({ maxModelLen: r.maxModelLen, memoryUtilization: r.memoryUtilization });
    case 'tgi': return Runtime.tgi({ maxModelLen: r.maxModelLen, allowRootImage: true });
    case 'triton': return Runtime.triton();
    default: return Runtime.custom({ image: 'ghcr.io/acme/server:1.0.0' });
  }
});

const propsArb: fc.Arbitrary<ModelServiceProps & { id: string }> = fc.record({
  id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('llama', 'qwen-7b', 'm1') }, // constructs itself rejects ids that shadow Object.prototype members ('valueOf'); not ours to test.
    { weight: 1, arbitrary: fc.string({ maxLength: 70 }).filter(s => !(s in {})) }),
  model: modelArb,
  runtime: runtimeArb,
  precision: fc.option(fc.constantFrom(...precisions), { nil: undefined }),
  accelerator: fc.option(fc.constantFrom(...accelerators), { nil: undefined, freq: 10 }),
  gpusPerReplica: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 9 }) }),
  replicas: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 4 }) }),
  maxSurge: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 2 }) }),
  autoscaling: fc.option(fc.record({
    minReplicas: fc.integer({ min: 0, max: 3 }),
    maxReplicas: fc.integer({ min: 1, max: 8 }),
    provider: fc.constantFrom(AutoscalerProvider.KEDA, AutoscalerProvider.HPA),
  }), { nil: undefined, freq: 2 }),
  cache: fc.constantFrom(ModelCache.emptyDir(), ModelCache.shared(), ModelCache.perReplica({ storageClassName: 'gp3' }), ModelCache.existingClaim('cache')),
}, { requiredKeys: ['id', 'model'] });

describe('ModelService property: schema-valid objects or a ValidationError, nothing else', () => {
  test('random props', () => {
    let synthesized = 0;
    let rejected = 0;
    const reasons: Record<string, number> = {};
    fc.assert(fc.property(propsArb, ({ id, ...props }) => {
      const chart = Testing.chart();
      let objs: any[];
      try {
        new ModelService(chart, id.length > 0 ? id : 'x', props);
        objs = Testing.synth(chart);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        expect(e.problems.length).toBeGreaterThan(0);
        for (const p of e.problems) {
          expect(p.path).toMatch(/^test\//);
          expect(p.property.length).toBeGreaterThan(0);
          expect(p.fix.length).toBeGreaterThan(0);
        }
        rejected++;
        for (const p of e.problems) reasons[p.property] = (reasons[p.property] ?? 0) + 1;
        return;
      }
      const errors = objs.flatMap(o => schemaErrors(o).map(err => `${o.kind}/${o.metadata?.name}: ${err}`));
      expect(errors).toEqual([]);
      expectRestricted(objs);
      synthesized++;
    }), { numRuns: 400, seed: 20261128 });
    // Both outcomes must actually be exercised, or the property proves nothing.
    console.log(`property: ${synthesized} synthesized, ${rejected} rejected`, reasons);
    expect(synthesized).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
  });
});
