import type { SynthResult } from './synth';
import type { PlanJson } from '../report/plan-json';
import { podSpecsOf, isModelPod, restrictedFindings } from '../validate/pod-security';
import { formatProblem } from '../validate/problem';
import { validateManifests } from '../validate/validate';

/**
 * The checks behind the matchers, as plain functions for any test runner: each returns the
 * problems (empty = pass), and `assertX` throws an Error listing them.
 */

/** Objects from what a test has at hand: a {@link SynthResult}, an array of objects, or one object. */
export function objectsOf(received: unknown): any[] {
  if (Array.isArray(received)) return received;
  if (typeof received === 'object' && received !== null && Array.isArray((received as SynthResult).objects)) return (received as SynthResult).objects;
  return [received];
}

/** A plan from a {@link SynthResult} or a plan.json object. */
export function planOf(received: unknown): PlanJson {
  const r = received as Partial<SynthResult> & Partial<PlanJson>;
  if (r && typeof r === 'object' && r.plan && typeof r.plan === 'object') return r.plan;
  if (r && typeof r === 'object' && typeof r.schemaVersion === 'number' && Array.isArray(r.pools)) return r as PlanJson;
  throw new Error('expected a synthApp() result or a plan.json object');
}

/**
 * Problems a cluster would refuse: Kubernetes and CRD schemas (strict about unknown fields), the
 * API server's rules, CRD CEL rules, object size. The same checks as `modelship validate`
 * except Pod Security (see {@link podSecurityProblems}). One `kind/name: path: message` line each.
 */
export function kubernetesProblems(received: unknown): string[] {
  return validateManifests(objectsOf(received), 'synth').filter(p => p.check !== 'pod-security').map(p => formatProblem(p).replace(/^synth:/, ''));
}

/** The Pod Security levels the checks know. */
export type PodSecurityLevel = 'restricted';

/** Options of {@link podSecurityProblems}. */
export interface PodSecurityOptions {
  /**
   * Check every pod spec, not only modelship's model pods (label `app.kubernetes.io/component:
   * model-server`). Node agents (device plugins, exporters) need host access and fail "restricted".
   * @default false
   */
  readonly allPods?: boolean;
}

/** Pod Security `level` violations of the model pods (or every pod) of the objects. */
export function podSecurityProblems(received: unknown, level: PodSecurityLevel = 'restricted', options: PodSecurityOptions = {}): string[] {
  if (level !== 'restricted') throw new Error(`Pod Security level ${JSON.stringify(level)} is not supported (only "restricted")`);
  return objectsOf(received).flatMap(obj => podSpecsOf(obj).filter(p => options.allPods || isModelPod(p))
    .flatMap(p => restrictedFindings(p).map(f => `${obj?.kind}/${obj?.metadata?.name}: ${f.path}: ${f.message}`)));
}

/** Pools whose GPUs at peak exceed their `maxGpus` (all pools, or the one named). */
export function poolFitProblems(received: unknown, pool?: string): string[] {
  const plan = planOf(received);
  const pools = pool === undefined ? plan.pools : plan.pools.filter(p => p.name === pool);
  if (pool !== undefined && pools.length === 0) return [`no pool named ${pool} in the plan (pools: ${plan.pools.map(p => p.name).join(', ') || 'none'})`];
  return pools.filter(p => p.maxGpus !== null && p.gpus.peak > p.maxGpus)
    .map(p => `pool ${p.name}: ${p.gpus.peak} GPUs at peak > maxGpus ${p.maxGpus}`);
}

/** Whether the fleet's USD per hour at max scale is above `usdPerHour`. */
export function costProblems(received: unknown, usdPerHour: number): string[] {
  const plan = planOf(received);
  const max = plan.fleet.usdPerHour.max;
  return max > usdPerHour ? [`fleet costs $${max.toFixed(2)}/hour at max scale > $${usdPerHour.toFixed(2)}`] : [];
}

function assertNone(what: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${what}:\n  ${problems.join('\n  ')}`);
}

/** Throws unless {@link kubernetesProblems} finds nothing. */
export function assertValidKubernetes(received: unknown): void {
  assertNone('not valid Kubernetes', kubernetesProblems(received));
}
/** Throws unless {@link podSecurityProblems} finds nothing. */
export function assertPodSecurity(received: unknown, level: PodSecurityLevel = 'restricted', options: PodSecurityOptions = {}): void {
  assertNone(`Pod Security "${level}" violations`, podSecurityProblems(received, level, options));
}
/** Throws unless every pool (or the one named) holds its GPUs at peak. */
export function assertFitsPool(received: unknown, pool?: string): void {
  assertNone('pools overcommitted', poolFitProblems(received, pool));
}
/** Throws when the fleet costs more than `usdPerHour` at max scale. */
export function assertCostAtMost(received: unknown, usdPerHour: number): void {
  assertNone('too expensive', costProblems(received, usdPerHour));
}
