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
  /**
   * Parameters a token runs through, in billions, for a mixture-of-experts model (the "A22B" of
   * Qwen3-235B-A22B). Informational: GPU memory holds every expert, so weights are sized from
   * `parametersBillions`.
   * @default - parametersBillions (a dense model)
   */
  readonly activeParametersBillions?: number;
  /**
   * Multi-head Latent Attention (DeepSeek-V2/V3/R1, Kimi-K2): the KV cache holds one compressed
   * latent per token and layer, `kvLoraRank + qkRopeHeadDim` values, instead of `2 x kvHeads x
   * headDim`, and tensor parallelism does not split it (every GPU holds the whole latent of its
   * layers). With it set, `kvHeads` and `headDim` do not enter the KV-cache arithmetic.
   * @default - standard (grouped-query) attention
   */
  readonly mla?: MlaShape;
}

/**
 * The KV-cache shape of Multi-head Latent Attention, from `config.json`. vLLM stores
 * `kv_lora_rank + qk_rope_head_dim` values per token and layer, as one KV head that tensor
 * parallelism does not divide (vllm `vllm/config.py` `ModelConfig.get_head_size` L1144-1150 and
 * `get_num_kv_heads` L1228-1232 "When using MLA during decode it becomes MQA"; a single latent,
 * no separate K and V: `vllm/v1/kv_cache_interface.py` `AttentionSpec.page_size_bytes` L80-84;
 * all v0.9.2). SGLang sizes its pool the same way (`python/sglang/srt/model_executor/model_runner.py`
 * `profile_max_num_token`, v0.4.9 L943-950: `(kv_lora_rank + qk_rope_head_dim) x layers x bytes`).
 */
export interface MlaShape {
  /** `kv_lora_rank`: width of the compressed KV latent. */
  readonly kvLoraRank: number;
  /** `qk_rope_head_dim`: the decoupled rotary key stored beside the latent. */
  readonly qkRopeHeadDim: number;
}

/** A catalog entry: a popular open model with its shape. */
export interface KnownModel extends ModelSpec {
  /** Hugging Face id of the instruct release. */
  readonly huggingFaceId: string;
  /**
   * Where the shape was read, when it is not the model's own `config.json` on Hugging Face alone.
   * @default - the model's `config.json` on Hugging Face
   */
  readonly source?: string;
}

/**
 * Where the mixture-of-experts entries were read. The Hugging Face files themselves were not
 * reachable from where this was written; each was read from verbatim copies in public code (found
 * with a code search), and the totals from the model cards.
 */
export const MOE_CATALOG_SOURCES = {
  deepseek: 'huggingface.co/deepseek-ai/DeepSeek-R1 config.json (a verbatim copy, config_Deepseek_R1, in public code); deepseek-ai/DeepSeek-V3 README_WEIGHTS.md (671B total, 36.6B active)',
  qwen235: 'huggingface.co/Qwen/Qwen3-235B-A22B config.json (verbatim copies in public code); model card: 235B total, 22B active',
  qwen30: 'huggingface.co/Qwen/Qwen3-30B-A3B config.json (verbatim copies in public code); model card: 30.5B total, 3.3B active',
} as const;

/**
 * Popular open models, from each model's `config.json` on Hugging Face (`hidden_size`,
 * `intermediate_size`, `vocab_size`, `num_experts_per_tok`; all untied; bf16 checkpoints unless
 * `checkpointPrecision` says otherwise). Matched by
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
  // Mixture-of-experts releases (see MOE_CATALOG_SOURCES).
  ...moeCatalog(),
];

/**
 * DeepSeek-V3 and R1 share one architecture and one `config.json` (`DeepseekV3ForCausalLM`):
 * `num_hidden_layers` 61, `num_attention_heads` 128, `num_key_value_heads` 128, `qk_nope_head_dim`
 * 128 + `qk_rope_head_dim` 64 (vLLM's head size without MLA: 192), `kv_lora_rank` 512,
 * `hidden_size` 7168, `moe_intermediate_size` 2048, `num_experts_per_tok` 8, `vocab_size` 129280,
 * `max_position_embeddings` 163840, untied, `quantization_config` fp8 (e4m3, 128 x 128 blocks): the
 * published weights are fp8. 671B parameters in the main model, 37B active (deepseek-ai/DeepSeek-V3
 * `README_WEIGHTS.md`: 671B, "36.6B" active including the 0.9B output head). The checkpoint also
 * carries the multi-token-prediction module (11.5B more parameters) that vLLM loads only for
 * speculative decoding: the download figure leaves it out (about 11 GiB short).
 */
function deepseekV3(huggingFaceId: string): KnownModel {
  return {
    huggingFaceId,
    parametersBillions: 671,
    activeParametersBillions: 37,
    layers: 61,
    attentionHeads: 128,
    kvHeads: 128,
    headDim: 192,
    maxContextLength: 163840,
    hiddenSize: 7168,
    intermediateSize: 2048,
    vocabSize: 129280,
    expertsPerToken: 8,
    mla: { kvLoraRank: 512, qkRopeHeadDim: 64 },
    checkpointPrecision: Precision.FP8,
    source: MOE_CATALOG_SOURCES.deepseek,
  };
}

function moeCatalog(): KnownModel[] {
  return [
    deepseekV3('deepseek-ai/DeepSeek-V3'),
    deepseekV3('deepseek-ai/DeepSeek-R1'),
    // Qwen3MoeForCausalLM: hidden 4096, moe_intermediate_size 1536, 128 experts, 8 a token, GQA 64/4 heads of 128.
    { huggingFaceId: 'Qwen/Qwen3-235B-A22B', parametersBillions: 235, activeParametersBillions: 22, layers: 94, attentionHeads: 64, kvHeads: 4, headDim: 128, maxContextLength: 40960, hiddenSize: 4096, intermediateSize: 1536, vocabSize: 151936, expertsPerToken: 8, source: MOE_CATALOG_SOURCES.qwen235 },
    // Qwen3MoeForCausalLM: hidden 2048, moe_intermediate_size 768, 128 experts, 8 a token, GQA 32/4 heads of 128.
    { huggingFaceId: 'Qwen/Qwen3-30B-A3B', parametersBillions: 30.5, activeParametersBillions: 3.3, layers: 48, attentionHeads: 32, kvHeads: 4, headDim: 128, maxContextLength: 40960, hiddenSize: 2048, intermediateSize: 768, vocabSize: 151936, expertsPerToken: 8, source: MOE_CATALOG_SOURCES.qwen30 },
  ];
}

/** Finds a catalog model by Hugging Face id. */
export function lookupModel(huggingFaceId: string): KnownModel | undefined {
  const want = normalise(huggingFaceId);
  return MODEL_CATALOG.find(m => normalise(m.huggingFaceId) === want);
}

function normalise(id: string): string {
  return id.toLowerCase().replace(/-instruct(?=-v[0-9.]+$|$)/, '');
}
