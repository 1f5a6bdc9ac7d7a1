import { Matcher, METRIC_NAME, RegexSyntaxError } from '@pyrometer/model';
import type { IToken, TokenType } from 'chevrotain';
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  DurationExpr,
  Expr,
  FillModifier,
  MatrixSelector,
  PosRange,
  ValueTypeName,
  VectorMatching,
  VectorSelector,
} from './ast.ts';
import { AGGREGATORS, aggregatorParamType, EXPERIMENTAL_AGGREGATORS, FUNCTIONS } from './functions.ts';
import * as T from './lexer.ts';
import { tokenEnd } from './lexer.ts';
import { unquoteString } from './strings.ts';
import { typeName, typeOf } from './types.ts';

export interface ParseOptions {
  /** Allow the experimental functions and aggregations (`--enable-feature=promql-experimental-functions`). */
  enableExperimentalFunctions?: boolean;
  /** Allow arithmetic in durations and `step()`/`range()` (`promql-duration-expr`). */
  enableDurationExpressions?: boolean;
  /** Allow `anchored`/`smoothed` after a range (`promql-extended-range-selectors`). */
  enableExtendedRangeSelectors?: boolean;
  /** Allow `fill`, `fill_left`, `fill_right` on binary operators (`promql-binop-fill-modifiers`). */
  enableBinopFillModifiers?: boolean;
  /** The deepest nesting accepted; deeper input is a parse error, never a stack overflow. */
  maxDepth?: number;
}

/** A syntax or type error with its place in the query text. */
export class ParseError extends Error {
  override name = 'ParseError';
  readonly pos: PosRange;
  readonly line: number;
  readonly column: number;
  readonly detail: string;

  constructor(input: string, pos: PosRange, detail: string) {
    const before = input.slice(0, pos.start);
    const line = before.split('\n').length;
    const column = pos.start - before.lastIndexOf('\n');
    super(`${line}:${column}: parse error: ${detail}`);
    this.pos = pos;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '>': 3,
  '<=': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '</': 5,
  '>/': 5,
  '^': 6,
};

const SYMBOL_OPS = new Map<TokenType, BinaryOp>([
  [T.Add, '+'],
  [T.Sub, '-'],
  [T.Mul, '*'],
  [T.Div, '/'],
  [T.Mod, '%'],
  [T.Pow, '^'],
  [T.EqlC, '=='],
  [T.Neq, '!='],
  [T.Lss, '<'],
  [T.Gtr, '>'],
  [T.Lte, '<='],
  [T.Gte, '>='],
  [T.TrimUpper, '</'],
  [T.TrimLower, '>/'],
]);
const WORD_OPS = new Set(['and', 'or', 'unless', 'atan2']);
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'atan2',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);
const COMPARISONS = new Set<BinaryOp>(['==', '!=', '<', '>', '<=', '>=']);
const SET_OPS = new Set<BinaryOp>(['and', 'or', 'unless']);
const DURATION_UNITS: [string, number][] = [
  ['y', 365 * 86400000],
  ['w', 7 * 86400000],
  ['d', 86400000],
  ['h', 3600000],
  ['m', 60000],
  ['s', 1000],
  ['ms', 1],
];

export function isComparison(op: BinaryOp): boolean {
  return COMPARISONS.has(op);
}

export function isSetOperator(op: BinaryOp): boolean {
  return SET_OPS.has(op);
}

/** Parses a Prometheus duration (`1h30m`, `5m`, `100ms`) to milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+)(ms|[smhdwy])/y;
  let ms = 0;
  let last = -1;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) return undefined;
    const unit = DURATION_UNITS.findIndex(([u]) => u === m[2]);
    // Units must come largest first, each at most once, as Prometheus's ParseDuration requires.
    if (unit <= last) return undefined;
    last = unit;
    ms += Number(m[1]) * DURATION_UNITS[unit]![1];
    i = re.lastIndex;
  }
  return i === 0 ? undefined : ms;
}

/** Parses a PromQL expression. Throws ParseError for malformed input; nothing else escapes. */
export function parseExpr(input: string, options: ParseOptions = {}): Expr {
  const lex = T.tokenize(input);
  if (lex.error !== undefined) {
    throw new ParseError(input, { start: lex.error.offset, end: lex.error.offset + 1 }, lex.error.message);
  }
  const parser = new Parser(input, lex.tokens, options);
  return parser.parseTop();
}

class Parser {
  readonly #input: string;
  readonly #tokens: IToken[];
  readonly #opts: ParseOptions;
  readonly #maxDepth: number;
  #i = 0;
  #depth = 0;
  #allowEmptySelector = false;

