import type { MetricType } from '@pyrometer/model';
import { sharedPrefixLength } from './byte-compare.ts';
import { ExpositionError } from './exposition-error.ts';
import { LabelScratch } from './label-scratch.ts';
import { CLOSE_BRACE, COMMA, EQUALS, LineScanner, OPEN_BRACE, QUOTE } from './line-scanner.ts';

/** What `next()` found: a sample line, a metadata line, a comment (text format only) or the end. */
export type EntryKind = 'series' | 'help' | 'type' | 'unit' | 'comment' | 'eof';

/** Caller-owned storage an exemplar is copied into; see `exemplar()`. */
export interface ExemplarSink {
  /** Interleaved [name, value, ...], sorted by name; truncated to what was written. */
  labels: string[];
  value: number;
  /** Milliseconds, or undefined when the exemplar has none. */
  timestamp: number | undefined;
}

/** How the text of a metadata line is escaped: not at all, `\\` and `\n`, or those and `\"`. */
export type TextEscapes = 'none' | 'text' | 'openmetrics';

/**
 * A cursor over an exposition: `next()` moves to the next entry and says what it is, and the
 * accessors read that entry. Nothing is allocated per sample unless the caller asks for it:
 * labels and exemplars are written into arrays the caller owns, and names and common label
 * values come from a cache of decoded strings. Strings returned are ordinary strings the
 * caller may keep; the input buffer must not change while the parser is in use. After
 * `next()` has thrown an `ExpositionError`, it throws the same error again.
 */
export abstract class ExpositionParser extends LineScanner {
  protected entryName = '';
  protected readonly seriesLabels = new LabelScratch();
  protected sampleValue = 0;
  protected sampleTimestamp: number | undefined = undefined;
  /** Where the current series' name ends (its labels or the value follow). */
  protected seriesNameEnd = 0;
  protected entryType: MetricType = 'unknown';
  protected readonly exemplarLabels = new LabelScratch();
  protected hasExemplar = false;
  protected exemplarValue = 0;
  protected exemplarTimestamp: number | undefined = undefined;

  /** Whether blanks may surround the tokens inside braces and a trailing comma may end them. */
  protected readonly lenientLabels: boolean;

  // Metadata and comment text is decoded only when asked for: a scraper often is not.
  #textStart = 0;
  #textEnd = 0;
  #textEscapes: TextEscapes = 'none';
  #text: string | undefined = '';

  // The previous series line, whose name and leading labels the next line often repeats
  // byte for byte (a histogram's buckets, a family's series): those are taken over after
  // one comparison instead of being scanned again. Offsets are relative to the line start.
  #previousStart = -1;
  #previousLine = 0;
  #previousLength = 0;
  #previousNameEnd = 0;
  #previousName = '';
  readonly #labelEnds: number[] = [];
  #labelCountOfPrevious = 0;
  #error: ExpositionError | undefined = undefined;

  constructor(input: Uint8Array | string, lenientLabels: boolean) {
    super(input);
    this.lenientLabels = lenientLabels;
  }

