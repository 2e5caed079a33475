import type { parser } from '@prometheus-io/lezer-promql';
import { PROMQL_AGGREGATIONS, PROMQL_FUNCTIONS, PromqlType, REFUSED_FUNCTIONS } from './promql-functions';
import { promqlParser } from './promql-parser';
import { checkRe2 } from './re2-syntax';

/**
 * Static checks of a PromQL expression as Prometheus' own parser makes them, so a rule Prometheus
 * would refuse (and with it the whole PrometheusRule) fails at synth instead.
 *
 * The syntax tree comes from `@prometheus-io/lezer-promql` (the grammar the Prometheus UI uses).
 * On it this reimplements prometheus/prometheus `promql/parser`:
 * - `parse.go` `checkAST` (types of every node, function arguments, aggregation parameters,
 *   binary operators and vector matching, subqueries, unary operators, empty selectors),
 *   `addOffset`/`setTimestamp`/`getAtModifierVars` (offset and `@` only on selectors and
 *   subqueries, once each), `newLabelMatcher` (regexes compile as Go RE2);
 * - `generated_parser.y` (ranges only on vector selectors, no offset or `@` before a range,
 *   `offset` takes a duration with an optional `-`, `@` a number or `start()`/`end()`);
 * - `lex.go` (string escapes, number and duration syntax, durations greater than 0).
 * at v2.42.0 (promtool on Debian 12, which the tests run) — the rules are unchanged at v3.13.1
 * (what the Prometheus Operator v0.93.0 vendors) for everything that is not experimental there.
 * What only Prometheus 3 accepts (quoted UTF-8 names, duration arithmetic, durations as numbers,
 * `fill`/`anchored`/`smoothed`/`limitk`, experimental functions) is refused with the reason, since a
 * PrometheusRule may be loaded by a Prometheus 2 (see `promql-functions.ts`).
 *
 * Where lezer's tree differs from Prometheus', it is corrected: lezer lets `offset`, `@`, `[range]`
 * and `[range:step]` bind looser than binary and unary operators (`a + b offset 5m` as
 * `(a + b) offset 5m`); Prometheus' grammar gives them the highest precedence (`a + (b offset 5m)`).
 * Two things Prometheus' Go parser reads and lezer's grammar cannot are refused (rare in rules):
 * numbers ending in a dot (`1.`) and a metric called `offset`.
 */

/** Where in the expression a problem is, and what Prometheus would say. */
export interface PromqlProblem {
  /** Offset of the offending text. */
  readonly from: number;
  readonly to: number;
  readonly message: string;
}

/** What checking one expression found. */
export interface PromqlCheck {
  /** Type of the whole expression; undefined when it does not parse. */
  readonly type?: PromqlType;
  /** Every problem, in the order found; empty when Prometheus would accept the expression. */
  readonly problems: PromqlProblem[];
}

type Lezer = ReturnType<typeof parser.parse>['topNode'];

interface Base { readonly from: number; readonly to: number }
interface Matcher { readonly name: string; readonly op: '=' | '!=' | '=~' | '!~'; readonly value: string }
type Ast = Base & (
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'selector'; name?: string; matchers: Matcher[]; offset: boolean; at: boolean }
  | { kind: 'matrix'; selector: Ast; offset: boolean; at: boolean }
  | { kind: 'subquery'; expr: Ast; offset: boolean; at: boolean }
  | { kind: 'call'; name: string; args: Ast[] }
  | { kind: 'aggregate'; op: string; args: Ast[]; grouping: string[] }
  | { kind: 'binary'; op: string; lhs: Ast; rhs: Ast; bool: boolean; matching?: Matching }
  | { kind: 'unary'; op: string; expr: Ast }
  | { kind: 'paren'; expr: Ast }
);
interface Matching { readonly on: boolean; readonly labels: string[]; readonly group?: 'left' | 'right'; readonly include: string[] }

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);
const OPERATORS: Record<string, string> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gte: '>=',
  Gtr: '>',
  Lte: '<=',
  Lss: '<',
  And: 'and',
  Unless: 'unless',
  Or: 'or',
};
/** Words followed by `(` that are not function calls. */
const NOT_FUNCTIONS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'atan2', 'offset',
  'start', 'end', 'step', 'range', 'min_of', 'max_of', 'fill', 'fill_left', 'fill_right']);
