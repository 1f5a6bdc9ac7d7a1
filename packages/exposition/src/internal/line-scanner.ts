import { Buffer } from 'node:buffer';
import { sharedPrefixLength } from './byte-compare.ts';
import { ExpositionError } from './exposition-error.ts';
import { NewlineFinder } from './newline-finder.ts';
import { asBytes, asText, StringCache } from './string-cache.ts';

export const SPACE = 0x20;
export const TAB = 0x09;
export const NEWLINE = 0x0a;
export const HASH = 0x23;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const EQUALS = 0x3d;
export const COMMA = 0x2c;
const LOWER_N = 0x6e;

const METRIC_NAME_START = 1;
const METRIC_NAME_CHAR = 2;
const LABEL_NAME_START = 4;
const LABEL_NAME_CHAR = 8;

// Character classes of the legacy (unquoted) names: [a-zA-Z_:][a-zA-Z0-9_:]* for metrics,
// [a-zA-Z_][a-zA-Z0-9_]* for labels.
const charClass = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  const digit = c >= 0x30 && c <= 0x39;
  if (letter || c === 0x3a) charClass[c]! |= METRIC_NAME_START | METRIC_NAME_CHAR;
  if (digit) charClass[c]! |= METRIC_NAME_CHAR | LABEL_NAME_CHAR;
  if (letter) charClass[c]! |= LABEL_NAME_START | LABEL_NAME_CHAR;
}

/** True for the bytes an unquoted metric name may contain (OpenMetrics units use the same set). */
export function isMetricNameByte(c: number): boolean {
  return (charClass[c]! & METRIC_NAME_CHAR) !== 0;
}

// Shared by every parser: names and common label values are the same scrape after scrape.
// 32768 slots of 64 bytes (2 MiB), made when the first parser is, not when the module loads.
let sharedCache: StringCache | undefined;

/**
 * The lexical layer both parsers stand on: it walks the input a line at a time and reads
 * the tokens of a line (names, quoted strings, words), decoding bytes to strings only for
 * what it returns. Errors name the line and column.
 */
export class LineScanner {
  protected readonly buf: Uint8Array;
  /** The same bytes as a DataView, to compare them four at a time. */
  protected readonly view: DataView;
  /** The same bytes as a Buffer, only to decode them. */
  readonly #text: Buffer;
  readonly #cache: StringCache;
  readonly #newlines: NewlineFinder;
  /** Start of the next line. */
  protected cursor = 0;
  /** The current line: its 1-based number and its bytes [lineStart, lineEnd). */
  protected line = 0;
  protected lineStart = 0;
  protected lineEnd = 0;
  /** The string the last `scanMetricName`, `scanLabelName` or `scanQuoted` read. */
  protected token = '';
  /** Whether the string the last `skipQuoted` found has a backslash in it. */
  protected quotedEscapes = false;
  #scratch: Buffer | undefined;
  #lastNameStart = 0;
  #lastNameLength = -1;
  #lastName = '';

  constructor(input: Uint8Array | string) {
    this.buf = asBytes(input);
    this.#text = asText(this.buf);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.#cache = sharedCache ??= new StringCache(32768);
    this.#newlines = new NewlineFinder(this.buf);
  }

  /** Advances to the next line; false at the end of the input. */
  protected startLine(): boolean {
    if (!this.beginLine()) return false;
    this.endLineFrom(this.lineStart);
    return true;
  }

  /**
   * Starts the next line but does not find its end yet (see `endLineFrom`); false at the
   * end of the input.
   */
  protected beginLine(): boolean {
    if (this.cursor >= this.buf.length) return false;
    this.line++;
    this.lineStart = this.cursor;
    return true;
  }

  /** Finds the end of the current line, searching from `from`, where no newline may be before. */
  protected endLineFrom(from: number): void {
    let end = this.#newlines.next(from);
    if (end < 0) end = this.buf.length;
    this.lineEnd = end;
    this.cursor = end + 1;
  }

  protected skipBlanks(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    return i;
  }

  /** The end of the token at `i`: the first space (and tab, when `tabs`) or the line end. */
  protected tokenEnd(i: number, tabs: boolean): number {
    const buf = this.buf;
    const end = this.lineEnd;
    while (i < end) {
      const c = buf[i];
      if (c === SPACE || (tabs && c === TAB)) break;
      i++;
    }
    return i;
  }

