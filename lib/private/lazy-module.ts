/**
 * A module loaded on first use. The generated bindings of some CRDs are megabytes of JavaScript
 * (Argo Rollouts and AnalysisTemplate 1.3 MB each, LeaderWorkerSet 3.9 MB compiled): a program
 * that never builds such an object should not pay for loading it, so `import 'modelship'` stays
 * cheap (docs/plan-and-bench.md, start-up; test/lazy-loading.test.ts keeps it so).
 *
 * Usage, with the types from a type-only import (erased at compile time):
 *
 *   import type * as Argo from '../imports/rollouts-argoproj.io';
 *   const argo = lazyModule(() => require('../imports/rollouts-argoproj.io') as typeof Argo);
 *   ... new (argo().Rollout)(scope, 'Rollout', { ... })
 */
export function lazyModule<T>(load: () => T): () => T {
  let loaded: { module: T } | undefined;
  return () => {
    loaded ??= { module: load() };
    return loaded.module;
  };
}
