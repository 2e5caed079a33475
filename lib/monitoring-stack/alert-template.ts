/**
 * Parses an alert annotation or label the way Prometheus does before loading a rule: as a Go
 * text/template with Prometheus' functions and the variables it predefines. A template Go cannot
 * parse fails `promtool check rules` and makes the Prometheus Operator drop the whole PrometheusRule.
 *
 * Prometheus (model/rulefmt/rulefmt.go `testTemplateParsing`, identical at v2.42.0 and v3.13.1)
 * prepends `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL :=
 * .ExternalURL}}{{$value := .Value}}` and calls template/template.go `ParseTest`:
 * `text/template.New(name).Funcs(funcMap).Option("missingkey=zero").Parse(text)`.
 *
 * Reimplemented from Go 1.19.8's src/text/template/parse (lex.go, parse.go; the Go that Debian's
 * promtool 2.42 is built with; later Go only accepts more, e.g. `{{else with}}` from 1.23, which
 * this refuses): delimiters and trim markers, comments, strings, numbers, fields, variables
 * (declared before use, scoped to their block), pipelines, `if`/`else`/`else if`/`range`/
 * `with`/`define`/`block`/`template`/`break`/`continue`/`end` nesting, and function names
 * (Go's builtins plus Prometheus' funcMap). What only execution finds (a missing label, a wrong
 * argument type) is not a parse error in Go either.
 */

/**
 * Go's text/template builtins (text/template/funcs.go at go1.19.8) and the functions Prometheus
 * registers (template/template.go `NewTemplateExpander` funcMap) at both v2.42.0 and v3.13.1;
 * `now`, `toDuration` and `urlQueryEscape` are Prometheus 3 only.
 */
export const TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
  'args', 'externalURL', 'first', 'graphLink', 'humanize', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp',
  'label', 'match', 'parseDuration', 'pathPrefix', 'query', 'reReplaceAll', 'safeHtml', 'sortByLabel', 'stripDomain',
  'stripPort', 'strvalue', 'tableLink', 'title', 'toLower', 'toTime', 'toUpper', 'value',
]);

/** Variables Prometheus declares before the user's text. */
const PREDEFINED = ['$', '$labels', '$externalLabels', '$externalURL', '$value'];

type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'complex' | 'assign' | 'declare' | 'eof' | 'field' | 'identifier'
  | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim' | 'rightParen' | 'space' | 'string'
  | 'text' | 'variable' | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range'
  | 'template' | 'with';
interface Item { readonly type: ItemType; readonly val: string }

const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot',
  'block': 'block',
  'break': 'break',
  'continue': 'continue',
  'define': 'define',
  'else': 'else',
  'end': 'end',
  'if': 'if',
  'range': 'range',
  'nil': 'nil',
  'template': 'template',
  'with': 'with',
};

class TemplateError extends Error {}

const isSpace = (r: string | undefined) => r === ' ' || r === '\t' || r === '\r' || r === '\n';
const isAlphaNumeric = (r: string | undefined) => r !== undefined && /^[_\p{L}\p{Nd}]$/u.test(r);

