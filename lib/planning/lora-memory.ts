import { formatTokens, kvHeadsPerGpu, MemoryItem } from './kv-budget';
import { resolvedShape } from './model-bytes';
import { ModelSpec } from './model-spec';

const GIB = 1024 ** 3;

/** Bytes per LoRA buffer element: the engines keep LoRA weights in the model's 16-bit dtype. */
export const LORA_BUFFER_BYTES = 2;

/**
 * Bytes per element an adapter file is assumed to hold for cache sizing: PEFT saves adapters in the
 * training dtype, often fp32, so 4 bytes is an upper bound.
 */
export const LORA_FILE_BYTES = 4;

/**
 * vLLM's extra vocabulary rows per adapter (`LoRAConfig.lora_extra_vocab_size`, default 256) and
 * its vocabulary padding for the LoRA logits kernel (`lora_vocab_padding_size`, 256 on CUDA):
 * vllm `vllm/config.py` `LoRAConfig` v0.9.2 L2956, `vllm/platforms/interface.py`.
 */
export const VLLM_LORA_EXTRA_VOCAB = 256;

/**
 * The LoRA buffers an engine preallocates on each GPU, as its driver describes them: `slots`
 * adapters of rank `rank`, for every projection the engine wraps.
 */
export interface LoraBufferShape {
  /** Adapters the buffers hold at once. */
  readonly slots: number;
  /** Rank the buffers are sized for. */
  readonly rank: number;
  /** Whether the engine also allocates adapter buffers for the embedding and the output layer (vLLM does). */
  readonly embeddings: boolean;
  /** What the figures rest on, for the plan (engine, flag, source). */
  readonly basis: string;
}

/**
 * Per GPU and per unit of rank: the A (rank x in) and B (out x rank) dimensions of the LoRA weights
 * of one decoder layer, summed over the projections the engines wrap: q/k/v and o of attention,
 * gate/up and down of the MLP (dense models; mixture-of-experts experts carry no LoRA buffers in
 * vLLM 0.9 - `FusedMoE` is not a `LinearBase` - so only attention counts there).
 *
 * Tensor parallelism splits the B of column-parallel layers (q/k/v, gate/up) and the A of
 * row-parallel ones (o, down); the other half is whole on every GPU (vllm `vllm/lora/layers.py`
 * v0.9.2 `BaseLinearLayerWithLoRA.create_lora_weights`, `MergedColumnParallelLinearWithLoRA`:
 * one A of `input_size` per packed slice; sglang `python/sglang/srt/lora/mem_pool.py` v0.4.9
 * `get_lora_A_shape` / `get_lora_B_shape`, the same split).
 */
export function loraDimsPerLayer(model: ModelSpec, tensorParallelSize: number): number {
  const s = resolvedShape(model);
  const t = tensorParallelSize;
  const h = s.hiddenSize;
  const qOut = model.attentionHeads * model.headDim;
  const kvOutPerGpu = kvHeadsPerGpu(model, t) * model.headDim;
  const qkv = 3 * h + qOut / t + 2 * kvOutPerGpu;
  const o = qOut / t + h;
  if (s.expertsPerToken > 0) return qkv + o;
  const gateUp = 2 * h + 2 * s.intermediateSize / t;
  const down = s.intermediateSize / t + h;
  return qkv + o + gateUp + down;
}

/**
 * Per unit of rank, the embedding and output layer LoRA buffers vLLM adds for models that declare
 * `embedding_modules` (Llama and most decoders): embedding A `(vocab + 256) x rank` and B
 * `hidden x rank`, output A `rank x hidden` and B `padded vocab x rank` (vllm `vllm/lora/layers.py`
 * v0.9.2 `VocabParallelEmbeddingWithLoRA` and `LogitsProcessorWithLoRA.create_lora_weights`).
 */
export function loraEmbeddingDims(model: ModelSpec): number {
  const s = resolvedShape(model);
  const padded = Math.ceil(s.vocabSize / VLLM_LORA_EXTRA_VOCAB) * VLLM_LORA_EXTRA_VOCAB;
  return (s.vocabSize + VLLM_LORA_EXTRA_VOCAB) + s.hiddenSize + s.hiddenSize + padded;
}

/** The rank-independent extra-vocabulary rows (256 x hidden, embedding and output layer) per slot, vLLM only. */
function extraVocabElements(model: ModelSpec): number {
  return 2 * VLLM_LORA_EXTRA_VOCAB * resolvedShape(model).hiddenSize;
}

/** The LoRA buffers of one GPU: GiB and the arithmetic, as a memory item of the engine's account. */
export function loraBufferItem(model: ModelSpec, tensorParallelSize: number, shape: LoraBufferShape): MemoryItem {
  const perLayer = loraDimsPerLayer(model, tensorParallelSize);
  const embeddings = shape.embeddings ? loraEmbeddingDims(model) : 0;
  const dims = model.layers * perLayer + embeddings;
  const extra = shape.embeddings ? shape.slots * extraVocabElements(model) : 0;
  const elements = shape.slots * shape.rank * dims + extra;
  const gib = elements * LORA_BUFFER_BYTES / GIB;
  const dimsText = `${model.layers} layers x ${formatTokens(perLayer)}${shape.embeddings ? ` + embeddings ${formatTokens(embeddings)}` : ''}`;
  const extraText = shape.embeddings ? ` + ${shape.slots} x 2 x ${VLLM_LORA_EXTRA_VOCAB} x ${formatTokens(resolvedShape(model).hiddenSize)}` : '';
  return {
    label: `LoRA buffers ((${shape.slots} adapters x rank ${shape.rank} x (${dimsText})${extraText}) x ${LORA_BUFFER_BYTES} B)`,
    gib,
  };
}

/**
 * GiB one adapter's files take in a cache: rank x layers x the per-layer dimensions (whole model,
 * no tensor parallelism) x LORA_FILE_BYTES, assuming it targets every projection (an upper bound).
 */
export function loraAdapterFileGiB(model: ModelSpec, rank: number): number {
  return rank * model.layers * loraDimsPerLayer(model, 1) * LORA_FILE_BYTES / GIB;
}
