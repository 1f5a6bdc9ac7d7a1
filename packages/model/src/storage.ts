import type { Labels } from './labels.ts';
import type { Matcher } from './matcher.ts';
import type { Exemplar, FloatHistogram, Metadata, Timestamp } from './sample.ts';

/** An opaque reference to a series inside one storage; 0 means "not known yet". */
export type SeriesRef = number & { readonly __brand: 'SeriesRef' };
export const NO_SERIES_REF = 0 as SeriesRef;

/** What an iterator's current position holds. */
export const ValueType = { None: 0, Float: 1, Histogram: 2 } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/**
 * A pull iterator over one series' samples in timestamp order. `next()` advances and says
 * what is now current; `seek(t)` advances to the first sample at or after `t` (never
 * backwards). Values are read with `t()`, `value()`, `histogram()` after a call that
 * returned Float or Histogram. A returned histogram may be reused by the next call: copy it
 * to keep it.
 */
export interface SampleIterator {
  next(): ValueType;
  seek(t: Timestamp): ValueType;
  t(): Timestamp;
  value(): number;
  histogram(): FloatHistogram;
  /** The error that stopped iteration, if any. */
  err(): Error | undefined;
}

export interface Series {
  readonly labels: Labels;
  /** A fresh iterator; pass an iterator this storage returned earlier to reuse it. */
  iterator(reuse?: SampleIterator): SampleIterator;
}

/** A pull iterator over series, sorted by labels when the caller asked for sorted output. */
export interface SeriesSet {
  next(): boolean;
  at(): Series;
  err(): Error | undefined;
  /** Non-fatal problems to report to the user (as Prometheus's annotations). */
  warnings(): readonly string[];
}

/**
 * Hints that let a storage push work down. A storage may ignore them: the caller still
 * applies the query's semantics itself.
 */
export interface SelectHints {
  start: Timestamp;
  end: Timestamp;
  /** Query step in ms, 0 for instant queries. */
  step?: number;
  /** The function around the selector (`rate`, ...), or 'series' for metadata queries. */
  func?: string;
  range?: number;
  grouping?: readonly string[];
  by?: boolean;
  limit?: number;
}

export interface LabelHints {
  limit?: number;
}

/** Reads one time range of a storage. Close it when done so resources can be released. */
export interface Querier {
  select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    ...matchers: Matcher[]
  ): SeriesSet | Promise<SeriesSet>;
  /** Sorted values of `name` among series that match `matchers` (all series when none). */
  labelValues(name: string, hints?: LabelHints, ...matchers: Matcher[]): Promise<string[]>;
  /** Sorted label names among series that match `matchers` (all series when none). */
  labelNames(hints?: LabelHints, ...matchers: Matcher[]): Promise<string[]>;
  close(): void;
}

export interface Queryable {
  /** A querier over samples with `mint <= t <= maxt`. */
  querier(mint: Timestamp, maxt: Timestamp): Querier | Promise<Querier>;
}

export interface AppendOptions {
  exemplars?: readonly Exemplar[];
  metadata?: Metadata;
}

/**
 * A transaction: many `append` calls, then `commit()` (durable when it resolves) or
 * `rollback()`. `append` returns the series' ref; passing it back on the next append of the
 * same series skips the label lookup. `st` is the start timestamp (`_created`), 0 when unknown.
 * Appending throws a `StorageError` for out-of-order, duplicate and out-of-bounds samples.
 */
export interface Appender {
  append(
    ref: SeriesRef,
    labels: Labels,
    st: Timestamp,
    t: Timestamp,
    value: number | FloatHistogram,
    options?: AppendOptions,
  ): SeriesRef;
  /**
   * Optional: the labels the storage keeps for a series ref it returned, or undefined. They
   * equal the labels appended; a caller that keeps each series' labels may keep these instead
   * of its own copy, so that one copy is held.
   */
  storedLabels?(ref: SeriesRef): Labels | undefined;
  commit(): Promise<void>;
  rollback(): void;
}

export interface Appendable {
  appender(): Appender;
}

export type StorageErrorCode = 'out-of-order' | 'duplicate-sample' | 'out-of-bounds' | 'too-old';

const STORAGE_ERROR_TEXT: Record<StorageErrorCode, string> = {
  'out-of-order': 'out of order sample',
  'duplicate-sample': 'duplicate sample for timestamp',
  'out-of-bounds': 'out of bounds',
  'too-old': 'too old sample',
};

/** The append errors Prometheus has; the message text is Prometheus's. */
export class StorageError extends Error {
  override name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, detail?: string) {
    super(detail === undefined ? STORAGE_ERROR_TEXT[code] : `${STORAGE_ERROR_TEXT[code]}: ${detail}`);
    this.code = code;
  }
}
