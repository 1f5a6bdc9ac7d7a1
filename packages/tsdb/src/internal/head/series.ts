import type { Labels } from '@pyrometer/model';
import type { ChunkView } from '../chunk-meta.ts';
import { XorAppender } from '../chunkenc/xor.ts';

/** As Prometheus: aim for 120 samples a chunk, never more than twice that. */
export const SAMPLES_PER_CHUNK = 120;

const NO_CHUNKS: ClosedChunk[] = [];

export interface ClosedChunk {
  mint: number;
  maxt: number;
  bytes: Uint8Array;
  count: number;
}

// Per-series doubles in a slot of a `SeriesSlots` page: the XOR appender's last timestamp and
// delta (0, 1), then the open chunk's min time, the newest committed timestamp, when the
// open chunk must be cut, and the newest pending timestamp.
const HEAD_MINT = 2;
const MAXT = 3;
const NEXT_AT = 4;
const PENDING = 5;
const STRIDE = 6;
const PAGE_BITS = 12;
const PAGE_SLOTS = 1 << PAGE_BITS;

/**
 * The head's store of per-series doubles: pages of typed arrays that never move, so a series
 * keeps a reference to its page. Freed slots are reused by new series.
 */
export class SeriesSlots {
  /** The open chunks' bytes of the same series. */
  readonly chunks = new ChunkSlabs();
  readonly #pages: Float64Array[] = [];
  readonly #free: number[] = [];
  #next = 0;

  alloc(): number {
    const slot = this.#free.pop() ?? this.#next++;
    if (slot >>> PAGE_BITS === this.#pages.length) this.#pages.push(new Float64Array(PAGE_SLOTS * STRIDE));
    const page = this.page(slot);
    const at = this.offset(slot);
    page[at] = 0;
    page[at + 1] = 0;
    page[at + HEAD_MINT] = 0;
    page[at + MAXT] = Number.NEGATIVE_INFINITY;
    page[at + NEXT_AT] = 0;
    page[at + PENDING] = Number.NEGATIVE_INFINITY;
    return slot;
  }

  free(slot: number): void {
    this.#free.push(slot);
  }

  page(slot: number): Float64Array {
    return this.#pages[slot >>> PAGE_BITS]!;
  }

  offset(slot: number): number {
    return (slot & (PAGE_SLOTS - 1)) * STRIDE;
  }
}

// The head's open chunks live in regions of shared slabs, by size class (32 to 512 bytes),
// instead of a typed array each: V8 spends some 200 bytes of heap on every small typed array,
// far more than the chunk itself. Larger chunks (rare) get an array of their own.
const SLAB_BYTES = 64 * 1024;
const MIN_REGION = 32;
const CLASSES = 5;
const MAX_REGION = MIN_REGION << (CLASSES - 1);

function classOf(size: number): number {
  let c = 0;
  while (MIN_REGION << c < size) c++;
  return c;
}

/** Regions of slabs for the open chunks of one head; freed regions are reused. */
export class ChunkSlabs {
  readonly #slabs: Uint8Array[][] = [];
  readonly #free: number[][] = [];
  /** Where the unused part of each class's newest slab starts. */
  readonly #fresh: number[] = [];

  constructor() {
    for (let c = 0; c < CLASSES; c++) {
      this.#slabs.push([]);
      this.#free.push([]);
      this.#fresh.push(SLAB_BYTES);
    }
  }

  /** A zeroed region of class `c`, as a handle: slab index × SLAB_BYTES + offset. */
  take(c: number): number {
    const free = this.#free[c]!;
    const handle = free.pop();
    if (handle !== undefined) {
      const off = handle % SLAB_BYTES;
      this.#slabs[c]![Math.floor(handle / SLAB_BYTES)]!.fill(0, off, off + (MIN_REGION << c));
      return handle;
    }
    const slabs = this.#slabs[c]!;
    if (this.#fresh[c]! === SLAB_BYTES) {
      slabs.push(new Uint8Array(SLAB_BYTES));
      this.#fresh[c] = 0;
    }
    const off = this.#fresh[c]!;
    this.#fresh[c] = off + (MIN_REGION << c);
    return (slabs.length - 1) * SLAB_BYTES + off;
  }

  slab(c: number, handle: number): Uint8Array {
    return this.#slabs[c]![Math.floor(handle / SLAB_BYTES)]!;
  }

  give(c: number, handle: number): void {
    this.#free[c]!.push(handle);
  }
}

/**
 * A series in the head: its closed chunks, and the chunk being appended to, which is the
 * series object itself (one object per series instead of three keeps the head small). Its
 * timestamps live in the head's `SeriesSlots`.
 */
export class MemSeries extends XorAppender {
  readonly ref: number;
  readonly labels: Labels;
  readonly slot: number;
  readonly #slabs: ChunkSlabs;
  /** The slab region holding the open chunk, or -1 when its bytes are an array of its own. */
  #region = -1;
  /** Shared empty list until the first chunk is closed (most series in a short head have none). */
  closed: ClosedChunk[] = NO_CHUNKS;
  /** Whether the open chunk exists (false before the first sample and after truncation). */
  hasHead = false;

  constructor(ref: number, labels: Labels, slots: SeriesSlots) {
    const slot = slots.alloc();
    super(0, slots.page(slot), slots.offset(slot));
    this.ref = ref;
    this.labels = labels;
    this.slot = slot;
    this.#slabs = slots.chunks;
  }

