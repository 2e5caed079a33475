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
}

/** A catalog entry: a popular open model with its shape. */
export interface KnownModel extends ModelSpec {
  /** Hugging Face id of the instruct release. */
  readonly huggingFaceId: string;
}

/**
 * Popular open models, from each model's `config.json` on Hugging Face. Matched by
 * Hugging Face id, case-insensitively, with or without the `-Instruct` suffix.
 */
export const MODEL_CATALOG: readonly KnownModel[] = [
  { huggingFaceId: 'meta-llama/Llama-3.1-8B-Instruct', parametersBillions: 8.03, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128, maxContextLength: 131072 },
  { huggingFaceId: 'meta-llama/Llama-3.1-70B-Instruct', parametersBillions: 70.6, layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128, maxContextLength: 131072 },
  { huggingFaceId: 'meta-llama/Llama-3.1-405B-Instruct', parametersBillions: 405.9, layers: 126, attentionHeads: 128, kvHeads: 8, headDim: 128, maxContextLength: 131072 },
  { huggingFaceId: 'Qwen/Qwen2.5-7B-Instruct', parametersBillions: 7.62, layers: 28, attentionHeads: 28, kvHeads: 4, headDim: 128, maxContextLength: 32768 },
  { huggingFaceId: 'Qwen/Qwen2.5-72B-Instruct', parametersBillions: 72.7, layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128, maxContextLength: 32768 },
  { huggingFaceId: 'mistralai/Mistral-7B-Instruct-v0.3', parametersBillions: 7.25, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128, maxContextLength: 32768 },
  { huggingFaceId: 'mistralai/Mixtral-8x7B-Instruct-v0.1', parametersBillions: 46.7, layers: 32, attentionHeads: 32, kvHeads: 8, headDim: 128, maxContextLength: 32768 },
];

/** Finds a catalog model by Hugging Face id. */
export function lookupModel(huggingFaceId: string): KnownModel | undefined {
  const want = normalise(huggingFaceId);
  return MODEL_CATALOG.find(m => normalise(m.huggingFaceId) === want);
}

function normalise(id: string): string {
  return id.toLowerCase().replace(/-instruct(?=-v[0-9.]+$|$)/, '');
}
