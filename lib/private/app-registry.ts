import { IConstruct } from 'constructs';
import { synthAtomically } from './atomic-synth';
import { inSynthPass } from './synth-pass';

/**
 * The small registry between the constructs and the plan report: constructs register with the
 * App they belong to; the report registers a listener that runs after each `app.synth()`.
 * Constructs never import the report, so the report may import every construct module.
 */

/** Runs after cdk8s has written an App's manifests. */
export type AfterSynthListener = (app: IConstruct & { readonly outdir: string }) => void;

const LISTENERS: AfterSynthListener[] = [];
const WRAPPED = Symbol.for('modelship.appRegistry.wrapped');

/** What the registry needs of a cdk8s App (duck-typed: another copy of cdk8s is still an App). */
interface SynthesizingApp extends IConstruct {
  readonly outdir: string;
  [WRAPPED]?: boolean;
  synth(): void;
}

function isApp(root: IConstruct): root is SynthesizingApp {
  const r = root as Partial<SynthesizingApp>;
  return typeof r.synth === 'function' && typeof r.outdir === 'string' && typeof (root as any).synthYaml === 'function';
}

/** Adds a listener run after every `app.synth()` of an App with a modelship construct. */
export function onAfterSynth(listener: AfterSynthListener): void {
  if (!LISTENERS.includes(listener)) LISTENERS.push(listener);
}

/**
 * Registers a modelship construct with its App: the App's `synth()` then writes atomically
 * (./atomic-synth.ts) and runs the after-synth listeners (PLAN.md). Wraps each App instance once (never cdk8s's prototype); does
 * nothing when the root is not a cdk8s App (e.g. a bare Construct in a unit test).
 */
export function registerWithApp(scope: IConstruct): void {
  const root = scope.node.root;
  if (!isApp(root) || root[WRAPPED]) return;
  Object.defineProperty(root, WRAPPED, { value: true });
  const synth = root.synth;
  Object.defineProperty(root, 'synth', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      // All files or none: a failure while rendering leaves the previous output as it was.
      const result = synthAtomically(root as unknown as { outdir: string }, () => inSynthPass(root, () => (synth as (...a: unknown[]) => unknown).apply(root, args)));
      for (const listener of LISTENERS) listener(root);
      return result;
    },
  });
  // synthYaml() validates once per chart too; one pass of checks (./synth-pass.ts).
  const synthYaml = (root as unknown as { synthYaml: (...a: unknown[]) => unknown }).synthYaml;
  Object.defineProperty(root, 'synthYaml', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => inSynthPass(root, () => synthYaml.apply(root, args)),
  });
}