  protected override newBuffer(size: number): void {
    this.#giveBack();
    if (size === 0) super.newBuffer(0);
    else this.#takeRegion(classOf(Math.max(size, 4)));
  }

  protected override grow(): void {
    const want = Math.max(16, this.cap * 2);
    const bytes = this.bytes;
    const base = this.base;
    const cap = this.cap;
    const region = this.#region;
    const c = classOf(cap);
    if (want > MAX_REGION) {
      super.grow();
      this.#region = -1;
    } else {
      this.#takeRegion(classOf(want));
      this.bytes.set(bytes.subarray(base, base + cap), this.base);
    }
    if (region >= 0) this.#slabs.give(c, region);
  }

  #takeRegion(c: number): void {
    const handle = this.#slabs.take(c);
    this.#region = handle;
    this.bytes = this.#slabs.slab(c, handle);
    this.base = handle % SLAB_BYTES;
    this.cap = MIN_REGION << c;
  }

  #giveBack(): void {
    if (this.#region < 0) return;
    this.#slabs.give(classOf(this.cap), this.#region);
    this.#region = -1;
  }

  /** Min time of the open chunk. */
  get headMint(): number {
    return this.tState[this.tAt + HEAD_MINT]!;
  }

  set headMint(t: number) {
    this.tState[this.tAt + HEAD_MINT] = t;
  }

  /** Timestamp of the newest sample (committed), or -Infinity when none. */
  get maxt(): number {
    return this.tState[this.tAt + MAXT]!;
  }

  set maxt(t: number) {
    this.tState[this.tAt + MAXT] = t;
  }

  /** When the head chunk must be cut (end of its chunk range or the predicted end). */
  get nextAt(): number {
    return this.tState[this.tAt + NEXT_AT]!;
  }

  set nextAt(t: number) {
    this.tState[this.tAt + NEXT_AT] = t;
  }

  /** Newest timestamp appended in an open transaction (not yet committed). */
  get pendingMaxt(): number {
    return this.tState[this.tAt + PENDING]!;
  }

  set pendingMaxt(t: number) {
    this.tState[this.tAt + PENDING] = t;
  }

  get minTime(): number {
    const first = this.closed[0];
    if (first !== undefined) return first.mint;
    return this.hasHead ? this.headMint : Number.POSITIVE_INFINITY;
  }

  /** Appends a sample already validated in order; returns true when a chunk was started. */
  appendSample(t: number, hi: number, lo: number, chunkRange: number): boolean {
    let cut = false;
    if (this.hasHead) {
      if (this.numSamples === SAMPLES_PER_CHUNK / 4) {
        this.nextAt = predictChunkEnd(this.headMint, this.maxt, this.nextAt);
      }
      if (t >= this.nextAt || this.numSamples >= 2 * SAMPLES_PER_CHUNK) {
        this.#closeHead();
        this.resetChunk(32);
        this.headMint = t;
        this.nextAt = rangeEnd(t, chunkRange);
        cut = true;
      }
    } else {
      this.resetChunk(32);
      this.hasHead = true;
      this.headMint = t;
      this.nextAt = rangeEnd(t, chunkRange);
      cut = true;
    }
    this.appendBits(t, hi, lo);
    this.maxt = t;
    return cut;
  }

  #closeHead(): void {
    if (this.closed === NO_CHUNKS) this.closed = [];
    const bytes = this.chunkBytes().slice();
    this.closed.push({ mint: this.headMint, maxt: this.maxt, bytes, count: this.numSamples });
  }

  /** Chunks overlapping [mint, maxt], oldest first, as a consistent snapshot. */
  chunksIn(mint: number, maxt: number, out: ChunkView[] = []): ChunkView[] {
    for (const c of this.closed) {
      if (c.maxt >= mint && c.mint <= maxt)
        out.push({ mint: c.mint, maxt: c.maxt, bytes: c.bytes, byteLength: c.bytes.length, count: c.count });
    }
    if (this.hasHead && this.maxt >= mint && this.headMint <= maxt) {
      // A copy: the open chunk's region is reused once the chunk moves or is cut.
      const bytes = this.chunkBytes().slice();
      out.push({
        mint: this.headMint,
        maxt: this.maxt,
        bytes,
        byteLength: bytes.length,
        count: this.numSamples,
        open: true,
      });
    }
    return out;
  }

  /** Drops closed chunks that end before `mint`; true when the series is left empty. */
  truncateBefore(mint: number): boolean {
    let drop = 0;
    while (drop < this.closed.length && this.closed[drop]!.maxt < mint) drop++;
    if (drop > 0) this.closed = drop === this.closed.length ? NO_CHUNKS : this.closed.slice(drop);
    if (this.hasHead && this.maxt < mint && this.closed.length === 0) {
      this.hasHead = false;
      this.resetChunk(0);
    }
    return this.closed.length === 0 && !this.hasHead;
  }

  get chunkCount(): number {
    return this.closed.length + (this.hasHead ? 1 : 0);
  }
}

/** The end of the chunk range `t` falls in: chunks never span a range boundary. */
export function rangeEnd(t: number, chunkRange: number): number {
  return (Math.floor(t / chunkRange) + 1) * chunkRange;
}

// As Prometheus: once a chunk holds a quarter of its target samples, extrapolate the scrape
// rate to spread the rest of the range evenly over chunks of about SAMPLES_PER_CHUNK.
function predictChunkEnd(start: number, cur: number, end: number): number {
  const n = Math.trunc((end - start) / ((cur - start + 1) * 4));
  if (n <= 1) return end;
  return start + Math.trunc((end - start) / n);
}
