import { parseArgs } from 'node:util';
import { CliContext, Command, ExitCode, UsageError } from './command';
import { evaluateGates, GateResult, parseGates } from './gates';
import { diffObjects, ObjectDiff } from './object-diff';
import { directoryArgument, FORMAT_OPTION, HELP_OPTION, markdownTable, outputFormat, signed, textTable } from './output';
import { diffPlans, PlanDelta, PlanDiff, PlanFigures } from './plan-diff';
import { PLAN_JSON, readPlanJson } from './plan-file';
import { readManifests } from '../validate/read-manifests';

const HELP = `Usage: modelship diff <base> <head> [options]

What a change does, from two synth outputs (e.g. the target branch's dist/ and the pull
request's): objects added, removed and changed (with the field paths that changed), and per
service and pool the change in GPUs (min/max/peak), USD per hour (min/max), replicas, images and
startup budget, from each side's plan.json. Markdown output is made for a pull-request comment.

Arguments:
  base   synth output before the change (a directory; may be empty for a first deployment)
  head   synth output after the change

Options:
  -f, --format <text|markdown|json>  output format                          [default: text]
  --fail-on <gate>                   exit 1 when the change crosses a gate; repeat the option or
                                     separate gates with commas:
                                       cost-increase>N%   fleet $/hour at max scale grew > N percent
                                       cost-increase>N    ... by more than N dollars per hour
                                       gpu-increase>N     fleet GPUs at max scale grew by more than N
                                       gpu-increase>N%    ... by more than N percent
                                       any-removal        an object of <base> is gone from <head>
                                       service-removal    a model service is gone from the plan
  -h, --help                         show this help

Exit codes: 0 diff printed, no gate failed; 1 a gate failed or a manifest or plan.json is
unreadable; 2 usage error.`;

type Side = 'base' | 'head';

function value(f: PlanFigures | undefined, pick: (f: PlanFigures) => number | string | undefined): number | string | undefined {
  return f ? pick(f) : undefined;
}

/** `12`, `12 → 14 (+2)`, `new: 14`, `removed (was 12)`. */
function change(d: PlanDelta, pick: (f: PlanFigures) => number | string | undefined, arrow: string, money = false): string {
  const b = value(d.base, pick);
  const h = value(d.head, pick);
  const show = (x: number | string | undefined) => (x === undefined ? '-' : typeof x === 'number' && money ? `$${x.toFixed(2)}` : String(x));
  if (d.base === undefined) return `new: ${show(h)}`;
  if (d.head === undefined) return `removed (was ${show(b)})`;
  if (b === h) return show(h);
  const delta = typeof b === 'number' && typeof h === 'number' ? ` (${signed(money ? Math.round((h - b) * 100) / 100 : h - b, money)})` : '';
  return `${show(b)} ${arrow} ${show(h)}${delta}`;
}

function imageChange(d: PlanDelta): string {
  const b = new Set(d.base?.images ?? []);
  const h = new Set(d.head?.images ?? []);
  const added = [...h].filter(i => !b.has(i)).map(i => `+${i}`);
  const removed = [...b].filter(i => !h.has(i)).map(i => `-${i}`);
  return [...added, ...removed].join(' ') || 'unchanged';
}

const HEADERS = ['', 'GPUs at min', 'GPUs at max', 'GPUs at peak', '$/hour at min', '$/hour at max', 'replicas', 'startup budget', 'images'];

function rows(deltas: readonly PlanDelta[], arrow: string, code: (s: string) => string): string[][] {
  return deltas.filter(d => d.changed).map(d => [
    d.subject.replace(/^(service|pool) /, ''),
    change(d, f => f.gpus.min, arrow), change(d, f => f.gpus.max, arrow), change(d, f => f.gpus.peak, arrow),
    change(d, f => f.usdPerHour.min, arrow, true), change(d, f => f.usdPerHour.max, arrow, true),
    change(d, f => f.replicas, arrow), change(d, f => (f.startupBudgetSeconds === undefined ? undefined : `${f.startupBudgetSeconds}s`), arrow),
    imageChange(d).split(' ').map(i => (i === 'unchanged' ? i : code(i))).join(' '),
  ]);
}

function fleetLine(plan: PlanDiff, arrow: string): string {
  const f = plan.fleet;
  return `GPUs at max ${change(f, x => x.gpus.max, arrow)}, at peak ${change(f, x => x.gpus.peak, arrow)}; `
    + `$/hour at min ${change(f, x => x.usdPerHour.min, arrow, true)}, at max ${change(f, x => x.usdPerHour.max, arrow, true)}`;
}

function summary(objects: ObjectDiff): string {
  return `${objects.added.length} added, ${objects.removed.length} removed, ${objects.changed.length} changed, ${objects.unchanged} unchanged object(s)`;
}

const MAX_PATHS = 12;
function pathsOf(paths: readonly string[]): string {
  return paths.length > MAX_PATHS ? `${paths.slice(0, MAX_PATHS).join(', ')}, ... (${paths.length} paths)` : paths.join(', ');
}

