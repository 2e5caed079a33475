/**
 * The planner across nodes (issue 13): table tests whose every figure is worked out by hand in the
 * comments from the models' config.json, the GPUs' memory and the engines' sizing rules
 * (docs/planner.md), then asserted. The planner's own helpers are not used to make the expected
 * values.
 */
import * as fc from 'fast-check';
import { Accelerator, DEFAULT_MAX_NODES_PER_REPLICA, planMemory, Precision } from '../lib';
import { EngineKind } from '../lib/engines/engine';
import { ENGINE_DRIVERS } from '../lib/engines/registry';
import { sglangKvCacheBudget } from '../lib/engines/sglang-memory';
import { vllmKvCacheBudget } from '../lib/engines/vllm-memory';
import { kvBytesPerTokenPerGpu } from '../lib/planning/kv-budget';
import { CrossNodeParallelism, kvBytesPerToken, layersOfLargestStage, MemoryFitInput, weightsGiB, weightsPerGpuGiB } from '../lib/planning/memory-fit';
import { downloadGiB } from '../lib/planning/model-bytes';
import { lookupModel, ModelSpec } from '../lib/planning/model-spec';

const llama405b = lookupModel('meta-llama/Llama-3.1-405B-Instruct')!;
const r1 = lookupModel('deepseek-ai/DeepSeek-R1')!;

/**
 * A 1-trillion-parameter mixture of experts with Kimi-K2's published shape class (61 layers, 64
 * heads, MLA 512 + 64, hidden 7168, 8 experts of 2048 a token, vocabulary 163,840): not in the
 * catalog, given as a user would.
 */
const oneTrillion: ModelSpec = {
  parametersBillions: 1000,
  activeParametersBillions: 32,
  layers: 61,
  attentionHeads: 64,
  kvHeads: 64,
  headDim: 192,
  hiddenSize: 7168,
  intermediateSize: 2048,
  vocabSize: 163840,
  expertsPerToken: 8,
  mla: { kvLoraRank: 512, qkRopeHeadDim: 64 },
};

type Engine = 'vllm' | 'sglang';

/** The planner's input as ModelService builds it: the engine's own KV budget at each tensor parallel size. */
function input(model: ModelSpec, precision: Precision, acc: Accelerator, engine: Engine, extra: Partial<MemoryFitInput> = {}): MemoryFitInput {
  const budget = engine === 'vllm' ? vllmKvCacheBudget : sglangKvCacheBudget;
  return {
    model,
    precision,
    gpuMemoryGiB: acc.runtimeMemoryMiB / 1024,
    maxGpusPerNode: 8,
    maxModelLen: 8192,
    crossNode: crossNodeOf(engine),
    kvCacheBudget: tp => budget({
      version: engine === 'vllm' ? '0.9.2' : '0.4.9',
      model,
      precision,
      tensorParallelSize: tp,
      maxModelLen: 8192,
      gpu: { name: acc.displayName, memoryMiB: acc.memoryMiB, runtimeMemoryMiB: acc.runtimeMemoryMiB, cuda: true },
      extraArgs: [],
    }),
    ...extra,
  };
}

/** The strategy comes from the engine driver's capability, as ModelService will read it. */
function crossNodeOf(engine: Engine): CrossNodeParallelism | undefined {
  const driver = ENGINE_DRIVERS[engine === 'vllm' ? EngineKind.VLLM : EngineKind.SGLANG];
  return driver.capabilities(driver.profile(driver.defaultVersion)).multiNode?.crossNode;
}

