import { Problems } from '../errors';
import { checkAlertTemplate } from './alert-template';
import { checkPromql, formatPromqlProblem, LABEL_NAME } from './promql-check';
import { MonitoringRule } from './rule';

/**
 * Checks a user rule as Prometheus' rule loader and rule manager do, so one bad rule cannot make
 * the Prometheus Operator refuse the whole PrometheusRule (silencing every alert in it):
 *
 * - the expression: syntax and types (`promql-check.ts`); and its result must be an instant vector
 *   or a scalar: prometheus/prometheus rules/manager.go `EngineQueryFunc` (v2.42.0 and v3.13.1)
 *   fails every evaluation of anything else with "rule result is not a vector or scalar", which
 *   `promtool check rules` does not catch but `promtool test rules` does;
 * - label names and values (model/rulefmt/rulefmt.go `Validate`): legacy label names, which
 *   Prometheus 2 requires and the operator's admission webhook checks by default (its
 *   `--name-validation-scheme` defaults to `legacy`, cmd/admission-webhook/main.go at v0.93.0);
 *   not `__name__`; values valid UTF-8;
 * - for alerts, every label value and annotation parses as a Go template (`testTemplateParsing`).
 *
 * Alert and record names and `for` are checked by the stack itself.
 */
export function checkUserRule(problems: Problems, path: string, rule: MonitoringRule): void {
  const result = checkPromql(rule.expr);
  for (const p of result.problems.slice(0, 3)) {
    problems.add(`${path}.expr`, rule.expr, `PromQL does not parse: ${formatPromqlProblem(rule.expr, p)}`,
      'fix the expression; `promtool check rules` and the Prometheus UI report the same error');
  }
  if (result.problems.length === 0 && (result.type === 'range vector' || result.type === 'string')) {
    problems.add(`${path}.expr`, rule.expr,
      `the expression returns a ${result.type}; a rule must return an instant vector or a scalar, and Prometheus fails every evaluation of this one ("rule result is not a vector or scalar")`,
      result.type === 'range vector' ? 'reduce the range with a function, e.g. rate(x[5m]) or max_over_time(x[5m])' : 'compare or compute a number; a string is not a rule result');
  }
  const alert = rule.alert;
  const labels = alert?.labels ?? rule.recording?.labels ?? {};
  for (const [name, value] of Object.entries(labels)) {
    const property = `${path}.labels.${name}`;
    if (!LABEL_NAME.test(name) || name === '__name__') {
      problems.add(`${path}.labels`, name, name === '__name__'
        ? '__name__ is the metric name, not a label a rule may set'
        : 'not a valid label name (letters, digits and _, not starting with a digit; Prometheus 2 and the Prometheus Operator\'s admission webhook accept no other)',
      `use e.g. "${name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(\d)/, '_$1')}"`);
    }
    if (typeof value !== 'string' || LONE_SURROGATE.test(value)) {
      problems.add(property, value, 'a label value is a valid UTF-8 string', 'use a plain string');
    } else if (alert) {
      templateProblem(problems, property, value);
    }
  }
  if (alert) {
    templateProblem(problems, `${path}.summary`, alert.summary);
    if (alert.description !== undefined) templateProblem(problems, `${path}.description`, alert.description);
    if (alert.runbookUrl !== undefined) templateProblem(problems, `${path}.runbookUrl`, alert.runbookUrl);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function templateProblem(problems: Problems, property: string, text: unknown): void {
  if (typeof text !== 'string') {
    problems.add(property, text, 'alert text is a string (a Go template)', 'pass a string, e.g. "{{ $labels.service }} is slow"');
    return;
  }
  const error = checkAlertTemplate(text);
  if (error) {
    problems.add(property, text, `not a valid Go template, so Prometheus refuses the rule: ${error}`,
      'close every {{ with }}, use {{ $labels.name }} / {{ $value }} and Prometheus\' template functions (humanize, printf, ...); write a literal {{ as {{ "{{" }}');
  }
}
