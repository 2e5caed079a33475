/**
 * promtool referees modelship's PromQL and rule checker: every case of test/support/promql-cases.ts
 * (and the rule cases below) becomes a rule file; Prometheus accepts it when `promtool check rules`
 * passes AND `promtool test rules` evaluates it without error (evaluation is where Prometheus
 * refuses a range-vector or string result, and a bad label name in label_replace/count_values).
 * The checker must say yes exactly where promtool says yes. Disagreements are listed, then fail.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parser } from '@prometheus-io/lezer-promql';
import * as YAML from 'yaml';
import { MonitoringRule } from '../lib';
import { Problems } from '../lib/errors';
import { PROMQL_CASES } from './support/promql-cases';
import { randomExpressions, randomRegexSelectors, randomTemplates } from './support/promql-fuzz';
import { PROMTOOL, requirePromtool } from './support/promtool';
import { RULE_CASES } from './support/rule-cases';
import { checkAlertTemplate } from '../lib/monitoring-stack/alert-template';
import { checkPromql } from '../lib/monitoring-stack/promql-check';
import { checkUserRule } from '../lib/monitoring-stack/rule-check';

requirePromtool('the promtool referee of the PromQL checker');
const describeIfPromtool = PROMTOOL ? describe : describe.skip;

/** Runs promtool on many files in one process; returns each file's block of output. */
function runPromtool(dir: string, args: string[], files: string[], header: string): Map<string, string> {
  // stdout and stderr merged in order: promtool prints a file's header on one and its FAILED on the other.
  const r = spawnSync('sh', ['-c', '"$0" "$@" 2>&1', PROMTOOL!, ...args, ...files], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = new Map<string, string>();
  for (const block of r.stdout.split(header).slice(1)) {
    const file = block.split('\n')[0].trim();
    out.set(file, block);
  }
  for (const f of files) if (!out.has(f)) throw new Error(`promtool said nothing about ${f}:\n${r.stdout}`);
  return out;
}

/**
 * Where the checker is stricter than promtool 2.42, each with the reason: what a Prometheus 3 (and
 * the Prometheus Operator v0.93.0, which parses rules with Prometheus v3.13.1) refuses, or what the
 * lezer grammar the checker parses with cannot parse. Each is reported, must still be a
 * disagreement (or this list is stale), and must fail to parse with @prometheus-io/lezer-promql
 * (Prometheus 3's own grammar, as the Prometheus UI uses it).
 */
const STRICTER_THAN_PROMTOOL_2: Record<string, string> = {
  'holt_winters(x[5m], 0.5, 0.5)': 'renamed double_exponential_smoothing in Prometheus 3.0 (promql/parser/functions.go at v3.13.1 has no holt_winters)',
  'x > 0.': 'Go\'s lexer reads "0." as a number, lezer-promql\'s grammar has no trailing-dot numbers',
  'x > offset': 'Go\'s grammar lets a metric be called offset, lezer-promql\'s makes it a keyword',
};

function lezerRefuses(expr: string): boolean {
  let error = false;
  parser.parse(expr).iterate({ enter: n => { if (n.type.isError) error = true; } });
  return error;
}

interface Verdict { readonly accepted: boolean; readonly detail: string }

/** Writes one rule file (and a unit test evaluating it) per rule; asks promtool about all of them. */
function promtoolVerdicts(dir: string, prefix: string, rules: object[]): Verdict[] {
  const ruleFiles = rules.map((rule, i) => {
    const f = `${prefix}${i}.rules.yaml`;
    fs.writeFileSync(path.join(dir, f), YAML.stringify({ groups: [{ name: `${prefix}${i}`, rules: [rule] }] }));
    return f;
  });
  const checked = runPromtool(dir, ['check', 'rules'], ruleFiles, 'Checking ');
  const loadable = ruleFiles.filter(f => checked.get(f)!.includes('SUCCESS'));
  const testFiles = loadable.map(f => {
    const t = f.replace('.rules.yaml', '.test.yaml');
    fs.writeFileSync(path.join(dir, t), YAML.stringify({
      rule_files: [f],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: [], promql_expr_test: [{ expr: 'vector(1)', eval_time: '1m', exp_samples: [{ labels: '{}', value: 1 }] }] }],
    }));
    return t;
  });
  const tested = testFiles.length > 0 ? runPromtool(dir, ['test', 'rules'], testFiles, 'Unit Testing: ') : new Map<string, string>();
  return ruleFiles.map(f => {
    const check = checked.get(f)!;
    if (!check.includes('SUCCESS')) return { accepted: false, detail: check.trim() };
    const test = tested.get(f.replace('.rules.yaml', '.test.yaml'))!;
    return { accepted: test.includes('SUCCESS'), detail: test.trim() };
  });
}

