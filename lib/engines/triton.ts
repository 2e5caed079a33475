import { EngineDriver } from './driver';
import { EngineKind } from './engine';
import { EngineMetrics } from './metrics';
import { GpuVendor } from '../accelerators/accelerator';

/**
 * Triton metrics. Source: triton server `docs/user_guide/metrics.md`. Triton's latencies are
 * cumulative microsecond counters, not histograms, so no percentile signals; requests and
 * failures are separate counters (success + failure = all).
 */
function tritonMetrics(): EngineMetrics {
  return {
    queueDepth: 'nv_inference_pending_request_count',
    requests: [{ metric: 'nv_inference_request_success' }, { metric: 'nv_inference_request_failure' }],
    errors: { metric: 'nv_inference_request_failure' },
  };
}

/** NVIDIA Triton Inference Server (`nvcr.io/nvidia/tritonserver:<yy.mm>-py3`), serving a model repository. */
export const TRITON_DRIVER: EngineDriver = {
  kind: EngineKind.TRITON,
  displayName: 'Triton',
  defaultVersion: '25.06',
  // NGC release tags are year.month: `25.06-py3`.
  versions: { pattern: /^\d{2}\.\d{2}$/, example: '25.06', oldest: '23.01', newestChecked: '25.06' },
  profile: version => ({
    kind: EngineKind.TRITON,
    version,
    image: `nvcr.io/nvidia/tritonserver:${version}-py3`,
    httpPort: 8000,
    grpcPort: 8001,
    metricsPort: 8002,
    metricsPath: '/metrics',
    healthPath: '/v2/health/live',
    readyPath: '/v2/health/ready',
    // KServe v2 protocol: every HTTP endpoint is under /v2 (triton-inference-server/server
    // `src/http_server.cc` v2.59.0 = NGC 25.06: `/v2/models/<model>/infer`, `/v2/health/ready`).
    apiPathPrefix: '/v2',
    metrics: tritonMetrics(),
  }),
  // The NGC image's entrypoint is a shell wrapper, not the server.
  command: () => ['tritonserver'],
  args: ctx => [
    `--model-repository=${ctx.modelRef}`,
    `--http-port=${ctx.profile.httpPort}`,
    `--grpc-port=${ctx.profile.grpcPort}`,
    `--metrics-port=${ctx.profile.metricsPort}`,
    ...ctx.extraArgs,
  ],
  env: () => ({}),
  capabilities: () => ({
    // Triton reads its model configuration from the repository; modelship adds no model flags.
    rendersModelArgs: false,
    objectStores: ['s3', 'gs'],
    objectStoreFactory: 'Runtime.triton()',
    refusesHuggingFaceIds: 'Triton serves a model repository, not a Hugging Face id',
    publicImageVendors: [GpuVendor.NVIDIA],
  }),
  // The backend in the model repository decides the memory: the generic estimate applies.
  kvCacheBudget: () => undefined,
  describe: p => `${p.kind} ${p.version}`,
};
