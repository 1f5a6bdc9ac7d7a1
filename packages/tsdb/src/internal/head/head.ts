import type { Appender, AppendOptions, FloatHistogram, Matcher, SeriesRef } from '@pyrometer/model';
import { isStaleNaN, Labels, StorageError } from '@pyrometer/model';
import { type PostingsIndex, postingsForMatchers } from '../postings-for-matchers.ts';
import type { QuerySource } from '../querier.ts';
import { type SeriesChunks, withoutDeletedChunks } from '../series-set.ts';
import type { TimeSlicer } from '../time-slicer.ts';
import { MemPostings } from './postings.ts';
import { MemSeries, SeriesSlots } from './series.ts';
import { SeriesByHash, SeriesByRef } from './series-table.ts';

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
  readonly byRef = new SeriesByRef();
  readonly #byHash = new SeriesByHash();
  readonly #slots = new SeriesSlots();
  readonly postings = new MemPostings();
  /** Deleted intervals per series ref, flat [mint, maxt, ...]. */
  readonly tombstones = new Map<number, number[]>();
  log: CommitLog | undefined;
  /** Called after every commit has been applied (the database schedules compaction). */
  afterCommit: (() => void) | undefined;
  /** Series created but not yet in the log (e.g. a write failed); logged with the next commit. */
  unlogged: MemSeries[] = [];
  /** Buffers a finished transaction left for the next one. */
  spareBuffers: AppendBuffers | undefined;
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
    return this.#byHash.find(labels, labels.hash(), this.byRef);
  }

  /** A new series for labels that `lookup` did not find, under `ref` or the next free ref. */
  create(labels: Labels, ref = 0): MemSeries {
    if (labels.size === 0) throw new Error('tsdb: cannot append a series with an empty label set');
    if (ref === 0) ref = this.nextRef;
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    const interned = Labels.fromSortedFlat(this.postings.add(ref, labels.flat()));
    const series = new MemSeries(ref, interned, this.#slots);
    this.byRef.set(ref, series);
    this.#byHash.add(labels.hash(), ref);
    this.counters.seriesCreated++;
    return series;
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
      this.#byHash.remove(s.labels.hash(), ref);
      this.#slots.free(s.slot);
    }
    if (dead.size > 0) this.postings.delete(dead);
    this.counters.seriesRemoved += dead.size;
    this.minTime = newMin;
    if (this.byRef.size === 0) this.maxTime = Number.NEGATIVE_INFINITY;
    if (mint > this.minValidTime) this.minValidTime = mint;
  }
}

export function matchesLabels(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

/** The parallel arrays of a transaction's pending samples; the head keeps one set spare. */
export interface AppendBuffers {
  refs: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
  /** The series of each pending sample, so commit needs no second lookup. */
  series: (MemSeries | undefined)[];
}

// A transaction of at most this many samples gives its buffers to the next one.
const SPARE_MAX = 1 << 16;
const NO_SAMPLES = new Float64Array(0);

/** A transaction on the head; samples are validated on append and applied on commit. */
class HeadAppender implements Appender {
  readonly #head: Head;
  #buf: AppendBuffers | undefined;
  #n = 0;
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
      s = head.lookup(labels);
      if (s === undefined) {
        s = head.create(labels);
        head.unlogged.push(s);
      }
    }
    if (t < this.#minValid) {
      head.counters.outOfBoundSamples++;
      throw new StorageError('out-of-bounds', `sample at ${t} is before ${this.#minValid}`);
    }
    const pending = s.pendingMaxt;
    const newest = Math.max(pending, s.maxt);
    if (t <= newest) {
      if (t === newest) {
        valueWords(value);
        // As Prometheus: the same sample again is accepted and dropped.
        const same = pending === Number.NEGATIVE_INFINITY && words[1] === s.lastHi && words[0] === s.lastLo;
        if (same) return s.ref as SeriesRef;
        throw new StorageError('duplicate-sample', `${s.labels.toString()} at ${t}`);
      }
      head.counters.outOfOrderSamples++;
      throw new StorageError('out-of-order', `${s.labels.toString()} at ${t}, newest is ${newest}`);
    }
    s.pendingMaxt = t;
    this.#push(s, t, value);
    return s.ref as SeriesRef;
  }

  storedLabels(ref: SeriesRef): Labels | undefined {
    return this.#head.byRef.get(ref)?.labels;
  }

  #push(s: MemSeries, t: number, v: number): void {
    let buf = this.#buf;
    const n = this.#n;
    if (buf === undefined) {
      buf = this.#head.spareBuffers ?? {
        refs: new Float64Array(1024),
        ts: new Float64Array(1024),
        vs: new Float64Array(1024),
        series: [],
      };
      this.#head.spareBuffers = undefined;
      this.#buf = buf;
    } else if (n === buf.refs.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      buf.refs = grow(buf.refs);
      buf.ts = grow(buf.ts);
      buf.vs = grow(buf.vs);
    }
    buf.refs[n] = s.ref;
    buf.series[n] = s;
    buf.ts[n] = t;
    buf.vs[n] = v;
    this.#n = n + 1;
  }

  /** Forgets the pending samples and hands the buffers back to the head. */
  #release(): void {
    const buf = this.#buf;
    if (buf === undefined) return;
    const series = buf.series;
    for (let i = 0; i < this.#n; i++) {
      series[i]!.pendingMaxt = Number.NEGATIVE_INFINITY;
      series[i] = undefined;
    }
    this.#n = 0;
    this.#buf = undefined;
    if (buf.refs.length <= SPARE_MAX) this.#head.spareBuffers = buf;
  }

  async commit(): Promise<void> {
    const head = this.#head;
    const n = this.#n;
    const buf = this.#buf;
    let durable: Promise<void> | undefined;
    try {
      if (head.log !== undefined && (n > 0 || head.unlogged.length > 0)) {
        durable = head.log.logCommit(
          head.unlogged,
          buf?.refs ?? NO_SAMPLES,
          buf?.ts ?? NO_SAMPLES,
          buf?.vs ?? NO_SAMPLES,
          n,
        );
        head.unlogged = [];
      }
    } catch (err) {
      this.#release();
      throw err;
    }
    if (buf !== undefined) {
      const series = buf.series;
      const ts = buf.ts;
      const vs = buf.vs;
      for (let i = 0; i < n; i++) {
        const s = series[i]!;
        series[i] = undefined;
        s.pendingMaxt = Number.NEGATIVE_INFINITY;
        head.applySample(s, ts[i]!, vs[i]!);
      }
      this.#n = 0;
      this.#release();
    }
    head.afterCommit?.();
    if (durable !== undefined) await durable;
  }

  rollback(): void {
    this.#release();
  }
}
