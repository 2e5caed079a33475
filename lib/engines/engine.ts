import { EngineMetrics } from './metrics';

/**
 * The serving engines modelship knows.
 */
export enum EngineKind {
  VLLM = 'vllm',
  SGLANG = 'sglang',
  TGI = 'tgi',
  TRITON = 'triton',
  CUSTOM = 'custom',
}

/**
 * What one version of one engine looks like from Kubernetes: image, ports, health
 * endpoints and metric names.
 */
export interface EngineProfile {
  readonly kind: EngineKind;
  /** Engine version, e.g. `0.8.5`. */
  readonly version: string;
  /** Full image reference. */
  readonly image: string;
  /** Port of the OpenAI-compatible (or engine-native) HTTP API. */
  readonly httpPort: number;
  /** Port of the gRPC API, for engines that have one. */
  readonly grpcPort?: number;
  /** Port that serves Prometheus metrics (may equal httpPort). */
  readonly metricsPort: number;
  /** Path that serves Prometheus metrics. */
  readonly metricsPath: string;
  /** Liveness and startup endpoint: answers once the process is up and the model loaded. */
  readonly healthPath: string;
  /** Readiness endpoint: answers only when the server can take traffic. */
  readonly readyPath: string;
  /**
   * Path prefix of the inference API the engine serves (`/v1` for the OpenAI-compatible API,
   * `/v2` for KServe's v2 protocol): a route on another public prefix is rewritten to this one.
   */
  readonly apiPathPrefix: string;
  /** Label carrying the served model name on engine metrics, if any. */
  readonly modelLabel?: string;
  readonly metrics: EngineMetrics;
}

/**
 * Compares dotted versions numerically (`0.10.0` > `0.9.2`); a post release counts as one more
 * component (`0.4.7.post1` > `0.4.7`); other non-numeric suffixes are ignored.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.+-]/).map(x => parseInt(x.replace(/^post/, ''), 10));
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isNaN(pa[i]) || pa[i] === undefined ? 0 : pa[i];
    const y = Number.isNaN(pb[i]) || pb[i] === undefined ? 0 : pb[i];
    if (x !== y) return x - y;
  }
  return 0;
}