describe('engine capabilities: how each engine spans nodes', () => {
  test('vLLM: pipeline across nodes; SGLang: tensor across nodes; TGI, Triton and custom: none', () => {
    const multi = (k: EngineKind) => ENGINE_DRIVERS[k].capabilities(ENGINE_DRIVERS[k].profile(ENGINE_DRIVERS[k].defaultVersion || '1.0.0')).multiNode;
    expect(multi(EngineKind.VLLM)?.crossNode).toBe('pipeline');
    expect(multi(EngineKind.VLLM)?.source).toMatch(/distributed_serving/);
    expect(multi(EngineKind.SGLANG)?.crossNode).toBe('tensor');
    expect(multi(EngineKind.SGLANG)?.source).toMatch(/--tp 16 --nnodes 2/);
    expect(multi(EngineKind.TGI)).toBeUndefined();
    expect(multi(EngineKind.TRITON)).toBeUndefined();
    expect(multi(EngineKind.CUSTOM)).toBeUndefined();
  });
});

describe('pipeline stages (vLLM get_pp_indices: remainder to the stages before the last)', () => {
  // 126 / 2 = 63 each; 61 / 2 = [31, 30]; 61 / 4 = [15, 15, 16, 15] (vLLM docs' example) -> 16.
  test.each([[126, 2, 63], [61, 2, 31], [61, 4, 16], [80, 3, 27], [32, 1, 32]])('%d layers over %d stages: largest %d', (layers, stages, largest) => {
    expect(layersOfLargestStage(layers, stages)).toBe(largest);
  });
});

describe('MLA KV cache (DeepSeek-R1: kv_lora_rank 512, qk_rope_head_dim 64, 61 layers)', () => {
  // One latent per token and layer, no separate K and V: 61 x (512 + 64) x 2 B = 70,272 B (68.6 KiB).
  test('bytes per token of the model', () => expect(kvBytesPerToken(r1)).toBe(70_272));
  // GQA would have been 2 x 61 x 128 KV heads x 192 x 2 = 5,996,544 B: 85x more.
  test('is not the GQA formula', () => expect(kvBytesPerToken({ ...r1, mla: undefined })).toBe(5_996_544));
  // Tensor parallelism does not split the latent: each of 8 GPUs holds all 70,272 B a token.
  test('not split by tensor parallelism', () => {
    expect(kvBytesPerTokenPerGpu(r1, 8, 2)).toBe(70_272);
    expect(kvBytesPerTokenPerGpu(r1, 1, 2)).toBe(70_272);
  });
  // A pipeline stage of 31 layers: 31 x 576 x 2 = 35,712 B.
  test('a pipeline stage holds its layers only', () => expect(kvBytesPerTokenPerGpu(r1, 8, 2, 31)).toBe(35_712));
  // Llama-3.1-405B (GQA, 8 KV heads of 128): at TP 8 one head a GPU: 2 x 126 x 1 x 128 x 2 = 64,512 B;
  // a stage of 63 layers 32,256 B; at TP 16 the 8 heads are replicated, still one a GPU.
  test('GQA for comparison', () => {
    expect(kvBytesPerTokenPerGpu(llama405b, 8, 2)).toBe(64_512);
    expect(kvBytesPerTokenPerGpu(llama405b, 8, 2, 63)).toBe(32_256);
    expect(kvBytesPerTokenPerGpu(llama405b, 16, 2)).toBe(64_512);
  });
});

