import { ModelSpec } from './model-spec';
import { bytesPerParameter, checkpointPrecisionFor, Precision } from './precision';

const GIB = 1024 ** 3;

/** Vocabulary assumed when a spec does not give one: Llama 3's (a large one, so estimates err high). */
export const DEFAULT_VOCAB_SIZE = 128256;

/** The shape fields planning reads, with the documented defaults of `ModelSpec` applied. */
export interface ResolvedShape {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly tiedEmbeddings: boolean;
  /** Experts each token visits; 0 for a dense model. */
  readonly expertsPerToken: number;
}

/** `ModelSpec`'s optional shape fields with their defaults. */
export function resolvedShape(model: ModelSpec): ResolvedShape {
  const hiddenSize = model.hiddenSize ?? model.attentionHeads * model.headDim;
  return {
    hiddenSize,
    intermediateSize: model.intermediateSize ?? 3.5 * hiddenSize,
    vocabSize: model.vocabSize ?? DEFAULT_VOCAB_SIZE,
    tiedEmbeddings: model.tiedEmbeddings ?? false,
    expertsPerToken: model.expertsPerToken ?? 0,
  };
}

/**
 * Parameters of the input embedding and the output layer. Quantization leaves both in 16 bits, so
 * they weigh 2 bytes a parameter whatever the served precision: vLLM's fp8 quantizes `LinearBase`
 * and MoE layers only, and the output layer is a `VocabParallelEmbedding` (vllm
 * `vllm/model_executor/layers/quantization/fp8.py` `Fp8Config.get_quant_method`, v0.9.2
 * L126-140); vLLM PR #12569 logs 67.72 GiB for the W8A8 release of Llama-3.1-70B, which this gives
 * (68.5e9 linear x 1 B + 2.1e9 x 2 B = 67.7 GiB) and 70.6e9 x 1 B (65.8 GiB) does not.
 */
export function embeddingParameters(model: ModelSpec): number {
  const shape = resolvedShape(model);
  const total = model.parametersBillions * 1e9;
  return Math.min(total, shape.vocabSize * shape.hiddenSize * (shape.tiedEmbeddings ? 1 : 2));
}

/** GiB of a model's weights at a precision: linear layers at that precision, embeddings in 16 bits. */
export function modelBytesGiB(model: ModelSpec, precision: Precision): number {
  const embeddings = embeddingParameters(model);
  const linear = model.parametersBillions * 1e9 - embeddings;
  const embeddingBytes = bytesPerParameter(precision) < 2 ? 2 : bytesPerParameter(precision);
  return (linear * bytesPerParameter(precision) + embeddings * embeddingBytes) / GIB;
}

/**
 * GiB a replica downloads from the model's source (and a cache volume holds): the checkpoint at its
 * own precision (`ModelSpec.checkpointPrecision`), not the served one.
 */
export function downloadGiB(model: ModelSpec, served: Precision): number {
  return modelBytesGiB(model, checkpointPrecisionFor(served, model.checkpointPrecision));
}
