/**
 * Numeric precision of the served weights.
 */
export enum Precision {
  /** bfloat16: the default for modern checkpoints. */
  BF16 = 'bf16',
  /** float16: for GPUs without bfloat16 (T4, V100). */
  FP16 = 'fp16',
  /** FP8 weights (dynamic quantization of a 16-bit checkpoint, or an FP8 checkpoint). Needs FP8 hardware. */
  FP8 = 'fp8',
  /** INT8 weights from a pre-quantized (W8A8) checkpoint. */
  INT8 = 'int8',
  /** 4-bit AWQ checkpoint. */
  INT4_AWQ = 'int4-awq',
  /** 4-bit GPTQ checkpoint. */
  INT4_GPTQ = 'int4-gptq',
}

/**
 * Bytes each parameter takes on the GPU. 4-bit formats carry group scales and zero points,
 * about 0.07 bytes per parameter on top of the 0.5 (group size 128).
 */
export function bytesPerParameter(precision: Precision): number {
  switch (precision) {
    case Precision.BF16:
    case Precision.FP16:
      return 2;
    case Precision.FP8:
    case Precision.INT8:
      return 1;
    case Precision.INT4_AWQ:
    case Precision.INT4_GPTQ:
      return 0.57;
  }
}

/** Whether this precision requires hardware FP8 support. */
export function needsFp8(precision: Precision): boolean {
  return precision === Precision.FP8;
}

/** Whether this precision computes in bfloat16 (needs Ampere or later). */
export function needsBf16(precision: Precision): boolean {
  return precision === Precision.BF16;
}

/** Precisions that exist only as pre-quantized checkpoints: a server cannot make them at load. */
const PRE_QUANTIZED: readonly Precision[] = [Precision.INT8, Precision.INT4_AWQ, Precision.INT4_GPTQ];

/**
 * Precision of the checkpoint a replica downloads: the one declared, else the served precision for
 * pre-quantized formats (W8A8, AWQ, GPTQ), else bf16 (fp16 serving casts a bf16 checkpoint, fp8
 * serving quantizes it at load, so both still download 16-bit weights).
 */
export function checkpointPrecisionFor(served: Precision, declared?: Precision): Precision {
  if (declared !== undefined) return declared;
  return PRE_QUANTIZED.includes(served) ? served : Precision.BF16;
}
