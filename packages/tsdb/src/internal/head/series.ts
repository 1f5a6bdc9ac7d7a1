import { Labels } from '@pyrometer/model';
import type { ChunkView } from '../chunk-meta.ts';
import { XorAppender } from '../chunkenc/xor.ts';

/** As Prometheus: aim for 120 samples a chunk, never more than twice that. */
export const SAMPLES_PER_CHUNK = 120;

const NO_CHUNKS: ClosedChunk[] = [];
const NO_BYTES = new Uint8Array(0);

export interface ClosedChunk {
  mint: number;
  maxt: number;
  bytes: Uint8Array;
  count: number;
}

// The head keeps no object per series (a million objects are what V8's collector spends its
// time on): a series is a slot, whose state is 11 numbers in a page of 4096 slots. A page is
// a plain array of doubles, on V8's heap, rather than a typed array: V8 starts a full
// collection after every 64 MiB of typed-array memory allocated (off its heap, "external"),
// while pages on its heap only count towards its much larger old-generation limit, and arrays
// of doubles are not scanned when marking.
//
// The XOR appender's last timestamp and delta (0 and 1, where XorAppender keeps them; the last
// timestamp is also the newest committed one, -Infinity before the first sample), the open
// chunk's min time, when the open chunk must be cut, the newest pending timestamp, the ref:
export const MAXT = 0;
const HEAD_MINT = 2;
const NEXT_AT = 3;
export const PENDING = 4;
const REF = 5;
// The open chunk's bit length (20 bits) and sample count (8 bits: at most 240); the last XOR's
// leading and trailing zeros (8 and 7 bits) and flags (7 bits); the last value's words as
// int32s; the open chunk's slab region; where its label set is in the page's pair arena (-1
// for a free slot).
const BITS_COUNT = 6;
const ZEROS_FLAGS = 7;
export const VHI = 8;
export const VLO = 9;
const REGION = 10;
const PAIRS = 11;
const STRIDE = 12;
// Flags: the region's size class in the low 5 bits (NO_REGION: none, or an array of its own),
// whether the open chunk exists (not before the first sample, nor after truncation), and
// BitWriter's `lastWasByte`.
const CLASS_MASK = 0x1f;
const NO_REGION = 0x1f;
const HAS_HEAD = 0x20;
const LAST_WAS_BYTE = 0x40;

const PAGE_BITS = 12;
const PAGE_SLOTS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SLOTS - 1;

/** Where slot `slot`'s numbers start in its page (`SeriesStore.page`): MAXT, PENDING, VHI... */
export function slotAt(slot: number): number {
  return (slot & PAGE_MASK) * STRIDE;
}

/**
 * An array of `n` numbers V8 keeps unboxed, as doubles: filled with a fraction, as filling
 * with an integer would make it an array of small integers.
 */
function doubles(n: number): number[] {
  return new Array<number>(n).fill(0.5);
}

/** An array of `n` zeros that V8 keeps as small integers (not boxed, not doubles). */
export function smallInts(n: number): number[] {
  return new Array<number>(n).fill(0);
}

// The head's open chunks live in regions of shared slabs, by size class (32 bytes to 8 KiB,
// more than a chunk of 240 samples can take), instead of a typed array each: V8 spends some
// 200 bytes of heap on every small typed array, far more than the chunk itself. Classes grow
// by half (32, 48, 64, 96, ...), so a region is on average some 17% larger than its chunk.
const SLAB_BITS = 16;
const SLAB_BYTES = 1 << SLAB_BITS;
// Handles stay int32s, so that taking them apart is integer arithmetic: up to 2^15 slabs
// (2 GiB) a class, the open chunks of tens of millions of series.
const MAX_SLABS = 1 << 15;
const REGION_SIZES = [32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192];
const CLASSES = REGION_SIZES.length;

function classOf(size: number): number {
  let c = 0;
  while (REGION_SIZES[c]! < size) c++;
  return c;
}

function regionSize(c: number): number {
  return REGION_SIZES[c]!;
}

