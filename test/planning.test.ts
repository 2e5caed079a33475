import {
  Accelerator, planMemory, Precision,
} from '../lib';
import { kvBytesPerToken, weightsGiB } from '../lib/planning/memory-fit';
import { lookupModel } from '../lib/planning/model-spec';
import { shmSizeGiB, startupBudgetSeconds } from '../lib/planning/pod-budget';

const llama8b = lookupModel('meta-llama/Llama-3.1-8B-Instruct')!;
const llama70b = lookupModel('meta-llama/Llama-3.1-70B-Instruct')!;
const llama405b = lookupModel('meta-llama/Llama-3.1-405B-Instruct')!;
const qwen7b = lookupModel('Qwen/Qwen2.5-7B-Instruct')!;
const mixtral = lookupModel('mistralai/Mixtral-8x7B-Instruct-v0.1')!;

describe('catalog lookup', () => {
  test.each([
    ['meta-llama/Llama-3.1-70B-Instruct', 80],
    ['meta-llama/llama-3.1-70b', 80],
    ['Qwen/Qwen2.5-7B-Instruct', 28],
    ['mistralai/Mistral-7B-v0.3', 32],
  ])('%s has %d layers', (id, layers) => {
    expect(lookupModel(id)?.layers).toBe(layers);
  });
  test('unknown model', () => expect(lookupModel('acme/secret-model')).toBeUndefined());
});

describe('memory arithmetic (hand-computed)', () => {
  // 2 (K,V) x 80 layers x 8 KV heads x 128 head dim x 2 bytes = 327,680 bytes = 320 KiB per token.
  test('Llama-3.1-70B KV bytes per token', () => expect(kvBytesPerToken(llama70b)).toBe(327_680));
  // 2 x 32 x 8 x 128 x 2 = 131,072 bytes.
  test('Llama-3.1-8B KV bytes per token', () => expect(kvBytesPerToken(llama8b)).toBe(131_072));
  // 70.6e9 x 2 B / 2^30 = 131.50 GiB. In fp8 the linear layers take 1 B, but the embedding and the
  // output layer (2 x 128,256 x 8,192 = 2.101e9 params) stay 16-bit: 68.499e9 + 4.202e9 B = 67.71 GiB
  // (vLLM PR #12569 logs 67.72 GiB for the W8A8 checkpoint of this model).
  test('Llama-3.1-70B weights', () => {
    expect(weightsGiB(llama70b, Precision.BF16)).toBeCloseTo(131.50, 1);
    expect(weightsGiB(llama70b, Precision.FP8)).toBeCloseTo(67.71, 1);
  });
});

interface FitCase {
  readonly name: string;
  readonly model: typeof llama8b;
  readonly precision: Precision;
  readonly accelerator: Accelerator;
  readonly maxModelLen: number;
  readonly sequences?: number;
  readonly gpus?: number;
  readonly maxNodes?: number;
  /** Expected GPU count, or undefined when nothing fits. */
  readonly expected: number | undefined;
}

