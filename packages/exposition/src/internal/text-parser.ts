import type { MetricType } from '@pyrometer/model';
import { type EntryKind, ExpositionParser, type ParserOptions } from './exposition-parser.ts';
import { parseSampleValue } from './float.ts';
import { HASH, QUOTE, SPACE, TAB } from './line-scanner.ts';
import { parseMillis } from './timestamp.ts';

const CARRIAGE_RETURN = 0x0d;
const ZERO = 0x30;
/** Integers of up to 15 digits are below 2^53, so summing their digits is exact. */
const MAX_EXACT_DIGITS = 15;

/**
 * A streaming parser for the Prometheus text format 0.0.4, as Prometheus reads it: blank
 * lines and comments are allowed, blanks separate tokens (and may surround them inside
 * braces), a trailing comma may end a label set, timestamps are integer milliseconds, and
 * HELP text escapes only `\\` and `\n`. It checks syntax only: the text format has no rules
 * on grouping or values.
 *
 * ```ts
 * const p = new TextParser(bytes);
 * const labels: string[] = [];
 * for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
 *   if (kind === 'series') use(p.labels(labels), p.value(), p.timestamp());
 * }
 *
 * // A scraper, scrape after scrape of one target:
 * const p = new TextParser(bytes, { seriesCache: targetCache });
 * for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
 *   if (kind === 'series') append(p.series(), p.value(), p.timestamp());
 * }
 * targetCache.prune();
 * ```
 *
 * The input buffer must not change while the parser is in use.
 */
export class TextParser extends ExpositionParser {
  constructor(input: Uint8Array | string, options?: ParserOptions) {
    super(input, true, options);
  }

  protected readEntry(): EntryKind {
    const buf = this.buf;
    for (;;) {
      const replayed = this.replayEntry();
      if (replayed !== undefined) return replayed;
      if (!this.beginLine()) return 'eof';
      // Metadata lines the same as before the next series in the previous scrape are replayed
      // from the cache; a line that repeats the previous scrape's next series is taken whole,
      // and then only what follows the series part is searched for the line end.
      const first = buf[this.lineStart];
      if (first === HASH && this.startReplay()) continue;
      const predicted = first === HASH ? -1 : this.predictSeries();
      this.endLineFrom(predicted >= 0 ? predicted : this.lineStart);
      // Tolerate CRLF line ends.
      if (this.lineEnd > this.lineStart && buf[this.lineEnd - 1] === CARRIAGE_RETURN) this.lineEnd--;
      if (predicted >= 0 && this.takePredicted(predicted)) {
        this.#sample(predicted);
        return 'series';
      }
      const i = this.skipBlanks(this.lineStart);
      if (i === this.lineEnd) continue;
      if (buf[i] === HASH) {
        const kind = this.#commentLine(i + 1);
        this.noteMetadata(kind);
        return kind;
      }
      this.#sample(this.readSeries(i));
      return 'series';
    }
  }