  constructor(input: string, tokens: IToken[], opts: ParseOptions) {
    this.#input = input;
    this.#tokens = tokens;
    this.#opts = opts;
    this.#maxDepth = opts.maxDepth ?? 1000;
  }

  parseTop(): Expr {
    if (this.#tokens.length === 0) this.#fail({ start: 0, end: 0 }, 'no expression found in input');
    const expr = this.#parseBinary(0);
    const next = this.#peek();
    if (next !== undefined) this.#unexpected(next);
    checkDepth(expr, this.#maxDepth, (pos) => this.#fail(pos, 'expression nested too deeply'));
    return expr;
  }

  // ---- token helpers

  #peek(k = 0): IToken | undefined {
    return this.#tokens[this.#i + k];
  }

  #next(): IToken {
    const t = this.#tokens[this.#i];
    if (t === undefined) this.#failAtEnd('');
    this.#i++;
    return t;
  }

  #eofPos(): PosRange {
    return { start: this.#input.length, end: this.#input.length };
  }

  #is(type: TokenType, k = 0): boolean {
    return this.#peek(k)?.tokenType === type;
  }

  #isWord(word: string, k = 0): boolean {
    const t = this.#peek(k);
    return t !== undefined && t.tokenType === T.Identifier && t.image.toLowerCase() === word;
  }

  #expect(type: TokenType, context: string): IToken {
    const t = this.#peek();
    if (t === undefined) this.#failAtEnd(context);
    if (t.tokenType !== type) this.#unexpected(t, context);
    this.#i++;
    return t;
  }

  #fail(pos: PosRange, detail: string): never {
    throw new ParseError(this.#input, pos, detail);
  }

  #unexpected(t: IToken | undefined, context = ''): never {
    if (t === undefined) this.#failAtEnd(context);
    const suffix = context ? ` ${context}` : '';
    this.#fail(posOf(t), `unexpected ${describe(t)}${suffix}`);
  }

  /**
   * The input ended too early. As Prometheus's lexer, an unclosed bracket is named first:
   * the innermost of `(`, `{` and `[` still open decides the message.
   */
  #failAtEnd(context: string): never {
    const open: TokenType[] = [];
    for (const t of this.#tokens) {
      const type = t.tokenType;
      if (type === T.LeftParen || type === T.LeftBrace || type === T.LeftBracket) open.push(type);
      else if (type === T.RightParen || type === T.RightBrace || type === T.RightBracket) open.pop();
    }
    const innermost = open.at(-1);
    if (innermost === T.LeftParen) this.#fail(this.#eofPos(), 'unclosed left parenthesis');
    if (innermost === T.LeftBrace) this.#fail(this.#eofPos(), 'unexpected end of input inside braces');
    if (innermost === T.LeftBracket) this.#fail(this.#eofPos(), 'unclosed left bracket');
    this.#fail(this.#eofPos(), `unexpected end of input${context ? ` ${context}` : ''}`);
  }

  #enter(t: IToken | undefined): void {
    if (++this.#depth > this.#maxDepth) {
      this.#fail(t === undefined ? this.#eofPos() : posOf(t), 'expression nested too deeply');
    }
  }

  // ---- expressions

  #peekBinaryOp(): BinaryOp | undefined {
    const t = this.#peek();
    if (t === undefined) return undefined;
    const sym = SYMBOL_OPS.get(t.tokenType);
    if (sym !== undefined) return sym;
    if (t.tokenType === T.Identifier) {
      const w = t.image.toLowerCase();
      if (WORD_OPS.has(w)) return w as BinaryOp;
    }
    return undefined;
  }

  #parseBinary(minPrec: number): Expr {
    this.#enter(this.#peek());
    let lhs = this.#parseUnary();
    for (;;) {
      const op = this.#peekBinaryOp();
      if (op === undefined) break;
      const prec = PRECEDENCE[op];
      if (prec < minPrec) break;
      const opTok = this.#next();
      const mods = this.#parseBinaryModifiers(op);
      const rhs = this.#parseBinary(op === '^' ? prec : prec + 1);
      lhs = this.#makeBinary(op, lhs, rhs, mods, opTok);
    }
    this.#depth--;
    return lhs;
  }

  #parseUnary(): Expr {
    const t = this.#peek();
    if (t !== undefined && (t.tokenType === T.Sub || t.tokenType === T.Add)) {
      this.#i++;
      // As Prometheus's grammar: unary minus binds like `*`, so `-a^b` is `-(a^b)`.
      const expr = this.#parseBinary(PRECEDENCE['^']);
      const op = t.tokenType === T.Sub ? '-' : '+';
      if (expr.kind === 'NumberLiteral') {
        const value = op === '-' ? -expr.value : expr.value;
        const lit: Expr = { kind: 'NumberLiteral', value, pos: { start: t.startOffset, end: expr.pos.end } };
        if (expr.duration) lit.duration = true;
        return lit;
      }
      const type = typeOf(expr);
      if (type !== 'scalar' && type !== 'vector') {
        this.#fail(
          { start: t.startOffset, end: expr.pos.end },
          `unary expression only allowed on expressions of type scalar or instant vector, got "${typeName(type)}"`,
        );
      }
      return { kind: 'UnaryExpr', op, expr, pos: { start: t.startOffset, end: expr.pos.end } };
    }
    return this.#parsePostfix(this.#parsePrimary());
  }

  #parseBinaryModifiers(op: BinaryOp): {
    returnBool: boolean;
    matching?: VectorMatching;
    fill?: FillModifier;
  } {
    let returnBool = false;
    if (this.#isWord('bool')) {
      const b = this.#next();
      if (!COMPARISONS.has(op))
        this.#fail(posOf(b), 'bool modifier can only be used on comparison operators');
      returnBool = true;
    }
    let matching: VectorMatching | undefined;
    if (this.#isWord('on') || this.#isWord('ignoring')) {
      const on = this.#next().image.toLowerCase() === 'on';
      const labels = this.#parseLabelList();
      matching = { card: 'one-to-one', on, labels, include: [], explicit: true };
    }
    if (this.#isWord('group_left') || this.#isWord('group_right')) {
      const g = this.#next();
      if (SET_OPS.has(op)) this.#fail(posOf(g), `no grouping allowed for "${op}" operation`);
      const include = this.#is(T.LeftParen) ? this.#parseLabelList() : [];
      matching ??= { card: 'one-to-one', on: false, labels: [], include: [], explicit: false };
      matching.card = g.image.toLowerCase() === 'group_left' ? 'many-to-one' : 'one-to-many';
      matching.include = include;
      if (matching.on) {
        for (const l of include) {
          if (matching.labels.includes(l)) {
            this.#fail(posOf(g), `label "${l}" must not occur in ON and GROUP clause at once`);
          }
        }
      }
    }
    let fill: FillModifier | undefined;
    while (this.#isWord('fill') || this.#isWord('fill_left') || this.#isWord('fill_right')) {
      if (!this.#is(T.LeftParen, 1)) break;
      const f = this.#next();
      if (!this.#opts.enableBinopFillModifiers) {
        this.#fail(posOf(f), 'binop fill modifiers are experimental and not enabled');
      }
      this.#expect(T.LeftParen, 'in fill modifier');
      const value = this.#parseSignedNumber('in fill modifier');
      this.#expect(T.RightParen, 'in fill modifier');
      fill ??= {};
      const word = f.image.toLowerCase();
      if (word !== 'fill_right') fill.left = value;
      if (word !== 'fill_left') fill.right = value;
    }
    const result: { returnBool: boolean; matching?: VectorMatching; fill?: FillModifier } = { returnBool };
    if (matching !== undefined) result.matching = matching;
    if (fill !== undefined) result.fill = fill;
    return result;
  }

  #parseSignedNumber(context: string): number {
    let sign = 1;
    if (this.#is(T.Sub) || this.#is(T.Add)) sign = this.#next().tokenType === T.Sub ? -1 : 1;
    const t = this.#peek();
    const n = t === undefined ? undefined : this.#numberValue(t);
    if (t === undefined || n === undefined) this.#unexpected(t, context);
    this.#i++;
    return sign * n;
  }

  #numberValue(t: IToken): number | undefined {
    if (t.tokenType === T.NumberLit) return parseNumber(t.image);
    if (t.tokenType === T.Duration) {
      const ms = parseDuration(t.image);
      if (ms === undefined) this.#fail(posOf(t), `bad number or duration syntax: "${t.image}"`);
      return ms / 1000;
    }
    if (t.tokenType === T.Identifier) {
      const w = t.image.toLowerCase();
      if (w === 'inf') return Number.POSITIVE_INFINITY;
      if (w === 'nan') return Number.NaN;
    }
    return undefined;
  }

  #makeBinary(
    op: BinaryOp,
    lhs: Expr,
    rhs: Expr,
    mods: { returnBool: boolean; matching?: VectorMatching; fill?: FillModifier },
    opTok: IToken,
  ): BinaryExpr {
    const pos = { start: lhs.pos.start, end: rhs.pos.end };
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    if ((lt !== 'scalar' && lt !== 'vector') || (rt !== 'scalar' && rt !== 'vector')) {
      this.#fail(pos, 'binary expression must contain only scalar and instant vector types');
    }
    if (COMPARISONS.has(op) && lt === 'scalar' && rt === 'scalar' && !mods.returnBool) {
      this.#fail(posOf(opTok), 'comparisons between scalars must use BOOL modifier');
    }
    if (SET_OPS.has(op) && (lt === 'scalar' || rt === 'scalar')) {
      this.#fail(pos, `set operator "${op}" not allowed in binary scalar expression`);
    }
    let matching = mods.matching;
    // As Prometheus: with a scalar side, only a non-empty on()/ignoring() list is an error;
    // an empty one (with or without group_left/group_right) is dropped.
    if ((lt !== 'vector' || rt !== 'vector') && matching !== undefined && matching.labels.length > 0) {
      this.#fail(pos, 'vector matching only allowed between instant vectors');
    }
    if (lt === 'vector' && rt === 'vector') {
      matching ??= { card: 'one-to-one', on: false, labels: [], include: [], explicit: false };
      if (SET_OPS.has(op)) matching.card = 'many-to-many';
    } else {
      matching = undefined;
    }
    const node: BinaryExpr = { kind: 'BinaryExpr', op, lhs, rhs, returnBool: mods.returnBool, pos };
    if (matching !== undefined) node.matching = matching;
    if (mods.fill !== undefined) node.fill = mods.fill;
    return node;
  }

  #parseLabelList(): string[] {
    this.#expect(T.LeftParen, 'in grouping opts');
    const labels: string[] = [];
    while (!this.#is(T.RightParen)) {
      const t = this.#peek();
      if (t === undefined) this.#unexpected(t, 'in grouping opts');
      if (t.tokenType === T.Identifier && !t.image.includes(':')) labels.push(t.image);
      else if (t.tokenType === T.StringLit) labels.push(this.#stringValue(t));
      else this.#unexpected(t, 'in grouping opts, expected label');
      this.#i++;
      if (this.#is(T.Comma)) this.#i++;
      else if (!this.#is(T.RightParen))
        this.#unexpected(this.#peek(), 'in grouping opts, expected "," or ")"');
    }
    this.#i++;
    return labels;
  }

  #stringValue(t: IToken): string {
    const r = unquoteString(t.image);
    if ('error' in r) this.#fail(posOf(t), r.error);
    return r.value;
  }

  #parsePrimary(): Expr {
    const t = this.#peek();
    if (t === undefined) this.#unexpected(t);
    const num = this.#numberValue(t);
    if (num !== undefined) {
      this.#i++;
      const lit: Expr = { kind: 'NumberLiteral', value: num, pos: posOf(t) };
      if (t.tokenType === T.Duration) lit.duration = true;
      return lit;
    }
    switch (t.tokenType) {
      case T.StringLit:
        this.#i++;
        return { kind: 'StringLiteral', value: this.#stringValue(t), pos: posOf(t) };
      case T.LeftParen: {
        this.#i++;
        const expr = this.#parseBinary(0);
        const close = this.#expect(T.RightParen, 'in paren expression');
        return { kind: 'ParenExpr', expr, pos: { start: t.startOffset, end: tokenEnd(close) } };
      }
      case T.LeftBrace:
        return this.#parseSelector(undefined);
      case T.Identifier:
        return this.#parseIdentifierExpr(t);
      default:
        this.#unexpected(t);
    }
  }

  #parseIdentifierExpr(t: IToken): Expr {
    const lower = t.image.toLowerCase();
    if (
      AGGREGATORS.has(lower) &&
      (this.#is(T.LeftParen, 1) || this.#isWord('by', 1) || this.#isWord('without', 1))
    ) {
      return this.#parseAggregate(t, lower as AggregateOp);
    }
    if (this.#is(T.LeftParen, 1)) return this.#parseCall(t);
    if (KEYWORDS.has(lower) || AGGREGATORS.has(lower)) this.#unexpected(t);
    this.#i++;
    return this.#parseSelector(t);
  }

  #parseCall(t: IToken): Call {
    const sig = FUNCTIONS.get(t.image);
    if (sig === undefined) this.#fail(posOf(t), `unknown function with name "${t.image}"`);
    if (sig.experimental && !this.#opts.enableExperimentalFunctions) {
      this.#fail(posOf(t), `function "${t.image}" is not enabled`);
    }
    this.#i += 2;
    const args: Expr[] = [];
    while (!this.#is(T.RightParen)) {
      // info()'s second argument selects data labels and may match everything (`{data=~".*"}`).
      this.#allowEmptySelector = sig.name === 'info' && args.length === 1;
      args.push(this.#parseBinary(0));
      this.#allowEmptySelector = false;
      if (this.#is(T.Comma)) {
        this.#i++;
        if (this.#is(T.RightParen)) this.#unexpected(this.#peek(), 'in call, expected expression');
      } else if (!this.#is(T.RightParen))
        this.#unexpected(this.#peek(), 'in function call, expected "," or ")"');
    }
    const close = this.#next();
    const pos = { start: t.startOffset, end: tokenEnd(close) };
    const call: Call = { kind: 'Call', func: sig.name, args, pos };
    this.#checkCall(call);
    return call;
  }

  #checkCall(call: Call): void {
    const sig = FUNCTIONS.get(call.func)!;
    const n = call.args.length;
    const fixed = sig.argTypes.length;
    if (sig.variadic === 0) {
      if (n !== fixed)
        this.#fail(call.pos, `expected ${fixed} argument(s) in call to "${call.func}", got ${n}`);
    } else {
      const min = sig.variadic > 0 ? fixed - sig.variadic : fixed - 1;
      if (n < min)
        this.#fail(call.pos, `expected at least ${min} argument(s) in call to "${call.func}", got ${n}`);
      if (sig.variadic > 0 && n > fixed) {
        this.#fail(call.pos, `expected at most ${fixed} argument(s) in call to "${call.func}", got ${n}`);
      }
    }
    for (let i = 0; i < n; i++) {
      const want = sig.argTypes[Math.min(i, fixed - 1)]!;
      const arg = call.args[i]!;
      const got = typeOf(arg);
      if (got !== want) {
        this.#fail(
          arg.pos,
          `expected type ${typeName(want)} in call to function "${call.func}", got ${typeName(got)}`,
        );
      }
    }
  }

  #parseAggregate(t: IToken, op: AggregateOp): AggregateExpr {
    if (EXPERIMENTAL_AGGREGATORS.has(op) && !this.#opts.enableExperimentalFunctions) {
      this.#fail(
        posOf(t),
        `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
      );
    }
    this.#i++;
    let grouping: string[] = [];
    let without = false;
    let hasGrouping = false;
    if (this.#isWord('by') || this.#isWord('without')) {
      without = this.#next().image.toLowerCase() === 'without';
      grouping = this.#parseLabelList();
      hasGrouping = true;
    }
    this.#expect(T.LeftParen, 'in aggregation');
    const args: Expr[] = [];
    while (!this.#is(T.RightParen)) {
      args.push(this.#parseBinary(0));
      if (this.#is(T.Comma)) this.#i++;
      else if (!this.#is(T.RightParen)) this.#unexpected(this.#peek(), 'in aggregation, expected "," or ")"');
    }
    const close = this.#next();
    let end = tokenEnd(close);
    if (this.#isWord('by') || this.#isWord('without')) {
      if (hasGrouping) this.#unexpected(this.#peek(), 'in aggregation');
      without = this.#next().image.toLowerCase() === 'without';
      grouping = this.#parseLabelList();
      hasGrouping = true;
      end = tokenEnd(this.#tokens[this.#i - 1]!);
    }
    const pos = { start: t.startOffset, end };
    const paramType = aggregatorParamType(op);
    const want = paramType === undefined ? 1 : 2;
    if (args.length !== want) {
      if (args.length === 0) this.#fail(pos, 'no arguments for aggregate expression provided');
      this.#fail(
        pos,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
    }
    const expr = args[want - 1]!;
    const et = typeOf(expr);
    if (et !== 'vector') {
      this.#fail(expr.pos, `expected type instant vector in aggregation expression, got ${typeName(et)}`);
    }
    const node: AggregateExpr = { kind: 'AggregateExpr', op, expr, grouping, without, hasGrouping, pos };
    if (paramType !== undefined) {
      const param = args[0]!;
      const pt = typeOf(param);
      if (pt !== paramType) {
        this.#fail(
          param.pos,
          `expected type ${typeName(paramType)} in aggregation parameter, got ${typeName(pt)}`,
        );
      }
      node.param = param;
    }
    return node;
  }

  // ---- selectors

  #parseSelector(nameTok: IToken | undefined): VectorSelector {
    const matchers: Matcher[] = [];
    let name = '';
    let start = nameTok?.startOffset ?? this.#peek()!.startOffset;
    let end = nameTok === undefined ? start : tokenEnd(nameTok);
    if (nameTok !== undefined) {
      name = nameTok.image;
      matchers.push(new Matcher('=', METRIC_NAME, name));
    }
    if (this.#is(T.LeftBrace)) {
      const open = this.#next();
      start = Math.min(start, open.startOffset);
      while (!this.#is(T.RightBrace)) {
        const m = this.#parseMatcher();
        if (m.kind === 'name') {
          if (name !== '') this.#fail(m.pos, `metric name must not be set twice: "${name}" or "${m.value}"`);
          name = m.value;
          matchers.push(new Matcher('=', METRIC_NAME, name));
        } else {
          matchers.push(m.matcher);
        }
        if (this.#is(T.Comma)) this.#i++;
        else if (!this.#is(T.RightBrace))
          this.#unexpected(this.#peek(), 'in label matching, expected "," or "}"');
      }
      end = tokenEnd(this.#next());
    }
    const pos = { start, end };
    if (nameTok === undefined) {
      // As Prometheus: `{__name__="a"}` names the selector too, and `{}` or only empty-matching
      // matchers would select every series.
      const nameMatchers = matchers.filter((m) => m.name === METRIC_NAME);
      const eq = nameMatchers.find((m) => m.type === '=');
      if (eq !== undefined && name === '') name = eq.value;
      if (nameMatchers.length > 1 && nameMatchers.filter((m) => m.type === '=').length > 1) {
        this.#fail(
          pos,
          `metric name must not be set twice: "${nameMatchers[0]!.value}" or "${nameMatchers[1]!.value}"`,
        );
      }
      if (!this.#allowEmptySelector && !matchers.some((m) => !m.matchesEmpty())) {
        this.#fail(pos, 'vector selector must contain at least one non-empty matcher');
      }
    } else {
      for (const m of matchers.slice(1)) {
        if (m.name === METRIC_NAME)
          this.#fail(pos, `metric name must not be set twice: "${name}" or "${m.value}"`);
      }
    }
    return { kind: 'VectorSelector', name, matchers, pos };
  }

  #parseMatcher(): { kind: 'name'; value: string; pos: PosRange } | { kind: 'matcher'; matcher: Matcher } {
    const t = this.#next();
    let labelName: string;
    if (t.tokenType === T.StringLit) {
      labelName = this.#stringValue(t);
      // A lone quoted string is the metric name (`{"my.metric"}`), as Prometheus 3 allows.
      if (this.#is(T.Comma) || this.#is(T.RightBrace))
        return { kind: 'name', value: labelName, pos: posOf(t) };
    } else if (t.tokenType === T.Identifier && !t.image.includes(':')) {
      labelName = t.image;
    } else {
      this.#unexpected(t, 'in label matching, expected label');
    }
    const opTok = this.#next();
    let type: '=' | '!=' | '=~' | '!~';
    if (opTok.tokenType === T.Eql) type = '=';
    else if (opTok.tokenType === T.Neq) type = '!=';
    else if (opTok.tokenType === T.EqlRegex) type = '=~';
    else if (opTok.tokenType === T.NeqRegex) type = '!~';
    else this.#unexpected(opTok, 'in label matching, expected label matching operator');
    const v = this.#next();
    if (v.tokenType !== T.StringLit) this.#unexpected(v, 'in label matching, expected string');
    const value = this.#stringValue(v);
    try {
      return { kind: 'matcher', matcher: new Matcher(type, labelName, value) };
    } catch (e) {
      // As Prometheus: the error points at the matcher, and the regex error says what it is.
      const msg = e instanceof RegexSyntaxError ? e.message : `error parsing regexp: ${(e as Error).message}`;
      this.#fail(posOf(t), msg);
    }
  }

  // ---- postfix: ranges, subqueries, offset, @

  #parsePostfix(expr: Expr): Expr {
    let e = expr;
    for (;;) {
      if (this.#is(T.LeftBracket)) {
        e = this.#parseRange(e);
      } else if (this.#isWord('offset')) {
        const t = this.#next();
        const d = this.#parseDurationExpr(true);
        e = this.#setOffset(e, d, t);
      } else if (this.#is(T.At)) {
        const t = this.#next();
        const at = this.#parseAt();
        e = this.#setAt(e, at, t);
      } else if (
        (e.kind === 'MatrixSelector' || e.kind === 'VectorSelector') &&
        (this.#isWord('anchored') || this.#isWord('smoothed')) &&
        e.modifier === undefined
      ) {
        const t = this.#next();
        if (!this.#opts.enableExtendedRangeSelectors) {
          this.#fail(posOf(t), `${t.image.toLowerCase()} modifier is experimental and not enabled`);
        }
        const modifier = t.image.toLowerCase() as 'anchored' | 'smoothed';
        e = { ...e, modifier, pos: { start: e.pos.start, end: tokenEnd(t) } };
      } else {
        return e;
      }
    }
  }

  #parseRange(expr: Expr): Expr {
    const open = this.#next();
    const range = this.#parseDurationExpr(false);
    if (this.#is(T.Colon)) {
      this.#i++;
      let step: DurationExpr | undefined;
      if (!this.#is(T.RightBracket)) step = this.#parseDurationExpr(false);
      const close = this.#expect(T.RightBracket, 'in subquery selector');
      const t = typeOf(expr);
      if (t !== 'vector')
        this.#fail(expr.pos, `subquery is only allowed on instant vector, got ${typeName(t)}`);
      const node: Expr = {
        kind: 'SubqueryExpr',
        expr,
        range,
        pos: { start: expr.pos.start, end: tokenEnd(close) },
      };
      if (step !== undefined) node.step = step;
      return node;
    }
    const close = this.#expect(T.RightBracket, 'in range selector');
    if (expr.kind !== 'VectorSelector') {
      this.#fail(
        { start: open.startOffset, end: tokenEnd(close) },
        'ranges only allowed for vector selectors',
      );
    }
    if (expr.offset !== undefined || expr.at !== undefined) {
      this.#fail(posOf(open), 'no offset or @ modifiers allowed before range');
    }
    const m: MatrixSelector = {
      kind: 'MatrixSelector',
      selector: expr,
      range,
      pos: { start: expr.pos.start, end: tokenEnd(close) },
    };
    return m;
  }

  #setOffset(e: Expr, d: DurationExpr, t: IToken): Expr {
    const end = d.pos.end;
    if (e.kind === 'VectorSelector' || e.kind === 'SubqueryExpr') {
      if (e.offset !== undefined) this.#fail(posOf(t), 'offset may not be set multiple times');
      return { ...e, offset: d, pos: { start: e.pos.start, end } };
    }
    if (e.kind === 'MatrixSelector') {
      if (e.selector.offset !== undefined) this.#fail(posOf(t), 'offset may not be set multiple times');
      return { ...e, selector: { ...e.selector, offset: d }, pos: { start: e.pos.start, end } };
    }
    this.#fail(
      posOf(t),
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
  }

  #setAt(e: Expr, at: AtModifier, t: IToken): Expr {
    const end = tokenEnd(this.#tokens[this.#i - 1]!);
    if (e.kind === 'VectorSelector' || e.kind === 'SubqueryExpr') {
      if (e.at !== undefined) this.#fail(posOf(t), '@ <timestamp> may not be set multiple times');
      return { ...e, at, pos: { start: e.pos.start, end } };
    }
    if (e.kind === 'MatrixSelector') {
      if (e.selector.at !== undefined) this.#fail(posOf(t), '@ <timestamp> may not be set multiple times');
      return { ...e, selector: { ...e.selector, at }, pos: { start: e.pos.start, end } };
    }
    this.#fail(
      posOf(t),
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
  }

  #parseAt(): AtModifier {
    if (
      (this.#isWord('start') || this.#isWord('end')) &&
      this.#is(T.LeftParen, 1) &&
      this.#is(T.RightParen, 2)
    ) {
      const w = this.#next().image.toLowerCase();
      this.#i += 2;
      return w === 'start' ? { kind: 'start' } : { kind: 'end' };
    }
    const t = this.#peek();
    const seconds = this.#parseSignedNumber('in @');
    if (!Number.isFinite(seconds))
      this.#fail(t === undefined ? this.#eofPos() : posOf(t), 'timestamp out of bounds for @ modifier');
    return { kind: 'time', ms: Math.round(seconds * 1000) };
  }

  // ---- durations: literals, and with the feature on, arithmetic over them

  #parseDurationExpr(inOffset: boolean): DurationExpr {
    const first = this.#peek();
    const d = this.#parseDurationBinary(0, inOffset);
    if (!this.#opts.enableDurationExpressions && !isPlainDuration(d)) {
      this.#fail(
        first === undefined ? this.#eofPos() : posOf(first),
        'experimental duration expression is not enabled',
      );
    }
    return d;
  }

  #parseDurationBinary(minPrec: number, inOffset: boolean): DurationExpr {
    this.#enter(this.#peek());
    let lhs = this.#parseDurationUnary(inOffset);
    for (;;) {
      const t = this.#peek();
      const op = t === undefined ? undefined : SYMBOL_OPS.get(t.tokenType);
      if (op === undefined || !'+-*/%^'.includes(op)) break;
      // After `offset`, `x offset 5m + y` means `(x offset 5m) + y`, as in Prometheus:
      // arithmetic in an offset needs parentheses.
      if (inOffset) break;
      const prec = PRECEDENCE[op];
      if (prec < minPrec) break;
      this.#i++;
      const rhs = this.#parseDurationBinary(op === '^' ? prec : prec + 1, false);
      lhs = {
        kind: 'DurationBinary',
        op: op as '+',
        lhs,
        rhs,
        pos: { start: lhs.pos.start, end: rhs.pos.end },
      };
    }
    this.#depth--;
    return lhs;
  }

  #parseDurationUnary(inOffset: boolean): DurationExpr {
    const t = this.#peek();
    if (t !== undefined && (t.tokenType === T.Sub || t.tokenType === T.Add)) {
      this.#i++;
      const expr = this.#parseDurationBinary(PRECEDENCE['^'], inOffset);
      const op = t.tokenType === T.Sub ? '-' : '+';
      const pos = { start: t.startOffset, end: expr.pos.end };
      if (expr.kind === 'DurationLiteral') return { ...expr, ms: op === '-' ? -expr.ms : expr.ms, pos };
      return { kind: 'DurationUnary', op, expr, pos };
    }
    return this.#parseDurationPrimary();
  }

  #parseDurationPrimary(): DurationExpr {
    const t = this.#peek();
    if (t === undefined) this.#unexpected(t, 'in duration');
    if (t.tokenType === T.Duration) {
      this.#i++;
      const ms = parseDuration(t.image);
      if (ms === undefined) this.#fail(posOf(t), `bad duration syntax: "${t.image}"`);
      return { kind: 'DurationLiteral', ms, unit: true, pos: posOf(t) };
    }
    if (t.tokenType === T.NumberLit) {
      this.#i++;
      const v = parseNumber(t.image);
      if (!Number.isFinite(v)) this.#fail(posOf(t), `bad duration syntax: "${t.image}"`);
      return { kind: 'DurationLiteral', ms: Math.round(v * 1000), unit: false, pos: posOf(t) };
    }
    if (t.tokenType === T.LeftParen) {
      this.#i++;
      const expr = this.#parseDurationBinary(0, false);
      const close = this.#expect(T.RightParen, 'in duration expression');
      return { kind: 'DurationParen', expr, pos: { start: t.startOffset, end: tokenEnd(close) } };
    }
    if (t.tokenType === T.Identifier && this.#is(T.LeftParen, 1)) {
      const func = t.image.toLowerCase();
      if (func === 'step' || func === 'range' || func === 'min_of' || func === 'max_of') {
        this.#i += 2;
        const args: DurationExpr[] = [];
        while (!this.#is(T.RightParen)) {
          args.push(this.#parseDurationBinary(0, false));
          if (this.#is(T.Comma)) this.#i++;
          else if (!this.#is(T.RightParen)) this.#unexpected(this.#peek(), 'in duration expression');
        }
        const close = this.#next();
        const want = func === 'step' || func === 'range' ? 0 : 2;
        const pos = { start: t.startOffset, end: tokenEnd(close) };
        if (args.length !== want)
          this.#fail(pos, `expected ${want} argument(s) in call to "${func}", got ${args.length}`);
        return { kind: 'DurationCall', func, args, pos };
      }
    }
    this.#unexpected(t, 'in duration, expected duration');
  }
}

function isPlainDuration(d: DurationExpr): boolean {
  return d.kind === 'DurationLiteral';
}

export function parseNumber(image: string): number {
  if (/^0[xX]/.test(image)) return Number.parseInt(image.slice(2), 16);
  const lower = image.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  return Number(image);
}

function posOf(t: IToken): PosRange {
  return { start: t.startOffset, end: tokenEnd(t) };
}

function describe(t: IToken): string {
  switch (t.tokenType) {
    case T.Identifier: {
      const w = t.image.toLowerCase();
      if (KEYWORDS.has(w) || AGGREGATORS.has(w))
        return `<${w === 'on' || w === 'ignoring' || w === 'by' || w === 'without' ? w : `op:${w}`}>`;
      return `identifier "${t.image}"`;
    }
    case T.NumberLit:
      return `number "${t.image}"`;
    case T.Duration:
      return `duration "${t.image}"`;
    case T.StringLit:
      return `string ${JSON.stringify(t.image)}`;
    case T.RightParen:
      return 'right parenthesis ")"';
    case T.LeftParen:
      return 'left parenthesis "("';
    case T.RightBrace:
      return 'right brace "}"';
    case T.LeftBrace:
      return 'left brace "{"';
    case T.RightBracket:
      return 'right bracket "]"';
    case T.LeftBracket:
      return 'left bracket "["';
    case T.Comma:
      return '","';
    case T.Eql:
      return '"="';
    default:
      return `"${t.image}"`;
  }
}

// Walks the finished tree without recursion so that a too-deep tree (a long chain of
// operators) is an error here, before the printer or engine recurse over it.
function checkDepth(root: Expr, max: number, fail: (pos: PosRange) => never): void {
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop()!;
    if (d > max) fail(e.pos);
    for (const c of children(e)) stack.push([c, d + 1]);
  }
}

export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'UnaryExpr':
    case 'ParenExpr':
    case 'SubqueryExpr':
      return [e.expr];
    case 'MatrixSelector':
      return [e.selector];
    case 'Call':
      return e.args;
    case 'AggregateExpr':
      return e.param === undefined ? [e.expr] : [e.param, e.expr];
    default:
      return [];
  }
}

export type { ValueTypeName };
