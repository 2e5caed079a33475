import { GpuVendor } from '../../lib/accelerators';
import { EngineDriver, EngineKind } from '../../lib/engines';

/**
 * A test-only engine (think llama.cpp's server): the one file an engine needs. It is not in the
 * registry (its kind is not an EngineKind), which is exactly what proves that nothing outside
 * `lib/engines/` switches on the kind: a ModelService, its autoscaler, monitoring and plan all
 * work from what the driver answers.
 */
export const FAKE_ENGINE_DRIVER: EngineDriver = {
  kind: 'llamacpp' as EngineKind,
  displayName: 'llama.cpp server',
  defaultVersion: '4500.0.0',
  versions: { pattern: /^\d+\.\d+\.\d+$/, example: '4500.0.0', oldest: '4000.0.0', newestChecked: '4500' },
  profile: version => ({
    kind: 'llamacpp' as EngineKind,
    version,
    image: `example.org/llama-cpp-server:b${version}`,
    httpPort: 8080,
    metricsPort: 8080,
    metricsPath: '/metrics',
    healthPath: '/health',
    readyPath: '/health',
    apiPathPrefix: '/v1',
    metrics: { queueDepth: 'llamacpp:requests_deferred', timeToFirstToken: 'llamacpp:ttft_seconds' },
  }),
  command: () => ['/app/llama-server'],
  args: ctx => ['--model', ctx.modelRef, '--port', String(ctx.profile.httpPort), '--ctx-size', String(ctx.maxModelLen), ...ctx.extraArgs],
  env: () => ({ LLAMA_ARG_NO_WEBUI: '1' }),
  capabilities: () => ({ rendersModelArgs: true, objectStores: [], publicImageVendors: [GpuVendor.NVIDIA] }),
  ttftBuckets: [0.5, 1, 2],
  // llama.cpp sizes its KV cache from --ctx-size: the test driver answers a fixed share and one
  // overhead item, which proves the planner reads whatever a driver answers.
  kvCacheBudget: req => ({
    fraction: 0.8,
    fractionSource: 'llama.cpp test driver',
    baseGiB: req.gpu.runtimeMemoryMiB / 1024,
    baseLabel: 'CUDA total',
    inside: [{ label: 'compute buffers', gib: 1.5 }],
    blockTokens: 256,
    notes: ['llama.cpp test driver note'],
  }),
  describe: p => `llamacpp ${p.version}`,
};