  // The value and timestamp after the series part, which ends at `afterSeries`.
  #sample(afterSeries: number): void {
    const buf = this.buf;
    const valueAt = this.skipBlanks(afterSeries);
    if (valueAt === afterSeries) this.expected(afterSeries, 'a blank before the sample value');
    if (valueAt >= this.lineEnd) this.expected(valueAt, 'a sample value');
    // Most values are small unsigned integers: read those while finding the token's end.
    let valueEnd = valueAt;
    let integer = 0;
    for (; valueEnd < this.lineEnd; valueEnd++) {
      const digit = buf[valueEnd]! - ZERO;
      if (digit < 0 || digit > 9) break;
      integer = integer * 10 + digit;
    }
    const after = buf[valueEnd];
    if (
      valueEnd > valueAt &&
      valueEnd - valueAt <= MAX_EXACT_DIGITS &&
      (valueEnd === this.lineEnd || after === SPACE || after === TAB)
    ) {
      this.sampleValue = integer;
    } else {
      valueEnd = this.tokenEnd(valueAt, true);
      const value = parseSampleValue(buf, valueAt, valueEnd);
      if (value === undefined)
        this.fail(valueAt, `invalid sample value ${this.quoteBytes(valueAt, valueEnd)}`);
      this.sampleValue = value;
    }
    const timestampAt = this.skipBlanks(valueEnd);
    if (timestampAt >= this.lineEnd) return;
    const timestampEnd = this.tokenEnd(timestampAt, true);
    const timestamp = parseMillis(buf, timestampAt, timestampEnd);
    if (timestamp === undefined) {
      this.fail(
        timestampAt,
        `invalid timestamp ${this.quoteBytes(timestampAt, timestampEnd)}: expected integer milliseconds`,
      );
    }
    this.sampleTimestamp = timestamp;
    const rest = this.skipBlanks(timestampEnd);
    if (rest < this.lineEnd) this.expected(rest, 'the end of the line after the timestamp');
  }

  // `#` lines: `# HELP name text`, `# TYPE name type`, anything else is a comment.
  #commentLine(i: number): EntryKind {
    const buf = this.buf;
    i = this.skipBlanks(i);
    const keywordEnd = i + 4;
    const help = this.#isKeyword(i, 0x48, 0x45, 0x4c, 0x50); // HELP
    if ((!help && !this.#isKeyword(i, 0x54, 0x59, 0x50, 0x45)) || keywordEnd >= this.lineEnd) {
      this.setEntryName('');
      this.setText(i, this.lineEnd, 'none');
      return 'comment';
    }
    i = this.skipBlanks(keywordEnd);
    let nameEnd: number;
    if (buf[i] === QUOTE && i < this.lineEnd) {
      const close = this.skipQuoted(i);
      if (close === i + 1) this.fail(i, 'a quoted name must not be empty');
      this.setEntryNameAt(i + 1, close, this.quotedEscapes);
      nameEnd = close + 1;
    } else {
      nameEnd = this.skipMetricName(i);
      this.setEntryNameAt(i, nameEnd, false);
    }
    const textAt = this.skipBlanks(nameEnd);
    if (textAt === nameEnd && nameEnd < this.lineEnd) this.expected(nameEnd, 'a blank after the metric name');
    if (help) {
      this.setText(textAt, this.lineEnd, 'text');
      return 'help';
    }
    const typeEnd = this.tokenEnd(textAt, true);
    const type = this.#typeAt(textAt, typeEnd);
    if (type === undefined) {
      this.fail(
        textAt,
        `unknown metric type ${JSON.stringify(this.word(textAt, typeEnd))}: expected counter, gauge, histogram, summary or untyped`,
      );
    }
    const rest = this.skipBlanks(typeEnd);
    if (rest < this.lineEnd) this.expected(rest, 'the end of the line after the type');
    this.entryType = type;
    return 'type';
  }

  // Whether the four bytes at `i` are the given ones and a blank or the line end follows.
  #isKeyword(i: number, a: number, b: number, c: number, d: number): boolean {
    const buf = this.buf;
    if (i + 4 > this.lineEnd) return false;
    if (buf[i] !== a || buf[i + 1] !== b || buf[i + 2] !== c || buf[i + 3] !== d) return false;
    const after = buf[i + 4];
    return i + 4 === this.lineEnd || after === SPACE || after === TAB;
  }

  #typeAt(start: number, end: number): MetricType | undefined {
    switch (this.buf[start]) {
      case 0x63: // c
        return this.bytesAre(start, end, 'counter') ? 'counter' : undefined;
      case 0x67: // g
        return this.bytesAre(start, end, 'gauge') ? 'gauge' : undefined;
      case 0x68: // h
        return this.bytesAre(start, end, 'histogram') ? 'histogram' : undefined;
      case 0x73: // s
        return this.bytesAre(start, end, 'summary') ? 'summary' : undefined;
      case 0x75: // u
        return this.bytesAre(start, end, 'untyped') ? 'unknown' : undefined;
      default:
        return undefined;
    }
  }
}
