/**
 * Checks a label-matcher regex the way Prometheus compiles it: Go's RE2 syntax (`regexp.Compile`,
 * Perl flags), not JavaScript's. A regex Go refuses fails the whole PromQL expression.
 *
 * Reimplements the error cases of Go 1.19's regexp/syntax/parse.go (the Go promtool 2.42 is built
 * with; the syntax has only grown since): unbalanced parentheses and brackets, a repetition with
 * nothing to repeat or stacked on another (`a**`), counts over 1000 or reversed, unknown escapes
 * (`\e`, backreferences `\1`), unknown `(?` groups (lookaround, and `(?<name>` which Go accepts
 * only from 1.22), reversed ranges, unknown POSIX classes and unknown Unicode classes (`\p{Grek}`).
 *
 * Also answers whether the regex matches the empty string, which decides whether a selector
 * without a metric name selects anything at all.
 */

/** What checking one regex found. */
export interface Re2Check {
  /** Go's error text (`missing closing )`), or undefined when the regex compiles. */
  readonly error?: string;
  /** Whether the fully anchored regex matches "" (meaningful only without error). */
  readonly matchesEmpty: boolean;
}

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const MAX_REPEAT = 1000;

class Re2Error extends Error {}

function isAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}

/**
 * Names `\p{...}` accepts: Go's regexp/syntax `unicodeTable` looks up "Any", unicode.Categories and
 * unicode.Scripts (go1.19.8 src/unicode/tables.go, Unicode 13.0.0; later Go only adds scripts).
 */
const UNICODE_CLASSES: ReadonlySet<string> = new Set(['Any', ...'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '), ...`
  Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki
  Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee
  Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan
  Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati
  Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic
  Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kayah_Li
  Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian
  Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek
  Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean
  Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic
  Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Oriya Osage Osmanya
  Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra
  Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac
  Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta
  Ugaritic Vai Wancho Warang_Citi Yezidi Yi Zanabazar_Square
`.trim().split(/\s+/)]);

function unicodeClassKnown(name: string): boolean {
  return UNICODE_CLASSES.has(name);
}

