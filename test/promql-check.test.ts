import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { MonitoringRule, ValidationError } from '../lib';
import { Problems } from '../lib/errors';
import { stackChart } from './support/monitoring-fixture';
import { PROMQL_CASES } from './support/promql-cases';
import { RULE_CASES } from './support/rule-cases';
import { checkAlertTemplate } from '../lib/monitoring-stack/alert-template';
import { checkPromql, formatPromqlProblem } from '../lib/monitoring-stack/promql-check';
import { checkUserRule } from '../lib/monitoring-stack/rule-check';

describe('PromQL types and errors (test/promql-promtool.test.ts has promtool referee the same table)', () => {
  test.each(PROMQL_CASES.map(c => [c.expr, c.type ?? c.error!.source, c] as const))('%s: %s', (_, __, c) => {
    const r = checkPromql(c.expr);
    const messages = r.problems.map(p => formatPromqlProblem(c.expr, p));
    if (c.type) {
      expect(messages).toEqual([]);
      expect(r.type).toBe(c.type);
    } else {
      expect(messages.join('\n')).toMatch(c.error!);
    }
  });

  test('the table covers every function family, aggregations, operators, subqueries and modifiers', () => {
    const all = PROMQL_CASES.map(c => c.expr).join(' ');
    for (const word of ['rate(', 'histogram_quantile(', 'label_replace(', 'label_join(', 'round(', 'hour(', 'time()', 'vector(', 'scalar(',
      'topk(', 'quantile(', 'count_values(', 'group_left', 'group_right', 'ignoring', ' unless ', ' atan2 ', 'bool', ':1m]', 'offset', '@ start()', '@ end()']) {
      expect(all).toContain(word);
    }
    expect(PROMQL_CASES.length).toBeGreaterThanOrEqual(150);
  });
});

describe('user rules', () => {
  test.each(RULE_CASES.map(c => [JSON.stringify(c.summary ?? c.labels), c] as const))('%s', (_, c) => {
    const problems = new Problems('test');
    const rule = c.alert
      ? MonitoringRule.alert({ name: 'A', expr: 'vector(1)', summary: c.summary ?? 'x', labels: c.labels })
      : MonitoringRule.record({ name: 'r:x', expr: 'vector(1)', labels: c.labels });
    checkUserRule(problems, 'rules[0]', rule);
    const reasons = problems.list.map(p => `${p.property}: ${p.reason}`).join('\n');
    if (c.error) expect(reasons).toMatch(c.error);
    else expect(reasons).toBe('');
  });

  test.each([
    ['x[5m]', 'range vector'],
    ['"up"', 'string'],
    ['rate(x[5m])[10m:1m]', 'range vector'],
  ])('a rule returning %s (%s) is refused: Prometheus fails every evaluation of it', (expr, type) => {
    const problems = new Problems('test');
    checkUserRule(problems, 'rules[0]', MonitoringRule.record({ name: 'r:x', expr }));
    expect(problems.list).toEqual([expect.objectContaining({
      property: 'rules[0].expr',
      reason: expect.stringMatching(new RegExp(`returns a ${type}; a rule must return an instant vector or a scalar`)),
    })]);
  });

  test('a scalar rule is fine (Prometheus turns it into a one-sample vector)', () => {
    const problems = new Problems('test');
    checkUserRule(problems, 'rules[0]', MonitoringRule.record({ name: 'r:x', expr: 'scalar(sum(up)) * 2' }));
    expect(problems.list).toEqual([]);
  });

  test('the issue\'s rules: each problem named with its property, the stack refuses them all at once', () => {
    const err = (() => {
      try {
        stackChart({
          rules: [
            MonitoringRule.alert({ name: 'NoRange', expr: 'rate(x) > 1', summary: 'x' }),
            MonitoringRule.record({ name: 'team:x:range', expr: 'x[5m]' }),
            MonitoringRule.alert({ name: 'BrokenText', expr: 'up == 0', summary: '{{ $labels.service', description: 'fine {{ $value }}' }),
            MonitoringRule.alert({ name: 'BadLabels', expr: 'up == 0', summary: 'down', labels: { 'team-name': 'a', '0bad': 'b' } }),
            MonitoringRule.alert({ name: 'Fine', expr: 'up == 0', summary: '{{ $labels.job }} down', for: Duration.minutes(5) }),
          ],
        });
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems.map(p => `${p.property} = ${p.value}`)).toEqual([
      'rules[0].expr = "rate(x) > 1"',
      'rules[1].expr = "x[5m]"',
      'rules[2].summary = "{{ $labels.service"',
      'rules[3].labels = "team-name"',
      'rules[3].labels = "0bad"',
    ]);
    expect(err.problems[0].reason).toMatch(/expected type range vector in call to function "rate", got instant vector/);
    expect(err.problems[2].reason).toMatch(/not a valid Go template.*unclosed action/);
    for (const p of err.problems) expect(p.fix).not.toBe('');
  });
});

/** Every rule expression, annotation and label a synthesized PrometheusRule carries. */
function rulesOf(objects: any[]): any[] {
  return objects.filter(o => o?.kind === 'PrometheusRule').flatMap(o => o.spec.groups.flatMap((g: any) => g.rules));
}

function expectAllValid(rules: any[]): void {
  const failures: string[] = [];
  for (const r of rules) {
    const c = checkPromql(r.expr);
    if (c.problems.length > 0 || c.type !== 'instant vector') {
      failures.push(`${r.record ?? r.alert}: ${r.expr}: ${c.type} ${c.problems.map(p => formatPromqlProblem(r.expr, p)).join('; ')}`);
    }
    if (r.alert) {
      for (const [k, v] of Object.entries({ ...r.annotations, ...r.labels })) {
        const e = checkAlertTemplate(v as string);
        if (e) failures.push(`${r.alert} ${k}: ${e}`);
      }
    }
  }
  expect(failures).toEqual([]);
}

describe('every rule modelship generates type-checks as an instant vector', () => {
  test('the monitoring fixture: vLLM 0.9 and 0.8, TGI, SGLang, Triton and the GPU rules', () => {
    const { chart } = stackChart();
    const rules = rulesOf(Testing.synth(chart));
    expect(rules.length).toBeGreaterThan(100);
    expectAllValid(rules);
  });

  test('the flagship example, synthesized as `cdk8s synth` runs it', () => {
    const dir = join(__dirname, '..', 'examples', 'flagship');
    const outdir = mkdtempSync(join(tmpdir(), 'modelship-promql-flagship-'));
    try {
      const app = /^app:\s*(.+)$/m.exec(readFileSync(join(dir, 'cdk8s.yaml'), 'utf8'))![1].trim();
      const run = spawnSync(app, { cwd: dir, shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
      if (run.status !== 0) throw new Error(`flagship failed:\n${run.stdout}\n${run.stderr}`);
      const objects = readdirSync(outdir).filter(f => f.endsWith('.yaml'))
        .flatMap(f => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map(d => d.toJSON()));
      const rules = rulesOf(objects);
      expect(rules.length).toBeGreaterThan(20);
      expectAllValid(rules);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