describe('MoE catalog entries (config.json shapes)', () => {
  test.each([
    // id, layers, heads, KV heads, total B, active B
    ['deepseek-ai/DeepSeek-V3', 61, 128, 128, 671, 37],
    ['deepseek-ai/DeepSeek-R1', 61, 128, 128, 671, 37],
    ['Qwen/Qwen3-235B-A22B', 94, 64, 4, 235, 22],
    ['Qwen/Qwen3-30B-A3B', 48, 32, 4, 30.5, 3.3],
  ])('%s', (id, layers, heads, kvHeads, total, active) => {
    const m = lookupModel(id)!;
    expect([m.layers, m.attentionHeads, m.kvHeads, m.parametersBillions, m.activeParametersBillions]).toEqual([layers, heads, kvHeads, total, active]);
  });
  test('DeepSeek is MLA with a native fp8 checkpoint; Qwen3 MoE is GQA in bf16', () => {
    expect(r1.mla).toEqual({ kvLoraRank: 512, qkRopeHeadDim: 64 });
    expect(r1.checkpointPrecision).toBe(Precision.FP8);
    expect(lookupModel('Qwen/Qwen3-235B-A22B')!.mla).toBeUndefined();
    expect(lookupModel('Qwen/Qwen3-235B-A22B')!.checkpointPrecision).toBeUndefined();
  });
  // Weights use the total, not the active parameters. DeepSeek-R1 in fp8: the vocabulary matrices
  // (2 x 129,280 x 7,168 = 1,853,358,080 params) stay 16-bit, the other 669,146,641,920 params take
  // 1 B: 669,146,641,920 + 3,706,716,160 = 672,853,358,080 B = 626.64 GiB. Its checkpoint is fp8,
  // so the download is the same 626.64 GiB whether served in fp8 or (cast) in bf16.
  test('DeepSeek-R1 weights and download from the total', () => {
    expect(weightsGiB(r1, Precision.FP8)).toBeCloseTo(626.64, 2);
    expect(downloadGiB(r1, Precision.FP8)).toBeCloseTo(626.64, 2);
    expect(downloadGiB(r1, Precision.BF16)).toBeCloseTo(626.64, 2);
  });
  // Qwen3-235B-A22B served in fp8 from its bf16 checkpoint downloads bf16: 235e9 x 2 B = 437.72 GiB.
  test('Qwen3-235B-A22B served in fp8 downloads bf16', () => {
    expect(downloadGiB(lookupModel('Qwen/Qwen3-235B-A22B')!, Precision.FP8)).toBeCloseTo(437.72, 2);
  });
});

/** A row of the planner table: the expected layout and the hand-computed per-GPU figures. */
interface Row {
  readonly name: string;
  readonly model: ModelSpec;
  readonly precision: Precision;
  readonly accelerator: Accelerator;
  readonly engine: Engine;
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly tp: number;
  readonly pp: number;
  /** Weights on one GPU of the heaviest stage, GiB (hand). */
  readonly weightsPerGpu: number;
  /** KV-cache tokens of the replica, hand figure (the planner rounds to whole blocks): within 0.5 %. */
  readonly tokens: number;
}