/** The diff as Markdown, for a pull-request comment. */
export function renderDiffMarkdown(objects: ObjectDiff, plan: PlanDiff, gates: readonly GateResult[], notes: readonly string[]): string {
  const out: string[] = [];
  const failed = gates.filter(g => g.failed);
  out.push(`### modelship diff${failed.length > 0 ? `: ${failed.length} gate(s) failed` : ''}`, '');
  out.push(`**Fleet**: ${fleetLine(plan, '→')}`, '');
  const code = (s: string) => `\`${s}\``;
  const services = rows(plan.services, '→', code);
  const pools = rows(plan.pools, '→', code);
  if (services.length > 0) out.push('#### Services', '', markdownTable(['service', ...HEADERS.slice(1)], services), '');
  if (pools.length > 0) out.push('#### Pools', '', markdownTable(['pool', ...HEADERS.slice(1, 6), HEADERS[8]], pools.map(r => [...r.slice(0, 6), r[8]])), '');
  if (services.length === 0 && pools.length === 0) out.push('No change to services or pools.', '');
  out.push('#### Objects', '', summary(objects) + '.', '');
  const list = [
    ...objects.added.map(o => `- added \`${o}\``),
    ...objects.removed.map(o => `- **removed** \`${o}\``),
    ...objects.changed.map(c => `- changed \`${c.id}\`: ${c.paths.length > MAX_PATHS ? pathsOf(c.paths) : c.paths.map(code).join(', ')}`),
  ];
  if (list.length > 0) out.push('<details><summary>objects</summary>', '', ...list, '', '</details>', '');
  if (gates.length > 0) {
    out.push('#### Gates', '');
    for (const g of gates) out.push(`- ${g.failed ? '**FAILED**' : 'passed'} \`${g.gate}\`: ${g.detail}`);
    out.push('');
  }
  for (const n of notes) out.push(`> ${n}`, '');
  return out.join('\n').trimEnd();
}

/** The diff as text. */
export function renderDiffText(objects: ObjectDiff, plan: PlanDiff, gates: readonly GateResult[], notes: readonly string[]): string {
  const out: string[] = [`fleet: ${fleetLine(plan, '->')}`];
  const services = rows(plan.services, '->', s => s);
  const pools = rows(plan.pools, '->', s => s);
  if (services.length > 0) out.push('', textTable(['service', ...HEADERS.slice(1)], services));
  if (pools.length > 0) out.push('', textTable(['pool', ...HEADERS.slice(1, 6), HEADERS[8]], pools.map(r => [...r.slice(0, 6), r[8]])));
  out.push('', `objects: ${summary(objects)}`);
  for (const o of objects.added) out.push(`  + ${o}`);
  for (const o of objects.removed) out.push(`  - ${o}`);
  for (const c of objects.changed) out.push(`  ~ ${c.id}: ${pathsOf(c.paths)}`);
  if (gates.length > 0) out.push('', 'gates:', ...gates.map(g => `  ${g.failed ? 'FAILED' : 'passed'} ${g.gate}: ${g.detail}`));
  for (const n of notes) out.push('', `note: ${n}`);
  return out.join('\n');
}

/** `modelship diff <base> <head>`. */
export const diffCommand: Command = {
  name: 'diff',
  summary: 'what a change does: objects added/removed/changed, GPU and cost deltas per service and pool; gates',
  help: HELP,
  run(args: string[], context: CliContext): ExitCode {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...FORMAT_OPTION, ...HELP_OPTION, 'fail-on': { type: 'string', multiple: true } },
    });
    if (values.help) {
      context.out(HELP);
      return ExitCode.OK;
    }
    if (positionals.length !== 2) throw new UsageError(`diff takes two directories (base and head), got ${positionals.length}`);
    const format = outputFormat(values.format);
    const gates = parseGates(values['fail-on'] ?? []);
    const dirs: Record<Side, string> = {
      base: directoryArgument(context, positionals[0], 'base directory'),
      head: directoryArgument(context, positionals[1], 'head directory'),
    };
    let unreadable = 0;
    const notes: string[] = [];
    const read = (side: Side) => {
      const r = readManifests(dirs[side]);
      for (const p of r.problems) {
        unreadable++;
        context.err(`${side}: ${p.file}:${p.kind}/${p.name}: ${p.path}: ${p.message}`);
      }
      const plan = readPlanJson(dirs[side]);
      if ('error' in plan) {
        // An empty base (first deployment) has no plan: every service and pool is new.
        if (r.objects.length > 0) {
          unreadable++;
          context.err(`modelship diff: ${side}: ${plan.error}`);
        } else {notes.push(`${side} has no objects and no ${PLAN_JSON}: everything is ${side === 'base' ? 'new' : 'removed'}.`);}
        return { objects: r.objects, plan: undefined };
      }
      return { objects: r.objects, plan: plan.plan };
    };
    const base = read('base');
    const head = read('head');
    const objects = diffObjects(base.objects, head.objects);
    const plan = diffPlans(base.plan, head.plan);
    const results = evaluateGates(gates, objects, plan);
    if (format === 'json') context.out(JSON.stringify({ objects, plan, gates: results, notes }, null, 2));
    else context.out(format === 'markdown' ? renderDiffMarkdown(objects, plan, results, notes) : renderDiffText(objects, plan, results, notes));
    const failed = results.filter(r => r.failed);
    for (const f of failed) context.err(`modelship diff: gate ${f.gate} failed: ${f.detail}`);
    return failed.length > 0 || unreadable > 0 ? ExitCode.PROBLEMS : ExitCode.OK;
  },
};

