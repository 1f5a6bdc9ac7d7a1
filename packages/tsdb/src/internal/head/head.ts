import type { Appender, AppendOptions, FloatHistogram, Matcher, SeriesRef } from '@pyrometer/model';
import { isStaleNaN, type Labels, StorageError } from '@pyrometer/model';
import { ByteWriter } from '../encoding.ts';
import { type PostingsIndex, postingsForMatchers } from '../postings-for-matchers.ts';
import type { QuerySource } from '../querier.ts';
import { type SeriesChunks, withoutDeletedChunks } from '../series-set.ts';
import type { TimeSlicer } from '../time-slicer.ts';
import { encodeSeriesEntry, RecordType } from '../wal/records.ts';
import { hashPairs, MemPostings } from './postings.ts';
import { MAXT, MemSeries, PENDING, SeriesStore, slotAt, VHI, VLO } from './series.ts';
import { SeriesByHash, SeriesByRef } from './series-table.ts';

/** Where committed data goes before the head applies it (the WAL); throws when it cannot. */
export interface CommitLog {
  /**
   * Writes a series record (`series`, when there are new series: complete, type byte first)
   * and samples `[0, n)`; resolves when durable per the fsync policy. The buffers are the
   * caller's again when it returns.
   */
  logCommit(
    series: Uint8Array | undefined,
    refs: Float64Array,
    ts: Float64Array,
    vs: Float64Array,
    n: number,
  ): Promise<void> | undefined;
}

