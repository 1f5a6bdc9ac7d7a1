import type { MetricType } from '@pyrometer/model';
import { type EntryKind, ExpositionParser, type ParserOptions } from './exposition-parser.ts';
import { parseDecimal, parseSampleValue } from './float.ts';
import { HASH, isMetricNameByte, NEWLINE, OPEN_BRACE, QUOTE, SPACE } from './line-scanner.ts';
import { OpenMetricsRules, type Where } from './openmetrics-rules.ts';

const OPENMETRICS_TYPES: ReadonlySet<string> = new Set<MetricType>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** The most code points the names and values of an exemplar's labels may have together. */
const MAX_EXEMPLAR_LABEL_LENGTH = 128;

/**
 * A streaming parser for OpenMetrics 1.0 text, strict as the specification is: single spaces
 * between tokens, no blank lines or comments, `# EOF` last, timestamps in (fractional)
 * seconds, exemplars after `#`, and the family rules of `OpenMetricsRules` checked as the
 * lines go by (so `next()` throws as soon as the input breaks one). Timestamps are reported
 * in milliseconds, rounded to the nearest one.
 *
 * ```ts
 * const p = new OpenMetricsParser(bytes);
 * const labels: string[] = [];
 * const exemplar = { labels: [], value: 0, timestamp: undefined };
 * for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
 *   if (kind === 'series') use(p.labels(labels), p.value(), p.timestamp(), p.exemplar(exemplar));
 * }
 * ```
 *
 * The input buffer must not change while the parser is in use.
 */
export class OpenMetricsParser extends ExpositionParser {
  readonly #rules = new OpenMetricsRules((where, detail) => this.fail(this.#offsetOf(where), detail));
  #ended = false;
  // Where the parts of the current series line start, for errors the rules report.
  #labelsAt = 0;
  #valueAt = 0;
  #timestampAt = 0;
  #exemplarAt = 0;

  constructor(input: Uint8Array | string, options?: ParserOptions) {
    super(input, false, options);
  }

  protected readEntry(): EntryKind {
    if (this.#ended) return 'eof';
    if (!this.startLine()) this.#failAtEnd();
    const i = this.lineStart;
    if (i === this.lineEnd) this.fail(i, 'blank line; OpenMetrics allows none');
    if (this.buf[i] === HASH) return this.#metadataLine(i + 1);
    this.#seriesLine(i);
    return 'series';
  }

  #failAtEnd(): never {
    const length = this.buf.length;
    // After a final newline (or in an empty input) the missing line is the next one.
    if (length === 0 || this.buf[length - 1] === NEWLINE) {
      this.line++;
      this.lineStart = length;
    }
    this.lineEnd = length;
    this.fail(length, 'expected "# EOF" as the last line, got end of input');
  }