  /** Reads an unquoted metric name at `i` into `token`; returns the index after it. */
  protected scanMetricName(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    const start = i;
    if (i >= end || (charClass[buf[i]!]! & METRIC_NAME_START) === 0) this.expected(i, 'a metric name');
    while (i < end && (charClass[buf[i]!]! & METRIC_NAME_CHAR) !== 0) i++;
    // A family's HELP, TYPE and first sample line repeat its name: compare before hashing.
    const length = i - start;
    if (length === this.#lastNameLength) {
      if (sharedPrefixLength(this.view, buf, this.#lastNameStart, start, length) === length) {
        this.#lastNameStart = start;
        this.token = this.#lastName;
        return i;
      }
    }
    this.token = this.word(start, i);
    this.#lastNameStart = start;
    this.#lastNameLength = length;
    this.#lastName = this.token;
    return i;
  }

  /** The end of the unquoted metric name at `i`, which it checks but does not decode. */
  protected skipMetricName(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    if (i >= end || (charClass[buf[i]!]! & METRIC_NAME_START) === 0) this.expected(i, 'a metric name');
    for (i++; i < end && (charClass[buf[i]!]! & METRIC_NAME_CHAR) !== 0; ) i++;
    return i;
  }

  /** The end of the unquoted label name at `i`, which it checks but does not decode. */
  protected skipLabelName(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    if (i >= end || (charClass[buf[i]!]! & LABEL_NAME_START) === 0) this.expected(i, 'a label name');
    for (i++; i < end && (charClass[buf[i]!]! & LABEL_NAME_CHAR) !== 0; ) i++;
    return i;
  }

  /**
   * The index of the closing quote of the double-quoted string at `i`, which it does not
   * decode; sets `quotedEscapes` to whether the string has a backslash in it.
   */
  protected skipQuoted(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    const open = i;
    let escaped = false;
    for (i++; i < end; i++) {
      const c = buf[i]!;
      if (c === QUOTE) {
        this.quotedEscapes = escaped;
        return i;
      }
      if (c === BACKSLASH) {
        escaped = true;
        i++;
      }
    }
    this.fail(open, "quoted string has no closing '\"' before the end of the line");
  }

  /** Decodes the content of a quoted string, `buf[start..end)`, as `scanQuoted` does. */
  protected decodeQuoted(start: number, end: number, escaped: boolean): string {
    return escaped
      ? this.unescape(start, end, true)
      : this.#cache.get(this.buf, this.view, this.#text, start, end);
  }

  /** Reads a label name at `i`, unquoted or quoted, into `token`; returns the index after it. */
  protected scanLabelName(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    if (i < end && buf[i] === QUOTE) return this.scanQuoted(i, true);
    const start = i;
    if (i >= end || (charClass[buf[i]!]! & LABEL_NAME_START) === 0) this.expected(i, 'a label name');
    while (i < end && (charClass[buf[i]!]! & LABEL_NAME_CHAR) !== 0) i++;
    this.token = this.#cache.get(buf, this.view, this.#text, start, i);
    return i;
  }

  /**
   * Reads the double-quoted string at `i` into `token`, unescaping `\\`, `\"` and `\n` (any
   * other backslash is kept as written, as Prometheus does); returns the index after the
   * closing quote. Names must not be empty.
   */
  protected scanQuoted(i: number, isName: boolean): number {
    const buf = this.buf;
    const end = this.lineEnd;
    const open = i;
    const start = i + 1;
    let escaped = false;
    for (i = start; i < end; i++) {
      const c = buf[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i++;
      }
    }
    if (i >= end) this.fail(open, "quoted string has no closing '\"' before the end of the line");
    this.token = escaped
      ? this.unescape(start, i, true)
      : this.#cache.get(buf, this.view, this.#text, start, i);
    if (isName && this.token === '') this.fail(open, 'a quoted name must not be empty');
    return i + 1;
  }

  /** Decodes `buf[start..end)` replacing `\\`, `\n` and (when `quotes`) `\"`. */
  protected unescape(start: number, end: number, quotes: boolean): string {
    const buf = this.buf;
    if (this.#scratch === undefined || this.#scratch.length < end - start) {
      this.#scratch = Buffer.allocUnsafe(Math.max(256, end - start));
    }
    const out = this.#scratch;
    let n = 0;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c === BACKSLASH && i + 1 < end) {
        const next = buf[i + 1]!;
        if (next === BACKSLASH || (quotes && next === QUOTE) || next === LOWER_N) {
          out[n++] = next === LOWER_N ? NEWLINE : next;
          i++;
          continue;
        }
      }
      out[n++] = c;
    }
    return out.toString('utf8', 0, n);
  }

  /** `buf[start..end)` as Latin-1 characters, one per byte: a key, not text. */
  protected latin1(start: number, end: number): string {
    return this.#text.toString('latin1', start, end);
  }

  protected decode(start: number, end: number): string {
    return this.#text.toString('utf8', start, end);
  }

  /** `buf[start..end)` through the shared string cache: for words that repeat, as types do. */
  protected word(start: number, end: number): string {
    return this.#cache.get(this.buf, this.view, this.#text, start, end);
  }

  /** Whether `buf[start..end)` is exactly the ASCII text `expected`. */
  protected bytesAre(start: number, end: number, expected: string): boolean {
    if (end - start !== expected.length) return false;
    for (let i = 0; i < expected.length; i++)
      if (this.buf[start + i] !== expected.charCodeAt(i)) return false;
    return true;
  }

  /** Throws the error for byte `at` of the current line: `expected <what>, got <what is there>`. */
  protected expected(at: number, what: string): never {
    this.fail(at, `expected ${what}, got ${this.describeAt(at)}`);
  }

  /** Throws an `ExpositionError` for byte `at` of the current line. */
  protected fail(at: number, detail: string): never {
    const to = Math.min(Math.max(at, this.lineStart), this.lineEnd);
    const prefix = this.decode(this.lineStart, to);
    throw new ExpositionError(this.line, Array.from(prefix).length + 1, detail);
  }

  /** `buf[start..end)` as a JSON string literal, for error messages. */
  protected quoteBytes(start: number, end: number): string {
    return JSON.stringify(this.decode(start, end));
  }

  protected describeAt(at: number): string {
    if (at >= this.buf.length) return 'end of input';
    if (at >= this.lineEnd) return 'end of line';
    const c = this.buf[at]!;
    if (c < 0x80) return JSON.stringify(String.fromCharCode(c));
    let to = at + 1;
    while (to < this.lineEnd && to < at + 4 && (this.buf[to]! & 0xc0) === 0x80) to++;
    return JSON.stringify(this.decode(at, to));
  }
}