describe('planner table (vLLM 0.9.2 and SGLang 0.4.9, maxModelLen 8192, 4 sequences = 32,768 tokens wanted)', () => {
  const rows: Row[] = [
    // Llama-3.1-405B bf16 on H100 (CUDA total 79.11 GiB; vLLM claims x 0.9 = 71.20 GiB a GPU).
    // Vocabulary matrices 2 x 128,256 x 16,384 = 4,202,692,608 params x 2 B = 7.83 GiB; the other
    // 401,697,307,392 params x 2 B = 748.22 GiB; all 756.05 GiB.
    // One node, TP 8: 756.05 / 8 = 94.51 GiB a GPU > 71.20: nothing left for KV.
    // Two nodes, TP 8 x PP 2: a stage holds 63 of 126 layers and one vocabulary matrix:
    //   (748.22 x 63/126 + 7.83 / 2) / 8 = (374.11 + 3.92) / 8 = 47.25 GiB.
    // Activations (H100 >= 70 GiB: 8,192 tokens, 1,024 sequences): forward 8,192 x 2 x (3 x 53,248 / 8
    //   + 3 x 16,384) = 1.055 GiB; sampler 1,024 x 128,256 x 10 + 8,192 x 16,384 x 2 B = 1.473 GiB -> 1.473.
    // KV a GPU: 71.20 - 47.25 - 1.473 - 0.4 non-torch = 22.08 GiB; a token on a GPU: 2 x 63 layers x
    //   1 KV head x 128 x 2 B = 32,256 B; 22.08 x 2^30 / 32,256 = 735,000 tokens >= 32,768: fits.
    { name: '405B bf16 H100 (vLLM) -> 2 nodes x 8, pipeline', model: llama405b, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_H100_80GB, engine: 'vllm', nodes: 2, gpusPerNode: 8, tp: 8, pp: 2, weightsPerGpu: 47.25, tokens: 735_000 },
    // Same model with SGLang, TP 16 across both nodes: 756.05 / 16 = 47.25 GiB a GPU. SGLang 0.4.9's
    // fraction at TP 16 on 81,559 MiB: reserved 9.5 + 16/2 = 17.5 GiB (17,920 MiB): (81,559 - 17,920) /
    // 81,559 = 0.780; of 79.11 - 1 = 78.11 GiB free at start: 60.93 GiB. KV 60.93 - 47.25 = 13.68 GiB;
    // 8 KV heads over 16 GPUs: replicated, one a GPU: 2 x 126 x 128 x 2 = 64,512 B a token:
    // 13.68 x 2^30 / 64,512 = 227,700 tokens.
    { name: '405B bf16 H100 (SGLang) -> 2 nodes x 8, tensor 16', model: llama405b, precision: Precision.BF16, accelerator: Accelerator.NVIDIA_H100_80GB, engine: 'sglang', nodes: 2, gpusPerNode: 8, tp: 16, pp: 1, weightsPerGpu: 47.25, tokens: 227_700 },
    // 405B fp8 on H100: 401,697,307,392 x 1 B + 7.83 GiB = 374.11 + 7.83 = 381.94 GiB; TP 4: 95.49 GiB
    // a GPU > 71.20; TP 8: 47.74 GiB. KV 71.20 - 47.74 - 1.473 - 0.4 = 21.59 GiB; a token 2 x 126 x 1
    // x 128 x 2 = 64,512 B: 21.59 x 2^30 / 64,512 = 359,300 tokens. One node.
    { name: '405B fp8 H100 (vLLM) -> 1 node x 8', model: llama405b, precision: Precision.FP8, accelerator: Accelerator.NVIDIA_H100_80GB, engine: 'vllm', nodes: 1, gpusPerNode: 8, tp: 8, pp: 1, weightsPerGpu: 47.74, tokens: 359_300 },
    // DeepSeek-R1 fp8 on H200 (143,771 MiB = 140.40 GiB x 0.9 = 126.36 GiB): 626.64 GiB; TP 4: 156.66 >
    // 126.36; TP 8: 78.33 GiB. Activations (MoE, 8 experts of 2,048): forward 8,192 x 2 x (8 x (3 x
    // 2,048 / 8 + 7,168) + 3 x 7,168) = 1.297 GiB; sampler 1,024 x 129,280 x 10 + 8,192 x 7,168 x 2 =
    // 1.342 GiB. KV 126.36 - 78.33 - 1.342 - 0.4 = 46.29 GiB; MLA a token 61 x 576 x 2 = 70,272 B on
    // every GPU: 46.29 x 2^30 / 70,272 = 707,300 tokens.
    { name: 'DeepSeek-R1 fp8 H200 (vLLM) -> 1 node x 8', model: r1, precision: Precision.FP8, accelerator: Accelerator.NVIDIA_H200, engine: 'vllm', nodes: 1, gpusPerNode: 8, tp: 8, pp: 1, weightsPerGpu: 78.33, tokens: 707_300 },
    // DeepSeek-R1 fp8 on H100: TP 8 on one node 78.33 GiB > 71.20. Two nodes, PP 2: 61 layers ->
    // stages of 31 and 30; the vocabulary matrices are 3.45 GiB, the layers 623.19 GiB:
    // (623.19 x 31/61 + 3.45 / 2) / 8 = (316.70 + 1.73) / 8 = 39.80 GiB. KV 71.20 - 39.80 - 1.342 - 0.4
    // = 29.66 GiB; MLA of 31 layers: 31 x 576 x 2 = 35,712 B: 29.66 x 2^30 / 35,712 = 891,800 tokens.
    { name: 'DeepSeek-R1 fp8 H100 (vLLM) -> 2 nodes x 8, pipeline', model: r1, precision: Precision.FP8, accelerator: Accelerator.NVIDIA_H100_80GB, engine: 'vllm', nodes: 2, gpusPerNode: 8, tp: 8, pp: 2, weightsPerGpu: 39.80, tokens: 891_800 },
  ];

  test.each(rows)('$name', row => {
    const plan = planMemory(input(row.model, row.precision, row.accelerator, row.engine));
    const c = plan.chosen!;
    expect(c).toBeDefined();
    expect([c.nodes, c.gpusPerNode, c.tensorParallelSize, c.pipelineParallelSize, c.gpus]).toEqual([row.nodes, row.gpusPerNode, row.tp, row.pp, row.nodes * row.gpusPerNode]);
    expect(weightsPerGpuGiB(row.model, row.precision, c)).toBeCloseTo(row.weightsPerGpu, 1);
    expect(Math.abs(c.kvCacheCapacityTokens - row.tokens) / row.tokens).toBeLessThan(0.005);
    // Whole-replica figures count every node: weights of all GPUs and usable memory of 16 GPUs.
    expect(c.usableGiB).toBeCloseTo(c.gpus * c.budget.baseGiB * c.budget.fraction, 6);
    if (row.nodes > 1) {
      // The why shows the arithmetic per node: the layout, then per-GPU figures.
      expect(plan.why).toContain(`${row.nodes} nodes x ${row.gpusPerNode} GPUs`);
      expect(plan.why).toContain(`weights ${row.weightsPerGpu.toFixed(1)} GiB`);
      expect(plan.why).toMatch(/one node: 8 GPUs hold 0 tokens < 32,768/);
    }
  });

  // 1T-parameter MoE in bf16 on L4 (CUDA total 22.03 GiB x 0.9 = 19.83 GiB a GPU).
  // Vocabulary 2 x 163,840 x 7,168 = 2,348,810,240 params (4.38 GiB); layers 997,651,189,760 x 2 B =
  // 1,858.27 GiB. Four nodes (the default ceiling), TP 8 x PP 4: stages of at most 16 of 61 layers:
  // (1,858.27 x 16/61 + 4.38 / 2) / 8 = (487.42 + 2.19) / 8 = 61.20 GiB a GPU > 19.83: no KV at all.
  // The first node count that fits: 16 (stages of 4 layers): (1,858.27 x 4/61 + 2.19) / 8 = 15.50 GiB;
  // KV 19.83 - 15.50 - 0.42 (sampler, 2,048 tokens / 256 sequences on a small GPU) - 0.4 = 3.5 GiB,
  // MLA 4 x 576 x 2 = 4,608 B a token: 815,000 tokens. 15 nodes: stages of 5 layers, (1,858.27 x
  // 5/61 + 2.19) / 8 = 19.31 GiB + 0.82 > 19.83: no.
  test('1T MoE bf16 on L4 -> no fit within 4 nodes, with the arithmetic and the fix', () => {
    const plan = planMemory(input(oneTrillion, Precision.BF16, Accelerator.NVIDIA_L4, 'vllm'));
    expect(plan.chosen).toBeUndefined();
    expect(DEFAULT_MAX_NODES_PER_REPLICA).toBe(4);
    expect(plan.why).toContain('does not fit on 4 nodes of 8 GPUs (maxNodesPerReplica 4; pipeline parallelism across nodes)');
    expect(plan.why).toContain('4 nodes x 8 GPUs (tensor parallel 8 within each node, pipeline parallel 4 across nodes: at most 16 of 61 layers a stage)');
    expect(plan.why).toContain('weights 61.2 GiB ((1858.3 x 16/61 + 2.2) / 8)');
    expect(plan.why).toContain('raise maxNodesPerReplica to 16');
    expect(plan.nodesNeeded).toBe(16);
    // Nodes 1 (TP 1..8), then 2, 3, 4 were considered.
    expect(plan.considered.map(f => f.nodes)).toEqual([1, 1, 1, 1, 2, 3, 4]);
    // With the ceiling raised to 16 it plans 16 x 8, stages of 4 layers.
    const raised = planMemory(input(oneTrillion, Precision.BF16, Accelerator.NVIDIA_L4, 'vllm', { maxNodesPerReplica: 16 })).chosen!;
    expect([raised.nodes, raised.tensorParallelSize, raised.pipelineParallelSize]).toEqual([16, 8, 16]);
    expect(weightsPerGpuGiB(oneTrillion, Precision.BF16, raised)).toBeCloseTo(15.50, 1);
    expect(Math.abs(raised.kvCacheCapacityTokens - 815_000) / 815_000).toBeLessThan(0.01);
  });
});