const PROMETHEUS3 = 'needs Prometheus 3';

class Invalid extends Error {}

/** Checks one expression; see the file comment for what is checked. */
export function checkPromql(expr: string): PromqlCheck {
  const problems: PromqlProblem[] = [];
  if (expr.trim() === '') return { problems: [{ from: 0, to: 0, message: 'no expression found in input' }] };
  const tree = promqlParser().parse(expr);
  let syntax = false;
  tree.iterate({
    enter: n => {
      if (n.type.isError && !syntax) {
        syntax = true;
        problems.push(syntaxProblem(expr, n.from, n.to));
      }
    },
  });
  if (syntax) return { problems };
  try {
    const ast = new Builder(expr, problems).build(tree.topNode.firstChild!);
    if (problems.length > 0) return { problems };
    const type = new TypeChecker(problems).check(ast);
    return { type, problems };
  } catch (e) {
    if (e instanceof Invalid) return { problems };
    // Thousands of nested operands overflow the stack here (not in Go): refuse rather than crash.
    if (e instanceof RangeError) return { problems: [{ from: 0, to: expr.length, message: 'the expression nests too deeply to check' }] };
    throw e;
  }
}

/** Renders a problem as `message (at "text")`. */
export function formatPromqlProblem(expr: string, p: PromqlProblem): string {
  const near = expr.slice(p.from, Math.max(p.to, p.from + 1)).trim();
  return near ? `${p.message} (at ${JSON.stringify(near.length > 60 ? near.slice(0, 57) + '...' : near)})` : p.message;
}