describe('planMemory', () => {
  const cases: FitCase[] = [
    // 131.5 + 0.6 + 2 = 134.1 GiB > 1 x 80 x 0.9 = 72 GiB.
    { name: '70B bf16 does not fit one H100', model: llama70b, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_H100_80GB, maxModelLen: 2048, sequences: 1, gpus: 1, expected: undefined },
    // 67.71 + 2048 x 320 KiB (0.625) + 2 = 70.3 GiB <= 72 GiB.
    { name: '70B fp8 fits one H100 with a short context', model: llama70b, precision: Precision.FP8, accelerator: Accelerator.NVIDIA_H100_80GB, maxModelLen: 2048, sequences: 1, expected: 1 },
    // 67.71 + 4 x 8192 x 320 KiB (10) + 2 = 79.7 > 72; on 2: 81.7 <= 144.
    { name: '70B fp8, 8k x 4, needs 2 H100', model: llama70b, precision: Precision.FP8, accelerator: Accelerator.NVIDIA_H100_80GB, maxModelLen: 8192, expected: 2 },
    // 131.5 + 10 + 4 = 145.5 > 144 on 2; on 4: 149.5 <= 288.
    { name: '70B bf16, 8k x 4, needs 4 H100', model: llama70b, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_H100_80GB, maxModelLen: 8192, expected: 4 },
    // 14.96 + 4 x 4096 x 128 KiB (2) + 2 = 18.96 <= 21.6.
    { name: '8B bf16 fits one L4 at 4k', model: llama8b, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_L4, maxModelLen: 4096, expected: 1 },
    // 14.96 + 4 x 32768 x 128 KiB (16) + 2 = 32.96 > 21.6; on 2: 34.96 <= 43.2.
    { name: '8B bf16 at 32k x 4 needs 2 L4', model: llama8b, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_L4, maxModelLen: 32768, expected: 2 },
    // fp8: (405.9e9 - 4.203e9 embedding params) x 1 B + 4.203e9 x 2 B = 381.9 GiB + 15.75 + 2g: 4 -> 405.7 > 288; 8 -> 413.7 <= 576.
    { name: '405B fp8 needs 8 H100', model: llama405b, precision: Precision.FP8, accelerator: Accelerator.NVIDIA_H100_80GB, maxModelLen: 8192, expected: 8 },
    // 756 GiB bf16 > 8 x 72 = 576 (one node: maxNodesPerReplica 1; across nodes see test/multi-node.test.ts).
    { name: '405B bf16 does not fit one node of H100', model: llama405b, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_H100_80GB, maxModelLen: 8192, expected: undefined, maxNodes: 1 },
    // 28 heads: TP 1, 2, 4, 7. fp16 14.19 + 4 x 8192 x 56 KiB (1.75) + 2 = 17.9 > 14.4; on 2: 19.9 <= 28.8.
    { name: 'Qwen2.5-7B fp16 needs 2 T4', model: qwen7b, precision: Precision.FP16, accelerator: Accelerator.NVIDIA_T4, maxModelLen: 8192, expected: 2 },
    // 87.0 + 4 + 2g: 2 -> 95 <= 144.
    { name: 'Mixtral 8x7B bf16 needs 2 A100 80GB', model: mixtral, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_A100_80GB, maxModelLen: 8192, expected: 2 },
    // int4 AWQ: 68.5e9 x 0.57 + 2.1e9 x 2 B = 40.3 GiB + 10 + 2 = 52.3 <= 72.
    { name: '70B int4 AWQ fits one H100', model: llama70b, precision: Precision.INT4_AWQ, accelerator: Accelerator.NVIDIA_H100_80GB, maxModelLen: 8192, expected: 1 },
  ];

  test.each(cases)('$name', c => {
    const plan = planMemory({
      model: c.model,
      precision: c.precision,
      gpuMemoryGiB: c.accelerator.memoryGiB,
      maxGpusPerNode: c.accelerator.spec.maxGpusPerNode,
      maxModelLen: c.maxModelLen,
      concurrentSequences: c.sequences,
      gpus: c.gpus,
      maxNodesPerReplica: c.maxNodes,
    });
    expect(plan.chosen?.gpus).toBe(c.expected);
    if (c.expected === undefined) {
      expect(plan.why).toMatch(/do not fit/);
    } else {
      expect(plan.chosen!.requiredGiB).toBeLessThanOrEqual(plan.chosen!.usableGiB);
    }
  });

  test('TP sizes that do not divide the heads are skipped', () => {
    const plan = planMemory({ model: qwen7b, precision: Precision.BF16, gpuMemoryGiB: 1, maxGpusPerNode: 8, maxModelLen: 1024, maxNodesPerReplica: 1 });
    expect(plan.considered.map(c => c.gpus)).toEqual([1, 2, 4, 7]);
  });
});

describe('pod budgets', () => {
  test.each([
    [15.0, 260], // 180 + 75 = 255 -> 260
    [131.5, 840], // 180 + 657.5 = 837.5 -> 840
    [0, 180],
  ])('startup budget for %d GiB is %d s', (gib, seconds) => expect(startupBudgetSeconds(gib)).toBe(seconds));

  test.each([[1, 1], [2, 3], [4, 7], [8, 15], [16, 16]])('shm for %d GPUs is %d GiB', (gpus, gib) => expect(shmSizeGiB(gpus)).toBe(gib));
});