describe('single-node plans are unchanged by crossNode', () => {
  const llama70b = lookupModel('meta-llama/Llama-3.1-70B-Instruct')!;
  test.each<[string, ModelSpec, Precision]>([
    ['70B fp8 fits one node', llama70b, Precision.FP8],
    ['405B fp8 fits one node', llama405b, Precision.FP8],
  ])('%s: the same why and figures with and without crossNode', (_, model, precision) => {
    const base = input(model, precision, Accelerator.NVIDIA_H100_80GB, 'vllm');
    const without = planMemory({ ...base, crossNode: undefined });
    const withCross = planMemory(base);
    expect(withCross.why).toBe(without.why);
    expect(withCross.chosen).toEqual(without.chosen);
    expect(withCross.chosen!.nodes).toBe(1);
    expect(withCross.chosen!.gpusPerNode).toBe(withCross.chosen!.gpus);
  });

  test('without crossNode a model larger than a node keeps today\'s message', () => {
    const plan = planMemory({ ...input(llama405b, Precision.BF16, Accelerator.NVIDIA_H100_80GB, 'vllm'), crossNode: undefined });
    expect(plan.chosen).toBeUndefined();
    expect(plan.why).toMatch(/^does not fit on one node of 8 GPUs \(tensor parallel sizes dividing 128 heads\): per GPU: /);
    expect(plan.considered.every(f => f.nodes === 1)).toBe(true);
    // It still says how many nodes an engine that spans nodes would take: 2 (see the table above).
    expect(plan.nodesNeeded).toBe(2);
  });
});