export interface HeadOptions {
  /** Chunks never span a boundary of this range; also the block range (2h by default). */
  chunkRange: number;
  /** For tests: replaces the hash of a label set's pair numbers (`hashPairs`), to make collisions. */
  hashPairs?: typeof hashPairs;
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

// The most bytes of the series record buffer kept between commits.
const UNLOGGED_KEEP = 1 << 20;

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
  readonly postings = new MemPostings();
  /** The series: slots whose state lives in pages of numbers (see `SeriesStore`). */
  readonly store = new SeriesStore(this.postings);
  readonly byRef = new SeriesByRef(this.store);
  readonly #byHash = new SeriesByHash();
  readonly #hashPairs: typeof hashPairs;
  /** The label set being looked up: its pairs' numbers, how many pairs. */
  readonly #pairs: number[] = [];
  #n = 0;
  /** Deleted intervals per series ref, flat [mint, maxt, ...]. */
  readonly tombstones = new Map<number, number[]>();
  log: CommitLog | undefined;
  /** Called after every commit has been applied (the database schedules compaction). */
  afterCommit: (() => void) | undefined;
  /**
   * The series record of series created but not yet in the log, encoded as they are created
   * (when there is a log); written with the next commit, or the one after if a write fails.
   */
  #unlogged = new ByteWriter(4096);
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
    this.#hashPairs = options.hashPairs ?? hashPairs;
  }

  get numSeries(): number {
    return this.byRef.size;
  }

  /** The series with these labels, or undefined. */
  lookup(labels: Labels): MemSeries | undefined {
    const flat = labels.flat();
    const slot = this.postings.find(flat, this.#pairs) ? this.#find(flat.length >> 1) : -1;
    return slot < 0 ? undefined : new MemSeries(this.store, slot);
  }

  /**
   * The slot of the series with these labels; when there is none, of a new one under `ref`
   * (or the next free ref), which `log` has written to the WAL with the next commit.
   */
  getOrCreate(labels: Labels, ref = 0, log = true): number {
    const flat = labels.flat();
    // A label set with a pair the index lacks is new; otherwise its pairs' numbers identify it.
    const known = this.postings.find(flat, this.#pairs);
    const n = flat.length >> 1;
    const found = known ? this.#find(n) : -1;
    if (found >= 0) return found;
    if (n === 0) throw new Error('tsdb: cannot append a series with an empty label set');
    if (ref === 0) ref = this.nextRef;
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    this.postings.add(ref, flat, this.#pairs);
    const slot = this.store.alloc(ref, this.#pairs, n);
    this.byRef.set(ref, slot);
    this.#byHash.add(this.#hashPairs(this.#pairs, n), slot);
    this.counters.seriesCreated++;
    if (log && this.log !== undefined) {
      if (this.#unlogged.len === 0) this.#unlogged.byte(RecordType.Series);
      encodeSeriesEntry(this.#unlogged, ref, flat);
    }
    return slot;
  }

  // The slot of the series whose label set is the `n` pairs in `#pairs`; -1 when there is none.
  #find(n: number): number {
    this.#n = n;
    return this.#byHash.find(this.#hashPairs(this.#pairs, n), this.#matches);
  }

  // Whether the series in `slot` has exactly the label set being looked up: a pair number
  // stands for a name and a value, so no string is compared.
  readonly #matches = (slot: number): boolean => this.store.hasPairs(slot, this.#pairs, this.#n);

  appender(): Appender {
    return new HeadAppender(this);
  }

  /**
   * Writes the pending series record and samples `[0, n)` to the log, if there is one; the
   * series record is forgotten once written.
   */
  logCommit(refs: Float64Array, ts: Float64Array, vs: Float64Array, n: number): Promise<void> | undefined {
    const unlogged = this.#unlogged;
    if (this.log === undefined || (n === 0 && unlogged.len === 0)) return undefined;
    const durable = this.log.logCommit(unlogged.len > 0 ? unlogged.bytes() : undefined, refs, ts, vs, n);
    // A transaction that created very many series leaves no very large buffer behind.
    if (unlogged.buf.length > UNLOGGED_KEEP) this.#unlogged = new ByteWriter(UNLOGGED_KEEP);
    else unlogged.reset();
    return durable;
  }

  /** Applies one sample straight to a series (replay, or a commit already logged). */
  applySample(slot: number, t: number, v: number): boolean {
    return this.applyAt(slot, this.store.page(slot), slotAt(slot), t, v);
  }

  /** As `applySample`, for the series whose numbers are at `at` in `page` (`store.page(slot)`). */
  applyAt(slot: number, page: number[], at: number, t: number, v: number): boolean {
    valueWords(v);
    const maxt = page[at + MAXT]!;
    if (t <= maxt) {
      if (t === maxt && words[1] === page[at + VHI]! >>> 0 && words[0] === page[at + VLO]! >>> 0)
        return false;
      this.counters.outOfOrderSamples++;
      return false;
    }
    if (this.store.appendSample(slot, page, at, t, words[1]!, words[0]!, this.options.chunkRange))
      this.counters.chunksCreated++;
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
    return this.postings.values(name);
  }

  labelNames(): Iterable<string> {
    return this.postings.names();
  }

  allPostings(): Uint32Array {
    return this.postings.all();
  }

  /** Series matching every matcher with samples in [mint, maxt], with their chunks. */
  select(mint: number, maxt: number, matchers: readonly Matcher[]): SeriesChunks[] {
    const out: SeriesChunks[] = [];
    if (mint > this.maxTime || maxt < this.minTime) return out;
    const refs = postingsForMatchers(this.#index, matchers);
    const store = this.store;
    for (const ref of refs) {
      const slot = this.byRef.slotOf(ref);
      if (slot < 0) continue;
      const labels = store.labels(slot);
      if (!matchesLabels(matchers, labels)) continue;
      const chunks = store.chunksIn(slot, mint, maxt);
      if (chunks.length === 0) continue;
      const deleted = this.tombstones.get(ref);
      const part = withoutDeletedChunks(
        deleted === undefined ? { labels, chunks } : { labels, chunks, deleted },
      );
      if (part !== undefined) out.push(part);
    }
    return out;
  }

  /** Every series with chunks in [mint, maxt], for compaction; yields between series. */
  async collect(mint: number, maxt: number, slicer: TimeSlicer): Promise<SeriesChunks[]> {
    const out: SeriesChunks[] = [];
    const store = this.store;
    let n = 0;
    for (const slot of this.byRef.slots()) {
      const chunks = store.chunksIn(slot, mint, maxt);
      if (chunks.length > 0) {
        const labels = store.labels(slot);
        const deleted = this.tombstones.get(store.ref(slot));
        const part = withoutDeletedChunks(
          deleted === undefined ? { labels, chunks } : { labels, chunks, deleted },
        );
        if (part !== undefined) out.push(part);
      }
      if (++n % 256 === 0) await slicer.maybeYield();
    }
    return out;
  }

  /** The refs of series matching `matchers` (all when none) with samples in [mint, maxt]. */
  matchingRefs(mint: number, maxt: number, matchers: readonly Matcher[]): number[] {
    const out: number[] = [];
    this.#forEachMatching(mint, maxt, matchers, (ref) => out.push(ref));
    return out;
  }

  /** The labels of series matching `matchers` (all when none) with samples in [mint, maxt]. */
  matchingLabels(mint: number, maxt: number, matchers: readonly Matcher[]): Labels[] {
    const out: Labels[] = [];
    this.#forEachMatching(mint, maxt, matchers, (_, labels) => out.push(labels));
    return out;
  }

  #forEachMatching(
    mint: number,
    maxt: number,
    matchers: readonly Matcher[],
    visit: (ref: number, labels: Labels) => void,
  ): void {
    const store = this.store;
    for (const ref of postingsForMatchers(this.#index, matchers)) {
      const slot = this.byRef.slotOf(ref);
      if (slot < 0 || store.maxt(slot) < mint || store.minTime(slot) > maxt) continue;
      const labels = store.labels(slot);
      if (matchesLabels(matchers, labels)) visit(ref, labels);
    }
  }

  /** The number of chunks of all series. */
  chunkCount(): number {
    let n = 0;
    for (const slot of this.byRef.slots()) n += this.store.chunkCount(slot);
    return n;
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
    const store = this.store;
    const dead = new Map<number, number>();
    let newMin = Number.POSITIVE_INFINITY;
    for (const slot of this.byRef.slots()) {
      const before = store.chunkCount(slot);
      const empty = store.truncateBefore(slot, mint) && store.pendingMaxt(slot) === Number.NEGATIVE_INFINITY;
      this.counters.chunksRemoved += before - store.chunkCount(slot);
      if (empty) dead.set(store.ref(slot), slot);
      else {
        const min = store.minTime(slot);
        if (min < newMin) newMin = min;
      }
    }
    for (const [ref, slot] of dead) {
      const n = store.pairsOf(slot, this.#pairs);
      this.#byHash.remove(this.#hashPairs(this.#pairs, n), slot);
      this.byRef.delete(ref);
      store.free(slot);
    }
    if (dead.size > 0) this.postings.delete(new Set(dead.keys()));
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
  /** The slot of each pending sample's series, so commit needs no second lookup. */
  slots: Int32Array;
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
    let slot = ref !== 0 ? head.byRef.slotOf(ref) : -1;
    const byRef = slot >= 0;
    if (!byRef) slot = head.getOrCreate(labels);
    if (t < this.#minValid) {
      head.counters.outOfBoundSamples++;
      throw new StorageError('out-of-bounds', `sample at ${t} is before ${this.#minValid}`);
    }
    const store = head.store;
    const page = store.page(slot);
    const at = slotAt(slot);
    const pending = page[at + PENDING]!;
    const newest = Math.max(pending, page[at + MAXT]!);
    if (t <= newest) {
      if (t === newest) {
        valueWords(value);
        // As Prometheus: the same sample again is accepted and dropped.
        const same =
          pending === Number.NEGATIVE_INFINITY &&
          words[1] === page[at + VHI]! >>> 0 &&
          words[0] === page[at + VLO]! >>> 0;
        if (same) return store.ref(slot) as SeriesRef;
        throw new StorageError('duplicate-sample', `${store.labels(slot).toString()} at ${t}`);
      }
      head.counters.outOfOrderSamples++;
      throw new StorageError('out-of-order', `${store.labels(slot).toString()} at ${t}, newest is ${newest}`);
    }
    page[at + PENDING] = t;
    const sref = byRef ? ref : (store.ref(slot) as SeriesRef);
    this.#push(slot, sref, t, value);
    return sref;
  }

  storedLabels(ref: SeriesRef): Labels | undefined {
    const slot = this.#head.byRef.slotOf(ref);
    return slot < 0 ? undefined : this.#head.store.labels(slot);
  }

  #push(slot: number, ref: number, t: number, v: number): void {
    let buf = this.#buf;
    const n = this.#n;
    if (buf === undefined) {
      buf = this.#head.spareBuffers ?? {
        refs: new Float64Array(1024),
        ts: new Float64Array(1024),
        vs: new Float64Array(1024),
        slots: new Int32Array(1024),
      };
      this.#head.spareBuffers = undefined;
      this.#buf = buf;
    } else if (n === buf.refs.length) {
      buf.refs = grow(buf.refs);
      buf.ts = grow(buf.ts);
      buf.vs = grow(buf.vs);
      buf.slots = grow(buf.slots);
    }
    buf.refs[n] = ref;
    buf.slots[n] = slot;
    buf.ts[n] = t;
    buf.vs[n] = v;
    this.#n = n + 1;
  }

  /** Forgets the pending samples and hands the buffers back to the head. */
  #release(): void {
    const buf = this.#buf;
    if (buf === undefined) return;
    const store = this.#head.store;
    for (let i = 0; i < this.#n; i++) store.setPendingMaxt(buf.slots[i]!, Number.NEGATIVE_INFINITY);
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
      durable = head.logCommit(buf?.refs ?? NO_SAMPLES, buf?.ts ?? NO_SAMPLES, buf?.vs ?? NO_SAMPLES, n);
    } catch (err) {
      this.#release();
      throw err;
    }
    if (buf !== undefined) {
      const store = head.store;
      const slots = buf.slots;
      const ts = buf.ts;
      const vs = buf.vs;
      for (let i = 0; i < n; i++) {
        const slot = slots[i]!;
        const page = store.page(slot);
        const at = slotAt(slot);
        page[at + PENDING] = Number.NEGATIVE_INFINITY;
        head.applyAt(slot, page, at, ts[i]!, vs[i]!);
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

function grow<T extends Float64Array | Int32Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}