  /** Moves to the next entry and says what it is; 'eof' once the input is exhausted. */
  next(): EntryKind {
    if (this.#error !== undefined) throw this.#error;
    try {
      return this.readEntry();
    } catch (error) {
      if (error instanceof ExpositionError) this.#error = error;
      throw error;
    }
  }

  protected abstract readEntry(): EntryKind;

  /** The metric name of a series, or the metric family a HELP, TYPE or UNIT line names. */
  name(): string {
    return this.entryName;
  }

  /**
   * Writes the current series' labels into `out` as interleaved [name, value, ...],
   * including `__name__`, sorted by name (the order `Labels.fromSortedFlat` expects).
   * Labels with empty values are kept as written. `out` is the caller's: it is truncated
   * to what was written and may be reused for the next series. Returns `out`.
   */
  labels(out: string[]): string[] {
    return this.seriesLabels.writeSorted(out, this.entryName);
  }

  /** The current series' value. */
  value(): number {
    return this.sampleValue;
  }

  /** The current series' timestamp in milliseconds, or undefined when the line has none. */
  timestamp(): number | undefined {
    return this.sampleTimestamp;
  }

  /**
   * Copies the current series' exemplar into `into` and returns true, or returns false
   * (leaving `into` untouched) when the line has none. Only OpenMetrics has exemplars.
   */
  exemplar(into: ExemplarSink): boolean {
    if (!this.hasExemplar) return false;
    this.exemplarLabels.writeSorted(into.labels, undefined);
    into.value = this.exemplarValue;
    into.timestamp = this.exemplarTimestamp;
    return true;
  }

  /** The text of a HELP entry, unescaped. */
  help(): string {
    return this.#entryText();
  }

  /** The type a TYPE entry declares (the text format's `untyped` is 'unknown'). */
  type(): MetricType {
    return this.entryType;
  }

  /** The unit a UNIT entry declares (OpenMetrics only). */
  unit(): string {
    return this.#entryText();
  }

  /** The text of a comment entry (text format only), after the `#` and the blanks that follow it. */
  comment(): string {
    return this.#entryText();
  }

  /** The 1-based line number of the current entry. */
  lineNumber(): number {
    return this.line;
  }

  /** Sets the current entry's text to `buf[start..end)`, to be unescaped as `escapes` says. */
  protected setText(start: number, end: number, escapes: TextEscapes): void {
    this.#textStart = start;
    this.#textEnd = end;
    this.#textEscapes = escapes;
    this.#text = undefined;
  }

  #entryText(): string {
    if (this.#text === undefined) {
      const escapes = this.#textEscapes;
      this.#text =
        escapes === 'none'
          ? this.decode(this.#textStart, this.#textEnd)
          : this.unescape(this.#textStart, this.#textEnd, escapes === 'openmetrics');
    }
    return this.#text;
  }

  /**
   * Reads the series at `i`, the start of its line or after leading blanks: the metric name
   * and the labels, quoted name first inside the braces when it needs quoting. Returns the
   * index after the name or the closing brace.
   */
  protected scanSeries(i: number): number {
    const buf = this.buf;
    this.seriesLabels.count = 0;
    this.sampleTimestamp = undefined;
    this.hasExemplar = false;
    if (buf[i] === OPEN_BRACE) {
      this.entryName = '';
      this.seriesNameEnd = i;
      this.#previousStart = -1;
      const after = this.scanLabels(i, 0);
      if (this.entryName === '')
        this.fail(i, 'expected a metric name before the labels or quoted first inside them');
      return after;
    }
    // Only right after another series line: a family's first line rarely shares much.
    if (i === this.lineStart && this.#previousStart >= 0 && this.#previousLine === this.line - 1) {
      const resumed = this.#resume();
      if (resumed >= 0) return resumed;
    }
    i = this.scanMetricName(i);
    this.entryName = this.token;
    this.seriesNameEnd = i;
    this.#previousStart = this.lineStart;
    this.#previousLine = this.line;
    this.#previousLength = this.lineEnd - this.lineStart;
    this.#previousNameEnd = i - this.lineStart;
    this.#previousName = this.token;
    return this.#labelsAfterName(i);
  }

  // Takes over what this line shares with the previous series line; -1 when not the name.
  #resume(): number {
    const buf = this.buf;
    const start = this.lineStart;
    const previous = this.#previousStart;
    const length = this.lineEnd - start;
    const limit = Math.min(length, this.#previousLength);
    const shared = sharedPrefixLength(this.view, buf, previous, start, limit);
    // The byte after the name must match too, or the name only starts the same.
    if (shared <= this.#previousNameEnd) return -1;
    this.entryName = this.#previousName;
    this.seriesNameEnd = start + this.#previousNameEnd;
    this.#previousStart = start;
    this.#previousLine = this.line;
    this.#previousLength = length;
    const labelEnds = this.#labelEnds;
    let count = 0;
    while (count < this.#labelCountOfPrevious && labelEnds[count]! <= shared) count++;
    if (count === 0) return this.#labelsAfterName(start + this.#previousNameEnd);
    this.seriesLabels.count = count;
    return this.scanLabels(start + labelEnds[count - 1]!, count);
  }

  #labelsAfterName(i: number): number {
    const buf = this.buf;
    let open = i;
    if (this.lenientLabels) open = this.skipBlanks(i);
    if (open < this.lineEnd && buf[open] === OPEN_BRACE) return this.scanLabels(open, 0);
    this.#labelCountOfPrevious = 0;
    return i;
  }

  /**
   * Reads the series' label set from `i`, its opening brace, into `seriesLabels`; or, when
   * `resumeAfter` labels were taken over from the previous line, from just after the last of
   * them. Returns the index after the closing brace.
   */
  protected scanLabels(i: number, resumeAfter: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    const lenient = this.lenientLabels;
    const into = this.seriesLabels;
    let resuming = resumeAfter > 0;
    if (!resuming) {
      i++;
      if (lenient) i = this.skipBlanks(i);
      if (i < end && buf[i] === CLOSE_BRACE) {
        this.#labelCountOfPrevious = 0;
        return i + 1;
      }
    }
    for (let first = !resuming; ; first = false) {
      if (!resuming) {
        const nameAt = i;
        i = this.scanLabelName(i);
        const name = this.token;
        if (lenient) i = this.skipBlanks(i);
        if (first && buf[nameAt] === QUOTE && this.entryName === '' && buf[i] !== EQUALS) {
          this.entryName = name;
        } else {
          i = this.#labelValue(i, into, name, nameAt);
          this.#labelEnds[into.count - 1] = i - this.lineStart;
        }
        if (lenient) i = this.skipBlanks(i);
      }
      resuming = false;
      if (i < end && buf[i] === CLOSE_BRACE) break;
      i = this.afterComma(i);
      if (i < 0) {
        i = -i;
        break;
      }
    }
    this.#labelCountOfPrevious = into.count;
    return i + 1;
  }

  /** Reads the labels of an exemplar, from its opening brace at `i`, into `exemplarLabels`. */
  protected scanExemplarLabels(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    const into = this.exemplarLabels;
    into.count = 0;
    i++;
    if (i < end && buf[i] === CLOSE_BRACE) return i + 1;
    for (;;) {
      const nameAt = i;
      i = this.scanLabelName(i);
      i = this.#labelValue(i, into, this.token, nameAt);
      if (i < end && buf[i] === CLOSE_BRACE) return i + 1;
      i = this.afterComma(i);
      if (i < 0) return -i + 1;
    }
  }

  // `="value"` after a label name; returns the index after the closing quote.
  #labelValue(i: number, into: LabelScratch, name: string, nameAt: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    const lenient = this.lenientLabels;
    if (i >= end || buf[i] !== EQUALS) this.expected(i, '"=" after the label name');
    i++;
    if (lenient) i = this.skipBlanks(i);
    if (i >= end || buf[i] !== QUOTE) this.expected(i, 'a double-quoted label value');
    i = this.scanQuoted(i, false);
    if (into === this.seriesLabels && name === '__name__' && this.entryName !== '') {
      this.fail(nameAt, 'label "__name__" repeats the metric name');
    }
    for (let k = 0; k < into.count; k++) {
      if (into.names[k] === name) this.fail(nameAt, `duplicate label name "${name}"`);
    }
    into.push(name, this.token);
    return i;
  }

  /**
   * After a label: expects a comma and returns the index of the next label, or, for a
   * trailing comma the text format allows, minus the index of the closing brace.
   */
  protected afterComma(i: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    if (i >= end || buf[i] !== COMMA) this.expected(i, '"," or "}" after a label');
    // A blank after the comma is accepted in both formats, as Prometheus writes `{"a.b", c="d"}`.
    i = this.skipBlanks(i + 1);
    if (i < end && buf[i] === CLOSE_BRACE) {
      if (!this.lenientLabels)
        this.fail(i, 'expected a label after ",", got "}" (OpenMetrics allows no trailing comma)');
      return -i;
    }
    return i;
  }
}