/** Where the region of `handle` starts in its slab. */
function slabOffset(handle: number): number {
  return handle & (SLAB_BYTES - 1);
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

  /** A zeroed region of class `c`, as a handle: its slab's index, then its offset (`slabOffset`). */
  take(c: number): number {
    const free = this.#free[c]!;
    const handle = free.pop();
    if (handle !== undefined) {
      const off = slabOffset(handle);
      this.slab(c, handle).fill(0, off, off + regionSize(c));
      return handle;
    }
    const slabs = this.#slabs[c]!;
    const size = regionSize(c);
    if (this.#fresh[c]! + size > SLAB_BYTES) {
      if (slabs.length === MAX_SLABS)
        throw new Error(`tsdb: the head's open chunks of up to ${size} bytes fill ${MAX_SLABS} slabs`);
      slabs.push(new Uint8Array(SLAB_BYTES));
      this.#fresh[c] = 0;
    }
    const off = this.#fresh[c]!;
    this.#fresh[c] = off + size;
    return ((slabs.length - 1) << SLAB_BITS) | off;
  }

  slab(c: number, handle: number): Uint8Array {
    return this.#slabs[c]![handle >>> SLAB_BITS]!;
  }

  give(c: number, handle: number): void {
    this.#free[c]!.push(handle);
  }
}

/**
 * The XOR appender of the head: one for all series, loaded with a slot's state before an
 * append and saved back after, its bytes a region of the slabs.
 */
class ChunkCursor extends XorAppender {
  readonly #store: SeriesStore;
  #page: number[] = doubles(STRIDE);
  #slot = -1;
  /** The slab region holding the open chunk, or -1 when it has none or an array of its own. */
  #region = -1;
  #class = NO_REGION;
  hasHead = false;

  constructor(store: SeriesStore) {
    super(0);
    this.#store = store;
  }

  /** Loads the state of `slot`, whose numbers are at `at` in `page`. */
  load(slot: number, page: number[], at: number): void {
    const store = this.#store;
    this.tState = page;
    this.tAt = at;
    this.#page = page;
    this.#slot = slot;
    const bc = page[at + BITS_COUNT]! | 0;
    this.bitLen = bc & 0xfffff;
    this.numSamples = bc >>> 20;
    const zf = page[at + ZEROS_FLAGS]! | 0;
    this.leading = zf & 0xff;
    this.trailing = (zf >>> 8) & 0x7f;
    const flags = zf >>> 15;
    this.vHi = page[at + VHI]! | 0;
    this.vLo = page[at + VLO]! | 0;
    this.hasHead = (flags & HAS_HEAD) !== 0;
    this.lastWasByte = (flags & LAST_WAS_BYTE) !== 0;
    const c = flags & CLASS_MASK;
    this.#class = c;
    if (c !== NO_REGION) {
      const handle = page[at + REGION]! | 0;
      this.#region = handle;
      this.bytes = store.slabs.slab(c, handle);
      this.base = slabOffset(handle);
      this.cap = regionSize(c);
    } else {
      this.#region = -1;
      this.bytes = store.ownChunks.get(slot) ?? NO_BYTES;
      this.base = 0;
      this.cap = this.bytes.length;
    }
  }

  save(): void {
    const page = this.#page;
    const at = this.tAt;
    const flags = this.#class | (this.hasHead ? HAS_HEAD : 0) | (this.lastWasByte ? LAST_WAS_BYTE : 0);
    page[at + BITS_COUNT] = this.bitLen | (this.numSamples << 20);
    page[at + ZEROS_FLAGS] = this.leading | (this.trailing << 8) | (flags << 15);
    page[at + VHI] = this.vHi;
    page[at + VLO] = this.vLo;
    page[at + REGION] = this.#region;
  }

  protected override newBuffer(size: number): void {
    this.#giveBack();
    if (size === 0) super.newBuffer(0);
    else this.#takeRegion(classOf(Math.max(size, 4)));
  }

  // Moves the chunk to a region of the next class, or beyond the largest to an array of its own.
  protected override grow(): void {
    const bytes = this.bytes;
    const base = this.base;
    const cap = this.cap;
    const region = this.#region;
    const c = this.#class;
    if (region < 0 || c + 1 >= CLASSES) {
      super.grow();
      this.#region = -1;
      this.#class = NO_REGION;
      this.#store.ownChunks.set(this.#slot, this.bytes);
    } else {
      this.#takeRegion(c + 1);
      // A loop rather than set(subarray()): regions are small, and a view is garbage each grow.
      const to = this.bytes;
      const at = this.base;
      for (let k = 0; k < cap; k++) to[at + k] = bytes[base + k]!;
    }
    if (region >= 0) this.#store.slabs.give(c, region);
  }

  #takeRegion(c: number): void {
    const slabs = this.#store.slabs;
    const handle = slabs.take(c);
    this.#region = handle;
    this.#class = c;
    this.bytes = slabs.slab(c, handle);
    this.base = slabOffset(handle);
    this.cap = regionSize(c);
  }

  #giveBack(): void {
    if (this.#region >= 0) this.#store.slabs.give(this.#class, this.#region);
    else if (this.bytes.length > 0) this.#store.ownChunks.delete(this.#slot);
    this.#region = -1;
    this.#class = NO_REGION;
  }

  /** Gives up the open chunk's bytes: for a slot being freed. */
  release(): void {
    this.#giveBack();
    this.bytes = NO_BYTES;
    this.save();
  }
}

