import type { Appender, AppendOptions, FloatHistogram, Matcher, SeriesRef } from '@pyrometer/model';
import { isStaleNaN, Labels, StorageError } from '@pyrometer/model';
import { type PostingsIndex, postingsForMatchers } from '../postings-for-matchers.ts';
import type { QuerySource } from '../querier.ts';
import { type SeriesChunks, withoutDeletedChunks } from '../series-set.ts';
import type { TimeSlicer } from '../time-slicer.ts';
import { MemPostings } from './postings.ts';
import { MemSeries } from './series.ts';

/** Where committed data goes before the head applies it (the WAL); throws when it cannot. */
export interface CommitLog {
  /** Writes series records and samples `[0, n)`; resolves when durable per the fsync policy. */
  logCommit(
    series: readonly MemSeries[],
    refs: Float64Array,
    ts: Float64Array,
    vs: Float64Array,
    n: number,
  ): Promise<void> | undefined;
}

export interface HeadOptions {
  /** Chunks never span a boundary of this range; also the block range (2h by default). */
  chunkRange: number;
}

export interface HeadCounters {
  samplesAppended: number;
  seriesCreated: number;
  seriesRemoved: number;
  chunksCreated: number;
  chunksRemoved: number;
  outOfOrderSamples: number;
  outOfBoundSamples: number;
}

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

/** Splits a value into IEEE-754 words, with the stale marker's exact bits. */
function valueWords(v: number): void {
  scratch[0] = v;
  if (Number.isNaN(v) && words[0] === 2 && isStaleNaN(v)) words[1] = 0x7ff00000;
}

/** The in-memory block: every series with recent samples, its chunks, and the postings. */
export class Head implements QuerySource {
  readonly options: HeadOptions;
  readonly byRef = new Map<number, MemSeries>();
  readonly #byHash = new Map<number, MemSeries>();
  readonly #collisions = new Map<number, MemSeries[]>();
  readonly postings = new MemPostings();
  /** Deleted intervals per series ref, flat [mint, maxt, ...]. */
  readonly tombstones = new Map<number, number[]>();
  log: CommitLog | undefined;
  /** Called after every commit has been applied (the database schedules compaction). */
  afterCommit: (() => void) | undefined;
  /** Series created but not yet in the log (e.g. a write failed); logged with the next commit. */
  unlogged: MemSeries[] = [];
  nextRef = 1;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;
  /** Samples before this are out of bounds (the newest persisted block's max time). */
  minValidTime = Number.NEGATIVE_INFINITY;
  readonly counters: HeadCounters = {
    samplesAppended: 0,
    seriesCreated: 0,
    seriesRemoved: 0,
    chunksCreated: 0,
    chunksRemoved: 0,
    outOfOrderSamples: 0,
    outOfBoundSamples: 0,
  };

  constructor(options: HeadOptions) {
    this.options = options;
  }

  get numSeries(): number {
    return this.byRef.size;
  }

  lookup(labels: Labels): MemSeries | undefined {
    const hash = smallHash(labels);
    const s = this.#byHash.get(hash);
    if (s?.labels.equals(labels)) return s;
    return this.#collisions.get(hash)?.find((c) => c.labels.equals(labels));
  }

