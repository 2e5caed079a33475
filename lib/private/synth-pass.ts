import { IConstruct } from 'constructs';

/**
 * One synthesis of an App (`app.synth()`, `app.synthYaml()`) validates the app more than once:
 * cdk8s 2.70 validates it in `synth()`/`synthYaml()` and again in every `chart.toJson()` it then
 * calls (`App._synthChart`), so an app of C charts is validated C + 1 times on a tree that does not
 * change in between. modelship's cross-construct checks (one of them renders every object of the
 * app to measure it) run once per synthesis instead: their result is kept for the rest of the pass.
 * Outside a pass (`chart.toJson()`, `Testing.synth()`), every validation computes afresh.
 */
const PASS = Symbol.for('modelship.synthPass');

interface PassRoot {
  [PASS]?: Map<object, unknown>;
}

/** Runs `synth` as one synthesis pass of the app whose root is `root`. */
export function inSynthPass<T>(root: IConstruct, synth: () => T): T {
  const r = root as IConstruct & PassRoot;
  if (r[PASS]) return synth();
  Object.defineProperty(r, PASS, { value: new Map(), configurable: true, writable: true });
  try {
    return synth();
  } finally {
    delete r[PASS];
  }
}

/** `compute()`, once per synthesis pass for this `key` (every time outside a pass). */
export function oncePerPass<T>(scope: IConstruct, key: object, compute: () => T): T {
  const memo = (scope.node.root as IConstruct & PassRoot)[PASS];
  if (!memo) return compute();
  if (!memo.has(key)) memo.set(key, compute());
  return memo.get(key) as T;
}
