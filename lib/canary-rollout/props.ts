import { Duration } from 'cdk8s';
import { CanaryAnalysisOptions } from './analysis';
import { SurgePolicy, TrafficStrategy } from './strategy';
import { ModelService } from '../model-service/model-service';
import { ServiceVariant } from '../model-service/resolve';

/** Defaults of a CanaryRollout, exported for docs and tests. */
export const CANARY_DEFAULTS = {
  /** Candidate traffic weights in percent. */
  steps: [10, 25, 50] as readonly number[],
  /** Time at each step: ten one-minute measurements. */
  pauseSeconds: 600,
} as const;

/**
 * What the candidate changes relative to the stable ModelService: image or engine version
 * (`runtime`), weights or revision (`model`), `precision`, GPUs, resources, env. Anything left
 * out is the stable's.
 */
export type CanaryCandidate = Partial<ServiceVariant>;

/**
 * Props of a CanaryRollout.
 */
export interface CanaryRolloutProps {
  /** The stable version, as it serves today. It must run on a GpuNodePool (the GPU budget is checked against it). */
  readonly service: ModelService;
  /**
   * The new version. GPUs are planned for it separately (a larger model or another precision may
   * need more), and its probes, /dev/shm and startup budget follow its own size.
   * @default - none: the rollout is at rest (Argo: the Rollout adopts the Deployment, needed once before the first canary)
   */
  readonly candidate?: CanaryCandidate;
  /** Candidate traffic weights in percent, strictly increasing, each 1-100. @default [10, 25, 50] */
  readonly steps?: number[];
  /** How long each step lasts while the analysis measures. At least one analysis interval. @default Duration.minutes(10) */
  readonly pause?: Duration;
  /** SLO thresholds the candidate must hold. @default - see ANALYSIS_DEFAULTS */
  readonly analysis?: CanaryAnalysisOptions;
  /** Who moves traffic. @default TrafficStrategy.argoRollouts() */
  readonly strategy?: TrafficStrategy;
  /** Where the candidate's GPUs come from. @default SurgePolicy.scaleDownStable() */
  readonly surge?: SurgePolicy;
}
