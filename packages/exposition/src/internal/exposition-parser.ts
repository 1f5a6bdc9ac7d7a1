import { Labels, type MetricType } from '@pyrometer/model';
import { sharedPrefixLength } from './byte-compare.ts';
import { ExpositionError } from './exposition-error.ts';
import { LabelScratch, sortPairs } from './label-scratch.ts';
import {
  BACKSLASH,
  CLOSE_BRACE,
  COMMA,
  EQUALS,
  LineScanner,
  NEWLINE,
  OPEN_BRACE,
  QUOTE,
  SPACE,
  TAB,
} from './line-scanner.ts';
import { hashSeries, type SeriesCache } from './series-cache.ts';

const LOWER_N = 0x6e;
/** A replay id is the gap's number times this, plus the entry's index in the gap. */
const REPLAY_ID_LINES = 65536;

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

/** Options of the streaming parsers. */
export interface ParserOptions {
  /**
   * The target's cache of series label sets, kept from scrape to scrape: `series()` returns
   * its `Labels`, and the text parser reads a line that repeats the previous scrape without
   * scanning its series part again. See `SeriesCache`.
   */
  seriesCache?: SeriesCache | undefined;
}

/** How the text of a metadata line is escaped: not at all, `\\` and `\n`, or those and `\"`. */
export type TextEscapes = 'none' | 'text' | 'openmetrics';

// Per label of the current series, relative to the line start: name start and end, value
// start and end (the content between the quotes).
const SPAN = 4;
const NAME_ESCAPED = 1;
const VALUE_ESCAPED = 2;
const NO_SPANS = new Int32Array(0);
const NO_ESCAPES = new Uint8Array(0);
const TEXT_PARSER = 1;
const OPENMETRICS_PARSER = 2;

// What the text parser remembers of a metadata line, to replay it when the next scrape has the
// same lines: kind (and flags), line number and offsets relative to the first line after the
// previous series line.
const RECORD = 8;
const RECORD_HELP = 1;
const RECORD_TYPE = 2;
const RECORD_COMMENT = 3;
const RECORD_NAME_ESCAPED = 16;
const RECORD_NO_NAME = 32;
const RECORD_TYPES: readonly MetricType[] = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
];

/**
 * A cursor over an exposition: `next()` moves to the next entry and says what it is, and the
 * accessors read that entry. Nothing is allocated per sample unless the caller asks for it.
 * `next()` only finds the parts of a series line (and checks them, so that errors name the
 * right line and column); label names and values are decoded when `labels()` or `series()`
 * asks for them, into arrays the caller owns, names and common label values through a cache
 * of decoded strings. Strings returned are ordinary strings the caller may keep; the input
 * buffer must not change while the parser is in use. After `next()` has thrown an
 * `ExpositionError`, it throws the same error again.
 *
 * A scraper passes the target's `SeriesCache` in the options and reads `series()`, the
 * cached label set of the line's series part, which is decoded once for the target's life
 * (see `SeriesCache` for what the cache lets the text parser skip on repeated scrapes).
 */
export abstract class ExpositionParser extends LineScanner {
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

  // The name of the entry, decoded when first asked for: bytes [start, end) of the line.
  #name: string | undefined = '';
  #nameStart = 0;
  #nameEnd = 0;
  #nameEscaped = false;
  #hasName = false;

  // The current series part, [start, end), and its labels as spans (see SPAN), valid unless
  // the line was matched whole against the series cache.
  #seriesStart = 0;
  #seriesEnd = 0;
  // Made on the first line that needs them: a scrape read from the cache may need none.
  #spans = NO_SPANS;
  #escapes = NO_ESCAPES;
  #labelCount = 0;
  #spansValid = true;
  // The decoded strings of the first `decodedCount` labels; a line that repeats the previous
  // one's leading labels keeps theirs.
  // (They are the arrays of `seriesLabels`, which the OpenMetrics rules read.)
  readonly #decodedNames: string[] = this.seriesLabels.names;
  readonly #decodedValues: string[] = this.seriesLabels.values;
  #decodedCount = 0;
  /** Whether the current entry is a series line (the accessors of a series read it). */
  #isSeries = false;

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
  #labelEnds = NO_SPANS;
  #labelCountOfPrevious = 0;
  #error: ExpositionError | undefined = undefined;