describe('a given GPU count above one node', () => {
  const base = () => input(llama405b, Precision.BF16, Accelerator.NVIDIA_H100_80GB, 'vllm');
  test('16 GPUs: 2 nodes x 8, pipeline 2', () => {
    const plan = planMemory({ ...base(), gpus: 16 });
    expect([plan.chosen?.nodes, plan.chosen?.pipelineParallelSize]).toEqual([2, 2]);
    expect(plan.why).toMatch(/^16 GPUs given; fits: 2 nodes x 8 GPUs/);
  });
  // Whether a given count is allowed (whole nodes, the ceiling) is ModelService's to refuse with the
  // property the user gave; the planner checks the memory only.
  test('12 GPUs are not whole nodes: checked as one node of 12, as before (TP 12 does not divide 128 heads)', () => {
    const plan = planMemory({ ...base(), gpus: 12 });
    expect(plan.chosen).toBeUndefined();
    expect(plan.considered.map(f => [f.nodes, f.tensorParallelSize])).toEqual([[1, 12]]);
    expect(plan.why).toBe('tensor parallel size 12 does not divide the model\'s 128 attention heads');
  });
  test('40 GPUs are 5 whole nodes: the memory of 5 nodes is checked, the ceiling left to the caller', () => {
    const plan = planMemory({ ...base(), gpus: 40 });
    expect([plan.chosen?.nodes, plan.chosen?.pipelineParallelSize]).toEqual([5, 5]);
  });
  test('a TP size that does not divide the heads across nodes is refused (SGLang, 24 heads over TP 16)', () => {
    const odd: ModelSpec = { ...llama405b, attentionHeads: 24 };
    const plan = planMemory({ ...input(odd, Precision.BF16, Accelerator.NVIDIA_H100_80GB, 'sglang'), gpus: 16 });
    expect(plan.chosen).toBeUndefined();
    expect(plan.why).toBe('tensor parallel size 16 does not divide the model\'s 24 attention heads');
  });
});