describeIfPromtool('promtool referees the PromQL and rule checks', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-promql-'));
  afterAll(() => { if (process.env.KEEP_PROMTOOL_DIR) console.log(dir); else fs.rmSync(dir, { recursive: true, force: true }); });

  test('every expression the checker accepts, Prometheus accepts, and every one it refuses, Prometheus refuses', () => {
    const started = Date.now();
    const verdicts = promtoolVerdicts(dir, 'expr', PROMQL_CASES.map((c, i) => ({ record: `case:${i}`, expr: c.expr })));
    const disagreements: string[] = [];
    const stricter: string[] = [];
    let accepted = 0;
    PROMQL_CASES.forEach((c, i) => {
      const r = checkPromql(c.expr);
      const mine = r.problems.length === 0 && (r.type === 'instant vector' || r.type === 'scalar');
      if (verdicts[i].accepted) accepted++;
      if (c.expr in STRICTER_THAN_PROMTOOL_2) {
        expect({ expr: c.expr, checker: mine, promtool: verdicts[i].accepted, lezerRefuses: lezerRefuses(c.expr) })
          .toEqual({ expr: c.expr, checker: false, promtool: true, lezerRefuses: true });
        stricter.push(`${c.expr}: ${STRICTER_THAN_PROMTOOL_2[c.expr]}`);
      } else if (mine !== verdicts[i].accepted) {
        disagreements.push(`${JSON.stringify(c.expr)}: checker ${mine ? 'accepts' : `refuses (${r.problems.map(p => p.message).join('; ') || r.type})`}, promtool ${verdicts[i].accepted ? 'accepts' : `refuses:\n${verdicts[i].detail}`}`);
      }
    });
    // eslint-disable-next-line no-console
    console.log(`PromQL cases: ${PROMQL_CASES.length}; promtool accepts ${accepted}, refuses ${PROMQL_CASES.length - accepted}; `
      + `checker agrees on ${PROMQL_CASES.length - disagreements.length - stricter.length}, disagrees on ${disagreements.length}, `
      + `stricter (listed) on ${stricter.length} (${Date.now() - started} ms)${stricter.map(x => `\n  stricter: ${x}`).join('')}`);
    expect(disagreements).toEqual([]);
    expect(stricter.length).toBe(Object.keys(STRICTER_THAN_PROMTOOL_2).length);
    // The table must exercise both answers, or agreement proves little.
    expect(accepted).toBeGreaterThan(60);
    expect(PROMQL_CASES.length - accepted).toBeGreaterThan(60);
  });

  test('alert templates and rule labels: the checker and promtool agree', () => {
    const started = Date.now();
    const rendered = RULE_CASES.map(c => c.alert
      ? { alert: 'A', expr: 'vector(1)', labels: c.labels, annotations: { summary: c.summary ?? 'x' } }
      : { record: 'r:x', expr: 'vector(1)', labels: c.labels });
    const verdicts = promtoolVerdicts(dir, 'rule', rendered);
    const disagreements: string[] = [];
    let accepted = 0;
    RULE_CASES.forEach((c, i) => {
      const problems = new Problems('test');
      const rule = c.alert
        ? MonitoringRule.alert({ name: 'A', expr: 'vector(1)', summary: c.summary ?? 'x', labels: c.labels })
        : MonitoringRule.record({ name: 'r:x', expr: 'vector(1)', labels: c.labels });
      checkUserRule(problems, 'rules[0]', rule);
      const mine = problems.list.length === 0;
      if (verdicts[i].accepted) accepted++;
      if (mine !== verdicts[i].accepted) {
        disagreements.push(`${JSON.stringify(c)}: checker ${mine ? 'accepts' : `refuses (${problems.list.map(p => p.reason).join('; ')})`}, promtool ${verdicts[i].accepted ? 'accepts' : `refuses:\n${verdicts[i].detail}`}`);
      }
    });
    // eslint-disable-next-line no-console
    console.log(`rule cases: ${RULE_CASES.length}; promtool accepts ${accepted}, refuses ${RULE_CASES.length - accepted}; `
      + `checker agrees on ${RULE_CASES.length - disagreements.length}, disagrees on ${disagreements.length} (${Date.now() - started} ms)`);
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(20);
    expect(RULE_CASES.length - accepted).toBeGreaterThan(20);
  });

  test('seeded random expressions, regexes and alert texts: the checker and promtool agree on every one', () => {
    const started = Date.now();
    const exprs = [...randomExpressions(20261201, 500), ...randomRegexSelectors(7, 300)];
    const texts = randomTemplates(11, 300);
    const rules = [
      ...exprs.map((expr, i) => ({ record: `fuzz:${i}`, expr })),
      ...texts.map(summary => ({ alert: 'A', expr: 'vector(1)', annotations: { summary } })),
    ];
    const verdicts = promtoolVerdicts(dir, 'fuzz', rules);
    const disagreements: string[] = [];
    let accepted = 0;
    verdicts.forEach((v, i) => {
      let mine: boolean;
      let input: string;
      if (i < exprs.length) {
        input = exprs[i];
        const r = checkPromql(input);
        mine = r.problems.length === 0 && (r.type === 'instant vector' || r.type === 'scalar');
      } else {
        input = texts[i - exprs.length];
        mine = checkAlertTemplate(input) === undefined;
      }
      if (v.accepted) accepted++;
      if (mine !== v.accepted) disagreements.push(`${JSON.stringify(input)}: checker ${mine ? 'accepts' : 'refuses'}, promtool ${v.accepted ? 'accepts' : `refuses:\n${v.detail}`}`);
    });
    // eslint-disable-next-line no-console
    console.log(`random inputs: ${rules.length}; promtool accepts ${accepted}; checker disagrees on ${disagreements.length} (${Date.now() - started} ms)`);
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(rules.length / 5);
    expect(rules.length - accepted).toBeGreaterThan(rules.length / 5);
  });
});