  #metadataLine(i: number): EntryKind {
    const buf = this.buf;
    const end = this.lineEnd;
    if (i >= end || buf[i] !== SPACE) this.expected(i, 'a space after "#"');
    i++;
    const keywordEnd = this.tokenEnd(i, false);
    const keyword = keywordEnd - i <= 4 ? this.word(i, keywordEnd) : '';
    if (keyword === 'EOF' && keywordEnd === end) {
      this.#rules.eof();
      if (this.cursor < buf.length) {
        this.startLine();
        this.fail(this.lineStart, 'nothing may follow "# EOF"');
      }
      this.#ended = true;
      this.setEntryName('');
      return 'eof';
    }
    if (keyword === 'EOF') this.expected(keywordEnd, 'the end of the line after "# EOF"');
    if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') {
      this.fail(i, `expected HELP, TYPE, UNIT or EOF after "# ", got ${this.quoteBytes(i, keywordEnd)}`);
    }
    if (keywordEnd >= end) this.expected(keywordEnd, `a space after ${keyword}`);
    const nameAt = keywordEnd + 1;
    const nameEnd =
      buf[nameAt] === QUOTE && nameAt < end ? this.scanQuoted(nameAt, true) : this.scanMetricName(nameAt);
    const name = this.token;
    this.setEntryName(name);
    this.#labelsAt = nameAt;
    if (nameEnd >= end || buf[nameEnd] !== SPACE) this.expected(nameEnd, 'a space after the metric name');
    const textAt = nameEnd + 1;
    if (keyword === 'HELP') {
      this.setText(textAt, end, 'openmetrics');
      this.#rules.help(name);
      return 'help';
    }
    const word = this.word(textAt, end);
    if (keyword === 'TYPE') {
      if (!OPENMETRICS_TYPES.has(word)) {
        this.fail(
          textAt,
          `unknown metric type ${JSON.stringify(word)}: expected counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown`,
        );
      }
      this.entryType = word as MetricType;
      this.#rules.type(name, this.entryType);
      return 'type';
    }
    for (let j = textAt; j < end; j++) {
      if (!isMetricNameByte(buf[j]!)) this.fail(j, `invalid character ${this.describeAt(j)} in unit`);
    }
    this.setText(textAt, end, 'none');
    this.#rules.unit(name, word);
    return 'unit';
  }

  #seriesLine(i: number): void {
    const buf = this.buf;
    const end = this.lineEnd;
    this.#timestampAt = end;
    this.#exemplarAt = end;
    i = this.readSeries(i);
    this.#labelsAt = this.seriesNameEnd;
    if (i >= end || buf[i] !== SPACE) this.expected(i, 'a single space before the sample value');
    i = this.#readValue(i + 1);
    let exactTimestamp: number | undefined;
    if (i < end) {
      i++;
      if (buf[i] !== HASH || i >= end) {
        this.#timestampAt = i;
        const timestampEnd = this.tokenEnd(i, false);
        exactTimestamp = this.#parseTimestamp(i, timestampEnd, 'a timestamp or an exemplar');
        this.sampleTimestamp = Math.round(exactTimestamp);
        i = timestampEnd;
        if (i < end) {
          i++;
          if (i >= end || buf[i] !== HASH) this.expected(i, '"#" to start an exemplar');
        }
      }
      if (i < end) this.#readExemplar(i);
    }
    this.#rules.sample(
      this.name(),
      this.decodeSeriesLabels(),
      this.sampleValue,
      exactTimestamp,
      this.hasExemplar,
    );
  }

  #readValue(at: number): number {
    const valueEnd = this.tokenEnd(at, false);
    this.#valueAt = at;
    if (valueEnd === at) this.expected(at, 'a sample value (tokens are separated by single spaces)');
    const value = parseSampleValue(this.buf, at, valueEnd);
    if (value === undefined) this.fail(at, `invalid sample value ${this.quoteBytes(at, valueEnd)}`);
    this.sampleValue = value;
    return valueEnd;
  }

  /** Reads timestamp seconds as milliseconds, unrounded (the rules compare them exactly). */
  #parseTimestamp(at: number, to: number, what: string): number {
    if (to === at) this.expected(at, what);
    const ms = parseDecimal(this.buf, at, to, 3);
    if (ms === undefined) {
      this.fail(at, `invalid timestamp ${this.quoteBytes(at, to)}: expected seconds as a decimal number`);
    }
    return ms;
  }

  // ` # {labels} value [timestamp]` from the `#`.
  #readExemplar(i: number): void {
    const buf = this.buf;
    const end = this.lineEnd;
    this.#exemplarAt = i;
    i++;
    if (i >= end || buf[i] !== SPACE) this.expected(i, 'a space after the exemplar\'s "#"');
    i++;
    if (i >= end || buf[i] !== OPEN_BRACE) this.expected(i, "the exemplar's labels in braces");
    const labels = this.exemplarLabels;
    i = this.scanExemplarLabels(i);
    let length = 0;
    for (let k = 0; k < labels.count; k++)
      length += codePoints(labels.names[k]!) + codePoints(labels.values[k]!);
    if (length > MAX_EXEMPLAR_LABEL_LENGTH) {
      this.fail(
        this.#exemplarAt,
        `exemplar label names and values have ${length} code points together; at most ${MAX_EXEMPLAR_LABEL_LENGTH} are allowed`,
      );
    }
    if (i >= end || buf[i] !== SPACE) this.expected(i, 'a space before the exemplar value');
    i++;
    const valueEnd = this.tokenEnd(i, false);
    if (valueEnd === i) this.expected(i, 'an exemplar value');
    const value = parseSampleValue(buf, i, valueEnd);
    if (value === undefined) this.fail(i, `invalid exemplar value ${this.quoteBytes(i, valueEnd)}`);
    this.exemplarValue = value;
    this.exemplarTimestamp = undefined;
    i = valueEnd;
    if (i < end) {
      i++;
      const timestampEnd = this.tokenEnd(i, false);
      this.exemplarTimestamp = Math.round(this.#parseTimestamp(i, timestampEnd, 'an exemplar timestamp'));
      if (timestampEnd < end) this.expected(timestampEnd, 'the end of the line after the exemplar');
    }
    this.hasExemplar = true;
  }

  #offsetOf(where: Where): number {
    switch (where) {
      case 'name':
      case 'line':
        return this.lineStart;
      case 'labels':
        return this.#labelsAt;
      case 'value':
        return this.#valueAt;
      case 'timestamp':
        return this.#timestampAt;
      case 'exemplar':
        return this.#exemplarAt;
    }
  }
}

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}
