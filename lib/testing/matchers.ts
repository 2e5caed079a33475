import { costProblems, kubernetesProblems, PodSecurityLevel, PodSecurityOptions, podSecurityProblems, poolFitProblems } from './checks';

/** What a jest (or Vitest, or expect) matcher returns. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** The part of jest's matcher context the matchers read. */
interface MatcherThis {
  readonly isNot?: boolean;
}

function result(self: MatcherThis | undefined, name: string, problems: string[], passText: string): MatcherResult {
  return {
    pass: problems.length === 0,
    message: () => (self?.isNot
      ? `expected .not.${name} to fail, but ${passText}`
      : `${name}:\n  ${problems.join('\n  ')}`),
  };
}

/**
 * The modelship matchers, for `expect.extend(modelshipMatchers)` in jest (or Vitest). Each takes
 * what a test has: a `synthApp()` result, an array of objects or one object (plan matchers: a
 * `synthApp()` result or a plan.json object).
 *
 * ```ts
 * expect.extend(modelshipMatchers);
 * const result = synthApp(app);
 * expect(result).toBeValidKubernetes();
 * expect(result).toPassPodSecurity('restricted');
 * expect(result).toFitPool();
 * expect(result).toCostAtMost(100);
 * ```
 */
export const modelshipMatchers = {
  /** Every object passes the Kubernetes and CRD schemas, API-server rules, CEL rules and the size limit. */
  toBeValidKubernetes(this: MatcherThis | void, received: unknown): MatcherResult {
    return result(this || undefined, 'toBeValidKubernetes', kubernetesProblems(received), 'every object is valid');
  },
  /** Every model pod (every pod with `{ allPods: true }`) passes the Pod Security level. */
  toPassPodSecurity(this: MatcherThis | void, received: unknown, level: PodSecurityLevel = 'restricted', options: PodSecurityOptions = {}): MatcherResult {
    return result(this || undefined, 'toPassPodSecurity', podSecurityProblems(received, level, options), `every pod passes "${level}"`);
  },
  /** Every pool (or the one named) holds its GPUs at peak within `maxGpus`. */
  toFitPool(this: MatcherThis | void, received: unknown, pool?: string): MatcherResult {
    return result(this || undefined, 'toFitPool', poolFitProblems(received, pool), 'every pool fits');
  },
  /** The fleet costs at most `usdPerHour` at max scale. */
  toCostAtMost(this: MatcherThis | void, received: unknown, usdPerHour: number): MatcherResult {
    return result(this || undefined, 'toCostAtMost', costProblems(received, usdPerHour), `the fleet costs at most $${usdPerHour}/hour`);
  },
};

declare global {
  // Types of the matchers for jest's global `expect` (merges with @types/jest when it is installed).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** See {@link modelshipMatchers}. */
      toBeValidKubernetes(): R;
      toPassPodSecurity(level?: 'restricted', options?: { readonly allPods?: boolean }): R;
      toFitPool(pool?: string): R;
      toCostAtMost(usdPerHour: number): R;
    }
  }
}