test('weights per GPU without pipeline parallelism are weights / TP', () => {
  // 756.05 / 8 = 94.51 GiB.
  expect(weightsPerGpuGiB(llama405b, Precision.BF16, { nodes: 1, gpusPerNode: 8, tensorParallelSize: 8, pipelineParallelSize: 1 })).toBeCloseTo(94.51, 2);
  expect(weightsGiB(llama405b, Precision.BF16)).toBeCloseTo(756.05, 2);
});

describe('properties over random shapes (fast-check, fixed seed)', () => {
  const shape = fc.record({
    parametersBillions: fc.double({ min: 1, max: 2000, noNaN: true }),
    layers: fc.integer({ min: 8, max: 128 }),
    attentionHeads: fc.constantFrom(32, 40, 48, 64, 96, 128),
    kvHeads: fc.constantFrom(1, 4, 8, 16),
    headDim: fc.constantFrom(64, 128),
    mla: fc.option(fc.constant({ kvLoraRank: 512, qkRopeHeadDim: 64 }), { nil: undefined }),
    expertsPerToken: fc.option(fc.constantFrom(2, 8), { nil: undefined }),
  });
  const setting = fc.record({
    model: shape,
    precision: fc.constantFrom(Precision.BF16, Precision.FP8),
    accelerator: fc.constantFrom(Accelerator.NVIDIA_H100_80GB, Accelerator.NVIDIA_H200, Accelerator.NVIDIA_L4, Accelerator.NVIDIA_A100_80GB),
    engine: fc.constantFrom<Engine>('vllm', 'sglang'),
    maxNodesPerReplica: fc.integer({ min: 1, max: 8 }),
  });

  test('a single-node plan is the same with and without crossNode; a multi-node plan is the fewest whole nodes that fit, within the ceiling', () => {
    fc.assert(fc.property(setting, s => {
      const base = input(s.model, s.precision, s.accelerator, s.engine, { maxNodesPerReplica: s.maxNodesPerReplica });
      const single = planMemory({ ...base, crossNode: undefined });
      const across = planMemory(base);
      if (single.chosen) {
        expect(across.chosen).toEqual(single.chosen);
        expect(across.why).toBe(single.why);
        return;
      }
      const c = across.chosen;
      if (!c) {
        // Nothing within the ceiling: the why names it, and a nodesNeeded above it is a real fit.
        expect(across.why).toContain(`maxNodesPerReplica ${s.maxNodesPerReplica}`);
        if (across.nodesNeeded !== undefined) {
          expect(across.nodesNeeded).toBeGreaterThan(s.maxNodesPerReplica);
          expect(planMemory({ ...base, maxNodesPerReplica: across.nodesNeeded }).chosen?.nodes).toBe(across.nodesNeeded);
        }
        return;
      }
      expect(c.nodes).toBeGreaterThan(1);
      expect(c.nodes).toBeLessThanOrEqual(s.maxNodesPerReplica);
      expect(c.gpus).toBe(c.nodes * c.gpusPerNode);
      expect(c.gpusPerNode).toBe(8);
      expect(c.tensorParallelSize * c.pipelineParallelSize).toBe(c.gpus);
      expect(s.model.attentionHeads % c.tensorParallelSize).toBe(0);
      // Fewest nodes: one node fewer (if any was tried) did not fit.
      const fewer = across.considered.filter(f => f.nodes === c.nodes - 1);
      expect(fewer.every(f => !f.fits)).toBe(true);
    }), { numRuns: 300, seed: 20261201 });
  });
});