  // The series cache: the current line's entry (-1 until resolved), the previous series
  // line's, and whether the current line is the first series line of the input.
  readonly #cache: SeriesCache | undefined;
  readonly #parserKind: number;
  #entry = -1;
  #previousEntry = -1;
  #firstSeries = true;
  #isFirstSeries = false;
  #predicted = -1;

  // The metadata lines since the previous series line (the gap), recorded for the cache, and
  // the gap before the current series line; and a gap being replayed from the cache.
  #gapStart = 0;
  #gapLine = 1;
  #gapRecords = NO_SPANS;
  #gapCount = 0;
  #gapReplayed = false;
  #pendingStart = 0;
  #pendingEnd = 0;
  #pendingLines = 0;
  #pendingCount = 0;
  #pendingReplayed = false;
  #replay: Int32Array | undefined = undefined;
  #replayIndex = 0;
  #replayGap = -1;
  /** See `replayId()`; -1 unless the current entry was replayed. */
  #replayId = -1;
  #replayBase = 0;
  #replayLine = 0;
  #replayEnd = 0;
  #replayLines = 0;

  constructor(input: Uint8Array | string, lenientLabels: boolean, options: ParserOptions | undefined) {
    super(input);
    this.lenientLabels = lenientLabels;
    this.#cache = options?.seriesCache;
    this.#parserKind = lenientLabels ? TEXT_PARSER : OPENMETRICS_PARSER;
  }