  /** The series with these labels, created with `ref` (or the next free ref) when new. */
  getOrCreate(labels: Labels, ref = 0): { series: MemSeries; created: boolean } {
    const existing = this.lookup(labels);
    if (existing !== undefined) return { series: existing, created: false };
    if (labels.size === 0) throw new Error('tsdb: cannot append a series with an empty label set');
    if (ref === 0) ref = this.nextRef;
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    const interned = Labels.fromSortedFlat(this.postings.add(ref, labels.flat()));
    const series = new MemSeries(ref, interned);
    this.byRef.set(ref, series);
    const hash = smallHash(labels);
    if (!this.#byHash.has(hash)) this.#byHash.set(hash, series);
    else {
      const list = this.#collisions.get(hash);
      if (list === undefined) this.#collisions.set(hash, [series]);
      else list.push(series);
    }
    this.counters.seriesCreated++;
    return { series, created: true };
  }

  appender(): Appender {
    return new HeadAppender(this);
  }

  /** Applies one sample straight to a series (replay, or a commit already logged). */
  applySample(s: MemSeries, t: number, v: number): boolean {
    valueWords(v);
    if (t <= s.maxt) {
      if (t === s.maxt && words[1] === s.lastHi && words[0] === s.lastLo) return false;
      this.counters.outOfOrderSamples++;
      return false;
    }
    if (s.appendSample(t, words[1]!, words[0]!, this.options.chunkRange)) this.counters.chunksCreated++;
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
    this.counters.samplesAppended++;
    return true;
  }

  /** The lower bound an appender enforces: half a chunk range behind the newest sample. */
  appendableMinValidTime(): number {
    return Math.max(this.minValidTime, this.maxTime - this.options.chunkRange / 2);
  }

  labelValues(name: string): Iterable<string> {
    return this.postings.byName.get(name)?.keys() ?? [];
  }

  labelNames(): Iterable<string> {
    return this.postings.byName.keys();
  }

  allPostings(): Uint32Array {
    return this.postings.all.view();
  }

  /** Series matching every matcher with samples in [mint, maxt], with their chunks. */
  select(mint: number, maxt: number, matchers: readonly Matcher[]): SeriesChunks[] {
    const out: SeriesChunks[] = [];
    if (mint > this.maxTime || maxt < this.minTime) return out;
    const refs = postingsForMatchers(this.#index, matchers);
    for (const ref of refs) {
      const s = this.byRef.get(ref);
      if (s === undefined || !matchesLabels(matchers, s.labels)) continue;
      const chunks = s.chunksIn(mint, maxt);
      if (chunks.length === 0) continue;
      const deleted = this.tombstones.get(ref);
      const part = withoutDeletedChunks(
        deleted === undefined ? { labels: s.labels, chunks } : { labels: s.labels, chunks, deleted },
      );
      if (part !== undefined) out.push(part);
    }
    return out;
  }

  /** Every series with chunks in [mint, maxt], for compaction; yields between series. */
  async collect(mint: number, maxt: number, slicer: TimeSlicer): Promise<SeriesChunks[]> {
    const out: SeriesChunks[] = [];
    let n = 0;
    for (const s of this.byRef.values()) {
      const chunks = s.chunksIn(mint, maxt);
      if (chunks.length > 0) {
        const deleted = this.tombstones.get(s.ref);
        const part = withoutDeletedChunks(
          deleted === undefined ? { labels: s.labels, chunks } : { labels: s.labels, chunks, deleted },
        );
        if (part !== undefined) out.push(part);
      }
      if (++n % 256 === 0) await slicer.maybeYield();
    }
    return out;
  }

  /** The labels of series matching `matchers` (all when none) with samples in [mint, maxt]. */
  matchingLabels(mint: number, maxt: number, matchers: readonly Matcher[]): Labels[] {
    const refs = postingsForMatchers(this.#index, matchers);
    const out: Labels[] = [];
    for (const ref of refs) {
      const s = this.byRef.get(ref);
      if (s === undefined || !matchesLabels(matchers, s.labels)) continue;
      if (s.maxt >= mint && s.minTime <= maxt) out.push(s.labels);
    }
    return out;
  }

  readonly #index: PostingsIndex = {
    postings: (name, value) => this.postings.get(name, value),
    labelValues: (name) => this.labelValues(name),
    allPostings: () => this.allPostings(),
  };

  postingsIndex(): PostingsIndex {
    return this.#index;
  }

  /** Drops chunks that end before `mint` and series left without chunks. */
  truncate(mint: number): void {
    const dead = new Set<number>();
    let newMin = Number.POSITIVE_INFINITY;
    for (const [ref, s] of this.byRef) {
      const before = s.chunkCount;
      const empty = s.truncateBefore(mint) && s.pendingMaxt === Number.NEGATIVE_INFINITY;
      this.counters.chunksRemoved += before - s.chunkCount;
      if (empty) dead.add(ref);
      else if (s.minTime < newMin) newMin = s.minTime;
    }
    for (const ref of dead) {
      const s = this.byRef.get(ref)!;
      this.byRef.delete(ref);
      const hash = smallHash(s.labels);
      if (this.#byHash.get(hash) === s) {
        this.#byHash.delete(hash);
        const list = this.#collisions.get(hash);
        const promoted = list?.shift();
        if (promoted !== undefined) this.#byHash.set(hash, promoted);
        if (list !== undefined && list.length === 0) this.#collisions.delete(hash);
      } else {
        const list = this.#collisions.get(hash);
        if (list !== undefined) {
          const i = list.indexOf(s);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) this.#collisions.delete(hash);
        }
      }
    }
    if (dead.size > 0) this.postings.delete(dead);
    this.counters.seriesRemoved += dead.size;
    this.minTime = newMin;
    if (this.byRef.size === 0) this.maxTime = Number.NEGATIVE_INFINITY;
    if (mint > this.minValidTime) this.minValidTime = mint;
  }
}

// The labels hash folded to 30 bits, a small integer V8 stores unboxed as a Map key; the
// extra collisions this makes are resolved like any other.
function smallHash(labels: Labels): number {
  return labels.hash() % 0x40000000;
}

export function matchesLabels(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

/** A transaction on the head; samples are validated on append and applied on commit. */
class HeadAppender implements Appender {
  readonly #head: Head;
  #refs = new Float64Array(256);
  #ts = new Float64Array(256);
  #vs = new Float64Array(256);
  /** The series of each pending sample, so commit needs no second lookup. */
  #series: MemSeries[] = [];
  #n = 0;
  #touched: MemSeries[] = [];
  #minValid: number;

  constructor(head: Head) {
    this.#head = head;
    this.#minValid = head.appendableMinValidTime();
  }

  append(
    ref: SeriesRef,
    labels: Labels,
    _st: number,
    t: number,
    value: number | FloatHistogram,
    _options?: AppendOptions,
  ): SeriesRef {
    if (typeof value !== 'number') throw new Error('tsdb: native histograms are not supported yet');
    const head = this.#head;
    // As Prometheus: a ref the head handed out is trusted without comparing labels.
    let s = ref !== 0 ? head.byRef.get(ref) : undefined;
    if (s === undefined) {
      const got = head.getOrCreate(labels);
      s = got.series;
      if (got.created) head.unlogged.push(s);
    }
    if (t < this.#minValid) {
      head.counters.outOfBoundSamples++;
      throw new StorageError('out-of-bounds', `sample at ${t} is before ${this.#minValid}`);
    }
    const newest = Math.max(s.pendingMaxt, s.maxt);
    if (t <= newest) {
      if (t === newest) {
        valueWords(value);
        // As Prometheus: the same sample again is accepted and dropped.
        const same =
          s.pendingMaxt === Number.NEGATIVE_INFINITY && words[1] === s.lastHi && words[0] === s.lastLo;
        if (same) return s.ref as SeriesRef;
        throw new StorageError('duplicate-sample', `${s.labels.toString()} at ${t}`);
      }
      head.counters.outOfOrderSamples++;
      throw new StorageError('out-of-order', `${s.labels.toString()} at ${t}, newest is ${newest}`);
    }
    if (s.pendingMaxt === Number.NEGATIVE_INFINITY) this.#touched.push(s);
    s.pendingMaxt = t;
    this.#push(s, t, value);
    return s.ref as SeriesRef;
  }

  #push(s: MemSeries, t: number, v: number): void {
    if (this.#n === this.#refs.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#refs = grow(this.#refs);
      this.#ts = grow(this.#ts);
      this.#vs = grow(this.#vs);
    }
    this.#refs[this.#n] = s.ref;
    this.#series[this.#n] = s;
    this.#ts[this.#n] = t;
    this.#vs[this.#n] = v;
    this.#n++;
  }

  #release(): void {
    for (const s of this.#touched) s.pendingMaxt = Number.NEGATIVE_INFINITY;
    this.#touched = [];
    this.#n = 0;
  }

  async commit(): Promise<void> {
    const head = this.#head;
    const n = this.#n;
    let durable: Promise<void> | undefined;
    try {
      if (head.log !== undefined && (n > 0 || head.unlogged.length > 0)) {
        durable = head.log.logCommit(head.unlogged, this.#refs, this.#ts, this.#vs, n);
        head.unlogged = [];
      }
    } catch (err) {
      this.#series.length = 0;
      this.#release();
      throw err;
    }
    this.#release();
    const series = this.#series;
    const ts = this.#ts;
    const vs = this.#vs;
    for (let i = 0; i < n; i++) head.applySample(series[i]!, ts[i]!, vs[i]!);
    series.length = 0;
    head.afterCommit?.();
    if (durable !== undefined) await durable;
  }

  rollback(): void {
    this.#series.length = 0;
    this.#release();
  }
}
