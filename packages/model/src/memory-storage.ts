import { compareLabels, type Labels } from './labels.ts';
import { type Matcher, matchesAll } from './matcher.ts';
import type { FloatHistogram, Timestamp } from './sample.ts';
import {
  type Appendable,
  type Appender,
  type LabelHints,
  NO_SERIES_REF,
  type Querier,
  type Queryable,
  type SampleIterator,
  type Series,
  type SeriesRef,
  type SeriesSet,
  StorageError,
  ValueType,
} from './storage.ts';
import { compareStrings } from './strings.ts';

/**
 * An in-memory storage for tests and embedding: every sample kept, in order, in typed arrays
 * (so the stale marker's bits survive). Appends follow Prometheus's head rules: a sample
 * older than the series' newest is out of order; the same timestamp with another value is a
 * duplicate; the same timestamp and value again is silently ignored.
 */
export class MemoryStorage implements Queryable, Appendable {
  readonly #byHash = new Map<number, MemorySeries[]>();
  readonly #byRef: MemorySeries[] = [];

  appender(): Appender {
    return new MemoryAppender(this);
  }

  querier(mint: Timestamp, maxt: Timestamp): Querier {
    return new MemoryQuerier(this.#byRef, mint, maxt);
  }

  /** Drops every series (as the PromQL test scripts' `clear`). */
  clear(): void {
    this.#byHash.clear();
    this.#byRef.length = 0;
  }

  get seriesCount(): number {
    return this.#byRef.length;
  }

  lookup(ref: SeriesRef, labels: Labels): MemorySeries | undefined {
    if (ref !== NO_SERIES_REF) {
      const s = this.#byRef[ref - 1];
      if (s?.labels.equals(labels)) return s;
    }
    const bucket = this.#byHash.get(labels.hash());
    return bucket?.find((s) => s.labels.equals(labels));
  }

  getOrCreate(labels: Labels): MemorySeries {
    const existing = this.lookup(NO_SERIES_REF, labels);
    if (existing !== undefined) return existing;
    const series = new MemorySeries((this.#byRef.length + 1) as SeriesRef, labels);
    this.#byRef.push(series);
    const hash = labels.hash();
    const bucket = this.#byHash.get(hash);
    if (bucket === undefined) this.#byHash.set(hash, [series]);
    else bucket.push(series);
    return series;
  }
}

class MemorySeries implements Series {
  times: Float64Array = new Float64Array(8);
  values: Float64Array = new Float64Array(8);
  histograms: (FloatHistogram | undefined)[] | undefined;
  length = 0;

  readonly ref: SeriesRef;
  readonly labels: Labels;

  constructor(ref: SeriesRef, labels: Labels) {
    this.ref = ref;
    this.labels = labels;
  }

  get lastT(): Timestamp {
    return this.length === 0 ? Number.NEGATIVE_INFINITY : this.times[this.length - 1]!;
  }

  push(t: Timestamp, value: number | FloatHistogram): void {
    if (this.length === this.times.length) {
      this.times = grow(this.times);
      this.values = grow(this.values);
    }
    this.times[this.length] = t;
    if (typeof value === 'number') {
      this.values[this.length] = value;
    } else {
      this.histograms ??= [];
      this.histograms[this.length] = structuredClone(value);
    }
    this.length++;
  }

  iterator(): SampleIterator {
    return new MemoryIterator(this, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

interface PendingSample {
  series: MemorySeries | undefined;
  labels: Labels;
  t: Timestamp;
  value: number | FloatHistogram;
}

class MemoryAppender implements Appender {
  #pending: PendingSample[] = [];
  // The newest pending timestamp of each series, to order-check samples within the batch.
  readonly #pendingLastT = new Map<MemorySeries, Timestamp>();
  readonly #pendingNew = new Map<number, { labels: Labels; lastT: Timestamp }[]>();

  readonly storage: MemoryStorage;

  constructor(storage: MemoryStorage) {
    this.storage = storage;
  }

  append(
    ref: SeriesRef,
    labels: Labels,
    _st: Timestamp,
    t: Timestamp,
    value: number | FloatHistogram,
  ): SeriesRef {
    const series = this.storage.lookup(ref, labels);
    if (series === undefined) {
      this.#appendToNewSeries(labels, t);
    } else {
      const pendingT = this.#pendingLastT.get(series);
      const lastT = pendingT ?? series.lastT;
      if (t < lastT) throw new StorageError('out-of-order');
      if (t === lastT) {
        if (pendingT === undefined && sameValue(series, value)) return series.ref;
        throw new StorageError('duplicate-sample');
      }
      this.#pendingLastT.set(series, t);
    }
    this.#pending.push({ series, labels, t, value });
    return series?.ref ?? NO_SERIES_REF;
  }

  async commit(): Promise<void> {
    for (const p of this.#pending) (p.series ?? this.storage.getOrCreate(p.labels)).push(p.t, p.value);
    this.rollback();
  }

  rollback(): void {
    this.#pending = [];
    this.#pendingLastT.clear();
    this.#pendingNew.clear();
  }

  #appendToNewSeries(labels: Labels, t: Timestamp): void {
    const hash = labels.hash();
    const bucket = this.#pendingNew.get(hash) ?? [];
    this.#pendingNew.set(hash, bucket);
    const entry = bucket.find((e) => e.labels.equals(labels));
    if (entry === undefined) {
      bucket.push({ labels, lastT: t });
      return;
    }
    if (t < entry.lastT) throw new StorageError('out-of-order');
    if (t === entry.lastT) throw new StorageError('duplicate-sample');
    entry.lastT = t;
  }
}

function sameValue(series: MemorySeries, value: number | FloatHistogram): boolean {
  const i = series.length - 1;
  if (typeof value !== 'number') return false;
  if (series.histograms?.[i] !== undefined) return false;
  const last = series.values[i]!;
  return Object.is(last, value) || (Number.isNaN(last) && Number.isNaN(value));
}

class MemoryIterator implements SampleIterator {
  #i = -1;
  readonly #end: number;

  readonly series: MemorySeries;

  constructor(series: MemorySeries, mint: Timestamp, maxt: Timestamp) {
    this.series = series;
    this.#i = lowerBound(series.times, series.length, mint) - 1;
    this.#end = upperBound(series.times, series.length, maxt);
  }

  next(): ValueType {
    if (this.#i < this.#end) this.#i++;
    return this.#current();
  }

  seek(t: Timestamp): ValueType {
    if (this.#i >= 0 && this.#i < this.#end && this.series.times[this.#i]! >= t) return this.#current();
    const j = lowerBound(this.series.times, this.#end, t);
    this.#i = Math.max(this.#i, j);
    return this.#current();
  }

  t(): Timestamp {
    return this.series.times[this.#i]!;
  }

  value(): number {
    return this.series.values[this.#i]!;
  }

  histogram(): FloatHistogram {
    const h = this.series.histograms?.[this.#i];
    if (h === undefined) throw new Error('histogram() called on a float sample');
    return h;
  }

  err(): undefined {
    return undefined;
  }

  #current(): ValueType {
    if (this.#i >= this.#end) return ValueType.None;
    return this.series.histograms?.[this.#i] === undefined ? ValueType.Float : ValueType.Histogram;
  }
}

/** The first index whose time is after `t`. */
function upperBound(times: Float64Array, length: number, t: Timestamp): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose time is at or after `t`. */
function lowerBound(times: Float64Array, length: number, t: Timestamp): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class MemoryQuerier implements Querier {
  readonly all: readonly MemorySeries[];
  readonly mint: Timestamp;
  readonly maxt: Timestamp;

  constructor(all: readonly MemorySeries[], mint: Timestamp, maxt: Timestamp) {
    this.all = all;
    this.mint = mint;
    this.maxt = maxt;
  }

  select(sortSeries: boolean, _hints: unknown, ...matchers: Matcher[]): SeriesSet {
    const found = this.#matching(matchers).filter((s) => {
      const first = lowerBound(s.times, s.length, this.mint);
      return first < s.length && s.times[first]! <= this.maxt;
    });
    if (sortSeries) found.sort((a, b) => compareLabels(a.labels, b.labels));
    const { mint, maxt } = this;
    return new ArraySeriesSet(
      found.map((s) => ({ labels: s.labels, iterator: () => new MemoryIterator(s, mint, maxt) })),
    );
  }

  async labelValues(name: string, hints?: LabelHints, ...matchers: Matcher[]): Promise<string[]> {
    const values = new Set<string>();
    for (const s of this.#matching(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return limit([...values].sort(compareStrings), hints);
  }

  async labelNames(hints?: LabelHints, ...matchers: Matcher[]): Promise<string[]> {
    const names = new Set<string>();
    for (const s of this.#matching(matchers)) for (const [n] of s.labels) names.add(n);
    return limit([...names].sort(compareStrings), hints);
  }

  close(): void {}

  #matching(matchers: readonly Matcher[]): MemorySeries[] {
    return this.all.filter((s) => s.length > 0 && matchesAll(matchers, (n) => s.labels.get(n)));
  }
}

function limit(values: string[], hints: LabelHints | undefined): string[] {
  const n = hints?.limit ?? 0;
  return n > 0 && values.length > n ? values.slice(0, n) : values;
}

/** A SeriesSet over series already in memory. */
export class ArraySeriesSet implements SeriesSet {
  #i = -1;

  readonly series: readonly Series[];
  readonly warningList: readonly string[];

  constructor(series: readonly Series[], warningList: readonly string[] = []) {
    this.series = series;
    this.warningList = warningList;
  }

  next(): boolean {
    return ++this.#i < this.series.length;
  }

  at(): Series {
    return this.series[this.#i]!;
  }

  err(): undefined {
    return undefined;
  }

  warnings(): readonly string[] {
    return this.warningList;
  }
}
