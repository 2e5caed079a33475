// The public API of `modelship/testing` (pinned by test/public-api.test.ts): helpers for the tests a
// team writes about its fleet. Jest first (matchers, snapshot serializer), plain functions for any runner.
export { synthApp } from './synth';
export type { SynthResult } from './synth';
export { modelshipMatchers } from './matchers';
export type { MatcherResult } from './matchers';
export {
  assertCostAtMost, assertFitsPool, assertPodSecurity, assertValidKubernetes, costProblems, kubernetesProblems, objectsOf, planOf,
  podSecurityProblems, poolFitProblems,
} from './checks';
export type { PodSecurityLevel, PodSecurityOptions } from './checks';
export { modelshipSnapshotSerializer, stableObjects } from './snapshot';
export { validateManifests, validateDirectory, formatProblem } from '../validate';
export type { ManifestCheck, ManifestProblem, ValidationReport } from '../validate';
export type { PlanGpus, PlanJson, PlanJsonCanary, PlanJsonFleet, PlanJsonPool, PlanJsonService, PlanUsdPerHour } from '../report/plan-json';