/** Go's text/template lexer (lex.go), producing every item up front. */
function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const emit = (type: ItemType) => {
    items.push({ type, val: input.slice(start, pos) });
    start = pos;
  };
  const fail = (msg: string): never => {
    throw new TemplateError(msg);
  };
  const hasLeftTrim = (s: string) => s.length >= 2 && s[0] === '-' && isSpace(s[1]);
  const hasRightTrim = (s: string) => s.length >= 2 && isSpace(s[0]) && s[1] === '-';
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrim(input.slice(pos)) && input.startsWith('}}', pos + 2)) return [true, true];
    return [input.startsWith('}}', pos), false];
  };
  const atTerminator = () => {
    const r = input[pos];
    return r === undefined || isSpace(r) || '.,|:)('.includes(r) || input.startsWith('}}', pos);
  };
  const scanNumber = (): boolean => {
    if ('+-'.includes(input[pos] ?? 'x')) pos++;
    let digits = '0123456789_';
    if (input[pos] === '0') {
      pos++;
      const b = input[pos];
      if (b === 'x' || b === 'X') { pos++; digits = '0123456789abcdefABCDEF_'; } else if (b === 'o' || b === 'O') { pos++; digits = '01234567_'; } else if (b === 'b' || b === 'B') { pos++; digits = '01_'; }
    }
    const run = (set: string) => { while (input[pos] !== undefined && set.includes(input[pos])) pos++; };
    run(digits);
    if (input[pos] === '.') { pos++; run(digits); }
    if (digits.length === 11 && (input[pos] === 'e' || input[pos] === 'E')) { pos++; if ('+-'.includes(input[pos] ?? 'x')) pos++; run('0123456789_'); }
    if (digits.length === 23 && (input[pos] === 'p' || input[pos] === 'P')) { pos++; if ('+-'.includes(input[pos] ?? 'x')) pos++; run('0123456789_'); }
    if (input[pos] === 'i') pos++;
    if (isAlphaNumeric(input[pos])) { pos++; return false; }
    return true;
  };

  for (;;) {
    // lexText
    const x = input.indexOf('{{', pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      emit('eof');
      return items;
    }
    pos = x;
    let trim = 0;
    if (hasLeftTrim(input.slice(pos + 2))) trim = input.slice(start, pos).length - input.slice(start, pos).trimEnd().length;
    pos -= trim;
    if (pos > start) emit('text');
    pos += trim;
    start = pos;
    // lexLeftDelim
    pos += 2;
    const afterMarker = hasLeftTrim(input.slice(pos)) ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker + 2;
      const i = input.indexOf('*/', pos);
      if (i < 0) fail('unclosed comment');
      pos = i + 2;
      const [delim, trimSpace] = atRightDelim();
      if (!delim) fail('comment ends before closing delimiter');
      pos += (trimSpace ? 2 : 0) + 2;
      if (trimSpace) while (isSpace(input[pos])) pos++;
      start = pos;
      continue;
    }
    emit('leftDelim');
    pos += afterMarker;
    start = pos;
    parenDepth = 0;
    // lexInsideAction, until the right delimiter
    for (;;) {
      const [delim, trimSpace] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) fail('unclosed left paren');
        if (trimSpace) { pos += 2; start = pos; }
        pos += 2;
        emit('rightDelim');
        if (trimSpace) { while (isSpace(input[pos])) pos++; start = pos; }
        break;
      }
      const r = input[pos];
      if (r === undefined) fail('unclosed action');
      if (isSpace(r)) {
        let n = 0;
        while (isSpace(input[pos])) { pos++; n++; }
        if (hasRightTrim(input.slice(pos - 1)) && input.startsWith('}}', pos - 1 + 2)) {
          pos--;
          if (n === 1) { start = pos; continue; }
        }
        emit('space');
        continue;
      }
      pos++;
      if (r === '=') {emit('assign');} else if (r === ':') {
        if (input[pos] !== '=') fail('expected :=');
        pos++;
        emit('declare');
      } else if (r === '|') {emit('pipe');} else if (r === '"') {
        for (;;) {
          const c = input[pos++];
          if (c === '\\') { const d = input[pos++]; if (d !== undefined && d !== '\n') continue; fail('unterminated quoted string'); }
          if (c === undefined || c === '\n') fail('unterminated quoted string');
          if (c === '"') break;
        }
        emit('string');
      } else if (r === '`') {
        const end = input.indexOf('`', pos);
        if (end < 0) fail('unterminated raw quoted string');
        pos = end + 1;
        emit('rawString');
      } else if (r === '$' || (r === '.' && !(input[pos] >= '0' && input[pos] <= '9'))) {
        // lexVariable / lexField
        if (atTerminator()) { emit(r === '$' ? 'variable' : 'dot'); continue; }
        while (isAlphaNumeric(input[pos])) pos++;
        if (!atTerminator()) fail(`bad character ${goRune(input[pos])}`);
        emit(r === '$' ? 'variable' : 'field');
      } else if (r === "'") {
        for (;;) {
          const c = input[pos++];
          if (c === '\\') { const d = input[pos++]; if (d !== undefined && d !== '\n') continue; fail('unterminated character constant'); }
          if (c === undefined || c === '\n') fail('unterminated character constant');
          if (c === "'") break;
        }
        emit('charConstant');
      } else if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
        pos--;
        if (!scanNumber()) fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        if (input[pos] === '+' || input[pos] === '-') {
          if (!scanNumber() || input[pos - 1] !== 'i') fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
          emit('complex');
        } else {emit('number');}
      } else if (isAlphaNumeric(r)) {
        while (isAlphaNumeric(input[pos])) pos++;
        const word = input.slice(start, pos);
        if (!atTerminator()) fail(`bad character ${goRune(input[pos])}`);
        const kw = KEYWORDS[word];
        emit(kw ?? (word === 'true' || word === 'false' ? 'bool' : 'identifier'));
      } else if (r === '(') { emit('leftParen'); parenDepth++; } else if (r === ')') {
        emit('rightParen');
        if (--parenDepth < 0) fail(`unexpected right paren ${goRune(r)}`);
      } else if (r.charCodeAt(0) < 0x7f && r.charCodeAt(0) >= 0x20) {emit('char');} else {fail(`unrecognized character in action: ${goRune(r)}`);}
    }
  }
}