  /** Moves to the next entry and says what it is; 'eof' once the input is exhausted. */
  next(): EntryKind {
    if (this.#error !== undefined) throw this.#error;
    this.#isSeries = false;
    this.#replayId = -1;
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
    if (this.#name === undefined) {
      this.#name = this.#nameEscaped
        ? this.unescape(this.#nameStart, this.#nameEnd, true)
        : this.word(this.#nameStart, this.#nameEnd);
    }
    return this.#name;
  }

  /**
   * Writes the current series' labels into `out` as interleaved [name, value, ...],
   * including `__name__`, sorted by name (the order `Labels.fromSortedFlat` expects).
   * Labels with empty values are kept as written. `out` is the caller's: it is truncated
   * to what was written and may be reused for the next series. Returns `out`. The strings
   * are decoded on each call: a scraper that sees the same series every scrape should use
   * `series()` with a `SeriesCache`. When the current entry is not a series, `out` is emptied.
   */
  labels(out: string[]): string[] {
    if (!this.#isSeries) {
      if (out.length !== 0) out.length = 0;
      return out;
    }
    if (!this.#spansValid) this.#rescan();
    this.#decodeLabels();
    out[0] = '__name__';
    out[1] = this.name();
    let k = 2;
    const names = this.#decodedNames;
    const values = this.#decodedValues;
    for (let j = 0; j < this.#labelCount; j++) {
      out[k++] = names[j]!;
      out[k++] = values[j]!;
    }
    // Assigning length goes through a slow setter even when it does not change.
    if (out.length !== k) out.length = k;
    sortPairs(out);
    return out;
  }

  /**
   * The current series' label set (`__name__` included, empty values dropped, as
   * `Labels.fromFlat`). With a `SeriesCache` in the options, it is the cache's: the same
   * immutable object for every line whose series part has the same bytes, in this scrape and
   * the next ones until `prune()` drops it, decoded only the first time; this also records
   * the series as seen in this scrape. Without a cache, a new `Labels` each call.
   * `Labels.EMPTY` when the current entry is not a series.
   */
  series(): Labels {
    if (!this.#isSeries) return Labels.EMPTY;
    const cache = this.#cache;
    if (cache === undefined) return Labels.fromFlat(this.labels([]));
    return cache.labelsOf(this.#resolveEntry(cache)) ?? Labels.fromFlat(this.labels([]));
  }

  /**
   * With a `SeriesCache`, the cache's entry for the current series (see `SeriesCache.attach`),
   * resolved as `series()` does, recording it as seen; -1 without a cache or when the current
   * entry is not a series. Valid until the cache's next `prune()` or `clear()`.
   */
  seriesEntry(): number {
    const cache = this.#cache;
    if (!this.#isSeries || cache === undefined) return -1;
    return this.#resolveEntry(cache);
  }

  #resolveEntry(cache: SeriesCache): number {
    let e = this.#entry;
    if (e < 0) {
      const buf = this.buf;
      const start = this.#seriesStart;
      const length = this.#seriesEnd - start;
      const hash = hashSeries(this.view, buf, start, this.#seriesEnd);
      e = cache.find(buf, this.view, start, length, hash);
      if (e < 0) {
        const labels = cache.keepsLabels ? Labels.fromFlat(this.labels([])) : undefined;
        e = cache.add(buf, start, length, hash, this.name(), labels, this.#parserKind);
      }
      cache.seen(e, this.#previousEntry, this.#isFirstSeries);
      this.#entry = e;
      this.#storeGap(e);
    }
    return e;
  }

  /**
   * The offset in the input where the current series part starts: the metric name, or the
   * `{` of a line whose quoted name is inside the braces. With `seriesEnd()`, the bytes
   * that identify the series as written (name and labels, without value and timestamp).
   */
  seriesStart(): number {
    return this.#seriesStart;
  }

  /** The offset in the input just after the current series part (after its `}` or name). */
  seriesEnd(): number {
    return this.#seriesEnd;
  }

  /**
   * The series part of the current line as a string of Latin-1 characters, one per byte:
   * not readable text but a key (for a `Map`) that is equal for two lines exactly when their
   * series parts have the same bytes. A new string each call; '' when the current entry is
   * not a series.
   */
  seriesKey(): string {
    if (!this.#isSeries) return '';
    return this.latin1(this.#seriesStart, this.#seriesEnd);
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

  /**
   * Whether the text of the current HELP, UNIT or comment entry, unescaped, is `s`. ASCII text
   * is compared with the bytes as written, without decoding them: a caller that keeps a
   * family's help from scrape to scrape learns that it has not changed without a new string.
   */
  textEquals(s: string): boolean {
    if (this.#text !== undefined) return this.#text === s;
    const buf = this.buf;
    const end = this.#textEnd;
    const escapes = this.#textEscapes;
    let j = 0;
    for (let i = this.#textStart; i < end; i++, j++) {
      let c = buf[i]!;
      // Multi-byte UTF-8: decode instead of comparing code units by hand.
      if (c >= 0x80) return this.#entryText() === s;
      if (c === BACKSLASH && escapes !== 'none' && i + 1 < end) {
        const next = buf[i + 1]!;
        if (next === BACKSLASH || next === LOWER_N || (next === QUOTE && escapes === 'openmetrics')) {
          c = next === LOWER_N ? NEWLINE : next;
          i++;
        }
      }
      if (j >= s.length || s.charCodeAt(j) !== c) return false;
    }
    return j === s.length;
  }

  /**
   * The offset in the input where the current entry's line starts. With `entryEnd()`, the
   * line's bytes as written (without its line end): two entries with the same bytes say the
   * same, which lets a caller that remembers a line skip reading it again.
   */
  entryStart(): number {
    return this.lineStart;
  }

  /** The offset in the input just after the current entry's line (before a CR LF or LF). */
  entryEnd(): number {
    return this.lineEnd;
  }

  /**
   * For a metadata or comment entry the text parser replayed from the series cache (its line
   * and those around it were byte for byte as a previous scrape had them), a number that
   * identifies its bytes: an entry replayed with the same number, in this scrape or a later
   * one, has the same bytes. -1 for any other entry. A caller that remembers what a line said
   * can tell it is unchanged by comparing one number.
   */
  replayId(): number {
    return this.#replayId;
  }

  /** The 1-based line number of the current entry. */
  lineNumber(): number {
    return this.line;
  }

  /** Sets the name of a metadata or comment entry. */
  protected setEntryName(name: string): void {
    this.#name = name;
  }

  /** Sets the name of a metadata entry to `buf[start..end)`, decoded when asked for. */
  protected setEntryNameAt(start: number, end: number, escaped: boolean): void {
    this.#nameStart = start;
    this.#nameEnd = end;
    this.#nameEscaped = escaped;
    this.#name = undefined;
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
   * Compares the current line, from its start, with the series the cache says followed the
   * previous series line last time; returns the index after the matched bytes, or -1. The
   * line's end need not be known: the cached bytes have no newline in them. Changes no state:
   * `takePredicted` or `readSeries` follows.
   */
  protected predictSeries(): number {
    const cache = this.#cache;
    if (cache === undefined) return -1;
    const previous = this.#entry;
    if (previous < 0 && !this.#firstSeries) return -1;
    const e = cache.nextOf(previous);
    if (e < 0) return -1;
    this.#predicted = e;
    return cache.matchAt(e, this.buf, this.view, this.lineStart, this.buf.length, this.#parserKind);
  }

  /**
   * Takes the series part `predictSeries` matched, ending at `after`, as the current line's
   * when the line's end and the byte after it allow; false otherwise (then `readSeries`).
   */
  protected takePredicted(after: number): boolean {
    if (!this.#endsSeriesPart(after)) return false;
    this.#startSeries();
    const e = this.#predicted;
    this.#cache!.touch(e);
    this.#entry = e;
    this.#storeGap(e);
    this.#seriesStart = this.lineStart;
    this.#seriesEnd = after;
    this.#spansValid = false;
    this.#name = this.#cache!.nameOf(e);
    this.seriesNameEnd = after;
    this.#previousStart = -1;
    return true;
  }

  // Bookkeeping at the start of every series line.
  #startSeries(): void {
    this.#isSeries = true;
    this.sampleTimestamp = undefined;
    this.hasExemplar = false;
    this.#previousEntry = this.#entry;
    this.#entry = -1;
    this.#isFirstSeries = this.#firstSeries;
    this.#firstSeries = false;
    this.#pendingStart = this.#gapStart;
    this.#pendingEnd = this.lineStart;
    this.#pendingLines = this.line - this.#gapLine;
    this.#pendingCount = this.#gapCount;
    this.#pendingReplayed = this.#gapReplayed;
    this.#gapStart = this.cursor;
    this.#gapLine = this.line + 1;
    this.#gapCount = 0;
    this.#gapReplayed = false;
  }

  // Gives the cache the metadata lines before the series line of entry `e` (text format only).
  #storeGap(e: number): void {
    if (this.#pendingReplayed || this.#parserKind !== TEXT_PARSER) return;
    const start = this.#pendingStart;
    this.#cache!.setGap(
      e,
      this.buf,
      this.view,
      start,
      this.#pendingEnd - start,
      this.#pendingLines,
      this.#gapRecords,
      this.#pendingCount,
      RECORD,
    );
  }

  /**
   * Records the metadata or comment entry just read, for the cache to replay next scrape
   * (text format only; the OpenMetrics parser checks rules on metadata and does not replay).
   */
  protected noteMetadata(kind: EntryKind): void {
    if (this.#cache === undefined) return;
    const k = this.#gapCount;
    if ((k + 1) * RECORD > this.#gapRecords.length) {
      const grown = new Int32Array(Math.max(16 * RECORD, this.#gapRecords.length * 2));
      grown.set(this.#gapRecords);
      this.#gapRecords = grown;
    }
    const r = this.#gapRecords;
    const o = k * RECORD;
    const base = this.#gapStart;
    const code = kind === 'help' ? RECORD_HELP : kind === 'type' ? RECORD_TYPE : RECORD_COMMENT;
    r[o] =
      code |
      (this.#nameEscaped ? RECORD_NAME_ESCAPED : 0) |
      (kind === 'comment' ? RECORD_NO_NAME : 0) |
      (RECORD_TYPES.indexOf(this.entryType) << 8);
    r[o + 1] = this.line - this.#gapLine;
    r[o + 2] = this.lineStart - base;
    r[o + 3] = this.lineEnd - base;
    r[o + 4] = this.#nameStart - base;
    r[o + 5] = this.#nameEnd - base;
    r[o + 6] = this.#textStart - base;
    r[o + 7] = this.#textEnd - base;
    this.#gapCount = k + 1;
  }

  /**
   * At a `#` line that starts the metadata lines the cache remembers before the series that
   * should come next, with the same bytes: starts replaying their entries and returns true.
   */
  protected startReplay(): boolean {
    const cache = this.#cache;
    if (cache === undefined) return false;
    const previous = this.#entry;
    if (previous < 0 && !this.#firstSeries) return false;
    const e = cache.nextOf(previous);
    if (e < 0) return false;
    const records = cache.matchGap(e, this.buf, this.view, this.lineStart);
    if (records === undefined || records.length === 0) return false;
    this.#replay = records;
    this.#replayIndex = 0;
    this.#replayBase = this.lineStart;
    this.#replayLine = this.line;
    this.#replayEnd = this.lineStart + cache.gapLength(e);
    this.#replayLines = cache.gapLines(e);
    this.#replayGap = cache.gapId(e);
    this.#gapReplayed = true;
    return true;
  }

  /** The next replayed entry, or undefined when no replay is going on (any more). */
  protected replayEntry(): EntryKind | undefined {
    const records = this.#replay;
    if (records === undefined) return undefined;
    const o = this.#replayIndex * RECORD;
    if (o >= records.length) {
      this.#replay = undefined;
      this.cursor = this.#replayEnd;
      this.line = this.#replayLine + this.#replayLines - 1;
      return undefined;
    }
    if (this.#replayIndex < REPLAY_ID_LINES)
      this.#replayId = this.#replayGap * REPLAY_ID_LINES + this.#replayIndex;
    this.#replayIndex++;
    const base = this.#replayBase;
    const code = records[o]!;
    this.line = this.#replayLine + records[o + 1]!;
    this.lineStart = base + records[o + 2]!;
    this.lineEnd = base + records[o + 3]!;
    if ((code & RECORD_NO_NAME) !== 0) this.setEntryName('');
    else
      this.setEntryNameAt(base + records[o + 4]!, base + records[o + 5]!, (code & RECORD_NAME_ESCAPED) !== 0);
    const kind = code & 15;
    if (kind === RECORD_TYPE) {
      this.entryType = RECORD_TYPES[code >> 8]!;
      return 'type';
    }
    this.setText(base + records[o + 6]!, base + records[o + 7]!, kind === RECORD_HELP ? 'text' : 'none');
    return kind === RECORD_HELP ? 'help' : 'comment';
  }

  /**
   * Starts a series line at `i` (the start of the line or after leading blanks) and reads its
   * series part; returns the index after it.
   */
  protected readSeries(i: number): number {
    this.#startSeries();
    return this.scanSeries(i);
  }

  // Whether a series part read from a cache entry ends at `after`, as a scan would end it.
  #endsSeriesPart(after: number): boolean {
    const buf = this.buf;
    if (after >= this.lineEnd) return false;
    const c = buf[after];
    if (c === SPACE) {
      if (!this.lenientLabels || buf[after - 1] === CLOSE_BRACE) return true;
    } else if (c !== TAB || !this.lenientLabels) {
      return false;
    }
    // The text format allows blanks between a name and its labels.
    const j = this.skipBlanks(after);
    return j >= this.lineEnd || buf[j] !== OPEN_BRACE;
  }

  // Scans the series part of a line matched against the cache, for its label spans.
  #rescan(): void {
    const name = this.#name;
    this.scanSeries(this.#seriesStart);
    if (name !== undefined) this.#name = name;
  }

  /**
   * Reads the series at `i`, the start of its line or after leading blanks: the metric name
   * and the labels, quoted name first inside the braces when it needs quoting. Checks them
   * and records where their parts are; decodes nothing. Returns the index after the name or
   * the closing brace.
   */
  protected scanSeries(i: number): number {
    const buf = this.buf;
    this.#labelCount = 0;
    this.#spansValid = true;
    this.#seriesStart = i;
    let end: number;
    if (buf[i] === OPEN_BRACE) {
      this.#decodedCount = 0;
      this.#hasName = false;
      this.#name = undefined;
      this.seriesNameEnd = i;
      this.#previousStart = -1;
      end = this.#scanLabels(i, 0);
      if (!this.#hasName)
        this.fail(i, 'expected a metric name before the labels or quoted first inside them');
      this.#seriesEnd = end;
      return end;
    }
    // Only right after another series line: a family's first line rarely shares much.
    if (i === this.lineStart && this.#previousStart >= 0 && this.#previousLine === this.line - 1) {
      end = this.#resume();
      if (end >= 0) {
        this.#seriesEnd = end;
        return end;
      }
    }
    this.#decodedCount = 0;
    const nameEnd = this.skipMetricName(i);
    this.#nameStart = i;
    this.#nameEnd = nameEnd;
    this.#nameEscaped = false;
    this.#hasName = true;
    this.#name = undefined;
    this.seriesNameEnd = nameEnd;
    this.#previousStart = this.lineStart;
    this.#previousLine = this.line;
    this.#previousLength = this.lineEnd - this.lineStart;
    this.#previousNameEnd = nameEnd - this.lineStart;
    end = this.#labelsAfterName(nameEnd);
    this.#seriesEnd = end;
    return end;
  }

  // Takes over what this line shares with the previous series line; -1 when not the name.
  #resume(): number {
    const start = this.lineStart;
    const length = this.lineEnd - start;
    const limit = Math.min(length, this.#previousLength);
    const shared = sharedPrefixLength(this.view, this.buf, this.#previousStart, start, limit);
    // The byte after the name must match too, or the name only starts the same.
    if (shared <= this.#previousNameEnd) return -1;
    const nameEnd = start + this.#previousNameEnd;
    // The name's bytes are the same, and so is its decoded string when there is one.
    this.#nameStart = start;
    this.#nameEnd = nameEnd;
    this.#nameEscaped = false;
    this.#hasName = true;
    this.seriesNameEnd = nameEnd;
    this.#previousStart = start;
    this.#previousLine = this.line;
    this.#previousLength = length;
    const labelEnds = this.#labelEnds;
    let count = 0;
    while (count < this.#labelCountOfPrevious && labelEnds[count]! <= shared) count++;
    if (this.#decodedCount > count) this.#decodedCount = count;
    if (count === 0) return this.#labelsAfterName(nameEnd);
    this.#labelCount = count;
    return this.#scanLabels(start + labelEnds[count - 1]!, count);
  }

  #labelsAfterName(i: number): number {
    let open = i;
    if (this.lenientLabels) open = this.skipBlanks(i);
    if (open < this.lineEnd && this.buf[open] === OPEN_BRACE) return this.#scanLabels(open, 0);
    this.#labelCountOfPrevious = 0;
    return i;
  }

  /**
   * Reads the series' label set from `i`, its opening brace; or, when `resumeAfter` labels
   * were taken over from the previous line, from just after the last of them. Returns the
   * index after the closing brace.
   */
  #scanLabels(i: number, resumeAfter: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    const lenient = this.lenientLabels;
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
        let nameStart = i;
        let nameEnd: number;
        let nameEscaped = false;
        if (i < end && buf[i] === QUOTE) {
          nameStart = i + 1;
          nameEnd = this.skipQuoted(i);
          nameEscaped = this.quotedEscapes;
          if (nameEnd === nameStart) this.fail(nameAt, 'a quoted name must not be empty');
          i = nameEnd + 1;
        } else {
          nameEnd = this.skipLabelName(i);
          i = nameEnd;
        }
        if (lenient) i = this.skipBlanks(i);
        if (first && buf[nameAt] === QUOTE && !this.#hasName && buf[i] !== EQUALS) {
          this.#hasName = true;
          this.#nameStart = nameStart;
          this.#nameEnd = nameEnd;
          this.#nameEscaped = nameEscaped;
          this.#name = undefined;
        } else {
          i = this.#labelValue(i, nameAt, nameStart, nameEnd, nameEscaped);
          this.#labelEnds[this.#labelCount - 1] = i - this.lineStart;
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
    this.#labelCountOfPrevious = this.#labelCount;
    return i + 1;
  }

  // `="value"` after the label name [nameStart, nameEnd); records the label and returns the
  // index after the closing quote.
  #labelValue(i: number, nameAt: number, nameStart: number, nameEnd: number, nameEscaped: boolean): number {
    const buf = this.buf;
    const end = this.lineEnd;
    if (i >= end || buf[i] !== EQUALS) this.expected(i, '"=" after the label name');
    i++;
    if (this.lenientLabels) i = this.skipBlanks(i);
    if (i >= end || buf[i] !== QUOTE) this.expected(i, 'a double-quoted label value');
    const valueEnd = this.skipQuoted(i);
    const valueEscaped = this.quotedEscapes;
    const length = nameEnd - nameStart;
    // An escaped name has a backslash, quote or newline in it, so it is never __name__.
    if (this.#hasName && length === 8 && !nameEscaped && this.#isMetricNameLabel(nameStart)) {
      this.fail(nameAt, 'label "__name__" repeats the metric name');
    }
    const k = this.#labelCount;
    if (k === this.#escapes.length) this.#growSpans();
    const spans = this.#spans;
    const base = this.lineStart;
    for (let j = 0; j < k; j++) {
      const o = j * SPAN;
      const otherStart = spans[o]! + base;
      const otherEnd = spans[o + 1]! + base;
      const otherEscaped = (this.#escapes[j]! & NAME_ESCAPED) !== 0;
      if (!nameEscaped && !otherEscaped) {
        if (otherEnd - otherStart === length && this.#bytesEqual(otherStart, nameStart, length)) {
          this.#duplicate(nameAt, nameStart, nameEnd, nameEscaped);
        }
      } else if (
        this.decodeQuoted(otherStart, otherEnd, otherEscaped) ===
        this.decodeQuoted(nameStart, nameEnd, nameEscaped)
      ) {
        this.#duplicate(nameAt, nameStart, nameEnd, nameEscaped);
      }
    }
    const o = k * SPAN;
    spans[o] = nameStart - base;
    spans[o + 1] = nameEnd - base;
    spans[o + 2] = i + 1 - base;
    spans[o + 3] = valueEnd - base;
    this.#escapes[k] = (nameEscaped ? NAME_ESCAPED : 0) | (valueEscaped ? VALUE_ESCAPED : 0);
    this.#labelCount = k + 1;
    return valueEnd + 1;
  }

  #duplicate(nameAt: number, start: number, end: number, escaped: boolean): never {
    this.fail(nameAt, `duplicate label name "${this.decodeQuoted(start, end, escaped)}"`);
  }

  #bytesEqual(a: number, b: number, length: number): boolean {
    const buf = this.buf;
    for (let n = 0; n < length; n++) if (buf[a + n] !== buf[b + n]) return false;
    return true;
  }

  // Whether the 8 bytes at `at` are `__name__`.
  #isMetricNameLabel(at: number): boolean {
    const buf = this.buf;
    return (
      buf[at] === 0x5f &&
      buf[at + 1] === 0x5f &&
      buf[at + 2] === 0x6e &&
      buf[at + 3] === 0x61 &&
      buf[at + 4] === 0x6d &&
      buf[at + 5] === 0x65 &&
      buf[at + 6] === 0x5f &&
      buf[at + 7] === 0x5f
    );
  }

  #growSpans(): void {
    const size = Math.max(16, this.#escapes.length * 2);
    const spans = new Int32Array(size * SPAN);
    spans.set(this.#spans);
    this.#spans = spans;
    const escapes = new Uint8Array(size);
    escapes.set(this.#escapes);
    this.#escapes = escapes;
    const labelEnds = new Int32Array(size);
    labelEnds.set(this.#labelEnds);
    this.#labelEnds = labelEnds;
  }

  /**
   * Decodes the current series' labels (without `__name__`) into `seriesLabels`, in the
   * order written, and returns it.
   */
  protected decodeSeriesLabels(): LabelScratch {
    this.#decodeLabels();
    this.seriesLabels.count = this.#labelCount;
    return this.seriesLabels;
  }

  // Decodes the labels not decoded yet.
  #decodeLabels(): void {
    const base = this.lineStart;
    const spans = this.#spans;
    const escapes = this.#escapes;
    const names = this.#decodedNames;
    const values = this.#decodedValues;
    for (let j = this.#decodedCount; j < this.#labelCount; j++) {
      const o = j * SPAN;
      const flags = escapes[j]!;
      names[j] = this.decodeQuoted(spans[o]! + base, spans[o + 1]! + base, (flags & NAME_ESCAPED) !== 0);
      values[j] = this.decodeQuoted(
        spans[o + 2]! + base,
        spans[o + 3]! + base,
        (flags & VALUE_ESCAPED) !== 0,
      );
    }
    this.#decodedCount = this.#labelCount;
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
      i = this.#exemplarLabelValue(i, into, this.token, nameAt);
      if (i < end && buf[i] === CLOSE_BRACE) return i + 1;
      i = this.afterComma(i);
      if (i < 0) return -i + 1;
    }
  }

  // `="value"` after an exemplar's label name; returns the index after the closing quote.
  #exemplarLabelValue(i: number, into: LabelScratch, name: string, nameAt: number): number {
    const buf = this.buf;
    const end = this.lineEnd;
    if (i >= end || buf[i] !== EQUALS) this.expected(i, '"=" after the label name');
    i++;
    if (i >= end || buf[i] !== QUOTE) this.expected(i, 'a double-quoted label value');
    i = this.scanQuoted(i, false);
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