function syntaxProblem(expr: string, from: number, to: number): PromqlProblem {
  // lezer cannot call a function it does not know, so `holt_winters(x[5m], 0.5, 0.5)` is a
  // selector followed by junk: name the function, as Prometheus does.
  for (const m of expr.slice(0, to + 1).matchAll(/(?<![\w:."'`])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\(/g)) {
    const name = m[1];
    const lower = name.toLowerCase();
    if (PROMQL_FUNCTIONS[name] || lower in PROMQL_AGGREGATIONS || NOT_FUNCTIONS.has(lower)) continue;
    const why = REFUSED_FUNCTIONS[name]
      ?? (lower === 'limitk' || lower === 'limit_ratio' ? 'is an experimental aggregation of Prometheus 3 (--enable-feature=promql-experimental-functions) and unknown to Prometheus 2' : undefined);
    return { from: m.index!, to: m.index! + name.length, message: why ? `function "${name}" ${why}` : `unknown function with name "${name}"` };
  }
  const near = expr.slice(Math.max(0, from - 10), to + 10);
  // Prometheus' Go lexer reads `1.` as a number; lezer's grammar (and so this check) does not.
  const dot = [...expr.matchAll(/(?<![\w.])\d+\.(?![\d\w])/g)].find(m => Math.abs(m.index! + m[0].length - from) <= 1);
  if (dot) return { from: dot.index!, to: dot.index! + dot[0].length, message: `the number "${dot[0]}" ends in a dot, which @prometheus-io/lezer-promql cannot parse; write ${dot[0]}0` };
  return { from, to, message: `syntax error at offset ${from} near ${JSON.stringify(near)}` };
}

function children(n: Lezer): Lezer[] {
  const out: Lezer[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Turns lezer's tree into Prometheus' AST, checking what Prometheus' lexer and grammar check. */
class Builder {
  constructor(private readonly src: string, private readonly problems: PromqlProblem[]) {}

  private text(n: Lezer): string {
    return this.src.slice(n.from, n.to);
  }

  private fail(from: number, to: number, message: string): never {
    this.problems.push({ from, to, message });
    throw new Invalid(message);
  }

  private report(from: number, to: number, message: string): void {
    this.problems.push({ from, to, message });
  }

  public build(n: Lezer): Ast {
    const { from, to } = n;
    const kids = children(n);
    switch (n.name) {
      case 'ParenExpr':
        return { kind: 'paren', from, to, expr: this.build(kids[0]) };
      case 'NumberDurationLiteral':
        return { kind: 'number', from, to, value: this.number(n) };
      case 'StringLiteral':
        return { kind: 'string', from, to, value: this.string(n) };
      case 'VectorSelector':
        return this.selector(n, kids);
      case 'UnaryExpr':
        return { kind: 'unary', from, to, op: this.text(kids[0]), expr: this.build(kids[1]) };
      case 'FunctionCall':
        return this.call(n, kids);
      case 'AggregateExpr':
        return this.aggregate(n, kids);
      case 'BinaryExpr':
        return this.binary(n, kids);
      case 'MatrixSelector': {
        this.duration(kids[1], 'range');
        return this.postfix(this.build(kids[0]), to, base => {
          if (base.kind !== 'selector') this.fail(kids[1].from - 1, to, 'ranges only allowed for vector selectors');
          if (base.offset) this.fail(kids[1].from - 1, to, 'no offset modifiers allowed before range');
          if (base.at) this.fail(kids[1].from - 1, to, 'no @ modifiers allowed before range');
          return { kind: 'matrix', from: base.from, to, selector: base, offset: false, at: false };
        });
      }
      case 'SubqueryExpr': {
        this.duration(kids[1], 'subquery range');
        if (kids[2]) this.duration(kids[2], 'subquery step');
        return this.postfix(this.build(kids[0]), to, base => ({ kind: 'subquery', from: base.from, to, expr: base, offset: false, at: false }));
      }
      case 'OffsetExpr': {
        this.offsetDuration(kids[2]);
        return this.postfix(this.build(kids[0]), to, base => {
          if (base.kind !== 'selector' && base.kind !== 'matrix' && base.kind !== 'subquery') {
            this.fail(base.from, to, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
          }
          if (base.offset) this.fail(base.from, to, 'offset may not be set multiple times');
          return { ...base, to, offset: true };
        });
      }
      case 'StepInvariantExpr': {
        const at = kids[2];
        if (at.name === 'NumberDurationLiteral') {
          const ts = this.number(at, '@');
          if (!Number.isFinite(ts) || Math.abs(ts) >= 2 ** 63) this.fail(at.from, at.to, `timestamp out of bounds for @ modifier: ${this.text(at)}`);
        }
        return this.postfix(this.build(kids[0]), to, base => {
          if (base.kind !== 'selector' && base.kind !== 'matrix' && base.kind !== 'subquery') {
            this.fail(base.from, to, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
          }
          if (base.at) this.fail(base.from, to, '@ <timestamp> may not be set multiple times');
          return { ...base, to, at: true };
        });
      }
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return this.fail(kids[1].from, kids[1].to, `the "${this.text(kids[1])}" modifier ${PROMETHEUS3} with --enable-feature=promql-extended-range-selectors`);
      default:
        return this.fail(from, to, `unsupported PromQL construct ${n.name}`);
    }
  }

  /**
   * Applies a postfix modifier the way Prometheus' grammar binds it: to the rightmost operand of
   * a binary or unary expression that lezer put under it, not to the whole expression.
   */
  private postfix(base: Ast, to: number, apply: (b: Ast) => Ast): Ast {
    if (base.kind === 'binary') return { ...base, to, rhs: this.postfix(base.rhs, to, apply) };
    if (base.kind === 'unary') return { ...base, to, expr: this.postfix(base.expr, to, apply) };
    return apply(base);
  }

  private selector(n: Lezer, kids: Lezer[]): Ast {
    const ident = kids.find(k => k.name === 'Identifier');
    const name = ident ? this.text(ident) : undefined;
    const matchers: Matcher[] = [];
    const list = kids.find(k => k.name === 'LabelMatchers');
    for (const m of list ? children(list) : []) {
      if (m.name !== 'UnquotedLabelMatcher') {
        this.fail(m.from, m.to, `quoted (UTF-8) label and metric names inside braces ${PROMETHEUS3}; use a name of letters, digits and _`);
      }
      const [label, op, value] = children(m);
      const matcher: Matcher = { name: this.text(label), op: this.text(op) as Matcher['op'], value: this.string(value) };
      if (matcher.op === '=~' || matcher.op === '!~') {
        const re = checkRe2(matcher.value);
        if (re.error) this.report(value.from, value.to, re.error);
      }
      matchers.push(matcher);
    }
    return { kind: 'selector', from: n.from, to: n.to, name, matchers, offset: false, at: false };
  }

  private call(n: Lezer, kids: Lezer[]): Ast {
    const name = this.text(kids[0]);
    const args = children(kids[1]).map(a => this.build(a));
    if (!PROMQL_FUNCTIONS[name]) {
      this.fail(kids[0].from, kids[0].to, REFUSED_FUNCTIONS[name] ? `function "${name}" ${REFUSED_FUNCTIONS[name]}` : `unknown function with name "${name}"`);
    }
    return { kind: 'call', from: n.from, to: n.to, name, args };
  }

  private aggregate(n: Lezer, kids: Lezer[]): Ast {
    const opNode = kids[0];
    const op = this.text(opNode).toLowerCase();
    if (!(op in PROMQL_AGGREGATIONS)) {
      this.fail(opNode.from, opNode.to, `${op}() is experimental in Prometheus 3 (--enable-feature=promql-experimental-functions) and unknown to Prometheus 2`);
    }
    const body = kids.find(k => k.name === 'FunctionCallBody')!;
    const modifier = kids.find(k => k.name === 'AggregateModifier');
    const grouping = modifier ? this.grouping(children(modifier)[1]) : [];
    const args = children(body).map(a => this.build(a));
    const want = PROMQL_AGGREGATIONS[op] ? 2 : 1;
    if (args.length === 0) this.fail(n.from, n.to, 'no arguments for aggregate expression provided');
    if (args.length !== want) this.fail(n.from, n.to, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    return { kind: 'aggregate', from: n.from, to: n.to, op, args, grouping };
  }

  private grouping(n: Lezer): string[] {
    return children(n).map(l => {
      if (l.name !== 'LabelName') this.fail(l.from, l.to, `quoted (UTF-8) label names in grouping ${PROMETHEUS3}; use a name of letters, digits and _`);
      return this.text(l);
    });
  }

  private binary(n: Lezer, kids: Lezer[]): Ast {
    const opNode = kids[1];
    const op = OPERATORS[opNode.name];
    if (!op) this.fail(opNode.from, opNode.to, `the "${this.text(opNode)}" operator ${PROMETHEUS3} (experimental)`);
    let bool = false;
    let matching: Matching | undefined;
    for (const k of kids.slice(2, -1)) {
      if (k.name === 'BoolModifier') {bool = true;} else if (k.name === 'MatchingModifierClause') {
        const parts = children(k);
        const groupings = parts.filter(p => p.name === 'GroupingLabels');
        const group = parts.find(p => p.name === 'GroupLeft' || p.name === 'GroupRight');
        matching = {
          on: parts[0].name === 'On',
          labels: this.grouping(groupings[0]),
          group: group ? (group.name === 'GroupLeft' ? 'left' : 'right') : undefined,
          include: groupings[1] ? this.grouping(groupings[1]) : [],
        };
      } else if (k.name === 'FillModifier') {
        this.fail(k.from, k.to, `fill modifiers ${PROMETHEUS3} with --enable-feature=promql-binop-fill-modifiers`);
      }
    }
    const lhs = this.build(kids[0]);
    const rhs = this.build(kids[kids.length - 1]);
    return { kind: 'binary', from: n.from, to: n.to, op, lhs, rhs, bool, matching };
  }

  /** A number literal as Prometheus 2's lexer reads it (`lex.go` `scanNumber`, `parser.number`). */
  private number(n: Lezer, context?: string): number {
    const raw = this.text(n);
    const sign = raw[0] === '-' ? -1 : 1;
    const body = raw.replace(/^[+-]\s*/, '');
    if (/^inf$/i.test(body)) return sign * Infinity;
    if (/^nan$/i.test(body)) return NaN;
    if (/^0x/i.test(body)) return sign * Number(body);
    if (body.includes('_')) this.fail(n.from, n.to, `digit separators (${raw}) ${PROMETHEUS3}; write the number without _`);
    if (/[smhdwy]$/.test(body)) {
      this.fail(n.from, n.to, context === '@'
        ? `unexpected duration "${body}" in @, expected timestamp (a Unix time in seconds, or start() / end())`
        : `a duration (${body}) where a number is expected ${PROMETHEUS3}; write it in seconds, e.g. ${durationMs(body) / 1000}`);
    }
    return sign * Number(body);
  }

  /** A range or subquery duration: a single duration literal greater than 0 (Prometheus 2). */
  private duration(n: Lezer, context: string): number {
    const kids = children(n);
    if (kids.length !== 1 || kids[0].name !== 'NumberDurationLiteralInDurationContext') {
      this.fail(n.from, n.to, `duration arithmetic in a ${context} ${PROMETHEUS3} with --enable-feature=promql-duration-expr; write one duration such as 5m`);
    }
    return this.durationLiteral(kids[0]);
  }

  private offsetDuration(n: Lezer): void {
    const kids = children(n);
    if (kids.length === 1 && kids[0].name === 'NumberDurationLiteralInDurationContext') {
      this.durationLiteral(kids[0]);
      return;
    }
    if (kids.length === 2 && this.text(kids[0]) === '-') {
      const inner = children(kids[1]);
      if (inner.length === 1 && inner[0].name === 'NumberDurationLiteralInDurationContext') {
        this.durationLiteral(inner[0]);
        return;
      }
    }
    this.fail(n.from, n.to, 'offset takes one duration, optionally negative (offset 5m, offset -5m)');
  }

  private durationLiteral(n: Lezer): number {
    const raw = this.text(n);
    if (/^[0-9.]+(e[+-]?[0-9]+)?$/i.test(raw) || /^0x/i.test(raw)) {
      this.fail(n.from, n.to, `missing unit character in duration "${raw}" (a bare number of seconds ${PROMETHEUS3}); write e.g. ${raw}s`);
    }
    const ms = durationMs(raw);
    if (Number.isNaN(ms)) this.fail(n.from, n.to, `not a valid duration string: "${raw}" (units in order y, w, d, h, m, s, ms)`);
    if (ms === 0) this.fail(n.from, n.to, 'duration must be greater than 0');
    return ms;
  }

  /** A string literal as Prometheus' lexer reads it (`lex.go` `lexString`, `lexEscape`). */
  private string(n: Lezer): string {
    const raw = this.text(n);
    const q = raw[0];
    if (raw.length < 2 || raw[raw.length - 1] !== q) this.fail(n.from, n.to, q === '`' ? 'unterminated raw string' : 'unterminated quoted string');
    const body = raw.slice(1, -1);
    if (q === '`') return body;
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const c = body[i];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = body[++i];
      const simple: Record<string, string> = { 'a': '\x07', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\' };
      if (e in simple || e === q) {
        out += simple[e] ?? q;
        continue;
      }
      const spec = e >= '0' && e <= '7' ? { len: 3, base: 8, max: 255, start: i }
        : e === 'x' ? { len: 2, base: 16, max: 255, start: i + 1 }
          : e === 'u' ? { len: 4, base: 16, max: 0x10ffff, start: i + 1 }
            : e === 'U' ? { len: 8, base: 16, max: 0x10ffff, start: i + 1 } : undefined;
      if (!spec) this.fail(n.from + 1 + i, n.from + 2 + i, `unknown escape sequence U+${(e ?? '').codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} '${e}' (a regex backslash is written \\\\ in a PromQL string)`);
      const digits = body.slice(spec.start, spec.start + spec.len);
      const valid = spec.base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
      if (digits.length !== spec.len || !valid.test(digits)) this.fail(n.from, n.to, `illegal character in escape sequence in ${raw}`);
      const v = parseInt(digits, spec.base);
      if (v > spec.max || (v >= 0xd800 && v < 0xe000)) this.fail(n.from, n.to, `escape sequence is an invalid Unicode code point in ${raw}`);
      out += spec.base === 8 || e === 'x' ? String.fromCharCode(v) : String.fromCodePoint(v);
      i = spec.start + spec.len - 1;
    }
    return out;
  }
}

/** Milliseconds of a Prometheus duration (`model.ParseDuration`), NaN if malformed. */
function durationMs(s: string): number {
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (!m || s === '') return NaN;
  const unit = [365 * 86400e3, 7 * 86400e3, 86400e3, 3600e3, 60e3, 1e3, 1];
  const ms = unit.reduce((sum, u, i) => sum + Number(m[i + 1] ?? 0) * u, 0);
  return ms > Number.MAX_SAFE_INTEGER ? NaN : ms;
}

/** Prometheus' `checkAST`: computes each node's type and records what Prometheus refuses. */
class TypeChecker {
  constructor(private readonly problems: PromqlProblem[]) {}

  private add(node: Base, message: string): void {
    this.problems.push({ from: node.from, to: node.to, message });
  }

  private expect(node: Ast, want: PromqlType, context: string): PromqlType {
    const got = this.check(node);
    if (got !== want) this.add(node, `expected type ${want} in ${context}, got ${got}`);
    return got;
  }

  public check(n: Ast): PromqlType {
    switch (n.kind) {
      case 'number':
        return 'scalar';
      case 'string':
        return 'string';
      case 'paren':
        return this.check(n.expr);
      case 'selector':
        this.selector(n);
        return 'instant vector';
      case 'matrix':
        this.check(n.selector);
        return 'range vector';
      case 'subquery': {
        const t = this.check(n.expr);
        if (t !== 'instant vector') this.add(n, `subquery is only allowed on instant vector, got ${t} instead`);
        return 'range vector';
      }
      case 'unary': {
        const t = this.check(n.expr);
        if (t !== 'scalar' && t !== 'instant vector') this.add(n, `unary expression only allowed on expressions of type scalar or instant vector, got "${t}"`);
        return t;
      }
      case 'call':
        return this.call(n);
      case 'aggregate':
        return this.aggregate(n);
      case 'binary':
        return this.binary(n);
    }
  }

  private selector(n: Extract<Ast, { kind: 'selector' }>): void {
    if (n.name !== undefined) {
      const twice = n.matchers.find(m => m.name === '__name__');
      if (twice) this.add(n, `metric name must not be set twice: "${n.name}" or "${twice.value}"`);
      return;
    }
    // A selector must not select every series (parse.go: "at least one non-empty matcher").
    const nonEmpty = n.matchers.some(m => {
      switch (m.op) {
        case '=': return m.value !== '';
        case '!=': return m.value === '';
        case '=~': return !checkRe2(m.value).matchesEmpty;
        case '!~': return checkRe2(m.value).matchesEmpty;
      }
    });
    if (!nonEmpty) this.add(n, 'vector selector must contain at least one non-empty matcher');
  }

  private call(n: Extract<Ast, { kind: 'call' }>): PromqlType {
    const f = PROMQL_FUNCTIONS[n.name];
    const nargs = f.args.length;
    if (f.variadic === 0) {
      if (nargs !== n.args.length) this.add(n, `expected ${nargs} argument(s) in call to "${n.name}", got ${n.args.length}`);
    } else if (nargs - 1 > n.args.length) {
      this.add(n, `expected at least ${nargs - 1} argument(s) in call to "${n.name}", got ${n.args.length}`);
    } else if (f.variadic > 0 && nargs - 1 + f.variadic < n.args.length) {
      this.add(n, `expected at most ${nargs - 1 + f.variadic} argument(s) in call to "${n.name}", got ${n.args.length}`);
    }
    n.args.forEach((a, i) => {
      if (i >= nargs && f.variadic === 0) return;
      this.expect(a, f.args[Math.min(i, nargs - 1)], `call to function "${n.name}"`);
    });
    this.labelArguments(n);
    return f.returns;
  }

  /**
   * Arguments Prometheus checks on every evaluation, whatever the data (functions.go
   * `funcLabelReplace`, `funcLabelJoin`): label names and the regex. Checked here because a rule
   * with them fails every time it runs.
   */
  private labelArguments(n: Extract<Ast, { kind: 'call' }>): void {
    const str = (a: Ast | undefined): string | undefined => a?.kind === 'paren' ? str(a.expr) : a?.kind === 'string' ? a.value : undefined;
    const label = (a: Ast | undefined, what: string) => {
      const v = str(a);
      if (v !== undefined && !LABEL_NAME.test(v)) this.add(a!, `invalid ${what} label name in ${n.name}(): ${v}`);
    };
    if (n.name === 'label_replace') {
      label(n.args[1], 'destination');
      const re = str(n.args[4]);
      if (re !== undefined && checkRe2(re).error) this.add(n.args[4], `invalid regular expression in label_replace(): ${re} (${checkRe2(re).error})`);
    } else if (n.name === 'label_join') {
      label(n.args[1], 'destination');
      n.args.slice(3).forEach(a => label(a, 'source'));
    }
  }

  private aggregate(n: Extract<Ast, { kind: 'aggregate' }>): PromqlType {
    const paramType = PROMQL_AGGREGATIONS[n.op];
    const expr = n.args[n.args.length - 1];
    this.expect(expr, 'instant vector', 'aggregation expression');
    if (paramType) {
      this.expect(n.args[0], paramType, 'aggregation parameter');
      const p = n.args[0];
      if (n.op === 'count_values' && p.kind === 'string' && !LABEL_NAME.test(p.value)) {
        // engine.go evaluates `count_values` only after checking the label name.
        this.add(p, `invalid label name "${p.value}"`);
      }
    }
    return 'instant vector';
  }

  private binary(n: Extract<Ast, { kind: 'binary' }>): PromqlType {
    const lt = this.check(n.lhs);
    const rt = this.check(n.rhs);
    const comparison = COMPARISONS.has(n.op);
    const setOp = SET_OPS.has(n.op);
    if (n.bool && !comparison) this.add(n, 'bool modifier can only be used on comparison operators');
    if (comparison && !n.bool && lt === 'scalar' && rt === 'scalar') this.add(n, 'comparisons between scalars must use BOOL modifier');
    const m = n.matching;
    if (m?.on) {
      for (const l of m.include) if (m.labels.includes(l)) this.add(n, `label "${l}" must not occur in ON and GROUP clause at once`);
    }
    if (lt !== 'scalar' && lt !== 'instant vector') this.add(n.lhs, 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'instant vector') this.add(n.rhs, 'binary expression must contain only scalar and instant vector types');
    if (lt !== 'instant vector' || rt !== 'instant vector') {
      if (m && m.labels.length > 0) this.add(n, 'vector matching only allowed between instant vectors');
    } else if (setOp && m?.group) {
      this.add(n, `no grouping allowed for "${n.op}" operation`);
    }
    if ((lt === 'scalar' || rt === 'scalar') && setOp) this.add(n, `set operator "${n.op}" not allowed in binary scalar expression`);
    return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'instant vector';
  }
}

/** A label name as Prometheus 2 and the operator's default (legacy) validation accept it. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
