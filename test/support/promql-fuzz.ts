/**
 * Seeded random inputs for the promtool referee: PromQL built from the grammar and from the case
 * table with random tokens spliced in, alert templates, and matcher regexes. Same seed, same inputs.
 */
import { PROMQL_CASES } from './promql-cases';
import { RULE_CASES } from './rule-cases';

/** A small deterministic generator (an LCG; its high bits, the low ones cycle). */
export function seeded(seed: number) {
  let s = seed;
  const int = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s >>> 8) % n;
  };
  const pick = <T>(a: readonly T[]): T => a[int(a.length)];
  return { int, pick };
}

const FUNCTIONS = ['rate', 'abs', 'round', 'clamp', 'histogram_quantile', 'label_replace', 'label_join', 'vector', 'scalar', 'time',
  'predict_linear', 'quantile_over_time', 'absent', 'sort', 'hour', 'max_over_time', 'histogram_avg', 'no_such'];
const EXPR_TOKENS = ['x', 'up', '{', '}', '(', ')', '[', ']', '5m', ':', '1', '-', '+', '*', '/', '>', 'bool', 'on', '(a)', 'group_left', 'by',
  'sum', 'rate', '@', 'start()', '"a"', '=~', '=', ',', ' ', 'and', 'topk', '\\', "'", '`', '#', 'NaN', 'Inf', '0x', '_', '1e', '.',
  'x[5m:1m]', '<', '>/', 'limitk', 'a="b"', '!=', '!~', '0s', '-5m', '1h30m', ' offset 5m', ' ', ' '];
const TEMPLATE_TOKENS = ['{{', '}}', ' ', '$labels', '.x', '$value', '|', 'if', 'else', 'end', 'range', 'with', '"a"', '`b`', "'c'", '(', ')',
  'printf', '-', '/*', '*/', ':=', '=', '$x', ',', '1', 'x', 'define', '"d"', 'block', 'template', 'break', 'continue', '\\', 'nil', '.', 'é',
  'humanize', 'eq', '1.5', '{{ ', ' }}', '{{- ', ' -}}', 'true', '$', '"', '0x1', '+', 'len', 'index'];
const REGEX_TOKENS = ['a', '(', ')', '[', ']', '*', '+', '?', '{', '}', '1', ',', '\\', 'd', 'p', 'P', 'x', 'Q', 'E', '^', '$', '|', '-', ':',
  '?P<', '>', '[:', ':]', 'alpha', 'i', 's', 'U', '0', '7', 'b', 'z', '{2}', '{1,3}', '\\d', '\\pL', '\\p{Greek}', '.', '(?i)', '(?:',
  '\\b', '\\z', '\\A', '[^', '\\Q', '\\E', '{1001}', 'é', '\\x{41}', '\\x4', '\\.', '\\-', '\\_', '\\w', 'N', '{,2}', '(?s:'];

/** Random PromQL: grammar-built, table cases with tokens spliced in, and token soup. */
export function randomExpressions(seed: number, n: number): string[] {
  const { int, pick } = seeded(seed);
  const sel = () => pick(['x', 'up', 'a:b', '{job="a"}', 'x{a=~"b.*"}', 'y{c!="d"}', '{__name__=~"x.+"}', 'x{a=~""}']);
  const dur = () => pick(['5m', '1h', '30s', '0s', '5', '1m30s']);
  const expr = (d: number): string => {
    switch (int(d > 3 ? 4 : 16)) {
      case 0: return sel();
      case 1: return pick(['1', '0.5', '-2', '"s"', 'Inf', '0x10']);
      case 2: return `${sel()}[${dur()}]`;
      case 3: return `${expr(d + 1)}[${dur()}:${pick(['', '1m', '0s'])}]`;
      case 4: case 5: case 6: return `${pick(FUNCTIONS)}(${Array.from({ length: int(4) }, () => expr(d + 1)).join(', ')})`;
      case 7: case 8: return `${pick(['sum', 'avg', 'topk', 'quantile', 'count_values', 'max', 'bottomk'])}${pick(['', ' by (a)', ' without (b)'])}(${Array.from({ length: 1 + int(2) }, () => expr(d + 1)).join(', ')})`;
      case 9: case 10: case 11: return `${expr(d + 1)} ${pick(['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', 'and', 'or', 'unless', 'atan2'])}${pick(['', ' bool', ' on(a)', ' ignoring(b) group_left', ' on(a) group_right(c)', ' bool on(a)'])} ${expr(d + 1)}`;
      case 12: return `(${expr(d + 1)})`;
      case 13: return `-${expr(d + 1)}`;
      case 14: return `${expr(d + 1)} offset ${pick(['5m', '-1h', '0s'])}`;
      default: return `${expr(d + 1)} @ ${pick(['100', 'start()', 'end()', '-5'])}`;
    }
  };
  const soup = () => Array.from({ length: 1 + int(8) }, () => pick(EXPR_TOKENS)).join(int(2) ? '' : ' ');
  const mutate = () => {
    const base = pick(PROMQL_CASES).expr;
    const at = int(base.length + 1);
    return base.slice(0, at) + (int(2) ? soup() : '') + base.slice(at + int(3));
  };
  const out: string[] = [];
  while (out.length < n) {
    const e = int(3) ? mutate() : int(2) ? soup() : expr(0);
    // Leave out the known, listed differences (test/promql-promtool.test.ts STRICTER_THAN_PROMTOOL_2).
    if (e.trim() === '' || /holt_winters|\d\.(?!\d)|offset(?!\s*-?\s*\d)/.test(e)) continue;
    out.push(e);
  }
  return out;
}

/** Random alert texts: token soup, and the rule table's texts with tokens spliced in. */
export function randomTemplates(seed: number, n: number): string[] {
  const { int, pick } = seeded(seed);
  const bases = RULE_CASES.filter(c => c.summary !== undefined).map(c => c.summary!);
  const soup = () => Array.from({ length: 1 + int(10) }, () => pick(TEMPLATE_TOKENS)).join(int(3) ? '' : ' ');
  return Array.from({ length: n }, () => {
    if (int(2)) return soup();
    const b = pick(bases);
    const at = int(b.length + 1);
    return b.slice(0, at) + soup() + b.slice(at + int(3));
  });
}

/** Random regexes, as selectors `{job=~"<regex>"}` (escaped for a PromQL string). */
export function randomRegexSelectors(seed: number, n: number): string[] {
  const { int, pick } = seeded(seed);
  return Array.from({ length: n }, () => {
    const re = Array.from({ length: 1 + int(8) }, () => pick(REGEX_TOKENS)).join('');
    return `{job=~"${re.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}`;
  });
}
