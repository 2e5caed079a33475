import { IConstruct } from 'constructs';
import { planJson, PlanJson } from '../report/plan-json';

/** What {@link synthApp} returns: the objects of every chart and the plan, as data. */
export interface SynthResult {
  /** Every Kubernetes object of the app, in output order, as the YAML files would hold them. */
  readonly objects: any[];
  /** The plan, as plan.json would hold it. */
  readonly plan: PlanJson;
}

interface YamlApp extends IConstruct {
  synthYaml(): string;
}

/**
 * Synthesizes an app in memory: nothing is written (no YAML, no PLAN.md, no plan.json), every
 * validation runs as in `app.synth()` (a bad input throws the same `ValidationError`).
 * Pass the App, or any construct in it (the whole app is synthesized).
 *
 * ```ts
 * const { objects, plan } = synthApp(app);
 * expect(plan.fleet.usdPerHour.max).toBeLessThan(100);
 * ```
 */
export function synthApp(scope: IConstruct): SynthResult {
  const root = scope.node.root as YamlApp;
  if (typeof root.synthYaml !== 'function') throw new Error(`synthApp needs a cdk8s App or a construct in one (the root of ${scope.node.path || 'the scope'} is not an App)`);
  const yaml = root.synthYaml();
  // The YAML round trip gives exactly what `cdk8s synth` writes (no undefined, no class instances).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML: typeof import('yaml') = require('yaml');
  const objects = YAML.parseAllDocuments(yaml).map(d => d.toJS()).filter(o => o !== null && o !== undefined);
  return { objects, plan: planJson(root) };
}
