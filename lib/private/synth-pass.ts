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
const HANDED = Symbol.for('modelship.synthPass.rendered');

interface PassRoot {
  [PASS]?: Map<object, unknown>;
  [HANDED]?: Array<{ toJson: unknown }>;
}

/** Runs `synth` as one synthesis pass of the app whose root is `root`. */
export function inSynthPass<T>(root: IConstruct, synth: () => T): T {
  const r = root as IConstruct & PassRoot;
  if (r[PASS]) return synth();
  Object.defineProperty(r, PASS, { value: new Map(), configurable: true, writable: true });
  Object.defineProperty(r, HANDED, { value: [], configurable: true, writable: true });
  try {
    return synth();
  } finally {
    // Renders a check made that cdk8s did not take (it failed first): the objects render afresh again.
    for (const obj of r[HANDED]!) delete obj.toJson;
    delete r[PASS];
    delete r[HANDED];
  }
}

/**
 * An object's rendered JSON (`obj.toJson()`) for a check that runs inside a synthesis pass, handed
 * on to the render cdk8s makes right after validating: that render is then not computed a second
 * time (cdk8s resolves and maps every field again: at 1,000 services that was 40 % of what a
 * MonitoringStack added, whose object-size check measures every object; issue 16). Nothing changes
 * an object between cdk8s' validation and its render of the same synthesis, so both renders are
 * the same JSON; the next `toJson()` of the object takes this one, once, and every later call,
 * and every call outside a pass, renders afresh. Outside a pass this is just `obj.toJson()`.
 *
 * The contract this relies on is cdk8s': validations read the tree and do not change it, and a
 * Lazy value or resolver gives the same value each time it is resolved. A validation that mutates
 * an object, or a Lazy that counts its calls, would now see its first render written, not its second.
 * modelship's own validations and Lazy values read only (test/synth-pass.test.ts shows the YAML
 * equals a plain render's).
 */
export function renderForPass(obj: IConstruct & { toJson(): any }): any {
  const handed = (obj.node.root as IConstruct & PassRoot)[HANDED];
  const json = obj.toJson();
  // An object with a toJson of its own (set on the instance by its owner, a spy) keeps it untouched.
  if (!handed || Object.prototype.hasOwnProperty.call(obj, 'toJson')) return json;
  const once = obj as unknown as { toJson: unknown };
  Object.defineProperty(once, 'toJson', {
    configurable: true,
    writable: true,
    value: () => {
      delete once.toJson;
      return json;
    },
  });
  handed.push(once);
  return json;
}

/** `compute()`, once per synthesis pass for this `key` (every time outside a pass). */
export function oncePerPass<T>(scope: IConstruct, key: object, compute: () => T): T {
  const memo = (scope.node.root as IConstruct & PassRoot)[PASS];
  if (!memo) return compute();
  if (!memo.has(key)) memo.set(key, compute());
  return memo.get(key) as T;
}
