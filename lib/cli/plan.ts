import { CliContext, Command, ExitCode } from './command';
import { directoryCommandArgs, markdownTable, textTable, usd } from './output';
import { readPlanJson } from './plan-file';
import type { PlanJson } from '../report/plan-json';

const HELP = `Usage: modelship plan <dir> [options]

Prints the plan of a synth output from <dir>/plan.json (written by every synth next to PLAN.md):
pools, services, GPUs at min/max/peak, USD per hour, images, startup budgets and why.

Options:
  -f, --format <text|markdown|json>  output format; json prints plan.json as is  [default: text]
  -h, --help                         show this help

Exit codes: 0 printed; 1 no readable plan.json in <dir>; 2 usage error.`;

const range = (min: number, max: number) => (min === max ? String(min) : `${min}-${max}`);

function tables(plan: PlanJson, table: (h: string[], r: string[][]) => string): string[] {
  const out: string[] = [];
  out.push(table(['pool', 'accelerator', 'provisioner', 'maxGpus', 'GPUs min-max (peak)', '$/hour min-max', '$/GPU-hour'],
    plan.pools.map(p => [p.name, p.acceleratorName, p.provisioner, p.maxGpus === null ? '-' : String(p.maxGpus),
      `${range(p.gpus.min, p.gpus.max)} (${p.gpus.peak})`, `${usd(p.usdPerHour.min)}-${usd(p.usdPerHour.max)}`, usd(p.usdPerGpuHour)])));
  out.push(table(['service', 'pool', 'model', 'precision', 'runtime', 'GPUs/replica', 'replicas', 'GPUs min-max (peak)', '$/hour min-max', 'startup budget'],
    plan.services.map(s => [s.id, s.pool ?? '-', s.model, s.precision, s.runtime, String(s.gpusPerReplica), range(s.replicas.min, s.replicas.max),
      `${range(s.gpus.min, s.gpus.max)} (${s.gpus.peak})`, `${usd(s.usdPerHour.min)}-${usd(s.usdPerHour.max)}`, `${s.startupBudgetSeconds}s`])));
  if (plan.canaries.length > 0) {
    out.push(table(['canary', 'service', 'GPUs at worst moment', 'extra GPUs'], plan.canaries.map(c => [c.name, c.service, String(c.worstMomentGpus), String(c.extraGpus)])));
  }
  return out;
}

/** The plan as text or Markdown. */
export function renderPlan(plan: PlanJson, format: 'text' | 'markdown'): string {
  const f = plan.fleet;
  const fleet = `fleet: ${range(f.gpus.min, f.gpus.max)} GPUs (peak ${f.gpus.peak}), ${usd(f.usdPerHour.min)}-${usd(f.usdPerHour.max)} per hour`;
  const why = plan.services.map(s => `${s.id}: ${s.why}`);
  const images = plan.fleet.images;
  if (format === 'markdown') {
    return ['## Plan', '', ...tables(plan, markdownTable).flatMap(t => [t, '']), `**${fleet}**`, '', '### Why', '', ...why.map(w => `- ${w}`),
      '', '### Images', '', ...(images.length > 0 ? images.map(i => `- \`${i}\``) : ['(none)'])].join('\n');
  }
  return [...tables(plan, textTable), fleet, `why:\n${why.map(w => `  ${w}`).join('\n')}`, `images:\n${images.map(i => `  ${i}`).join('\n') || '  (none)'}`].join('\n\n');
}

/** `modelship plan <dir>`. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'print the plan (pools, services, GPUs, cost, images, why) from a synth output\'s plan.json',
  help: HELP,
  run(args: string[], context: CliContext): ExitCode {
    const parsed = directoryCommandArgs('plan', HELP, args, context);
    if (!parsed) return ExitCode.OK;
    const { dir, format } = parsed;
    const read = readPlanJson(dir);
    if ('error' in read) {
      context.err(`modelship plan: ${read.error}`);
      return ExitCode.PROBLEMS;
    }
    context.out(format === 'json' ? JSON.stringify(read.plan, null, 2) : renderPlan(read.plan, format));
    return ExitCode.OK;
  },
};
