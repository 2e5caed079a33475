import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanJson } from '../report/plan-json';

/** plan.json's name and the schema versions this CLI reads (kept in step with lib/report/plan-json.ts; a test checks). */
export const PLAN_JSON = 'plan.json';
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1];

/** plan.json of a synth output, or why it cannot be read. */
export function readPlanJson(dir: string): { plan: PlanJson } | { error: string } {
  const file = join(dir, PLAN_JSON);
  if (!existsSync(file)) return { error: `${file} not found: synthesize with a modelship that writes plan.json (PlanReport not disabled, MODELSHIP_PLAN not off)` };
  let plan: any;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { error: `${file} is not JSON: ${(e as Error).message}` };
  }
  if (typeof plan !== 'object' || plan === null || !READABLE_SCHEMA_VERSIONS.includes(plan.schemaVersion)) {
    return { error: `${file} has schemaVersion ${JSON.stringify(plan?.schemaVersion)}; this modelship reads ${READABLE_SCHEMA_VERSIONS.join(', ')}` };
  }
  return { plan: plan as PlanJson };
}
