import type { MetricType } from '@pyrometer/model';
import { type EntryKind, ExpositionParser } from './exposition-parser.ts';
import { parseSampleValue } from './float.ts';
import { HASH, QUOTE } from './line-scanner.ts';
import { parseMillis } from './timestamp.ts';

const CARRIAGE_RETURN = 0x0d;

const TEXT_TYPES: ReadonlyMap<string, MetricType> = new Map([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'unknown'],
]);

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
 * ```
 *
 * The input buffer must not change while the parser is in use.
 */
export class TextParser extends ExpositionParser {
  constructor(input: Uint8Array | string) {
    super(input, true);
  }

  protected readEntry(): EntryKind {
    const buf = this.buf;
    while (this.startLine()) {
      // Tolerate CRLF line ends.
      if (this.lineEnd > this.lineStart && buf[this.lineEnd - 1] === CARRIAGE_RETURN) this.lineEnd--;
      const i = this.skipBlanks(this.lineStart);
      if (i === this.lineEnd) continue;
      if (buf[i] === HASH) return this.#commentLine(i + 1);
      this.#seriesLine(i);
      return 'series';
    }
    return 'eof';
  }

  #seriesLine(i: number): void {
    const buf = this.buf;
    const afterSeries = this.scanSeries(i);
    const valueAt = this.skipBlanks(afterSeries);
    if (valueAt === afterSeries) this.expected(afterSeries, 'a blank before the sample value');
    if (valueAt >= this.lineEnd) this.expected(valueAt, 'a sample value');
    const valueEnd = this.tokenEnd(valueAt, true);
    const value = parseSampleValue(buf, valueAt, valueEnd);
    if (value === undefined) this.fail(valueAt, `invalid sample value ${this.quoteBytes(valueAt, valueEnd)}`);
    this.sampleValue = value;
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
    const keywordEnd = this.tokenEnd(i, true);
    const help = this.bytesAre(i, keywordEnd, 'HELP');
    if ((!help && !this.bytesAre(i, keywordEnd, 'TYPE')) || keywordEnd === this.lineEnd) {
      this.entryName = '';
      this.setText(i, this.lineEnd, 'none');
      return 'comment';
    }
    i = this.skipBlanks(keywordEnd);
    const nameEnd = buf[i] === QUOTE && i < this.lineEnd ? this.scanQuoted(i, true) : this.scanMetricName(i);
    this.entryName = this.token;
    const textAt = this.skipBlanks(nameEnd);
    if (textAt === nameEnd && nameEnd < this.lineEnd) this.expected(nameEnd, 'a blank after the metric name');
    if (help) {
      this.setText(textAt, this.lineEnd, 'text');
      return 'help';
    }
    const typeEnd = this.tokenEnd(textAt, true);
    const word = this.word(textAt, typeEnd);
    const type = TEXT_TYPES.get(word);
    if (type === undefined) {
      this.fail(
        textAt,
        `unknown metric type ${JSON.stringify(word)}: expected counter, gauge, histogram, summary or untyped`,
      );
    }
    const rest = this.skipBlanks(typeEnd);
    if (rest < this.lineEnd) this.expected(rest, 'the end of the line after the type');
    this.entryType = type;
    return 'type';
  }
}
