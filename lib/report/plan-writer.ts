import { writeFileSync } from 'fs';
import { join } from 'path';
import { IConstruct } from 'constructs';
import { PLAN_JSON_FILE_NAME, renderPlanJson } from './plan-json';
import { PLAN_FILE_NAME, renderPlanMarkdown } from './plan-markdown';
import { onAfterSynth } from '../private/app-registry';

/** Environment variable that turns PLAN.md off for every app of the process: `MODELSHIP_PLAN=off`. */
export const PLAN_ENV_VAR = 'MODELSHIP_PLAN';
/** Values of `MODELSHIP_PLAN` that turn the plan off. */
export const PLAN_OFF_VALUES: readonly string[] = ['off', 'false', '0', 'no'];

const DISABLED = Symbol.for('modelship.planWriter.disabled');

/**
 * PLAN.md next to the manifests: every `app.synth()` of an app with a modelship construct
 * writes `<outdir>/PLAN.md` and `<outdir>/plan.json` (the plan as data, see plan-json.ts) after
 * cdk8s has written the YAML. `chart.toJson()` and
 * `app.synthYaml()` write nothing.
 *
 * Opt out per app with `PlanReport.disable(app)`, or for the process with `MODELSHIP_PLAN=off`.
 */
export class PlanReport {
  /** Stops `app.synth()` from writing PLAN.md for this app. */
  public static disable(app: IConstruct): void {
    Object.defineProperty(app.node.root, DISABLED, { value: true, configurable: true });
  }

  /** Whether `app.synth()` writes PLAN.md: not disabled on the app nor by `MODELSHIP_PLAN`. */
  public static isEnabled(app: IConstruct): boolean {
    const env = (process.env[PLAN_ENV_VAR] ?? '').trim().toLowerCase();
    if (PLAN_OFF_VALUES.includes(env)) return false;
    return !(app.node.root as { [DISABLED]?: boolean })[DISABLED];
  }

  /** Writes PLAN.md (and plan.json, the plan as data, beside it) of the app into its outdir now, and returns PLAN.md's path. */
  public static write(app: IConstruct): string {
    const root = app.node.root as IConstruct & { outdir?: unknown };
    if (typeof root.outdir !== 'string') throw new Error(`PlanReport.write needs a cdk8s App (the root of ${app.node.path || 'the scope'} is not one)`);
    const file = join(root.outdir, PLAN_FILE_NAME);
    writeFileSync(file, renderPlanMarkdown(root));
    writeFileSync(join(root.outdir, PLAN_JSON_FILE_NAME), renderPlanJson(root));
    return file;
  }

  private constructor() {}
}

// Constructs register with their App (lib/private/app-registry.ts); the report listens, so the
// constructs never import it.
onAfterSynth(app => {
  if (PlanReport.isEnabled(app)) PlanReport.write(app);
});