/** Go's `%#U` of a rune: `U+002D '-'`. */
function goRune(r: string | undefined): string {
  if (r === undefined) return 'EOF';
  return `U+${r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${r}'`;
}

type NodeKind = 'text' | 'action' | 'end' | 'else' | 'control' | 'template' | 'break' | 'continue';

/** Go's text/template parser (parse.go), keeping only what decides whether parsing fails. */
class TemplateParser {
  private i = 0;
  private vars: string[] = [...PREDEFINED];
  private rangeDepth = 0;

  constructor(private readonly items: Item[]) {}

  private next(): Item { return this.items[this.i++]; }
  private peek(): Item { return this.items[this.i]; }
  private backup(n = 1): void { this.i -= n; }
  private nextNonSpace(): Item {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private fail(msg: string): never { throw new TemplateError(msg); }
  private unexpected(t: Item, context: string): never {
    if (t.type === 'error') this.fail(t.val);
    this.fail(`unexpected ${describeItem(t)} in ${context}`);
  }
  private expect(type: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  public parse(): void {
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const at = this.i;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.definition();
          continue;
        }
        this.i = at;
      }
      const n = this.textOrAction();
      if (n === 'end' || n === 'else') this.fail(`unexpected {{${n}}}`);
    }
  }

  private definition(): void {
    const name = this.nextNonSpace();
    if (name.type !== 'string' && name.type !== 'rawString') this.unexpected(name, 'define clause');
    this.unquote(name.val);
    this.expect('rightDelim', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const end = this.itemList();
    if (end !== 'end') this.fail(`unexpected {{${end}}} in define clause`);
    this.vars = saved;
  }

  /** Items up to `{{end}}` or `{{else}}`, which it returns. */
  private itemList(): 'end' | 'else' {
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n === 'end' || n === 'else') return n;
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): NodeKind {
    const t = this.nextNonSpace();
    if (t.type === 'text') return 'text';
    if (t.type === 'leftDelim') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): NodeKind {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'block': return this.block();
      case 'break':
      case 'continue': {
        const after = this.nextNonSpace();
        if (after.type !== 'rightDelim') this.unexpected(after, `{{${t.type}}}`);
        if (this.rangeDepth === 0) this.fail(`{{${t.type}}} outside {{range}}`);
        return t.type;
      }
      case 'else': {
        const p = this.peekNonSpace();
        if (p.type === 'if') return 'else'; // `{{else if`: the `if` is left pending
        if (p.type === 'with') this.fail('unexpected <with> in else (else with needs Go 1.23; Prometheus 2 is built with an older Go)');
        this.expect('rightDelim', 'else');
        return 'else';
      }
      case 'end':
        this.expect('rightDelim', 'end');
        return 'end';
      case 'if': return this.control(true, 'if');
      case 'range': return this.control(false, 'range');
      case 'with': return this.control(false, 'with');
      case 'template': {
        const name = this.nextNonSpace();
        this.templateName(name, 'template clause');
        if (this.nextNonSpace().type !== 'rightDelim') {
          this.backup();
          this.pipeline('template clause', 'rightDelim');
        }
        return 'template';
      }
    }
    this.backup();
    this.pipeline('command', 'rightDelim');
    return 'action';
  }

  private block(): NodeKind {
    this.templateName(this.nextNonSpace(), 'block clause');
    this.pipeline('block clause', 'rightDelim');
    const saved = this.vars;
    this.vars = ['$'];
    const end = this.itemList();
    if (end !== 'end') this.fail(`unexpected {{${end}}} in block clause`);
    this.vars = saved;
    return 'template';
  }

  private templateName(t: Item, context: string): void {
    if (t.type !== 'string' && t.type !== 'rawString') this.unexpected(t, context);
    this.unquote(t.val);
  }

  private control(allowElseIf: boolean, context: 'if' | 'range' | 'with'): NodeKind {
    const depth = this.vars.length;
    this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    let next = this.itemList();
    if (context === 'range') this.rangeDepth--;
    if (next === 'else') {
      if (allowElseIf && this.peekNonSpace().type === 'if') {
        this.nextNonSpace();
        this.control(true, 'if'); // its {{end}} closes both
      } else {
        next = this.itemList();
        if (next !== 'end') this.fail(`expected end; found {{${next}}}`);
      }
    }
    this.vars = this.vars.slice(0, depth);
    return 'control';
  }

  private pipeline(context: string, end: ItemType): void {
    let commands = 0;
    const firstArgs: Item[] = [];
    // Declarations: `$x :=`, `$x =`, and in range `$i, $x :=`.
    let decls = 0;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const at = this.i;
      this.nextNonSpace();
      const n = this.peekNonSpace();
      if (n.type === 'assign' || n.type === 'declare') {
        this.nextNonSpace();
        this.vars.push(v.val);
        decls++;
        break;
      } else if (n.type === 'char' && n.val === ',') {
        this.nextNonSpace();
        this.vars.push(v.val);
        decls++;
        if (context === 'range' && decls < 2) {
          const p = this.peekNonSpace().type;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      } else {
        this.i = at;
        break;
      }
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        if (commands === 0) this.fail(`missing value for ${context}`);
        firstArgs.slice(1).forEach((a, k) => {
          if (['bool', 'dot', 'nil', 'number', 'string', 'rawString', 'charConstant', 'complex'].includes(a.type)) {
            this.fail(`non executable command in pipeline stage ${k + 2}`);
          }
        });
        return;
      }
      if (['bool', 'charConstant', 'complex', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'].includes(t.type)) {
        this.backup();
        firstArgs.push(this.command());
        commands++;
      } else {
        this.unexpected(t, context);
      }
    }
  }

  /** A command; returns its first operand's token (Go refuses literals after the first stage). */
  private command(): Item {
    let first: Item | undefined;
    for (;;) {
      this.peekNonSpace();
      const startTok = this.peek();
      if (this.operand() && !first) first = startTok;
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (!first) this.fail('empty command');
    return first;
  }

  private operand(): boolean {
    const term = this.term();
    if (!term) return false;
    if (this.peek().type === 'field') {
      if (['bool', 'string', 'rawString', 'number', 'nil', 'dot', 'charConstant', 'complex'].includes(term.type)) {
        this.fail(`unexpected . after term ${JSON.stringify(term.val)}`);
      }
      while (this.peek().type === 'field') this.next();
    }
    return true;
  }

  private term(): Item | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!TEMPLATE_FUNCTIONS.has(t.val)) this.fail(`function "${t.val}" not defined`);
        return t;
      case 'dot': case 'nil': case 'field': case 'bool':
        return t;
      case 'variable': {
        const name = t.val.split('.')[0];
        if (!this.vars.includes(name)) this.fail(`undefined variable "${name}"`);
        return t;
      }
      case 'charConstant': case 'complex': case 'number':
        number(t);
        return t;
      case 'leftParen':
        this.pipeline('parenthesized pipeline', 'rightParen');
        return t;
      case 'string': case 'rawString':
        this.unquote(t.val);
        return t;
    }
    this.backup();
    return undefined;
  }

  private unquote(s: string): void {
    if (s.startsWith('`')) return;
    // strconv.Unquote of a Go double-quoted string.
    const body = s.slice(1, -1);
    const esc = /\\(?:[abfnrtv\\"]|[0-7]{3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|\\/g;
    for (const m of body.matchAll(esc)) {
      if (m[0] === '\\') this.fail('invalid syntax');
      const hex = /^\\[uU]/.test(m[0]) ? parseInt(m[0].slice(2), 16) : -1;
      if (hex > 0x10ffff || (hex >= 0xd800 && hex < 0xe000)) this.fail('invalid syntax');
      if (/^\\[0-7]/.test(m[0]) && parseInt(m[0].slice(1), 8) > 255) this.fail('invalid syntax');
    }
  }
}

/** Go's `newNumber`: a number token must be an integer, float, complex or character constant. */
function number(t: Item): void {
  const v = t.val;
  if (t.type === 'charConstant') {
    if (!/^'(?:[^\\']|\\(?:[abfnrtv\\']|[0-7]{3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))'$/u.test(v)) throw new TemplateError(`malformed character constant: ${v}`);
    return;
  }
  // Go's integer literals (with `_` between digits and base prefixes), decimal floats, and either
  // as an imaginary number; Go also reads hex floats, which alert templates have no use for.
  const int = '0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|\\d(?:_?\\d)*';
  const float = '\\d+\\.\\d*(?:[eE][+-]?\\d+)?|\\d+[eE][+-]?\\d+|\\.\\d+(?:[eE][+-]?\\d+)?';
  if (t.type === 'number' && new RegExp(`^[+-]?(?:${float}|${int})i?$`).test(v)) return;
  if (t.type === 'complex' && new RegExp(`^[+-]?(?:${float}|\\d+)[+-](?:${float}|\\d+)i$`).test(v)) return;
  throw new TemplateError(`illegal number syntax: ${JSON.stringify(v)}`);
}

function describeItem(t: Item): string {
  switch (t.type) {
    case 'eof': return 'EOF';
    case 'rightDelim': return '"}}"';
    case 'leftDelim': return '"{{"';
    default: return ['block', 'break', 'continue', 'dot', 'define', 'else', 'end', 'if', 'nil', 'range', 'template', 'with'].includes(t.type)
      ? `<${t.val}>` : JSON.stringify(t.val.length > 10 ? `${t.val.slice(0, 10)}...` : t.val);
  }
}

/**
 * Parses `text` as Prometheus parses an alert's annotation or label; returns Go's error message,
 * or undefined when it parses.
 */
export function checkAlertTemplate(text: string): string | undefined {
  try {
    new TemplateParser(lex(text)).parse();
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    // Thousands of nested blocks overflow the stack here (not in Go): refuse rather than crash.
    if (e instanceof RangeError) return 'the template nests too deeply to check';
    throw e;
  }
}