/** Parses one regex; `pos` walks the pattern. */
class Re2Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly re: string) {}

  /** Returns whether the whole regex can match the empty string. */
  public parse(): boolean {
    const nullable = this.alternation();
    if (this.pos < this.re.length) {
      // Only a `)` stops an alternation at the top level.
      throw new Re2Error(`unexpected ): \`${this.re}\``);
    }
    return nullable;
  }

  private alternation(): boolean {
    let nullable = this.concatenation();
    while (this.peek() === '|') {
      this.pos++;
      nullable = this.concatenation() || nullable;
    }
    return nullable;
  }

  private concatenation(): boolean {
    // Nullability of each item; a repetition with minimum 0 makes its item nullable.
    const items: boolean[] = [];
    // Go refuses a repetition of nothing (`*a`, `(*)`) and one stacked on another (`a**`).
    let last: 'none' | 'item' | 'repeat' = 'none';
    while (this.pos < this.re.length) {
      const c = this.re[this.pos];
      if (c === '|' || c === ')') break;
      const op = this.repeatOp();
      if (op) {
        if (last === 'none') throw new Re2Error(`missing argument to repetition operator: \`${op.text}\``);
        if (last === 'repeat') throw new Re2Error(`invalid nested repetition operator: \`${op.text}\``);
        if (op.min === 0) items[items.length - 1] = true;
        last = 'repeat';
        continue;
      }
      const item = this.item();
      if (item === 'flags') continue; // `(?i)` sets flags and leaves the stack as it was
      items.push(item.nullable);
      last = 'item';
    }
    return items.every(x => x);
  }

  private peek(): string | undefined {
    return this.re[this.pos];
  }

  /** A repetition operator at pos, consumed with its non-greedy `?`; undefined if none. */
  private repeatOp(): { text: string; min: number } | undefined {
    const start = this.pos;
    const c = this.re[this.pos];
    let min: number;
    if (c === '*' || c === '?') {
      min = 0;
      this.pos++;
    } else if (c === '+') {
      min = 1;
      this.pos++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.re.slice(this.pos));
      if (!m) return undefined; // not a count: `{` is a literal
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : m[3] === '' ? -1 : Number(m[3]);
      this.pos += m[0].length;
      if (lo > MAX_REPEAT || hi > MAX_REPEAT || (hi >= 0 && lo > hi)) {
        throw new Re2Error(`invalid repeat count: \`${m[0]}\``);
      }
      min = lo;
    } else {
      return undefined;
    }
    if (this.re[this.pos] === '?') this.pos++;
    return { text: this.re.slice(start, this.pos), min };
  }

  private item(): { nullable: boolean } | 'flags' {
    const c = this.re[this.pos];
    if (c === '(') return this.group();
    if (c === '[') {
      this.charClass();
      return { nullable: false };
    }
    if (c === '^' || c === '$') {
      this.pos++;
      return { nullable: true };
    }
    if (c === '.') {
      this.pos++;
      return { nullable: false };
    }
    if (c === '\\') return this.escapeOutsideClass();
    this.pos += c.codePointAt(0)! > 0xffff ? 2 : 1;
    return { nullable: false };
  }

  private group(): { nullable: boolean } | 'flags' {
    const start = this.pos;
    this.pos++;
    if (++this.depth > 1000) throw new Re2Error('expression nests too deeply');
    if (this.re.startsWith('?', this.pos)) {
      const rest = this.re.slice(this.pos);
      const named = /^\?P<([^>]*)>/.exec(rest);
      if (rest.startsWith('?P<')) {
        if (!named || !/^\w+$/.test(named[1])) throw new Re2Error(`invalid named capture: \`${this.re.slice(start, start + 3 + (named?.[0].length ?? rest.length))}\``);
        this.pos += named[0].length;
      } else {
        // Go's parsePerlFlags: flags, at most one `-` that must be followed by a flag, then `:` or `)`.
        const flags = /^\?([imsU]*)(-[imsU]+)?([:)])/.exec(rest);
        if (!flags) {
          throw new Re2Error(`invalid or unsupported Perl syntax: \`${this.re.slice(start, start + 3)}\``);
        }
        this.pos += flags[0].length;
        if (flags[3] === ')') {
          this.depth--;
          return 'flags';
        }
      }
    }
    const nullable = this.alternation();
    if (this.re[this.pos] !== ')') throw new Re2Error(`missing closing ): \`${this.re}\``);
    this.pos++;
    this.depth--;
    return { nullable };
  }

  private escapeOutsideClass(): { nullable: boolean } {
    const next = this.re[this.pos + 1];
    if (next === undefined) throw new Re2Error('trailing backslash at end of expression');
    if ('AzbB'.includes(next)) {
      this.pos += 2;
      // `\b` needs a word character next to it, so it never matches the empty string.
      return { nullable: next !== 'b' };
    }
    if (next === 'C') {
      this.pos += 2;
      return { nullable: false };
    }
    if (next === 'Q') {
      const end = this.re.indexOf('\\E', this.pos + 2);
      const lit = end < 0 ? this.re.slice(this.pos + 2) : this.re.slice(this.pos + 2, end);
      this.pos = end < 0 ? this.re.length : end + 2;
      return { nullable: lit === '' };
    }
    this.classEscape();
    return { nullable: false };
  }

  /** An escape that stands for one character or a class (`\d`, `\pL`, `\x41`); consumes it. */
  private classEscape(): void {
    const next = this.re[this.pos + 1];
    if (next === undefined) throw new Re2Error('trailing backslash at end of expression');
    if ('dDsSwW'.includes(next)) {
      this.pos += 2;
      return;
    }
    if (next === 'p' || next === 'P') {
      const m = /^\\[pP](\{\^?([A-Za-z_]+)\}|([A-Za-z]))/.exec(this.re.slice(this.pos));
      const name = m?.[2] ?? m?.[3];
      if (!m || !name || !unicodeClassKnown(name)) {
        throw new Re2Error(`invalid character class range: \`${this.re.slice(this.pos, this.pos + (m?.[0].length ?? 2))}\``);
      }
      this.pos += m[0].length;
      return;
    }
    this.escapedChar();
  }

  /** `\n`, `\x41`, `\101`, `\.`: one character; consumes it. */
  private escapedChar(): number {
    const next = this.re[this.pos + 1];
    const bad = () => new Re2Error(`invalid escape sequence: \`${this.re.slice(this.pos, this.pos + 2)}\``);
    if (next === undefined) throw new Re2Error('trailing backslash at end of expression');
    if (next >= '1' && next <= '7' && !/[0-7]/.test(this.re[this.pos + 2] ?? '')) throw bad(); // backreference
    if (next >= '0' && next <= '7') {
      const m = /^[0-7]{1,3}/.exec(this.re.slice(this.pos + 1))!;
      this.pos += 1 + m[0].length;
      return parseInt(m[0], 8);
    }
    if (next === 'x') {
      const m = /^x(\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))/.exec(this.re.slice(this.pos + 1));
      if (!m) throw bad();
      const v = parseInt(m[2] ?? m[3], 16);
      if (v > 0x10ffff) throw bad();
      this.pos += 1 + m[0].length;
      return v;
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (next in simple) {
      this.pos += 2;
      return simple[next];
    }
    if (next.codePointAt(0)! < 0x80 && !isAlnum(next)) {
      this.pos += 2;
      return next.codePointAt(0)!;
    }
    throw bad();
  }

  private charClass(): void {
    const start = this.pos;
    this.pos++;
    if (this.re[this.pos] === '^') this.pos++;
    let first = true;
    for (;;) {
      const c = this.re[this.pos];
      if (c === undefined) throw new Re2Error(`missing closing ]: \`${this.re.slice(start)}\``);
      if (c === ']' && !first) {
        this.pos++;
        return;
      }
      first = false;
      if (this.re.startsWith('[:', this.pos)) {
        const end = this.re.indexOf(':]', this.pos + 2);
        if (end >= 0) {
          const name = this.re.slice(this.pos + 2, end).replace(/^\^/, '');
          if (!POSIX_CLASSES.has(name)) throw new Re2Error(`invalid character class range: \`${this.re.slice(this.pos, end + 2)}\``);
          this.pos = end + 2;
          continue;
        }
      }
      if (c === '\\' && 'dDsSwWpP'.includes(this.re[this.pos + 1] ?? '')) {
        this.classEscape();
        continue;
      }
      const lo = this.classChar();
      if (this.re[this.pos] === '-' && this.re[this.pos + 1] !== undefined && this.re[this.pos + 1] !== ']') {
        const rangeStart = this.pos;
        this.pos++;
        const hi = this.classChar();
        if (hi < lo) throw new Re2Error(`invalid character class range: \`${this.re.slice(rangeStart - 1, this.pos)}\``);
      }
    }
  }

  private classChar(): number {
    if (this.re[this.pos] === '\\') return this.escapedChar();
    const cp = this.re.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/**
 * Checks `re` as Prometheus compiles it (model/labels/regexp.go `NewFastRegexMatcher`): v2.42.0
 * parses it alone (`syntax.Parse(v, syntax.Perl)`) and compiles it anchored, `^(?:re)$`, where an
 * open `\Q` swallows the closing `)$`; v3.13.1 parses it alone too, then compiles the parsed form.
 * A regex must pass both.
 */
export function checkRe2(re: string): Re2Check {
  try {
    new Re2Parser(re).parse();
    const matchesEmpty = new Re2Parser(`^(?:${re})$`).parse();
    return { matchesEmpty };
  } catch (e) {
    if (e instanceof Re2Error) return { error: `error parsing regexp: ${e.message}`, matchesEmpty: false };
    throw e;
  }
}
