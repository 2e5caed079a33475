/**
 * Startup budget: how long a model server may take before its first successful health check.
 * Engine start (CUDA init, graph capture, compile) takes up to about 3 minutes; loading weights
 * from a cold cache runs at roughly 200 MiB/s end to end (download + read + copy to GPU), which is
 * 5 s per GiB. The budget is `180 s + 5 s x weights GiB`, rounded up to the probe period.
 * For Llama-3.1-70B in bf16 (131.5 GiB) that is 840 s; for 8B in bf16 (15 GiB), 260 s.
 */
export const STARTUP_BASE_SECONDS = 180;
/** Seconds of startup budget per GiB of weights. */
export const STARTUP_SECONDS_PER_GIB = 5;
/** Period of the startup probe. */
export const STARTUP_PROBE_PERIOD_SECONDS = 10;

/** Startup budget in seconds for a replica that loads `weightsGiB` of weights. */
export function startupBudgetSeconds(weightsGiB: number): number {
  const raw = STARTUP_BASE_SECONDS + STARTUP_SECONDS_PER_GIB * weightsGiB;
  return Math.ceil(raw / STARTUP_PROBE_PERIOD_SECONDS) * STARTUP_PROBE_PERIOD_SECONDS;
}

/**
 * `/dev/shm` size. NCCL moves tensors between GPUs of one replica through shared memory, and
 * Docker's 64 MiB default breaks tensor parallelism (production-stack#276, vllm#1710):
 * 1 GiB for a single GPU, plus 2 GiB per additional GPU, capped at 16 GiB.
 */
export function shmSizeGiB(gpus: number): number {
  return Math.min(16, 1 + 2 * Math.max(0, gpus - 1));
}

/**
 * Host memory a replica requests: the engine process (about 8 GiB), one GPU's share of the
 * weights staged in host memory while loading, and the memory-backed `/dev/shm`, which counts
 * against the pod's memory.
 */
export function hostMemoryGiB(weightsGiB: number, gpus: number): number {
  return Math.ceil(8 + weightsGiB / gpus + shmSizeGiB(gpus));
}

/** CPU cores a replica requests: tokenization and scheduling need about 4 cores per GPU. */
export function hostCpuCores(gpus: number): number {
  return Math.min(48, 2 + 4 * gpus);
}

/** How long after a pod's startup budget a rollout counts as stuck (Deployment and Rollout `progressDeadlineSeconds`). */
export const PROGRESS_DEADLINE_MARGIN_SECONDS = 600;

/**
 * A rollout is stuck only after a new pod has used its whole startup budget, plus a margin for
 * scheduling, image pull and node start.
 */
export function progressDeadlineSeconds(startupSeconds: number): number {
  return startupSeconds + PROGRESS_DEADLINE_MARGIN_SECONDS;
}
