/**
 * Translates Prometheus's regular-expression syntax (Go's RE2) into an equivalent JavaScript
 * RegExp, fully anchored and with `.` matching newlines, as Prometheus 3 compiles matchers:
 * `^(?s:<re>)$`. Constructs whose meaning cannot be kept exactly are rejected with a
 * `RegexSyntaxError`, never silently changed.
 */
export class RegexSyntaxError extends Error {
  override name = 'RegexSyntaxError';
  readonly pattern: string;
  readonly reason: string;

  constructor(pattern: string, reason: string) {
    super(`error parsing regexp: ${reason} in \`${pattern}\``);
    this.pattern = pattern;
    this.reason = reason;
  }
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/** The JavaScript source equivalent to RE2 `re`, not yet anchored. */
export function translateRe2(re: string, initial: Flags = { i: false, m: false, s: true }): string {
  return new Re2Translator(re, initial).translate();
}

/** Compiles a Prometheus regex matcher value: anchored, `.` matches `\n`. */
export function compileAnchoredRegex(re: string): RegExp {
  const source = translateRe2(re);
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    throw new RegexSyntaxError(re, (err as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

// RE2's Perl classes are ASCII-only. JS's \d and \w are too (without the i flag's Unicode
// folding of \w, which we never combine with them: see escapeOutsideClass), but JS's \s also
// matches \v and Unicode spaces, so \s is spelled out.
const PERL_CLASS_BODY: Record<string, string> = { d: '0-9', w: '0-9A-Za-z_', s: '\\t\\n\\f\\r ' };

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\\x07',
  f: '\\f',
  t: '\\t',
  n: '\\n',
  r: '\\r',
  v: '\\v',
};
const JS_SYNTAX_CHARS = '^$\\.*+?()[]{}|/';
const MAX_REPEAT = 1000;

interface Group {
  flags: Flags;
  // Extra `(?i:` wrappers opened by a bare flag group `(?i)` inside this group.
  wrappers: number;
  wrapperPrefix: string;
}

class Re2Translator {
  #pos = 0;
  #out = '';
  readonly #stack: Group[];

  readonly re: string;

  constructor(re: string, initial: Flags) {
    this.re = re;
    this.#stack = [{ flags: { ...initial }, wrappers: 0, wrapperPrefix: '' }];
  }

  translate(): string {
    const re = this.re;
    while (this.#pos < re.length) {
      const c = re[this.#pos]!;
      switch (c) {
        case '\\':
          this.#escapeOutsideClass();
          break;
        case '[':
          this.#characterClass();
          break;
        case '(':
          this.#openGroup();
          break;
        case ')':
          this.#closeGroup();
          break;
        case '|':
          this.#alternation();
          break;
        case '.':
          this.#out += this.#flags().s ? '[^]' : '[^\\n]';
          this.#pos++;
          break;
        case '^':
          this.#out += this.#flags().m ? '(?:^|(?<=\\n))' : '^';
          this.#pos++;
          break;
        case '$':
          this.#out += this.#flags().m ? '(?:$|(?=\\n))' : '$';
          this.#pos++;
          break;
        case '{':
          this.#brace();
          break;
        case '}':
          this.#out += '\\}';
          this.#pos++;
          break;
        case '*':
        case '+':
        case '?':
          this.#quantifier(c);
          break;
        default:
          this.#out += c;
          this.#pos++;
      }
    }
    if (this.#stack.length > 1) this.#fail('missing closing )');
    this.#out += ')'.repeat(this.#top().wrappers);
    return this.#out;
  }

  #flags(): Flags {
    return this.#top().flags;
  }

  #top(): Group {
    return this.#stack[this.#stack.length - 1]!;
  }

  #fail(reason: string): never {
    throw new RegexSyntaxError(this.re, reason);
  }

  #quantifier(c: string): void {
    this.#out += c;
    this.#pos++;
    if (this.re[this.#pos] === '?') {
      this.#out += '?';
      this.#pos++;
    }
    const next = this.re[this.#pos];
    if (next === '*' || next === '+' || next === '?')
      this.#fail(`invalid nested repetition operator: \`${c}${next}\``);
  }

  #brace(): void {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.re.slice(this.#pos));
    if (!m) {
      // RE2 reads a brace that does not form a repetition as a literal.
      this.#out += '\\{';
      this.#pos++;
      return;
    }
    const min = Number(m[1]);
    const max = m[3] === undefined || m[3] === '' ? min : Number(m[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || (m[3] !== undefined && m[3] !== '' && max < min)) {
      this.#fail(`invalid repeat count: \`${m[0]}\``);
    }
    this.#out += m[0];
    this.#pos += m[0].length;
    if (this.re[this.#pos] === '?') {
      this.#out += '?';
      this.#pos++;
    }
  }

  #alternation(): void {
    // A bare flag group's wrapper must not swallow the alternation: close and reopen it.
    const group = this.#top();
    this.#out += `${')'.repeat(group.wrappers)}|${group.wrapperPrefix}`;
    this.#pos++;
  }

  #openGroup(): void {
    const re = this.re;
    const parent = this.#flags();
    if (re[this.#pos + 1] !== '?') {
      this.#stack.push({ flags: { ...parent }, wrappers: 0, wrapperPrefix: '' });
      this.#out += '(';
      this.#pos++;
      return;
    }
    const rest = re.slice(this.#pos + 2);
    const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named) {
      this.#stack.push({ flags: { ...parent }, wrappers: 0, wrapperPrefix: '' });
      this.#out += `(?<${named[1]}>`;
      this.#pos += 2 + named[0].length;
      return;
    }
    const flagGroup = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
    if (!flagGroup || (flagGroup[1] === '' && flagGroup[2] === undefined && flagGroup[3] === ')')) {
      this.#fail(`invalid or unsupported Perl syntax: \`${re.slice(this.#pos, this.#pos + 3)}\``);
    }
    const [whole, on = '', off] = flagGroup;
    if (off === '' || (on === '' && off === undefined && flagGroup[3] === ')')) {
      this.#fail(`missing argument to flag group: \`${re.slice(this.#pos, this.#pos + 2 + whole.length)}\``);
    }
    if (on.includes('U') || off?.includes('U'))
      this.#fail('the ungreedy flag (?U) has no JavaScript equivalent');
    const flags = { ...parent };
    for (const f of on) flags[f as keyof Flags] = true;
    for (const f of off ?? '') flags[f as keyof Flags] = false;
    const modifier = flags.i === parent.i ? '' : flags.i ? 'i' : '-i';
    this.#pos += 2 + whole.length;
    if (flagGroup[3] === ':') {
      this.#stack.push({ flags, wrappers: 0, wrapperPrefix: '' });
      this.#out += modifier === '' ? '(?:' : `(?${modifier}:`;
      return;
    }
    // `(?i)` changes the flags until the end of the enclosing group.
    const group = this.#top();
    group.flags = flags;
    if (modifier !== '') {
      const prefix = `(?${modifier}:`;
      this.#out += prefix;
      group.wrappers++;
      group.wrapperPrefix += prefix;
    }
  }

  #closeGroup(): void {
    if (this.#stack.length === 1) this.#fail('unexpected )');
    const group = this.#stack.pop()!;
    this.#out += `${')'.repeat(group.wrappers)})`;
    this.#pos++;
  }

  #escapeOutsideClass(): void {
    const re = this.re;
    const c = re[this.#pos + 1];
    if (c === undefined) this.#fail('trailing backslash at end of expression');
    if (c === 'Q') {
      const end = re.indexOf('\\E', this.#pos + 2);
      const literal = re.slice(this.#pos + 2, end < 0 ? re.length : end);
      this.#out += literalToJs(literal);
      this.#pos = end < 0 ? re.length : end + 2;
      return;
    }
    if (c === 'A') {
      this.#out += '^';
      this.#pos += 2;
      return;
    }
    if (c === 'z') {
      this.#out += '$';
      this.#pos += 2;
      return;
    }
    if (c === 'b' || c === 'B') {
      if (this.#flags().i) this.#fail(`\\${c} under the i flag has no exact JavaScript equivalent`);
      this.#out += `\\${c}`;
      this.#pos += 2;
      return;
    }
    if (c === 'd' || c === 'w' || c === 's') {
      this.#out += `[${PERL_CLASS_BODY[c]}]`;
      this.#pos += 2;
      return;
    }
    if (c === 'D' || c === 'W' || c === 'S') {
      this.#out += `[^${PERL_CLASS_BODY[c.toLowerCase()]}]`;
      this.#pos += 2;
      return;
    }
    this.#out += this.#commonEscape('outside');
  }

  // Escapes that mean the same inside and outside a class: literals, code points, \p.
  #commonEscape(where: 'inside' | 'outside'): string {
    const re = this.re;
    const c = re[this.#pos + 1]!;
    if (c === 'p' || c === 'P') return this.#unicodeClass(c === 'P');
    if (c === 'x') return this.#hexEscape();
    if (c >= '0' && c <= '7') return this.#octalEscape();
    if (c === '8' || c === '9') this.#fail(`invalid escape sequence: \`\\${c}\``);
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      this.#pos += 2;
      return simple;
    }
    if (/[A-Za-z0-9]/.test(c)) this.#fail(`invalid escape sequence: \`\\${c}\``);
    // Any other escaped punctuation is that character, literally.
    this.#pos += 2;
    return where === 'inside' ? classLiteral(c) : literalToJs(c);
  }

  #unicodeClass(negated: boolean): string {
    const re = this.re;
    let name: string;
    let length: number;
    if (re[this.#pos + 2] === '{') {
      const end = re.indexOf('}', this.#pos + 3);
      if (end < 0) this.#fail('invalid character class range: missing }');
      name = re.slice(this.#pos + 3, end);
      length = end + 1 - this.#pos;
    } else {
      name = re[this.#pos + 2] ?? '';
      length = 3;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const property = unicodeProperty(name);
    if (property === undefined) this.#fail(`invalid character class range: \`\\p{${name}}\``);
    this.#pos += length;
    return `\\${negated ? 'P' : 'p'}{${property}}`;
  }

  #hexEscape(): string {
    const re = this.re;
    if (re[this.#pos + 2] === '{') {
      const m = /^\{([0-9A-Fa-f]{1,8})\}/.exec(re.slice(this.#pos + 2));
      if (!m || Number.parseInt(m[1]!, 16) > 0x10ffff) this.#fail('invalid escape sequence: `\\x{`');
      this.#pos += 2 + m[0].length;
      return codePointToJs(Number.parseInt(m[1]!, 16));
    }
    const m = /^[0-9A-Fa-f]{2}/.exec(re.slice(this.#pos + 2));
    if (!m) this.#fail('invalid escape sequence: `\\x`');
    this.#pos += 4;
    return codePointToJs(Number.parseInt(m[0], 16));
  }

  #octalEscape(): string {
    const re = this.re;
    const m = /^[0-7]{1,3}/.exec(re.slice(this.#pos + 1))!;
    // As Go: a single non-zero digit would be a backreference, which RE2 does not have.
    if (m[0].length === 1 && m[0] !== '0') this.#fail(`invalid escape sequence: \`\\${m[0]}\``);
    this.#pos += 1 + m[0].length;
    return codePointToJs(Number.parseInt(m[0], 8));
  }

  #characterClass(): void {
    const re = this.re;
    const start = this.#pos;
    this.#pos++;
    let negated = false;
    if (re[this.#pos] === '^') {
      negated = true;
      this.#pos++;
    }
    let body = '';
    let first = true;
    // A negated item ([:^alpha:], \S) is exact only as the class's sole item: [\S] is [^\s].
    const negateSoleItem = (positive: string, item: string): void => {
      if (body !== '' || re[this.#pos + item.length] !== ']') {
        this.#fail(
          `${item} combined with other items in a character class has no exact JavaScript equivalent`,
        );
      }
      negated = !negated;
      body = positive;
      this.#pos += item.length;
    };
    while (true) {
      const c = re[this.#pos];
      if (c === undefined) this.#fail(`missing closing ]: \`${re.slice(start)}\``);
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && re[this.#pos + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(re.slice(this.#pos));
        if (m) {
          const posix = POSIX_CLASSES[m[2]!];
          if (posix === undefined) this.#fail(`invalid character class range: \`${m[0]}\``);
          if (m[1] === '^') {
            negateSoleItem(posix, m[0]);
            continue;
          }
          body += posix;
          this.#pos += m[0].length;
          continue;
        }
      }
      if (c === '\\') {
        const e = re[this.#pos + 1];
        if (e === 'd' || e === 'w' || e === 's') {
          body += PERL_CLASS_BODY[e];
          this.#pos += 2;
        } else if (e === 'D' || e === 'W' || e === 'S') {
          negateSoleItem(PERL_CLASS_BODY[e.toLowerCase()]!, `\\${e}`);
        } else if (e === 'Q') {
          const end = re.indexOf('\\E', this.#pos + 2);
          const literal = re.slice(this.#pos + 2, end < 0 ? re.length : end);
          for (const ch of literal) body += classLiteral(ch);
          this.#pos = end < 0 ? re.length : end + 2;
        } else if (e === undefined) {
          this.#fail('trailing backslash at end of expression');
        } else {
          body += this.#commonEscape('inside');
        }
        continue;
      }
      if (c === '-' && re[this.#pos + 1] !== ']' && body !== '' && !body.endsWith('-')) {
        body += '-';
      } else {
        body += classLiteral(c);
      }
      this.#pos++;
    }
    this.#pos++;
    this.#out += `[${negated ? '^' : ''}${body}]`;
  }
}

function codePointToJs(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function literalToJs(text: string): string {
  let out = '';
  for (const ch of text) out += JS_SYNTAX_CHARS.includes(ch) ? `\\${ch}` : ch;
  return out;
}

function classLiteral(ch: string): string {
  return '\\]['.includes(ch) || ch === '-' || ch === '^' ? `\\${ch}` : ch;
}

const GENERAL_CATEGORIES = new Set([
  'C',
  'Cc',
  'Cf',
  'Co',
  'Cs',
  'L',
  'Ll',
  'Lm',
  'Lo',
  'Lt',
  'Lu',
  'M',
  'Mc',
  'Me',
  'Mn',
  'N',
  'Nd',
  'Nl',
  'No',
  'P',
  'Pc',
  'Pd',
  'Pe',
  'Pf',
  'Pi',
  'Po',
  'Ps',
  'S',
  'Sc',
  'Sk',
  'Sm',
  'So',
  'Z',
  'Zl',
  'Zp',
  'Zs',
]);

function unicodeProperty(name: string): string | undefined {
  if (GENERAL_CATEGORIES.has(name)) return name;
  if (name === 'Any') return 'Any';
  if (!/^[A-Z][A-Za-z_]*$/.test(name)) return undefined;
  try {
    new RegExp(`\\p{Script=${name}}`, 'u');
    return `Script=${name}`;
  } catch {
    return undefined;
  }
}
