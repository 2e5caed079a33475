import { writeFileSync } from 'fs';
import { join } from 'path';
import { IConstruct } from 'constructs';

/** Environment variable that turns PLAN.md off for every app of the process: `MODELSHIP_PLAN=off`. */
export const PLAN_ENV_VAR = 'MODELSHIP_PLAN';
/** Values of `MODELSHIP_PLAN` that turn the plan off. */
export const PLAN_OFF_VALUES: readonly string[] = ['off', 'false', '0', 'no'];

const ATTACHED = Symbol.for('modelship.planWriter.attached');
const DISABLED = Symbol.for('modelship.planWriter.disabled');

/** What the plan writer needs of a cdk8s App (duck-typed: another copy of cdk8s is still an App). */
interface SynthesizingApp extends IConstruct {
  readonly outdir: string;
  synth(): void;
  [ATTACHED]?: boolean;
  [DISABLED]?: boolean;
}

function isApp(root: IConstruct): root is SynthesizingApp {
  const r = root as Partial<SynthesizingApp>;
  return typeof r.synth === 'function' && typeof r.outdir === 'string' && typeof (root as any).synthYaml === 'function';
}

/**
 * PLAN.md next to the manifests: every `app.synth()` of an app with a modelship construct
 * writes `<outdir>/PLAN.md` after cdk8s has written the YAML. `chart.toJson()` and
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
    return !(app.node.root as SynthesizingApp)[DISABLED];
  }

  /** Writes PLAN.md of the app into its outdir now, and returns the file's path. */
  public static write(app: IConstruct): string {
    const root = app.node.root;
    if (!isApp(root)) throw new Error(`PlanReport.write needs a cdk8s App (the root of ${app.node.path || 'the scope'} is not one)`);
    // Loaded on use: the renderer reads every construct module, which import this file.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PLAN_FILE_NAME, renderPlanMarkdown } = require('./plan-markdown') as typeof import('./plan-markdown');
    const file = join(root.outdir, PLAN_FILE_NAME);
    writeFileSync(file, renderPlanMarkdown(root));
    return file;
  }

  private constructor() {}
}

/**
 * Makes `synth()` of the App at the root of `scope` also write PLAN.md. Called by the
 * constructors of modelship constructs; does nothing when the root is not a cdk8s App, and
 * wraps each App once (the instance's `synth`, never cdk8s's prototype).
 */
export function attachPlanWriter(scope: IConstruct): void {
  const root = scope.node.root;
  if (!isApp(root) || root[ATTACHED]) return;
  Object.defineProperty(root, ATTACHED, { value: true });
  const synth = root.synth;
  Object.defineProperty(root, 'synth', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      const result = (synth as (...a: unknown[]) => unknown).apply(root, args);
      if (PlanReport.isEnabled(root)) PlanReport.write(root);
      return result;
    },
  });
}
