import { Precision } from './precision';

/**
 * The shape of a transformer model, as far as memory planning needs it.
 * Read these from the model's `config.json`.
 */
export interface ModelSpec {
  /** Total parameters, in billions (for mixture-of-experts models: all experts). */
  readonly parametersBillions: number;
  /** `num_hidden_layers`. */
  readonly layers: number;
  /** `num_attention_heads`: tensor parallel size must divide it. */
  readonly attentionHeads: number;
  /** `num_key_value_heads` (equals attentionHeads without grouped-query attention). */
  readonly kvHeads: number;
  /** `head_dim`, or hidden_size / num_attention_heads. */
  readonly headDim: number;
  /** Longest context the model supports (`max_position_embeddings`). */
  readonly maxContextLength?: number;
  /**
   * Precision of the published weights: what a download moves, a cache holds and a cold start
   * reads. A native FP8 checkpoint (DeepSeek-V3) downloads FP8 bytes; FP8 served from a bf16
   * checkpoint (quantized at load) still downloads bf16 bytes.
   * @default - bf16, or the served precision when that is a pre-quantized format (int8 W8A8, AWQ, GPTQ)
   */
  readonly checkpointPrecision?: Precision;
  /** `hidden_size`. @default - attentionHeads x headDim */
  readonly hiddenSize?: number;
  /** `intermediate_size` (for mixture-of-experts models: of one expert, `moe_intermediate_size`). @default - 3.5 x hiddenSize */
  readonly intermediateSize?: number;
  /**
   * `vocab_size`: the embedding and output layers stay 16-bit in quantized checkpoints, and the
   * engines' start-up profile samples logits over it.
   * @default 128256 (Llama 3's vocabulary)
   */
  readonly vocabSize?: number;
  /** `tie_word_embeddings`: the output layer shares the input embedding. @default false */
  readonly tiedEmbeddings?: boolean;
  /** `num_experts_per_tok` of a mixture-of-experts model. @default - a dense model */
  readonly expertsPerToken?: number;
}

/** A catalog entry: a popular open model with its shape. */
export interface KnownModel extends ModelSpec {
  /** Hugging Face id of the instruct release. */
  readonly huggingFaceId: string;
}

/**
 * Popular open models, from each model's `config.json` on Hugging Face (`hidden_size`,
 * `intermediate_size`, `vocab_size`, `num_experts_per_tok`; all untied, bf16 checkpoints). Matched by
 * Hugging Face id, case-insensitively, with or without the `-Instruct` suffix.
 */
export const MODEL_CATALOG: readonly KnownModel[] = [
  { huggingFaceId: 'meta-llama/Llama-3.1-8B-Instruct', parametersBillions: 8.03, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128, maxContextLength: 131072, hiddenSize: 4096, intermediateSize: 14336, vocabSize: 128256 },
  { huggingFaceId: 'meta-llama/Llama-3.1-70B-Instruct', parametersBillions: 70.6, layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128, maxContextLength: 131072, hiddenSize: 8192, intermediateSize: 28672, vocabSize: 128256 },
  { huggingFaceId: 'meta-llama/Llama-3.1-405B-Instruct', parametersBillions: 405.9, layers: 126, attentionHeads: 128, kvHeads: 8, headDim: 128, maxContextLength: 131072, hiddenSize: 16384, intermediateSize: 53248, vocabSize: 128256 },
  { huggingFaceId: 'Qwen/Qwen2.5-7B-Instruct', parametersBillions: 7.62, layers: 28, attentionHeads: 28, kvHeads: 4, headDim: 128, maxContextLength: 32768, hiddenSize: 3584, intermediateSize: 18944, vocabSize: 152064 },
  { huggingFaceId: 'Qwen/Qwen2.5-72B-Instruct', parametersBillions: 72.7, layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128, maxContextLength: 32768, hiddenSize: 8192, intermediateSize: 29568, vocabSize: 152064 },
  { huggingFaceId: 'mistralai/Mistral-7B-Instruct-v0.3', parametersBillions: 7.25, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128, maxContextLength: 32768, hiddenSize: 4096, intermediateSize: 14336, vocabSize: 32768 },
  { huggingFaceId: 'mistralai/Mixtral-8x7B-Instruct-v0.1', parametersBillions: 46.7, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128, maxContextLength: 32768, hiddenSize: 4096, intermediateSize: 14336, vocabSize: 32000, expertsPerToken: 2 },
];

/** Finds a catalog model by Hugging Face id. */
export function lookupModel(huggingFaceId: string): KnownModel | undefined {
  const want = normalise(huggingFaceId);
  return MODEL_CATALOG.find(m => normalise(m.huggingFaceId) === want);
}

function normalise(id: string): string {
  return id.toLowerCase().replace(/-instruct(?=-v[0-9.]+$|$)/, '');
}