/** The label pairs of the index, by number (`MemPostings`). */
export interface PairNames {
  name(pair: number): string;
  value(pair: number): string;
}

// A page's first pair arena: room for a label set of 7 labels (a count and 7 numbers) a slot.
const FIRST_ARENA = 8 * PAGE_SLOTS;

/**
 * The head's series, each a slot: its ref, labels, closed chunks and open chunk. Freed slots
 * are reused by new series. Pages never move, so `page(slot)` stays valid.
 *
 * A series' labels are kept as the numbers of its label pairs in the index (a count, then
 * the numbers), in an array of small integers per page of slots: some 24 bytes for a typical
 * label set, instead of a Labels object and an array of strings the collector would trace.
 * `labels()` builds a Labels when one is asked for. (Not an Int32Array: V8 starts a full
 * collection after every 64 MiB allocated outside its heap, as typed arrays are.)
 */
export class SeriesStore {
  readonly slabs = new ChunkSlabs();
  /** Open chunks too big for a slab region (none in practice: see REGION_SIZES). */
  readonly ownChunks = new Map<number, Uint8Array>();
  readonly #names: PairNames;
  readonly #pages: number[][] = [];
  /** Per page: the label sets' pair numbers, how much of that is used, how much is holes. */
  readonly #arenas: number[][] = [];
  readonly #arenaUsed: number[] = [];
  readonly #arenaHoles: number[] = [];
  /** Closed chunks, oldest first; undefined until the first chunk is closed. */
  readonly #closed: (ClosedChunk[] | undefined)[][] = [];
  readonly #free: number[] = [];
  #next = 0;
  readonly #cursor = new ChunkCursor(this);

  constructor(names: PairNames) {
    this.#names = names;
  }

  /** A slot for series `ref` whose label set is the pairs `pairs[0, n)`. */
  alloc(ref: number, pairs: readonly number[], n: number): number {
    const slot = this.#free.pop() ?? this.#next++;
    const p = slot >>> PAGE_BITS;
    if (p === this.#pages.length) {
      const fresh = doubles(PAGE_SLOTS * STRIDE);
      for (let at = 0; at < fresh.length; at += STRIDE) fresh[at + PAIRS] = -1;
      this.#pages.push(fresh);
      this.#arenas.push(smallInts(FIRST_ARENA));
      this.#arenaUsed.push(0);
      this.#arenaHoles.push(0);
      this.#closed.push(new Array<ClosedChunk[] | undefined>(PAGE_SLOTS).fill(undefined));
    }
    const page = this.#pages[p]!;
    const at = slotAt(slot);
    page[at + MAXT] = Number.NEGATIVE_INFINITY;
    page[at + 1] = 0;
    page[at + HEAD_MINT] = 0;
    page[at + NEXT_AT] = 0;
    page[at + PENDING] = Number.NEGATIVE_INFINITY;
    page[at + REF] = ref;
    page[at + BITS_COUNT] = 0;
    page[at + ZEROS_FLAGS] = 0xff | (NO_REGION << 15);
    page[at + VHI] = 0;
    page[at + VLO] = 0;
    page[at + REGION] = -1;
    const off = this.#reserve(p, n + 1);
    const arena = this.#arenas[p]!;
    arena[off] = n;
    for (let i = 0; i < n; i++) arena[off + 1 + i] = pairs[i]!;
    page[at + PAIRS] = off;
    return slot;
  }

