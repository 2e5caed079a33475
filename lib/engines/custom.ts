import { EngineDriver } from './driver';
import { EngineKind } from './engine';
import { GpuVendor } from '../accelerators/accelerator';

/** Defaults of a custom container, overridden by `Runtime.custom()` options. */
export const CUSTOM_DEFAULTS = { port: 8000, healthPath: '/health', metricsPath: '/metrics', apiPathPrefix: '/v1' } as const;

/**
 * A container modelship knows nothing about: the user gives its image, command, arguments, ports
 * and the metric names it exports; modelship adds no arguments of its own.
 */
export const CUSTOM_DRIVER: EngineDriver = {
  kind: EngineKind.CUSTOM,
  displayName: 'custom container',
  defaultVersion: '',
  profile: version => ({
    kind: EngineKind.CUSTOM,
    version,
    image: '',
    httpPort: CUSTOM_DEFAULTS.port,
    metricsPort: CUSTOM_DEFAULTS.port,
    metricsPath: CUSTOM_DEFAULTS.metricsPath,
    healthPath: CUSTOM_DEFAULTS.healthPath,
    readyPath: CUSTOM_DEFAULTS.healthPath,
    metrics: {},
    // An assumption, not a fact about the container: the OpenAI-compatible convention. The user
    // gives the real prefix with `Runtime.custom({ apiPathPrefix })`.
    apiPathPrefix: CUSTOM_DEFAULTS.apiPathPrefix,
  }),
  command: () => undefined,
  args: ctx => [...ctx.extraArgs],
  env: () => ({}),
  // What the container can do is the user's to know: modelship does not refuse on its behalf.
  capabilities: () => ({ rendersModelArgs: false, objectStores: ['s3', 'gs'], publicImageVendors: [GpuVendor.NVIDIA, GpuVendor.AMD] }),
  // A container modelship knows nothing about: the generic estimate applies.
  kvCacheBudget: () => undefined,
  describe: p => `custom ${p.image}`,
};
