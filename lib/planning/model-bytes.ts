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
 * Parameters of the input embedding and the output layer. Quantized checkpoints keep both in 16
 * bits (FP8, W8A8, AWQ and GPTQ quantize the linear layers of the transformer blocks only), so
 * they weigh 2 bytes a parameter whatever the served precision.
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