  /** Room for `len` numbers in page `p`'s arena, compacting (and growing) it when it is full. */
  #reserve(p: number, len: number): number {
    const capacity = this.#arenas[p]!.length;
    const used = this.#arenaUsed[p]!;
    if (used + len > capacity) {
      const live = used - this.#arenaHoles[p]!;
      // Compacted, at least a third of it is free again.
      let size = capacity;
      while (size < live + len + (live >> 1)) size *= 2;
      this.#compact(p, size);
    }
    const off = this.#arenaUsed[p]!;
    this.#arenaUsed[p] = off + len;
    return off;
  }

  // Copies page `p`'s live label sets into a new arena of `size` numbers.
  #compact(p: number, size: number): void {
    const old = this.#arenas[p]!;
    const arena = smallInts(size);
    const page = this.#pages[p]!;
    let used = 0;
    for (let at = 0; at < page.length; at += STRIDE) {
      const off = page[at + PAIRS]!;
      if (off < 0) continue;
      const len = old[off]! + 1;
      for (let i = 0; i < len; i++) arena[used + i] = old[off + i]!;
      page[at + PAIRS] = used;
      used += len;
    }
    this.#arenas[p] = arena;
    this.#arenaUsed[p] = used;
    this.#arenaHoles[p] = 0;
  }

  /** Copies the pair numbers of series `slot` into `out`; returns how many. */
  pairsOf(slot: number, out: number[]): number {
    const arena = this.#arenas[slot >>> PAGE_BITS]!;
    const off = this.page(slot)[slotAt(slot) + PAIRS]!;
    const n = arena[off]!;
    for (let i = 0; i < n; i++) out[i] = arena[off + 1 + i]!;
    return n;
  }

  /** Whether the label set of series `slot` is exactly the pairs `pairs[0, n)`. */
  hasPairs(slot: number, pairs: readonly number[], n: number): boolean {
    const arena = this.#arenas[slot >>> PAGE_BITS]!;
    const off = this.page(slot)[slotAt(slot) + PAIRS]!;
    if (arena[off] !== n) return false;
    for (let i = 0; i < n; i++) if (arena[off + 1 + i] !== pairs[i]) return false;
    return true;
  }

  free(slot: number): void {
    this.#cursor.load(slot, this.page(slot), slotAt(slot));
    this.#cursor.release();
    const p = slot >>> PAGE_BITS;
    const page = this.#pages[p]!;
    const at = slotAt(slot);
    this.#arenaHoles[p]! += this.#arenas[p]![page[at + PAIRS]!]! + 1;
    page[at + PAIRS] = -1;
    this.#closed[slot >>> PAGE_BITS]![slot & PAGE_MASK] = undefined;
    this.#free.push(slot);
  }

  /** The page of the slot's numbers; index it from `slotAt(slot)` (MAXT, PENDING, VHI, VLO). */
  page(slot: number): number[] {
    return this.#pages[slot >>> PAGE_BITS]!;
  }

  ref(slot: number): number {
    return this.#pages[slot >>> PAGE_BITS]![slotAt(slot) + REF]!;
  }

  /** The labels of series `slot`, built from its pairs: a new Labels each call. */
  labels(slot: number): Labels {
    const arena = this.#arenas[slot >>> PAGE_BITS]!;
    const off = this.page(slot)[slotAt(slot) + PAIRS]!;
    const n = arena[off]!;
    const flat = new Array<string>(2 * n);
    const names = this.#names;
    for (let i = 0; i < n; i++) {
      const pair = arena[off + 1 + i]!;
      flat[2 * i] = names.name(pair);
      flat[2 * i + 1] = names.value(pair);
    }
    return Labels.fromSortedFlat(flat);
  }

  /** Timestamp of the newest committed sample, or -Infinity when none. */
  maxt(slot: number): number {
    return this.page(slot)[slotAt(slot) + MAXT]!;
  }

  /** Newest timestamp appended in an open transaction (not yet committed), or -Infinity. */
  pendingMaxt(slot: number): number {
    return this.page(slot)[slotAt(slot) + PENDING]!;
  }

  setPendingMaxt(slot: number, t: number): void {
    this.page(slot)[slotAt(slot) + PENDING] = t;
  }

  #hasHead(slot: number): boolean {
    return ((this.page(slot)[slotAt(slot) + ZEROS_FLAGS]! >>> 15) & HAS_HEAD) !== 0;
  }

  #closedOf(slot: number): ClosedChunk[] {
    return this.#closed[slot >>> PAGE_BITS]![slot & PAGE_MASK] ?? NO_CHUNKS;
  }

  minTime(slot: number): number {
    const first = this.#closedOf(slot)[0];
    if (first !== undefined) return first.mint;
    return this.#hasHead(slot) ? this.page(slot)[slotAt(slot) + HEAD_MINT]! : Number.POSITIVE_INFINITY;
  }

  chunkCount(slot: number): number {
    return this.#closedOf(slot).length + (this.#hasHead(slot) ? 1 : 0);
  }

  /**
   * Appends a sample already validated in order to the series in `slot`, whose numbers are at
   * `fa` in page `f`; returns true when a chunk was started.
   */
  appendSample(
    slot: number,
    f: number[],
    fa: number,
    t: number,
    hi: number,
    lo: number,
    chunkRange: number,
  ): boolean {
    const c = this.#cursor;
    c.load(slot, f, fa);
    let cut = false;
    if (c.hasHead) {
      if (c.numSamples === SAMPLES_PER_CHUNK / 4) {
        f[fa + NEXT_AT] = predictChunkEnd(f[fa + HEAD_MINT]!, f[fa + MAXT]!, f[fa + NEXT_AT]!);
      }
      if (t >= f[fa + NEXT_AT]! || c.numSamples >= 2 * SAMPLES_PER_CHUNK) {
        this.#closeHead(slot, c, f, fa);
        cut = true;
      }
    } else {
      c.hasHead = true;
      cut = true;
    }
    if (cut) {
      // 48 bytes hold some 10 samples of a steady series (Go's chunks start with 128).
      c.resetChunk(48);
      f[fa + HEAD_MINT] = t;
      f[fa + NEXT_AT] = rangeEnd(t, chunkRange);
    }
    // Sets the last timestamp, MAXT.
    c.appendBits(t, hi, lo);
    c.save();
    return cut;
  }

  #closeHead(slot: number, c: ChunkCursor, f: number[], fa: number): void {
    const page = this.#closed[slot >>> PAGE_BITS]!;
    let closed = page[slot & PAGE_MASK];
    if (closed === undefined) page[slot & PAGE_MASK] = closed = [];
    const bytes = c.chunkBytes().slice();
    closed.push({ mint: f[fa + HEAD_MINT]!, maxt: f[fa + MAXT]!, bytes, count: c.numSamples });
  }

  /** Chunks overlapping [mint, maxt], oldest first, as a consistent snapshot. */
  chunksIn(slot: number, mint: number, maxt: number, out: ChunkView[] = []): ChunkView[] {
    for (const c of this.#closedOf(slot)) {
      if (c.maxt >= mint && c.mint <= maxt)
        out.push({ mint: c.mint, maxt: c.maxt, bytes: c.bytes, byteLength: c.bytes.length, count: c.count });
    }
    const f = this.page(slot);
    const fa = slotAt(slot);
    if (this.#hasHead(slot) && f[fa + MAXT]! >= mint && f[fa + HEAD_MINT]! <= maxt) {
      const c = this.#cursor;
      c.load(slot, this.page(slot), slotAt(slot));
      // A copy: the open chunk's region is reused once the chunk moves or is cut.
      const bytes = c.chunkBytes().slice();
      const count = c.numSamples;
      c.save();
      out.push({
        mint: f[fa + HEAD_MINT]!,
        maxt: f[fa + MAXT]!,
        bytes,
        byteLength: bytes.length,
        count,
        open: true,
      });
    }
    return out;
  }

  /** Drops closed chunks that end before `mint`; true when the series is left empty. */
  truncateBefore(slot: number, mint: number): boolean {
    const page = this.#closed[slot >>> PAGE_BITS]!;
    let closed = page[slot & PAGE_MASK] ?? NO_CHUNKS;
    let drop = 0;
    while (drop < closed.length && closed[drop]!.maxt < mint) drop++;
    if (drop > 0) {
      closed = drop === closed.length ? NO_CHUNKS : closed.slice(drop);
      page[slot & PAGE_MASK] = closed === NO_CHUNKS ? undefined : closed;
    }
    const hasHead = this.#hasHead(slot);
    if (hasHead && this.maxt(slot) < mint && closed.length === 0) {
      const c = this.#cursor;
      c.load(slot, this.page(slot), slotAt(slot));
      c.hasHead = false;
      c.resetChunk(0);
      c.save();
      return true;
    }
    return closed.length === 0 && !hasHead;
  }
}

/**
 * A series of the head as code outside the head sees it: a view of its slot, valid while the
 * series is in the head.
 */
export class MemSeries {
  readonly ref: number;
  readonly slot: number;
  readonly #store: SeriesStore;

  constructor(store: SeriesStore, slot: number) {
    this.#store = store;
    this.slot = slot;
    this.ref = store.ref(slot);
  }

  get labels(): Labels {
    return this.#store.labels(this.slot);
  }

  /** Timestamp of the newest sample (committed), or -Infinity when none. */
  get maxt(): number {
    return this.#store.maxt(this.slot);
  }

  get minTime(): number {
    return this.#store.minTime(this.slot);
  }

  get chunkCount(): number {
    return this.#store.chunkCount(this.slot);
  }

  /** Chunks overlapping [mint, maxt], oldest first, as a consistent snapshot. */
  chunksIn(mint: number, maxt: number, out: ChunkView[] = []): ChunkView[] {
    return this.#store.chunksIn(this.slot, mint, maxt, out);
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
