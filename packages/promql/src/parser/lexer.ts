import { createToken, type IToken, Lexer, type TokenType } from 'chevrotain';

// Identifiers may hold colons (recording-rule names) but, as in Prometheus's lexer, a colon
// inside brackets separates a subquery's range from its step, so it never starts a name there.
function matchIdentifier(text: string, offset: number, tokens: IToken[]): RegExpExecArray | null {
  const c = text.charCodeAt(offset);
  const isStart = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  if (!isStart && c !== 58) return null;
  if (c === 58 && insideBrackets(tokens)) return null;
  let end = offset + 1;
  while (end < text.length) {
    const d = text.charCodeAt(end);
    const ok = (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95 || d === 58;
    if (!ok) break;
    if (d === 58 && insideBrackets(tokens)) break;
    end++;
  }
  const m = [text.slice(offset, end)] as unknown as RegExpExecArray;
  return m;
}

function insideBrackets(tokens: IToken[]): boolean {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!.tokenType;
    if (t === RightBracket) depth++;
    else if (t === LeftBracket) {
      if (depth === 0) return true;
      depth--;
    }
  }
  return false;
}

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });
export const StringLit = createToken({
  name: 'String',
  pattern: /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/,
});
export const Duration = createToken({ name: 'Duration', pattern: /(?:\d+(?:ms|[smhdwy]))+/ });
export const NumberLit = createToken({
  name: 'Number',
  pattern: /0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
});
export const Identifier = createToken({
  name: 'Identifier',
  pattern: { exec: matchIdentifier },
  line_breaks: false,
  start_chars_hint: [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:'],
});
export const LeftParen = createToken({ name: 'LeftParen', pattern: '(' });
export const RightParen = createToken({ name: 'RightParen', pattern: ')' });
export const LeftBrace = createToken({ name: 'LeftBrace', pattern: '{' });
export const RightBrace = createToken({ name: 'RightBrace', pattern: '}' });
export const LeftBracket = createToken({ name: 'LeftBracket', pattern: '[' });
export const RightBracket = createToken({ name: 'RightBracket', pattern: ']' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const At = createToken({ name: 'At', pattern: '@' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const EqlC = createToken({ name: 'EqlC', pattern: '==' });
export const Neq = createToken({ name: 'Neq', pattern: '!=' });
export const EqlRegex = createToken({ name: 'EqlRegex', pattern: '=~' });
export const NeqRegex = createToken({ name: 'NeqRegex', pattern: '!~' });
export const TrimUpper = createToken({ name: 'TrimUpper', pattern: '</' });
export const TrimLower = createToken({ name: 'TrimLower', pattern: '>/' });
export const Lte = createToken({ name: 'Lte', pattern: '<=' });
export const Gte = createToken({ name: 'Gte', pattern: '>=' });
export const Lss = createToken({ name: 'Lss', pattern: '<' });
export const Gtr = createToken({ name: 'Gtr', pattern: '>' });
export const Eql = createToken({ name: 'Eql', pattern: '=' });
export const Add = createToken({ name: 'Add', pattern: '+' });
export const Sub = createToken({ name: 'Sub', pattern: '-' });
export const Mul = createToken({ name: 'Mul', pattern: '*' });
export const Div = createToken({ name: 'Div', pattern: '/' });
export const Mod = createToken({ name: 'Mod', pattern: '%' });
export const Pow = createToken({ name: 'Pow', pattern: '^' });

const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  Duration,
  NumberLit,
  Identifier,
  LeftParen,
  RightParen,
  LeftBrace,
  RightBrace,
  LeftBracket,
  RightBracket,
  Comma,
  At,
  EqlC,
  Neq,
  EqlRegex,
  NeqRegex,
  TrimUpper,
  TrimLower,
  Lte,
  Gte,
  Lss,
  Gtr,
  Eql,
  Colon,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
];

const lexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: false,
  skipValidations: true,
});

export interface LexResult {
  tokens: IToken[];
  /** Offset and text of the first character the lexer could not read, if any. */
  error?: { offset: number; message: string };
}

export function tokenize(input: string): LexResult {
  const result = lexer.tokenize(input);
  const first = result.errors[0];
  if (first !== undefined) {
    const ch = input[first.offset] ?? '';
    let message = `unexpected character: ${JSON.stringify(ch).replace(/^"|"$/g, "'")}`;
    if (ch === '"' || ch === "'") message = 'unterminated quoted string';
    else if (ch === '`') message = 'unterminated raw string';
    return { tokens: result.tokens, error: { offset: first.offset, message } };
  }
  // A number or duration running straight into a name ("5mx", "1e") is one bad literal, as
  // Prometheus's lexer reads it.
  const tokens = result.tokens;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    const n = tokens[i + 1]!;
    if ((t.tokenType === NumberLit || t.tokenType === Duration) && n.startOffset === tokenEnd(t)) {
      if (n.tokenType === Identifier || n.tokenType === NumberLit || n.tokenType === Duration) {
        return {
          tokens,
          error: { offset: t.startOffset, message: `bad number or duration syntax: "${t.image}${n.image}"` },
        };
      }
    }
  }
  return { tokens };
}

/** The offset just past a token (the lexer tracks start offsets only). */
export function tokenEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}
