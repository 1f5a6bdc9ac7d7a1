import { MemSeries, type SeriesStore, smallInts } from './series.ts';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

/**
 * The head's series by ref, as slots of its `SeriesStore`. Refs are handed out densely from 1
 * (by us and by Prometheus), so they index pages of an Int32Array (slot + 1, 0 for none): a
 * lookup is two loads, with no hashing and no per-entry object. Refs beyond 32 bits (never
 * seen in practice) go to a Map.
 */
export class SeriesByRef {
  readonly #store: SeriesStore;
  readonly #pages: (Int32Array | undefined)[] = [];
  readonly #big = new Map<number, number>();
  #size = 0;

  constructor(store: SeriesStore) {
    this.#store = store;
  }

  get size(): number {
    return this.#size;
  }

  /** The slot of series `ref`, or -1. */
  slotOf(ref: number): number {
    if (ref >>> 0 === ref) {
      const page = this.#pages[ref >>> PAGE_BITS];
      return page === undefined ? -1 : page[ref & PAGE_MASK]! - 1;
    }
    return this.#big.get(ref) ?? -1;
  }

  /** A view of series `ref`, or undefined. */
  get(ref: number): MemSeries | undefined {
    const slot = this.slotOf(ref);
    return slot < 0 ? undefined : new MemSeries(this.#store, slot);
  }

  has(ref: number): boolean {
    return this.slotOf(ref) >= 0;
  }

  /** Puts a series (its slot) under a ref that holds none. */
  set(ref: number, slot: number): void {
    if (ref >>> 0 === ref) {
      const p = ref >>> PAGE_BITS;
      let page = this.#pages[p];
      if (page === undefined) {
        while (this.#pages.length < p) this.#pages.push(undefined);
        page = new Int32Array(PAGE_SIZE);
        this.#pages[p] = page;
      }
      if (page[ref & PAGE_MASK] === 0) this.#size++;
      page[ref & PAGE_MASK] = slot + 1;
      return;
    }
    if (!this.#big.has(ref)) this.#size++;
    this.#big.set(ref, slot);
  }

  delete(ref: number): boolean {
    if (ref >>> 0 === ref) {
      const page = this.#pages[ref >>> PAGE_BITS];
      if (page === undefined || page[ref & PAGE_MASK] === 0) return false;
      page[ref & PAGE_MASK] = 0;
      this.#size--;
      return true;
    }
    if (!this.#big.delete(ref)) return false;
    this.#size--;
    return true;
  }

  /** Every series' slot in ref order (refs beyond 32 bits last); live, as a Map's iterator is. */
  *slots(): Generator<number> {
    const pages = this.#pages;
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p];
      if (page === undefined) continue;
      for (let i = 0; i < PAGE_SIZE; i++) {
        const v = page[i]!;
        if (v !== 0) yield v - 1;
      }
    }
    yield* this.#big.values();
  }

  /** Every series in ref order, as views. */
  *values(): Generator<MemSeries> {
    for (const slot of this.slots()) yield new MemSeries(this.#store, slot);
  }

  *[Symbol.iterator](): Generator<[number, MemSeries]> {
    for (const s of this.values()) yield [s.ref, s];
  }
}

/**
 * Series slots by a hash of their labels: open addressing with linear probing over one array
 * (each entry the hash and the slot, side by side: a probe is one cache line), so the table
 * is one allocation whatever its size and a probe touches no series unless the hash matches.
 * Equal hashes of different label sets (collisions) simply occupy further entries; the
 * caller's `matches` tells them apart.
 *
 * The array is a plain one of small integers rather than an Int32Array: typed arrays live
 * outside V8's heap, and V8 starts a full collection after every 64 MiB allocated there, which
 * a growing table (and the garbage of its growth) would add to.
 */
export class SeriesByHash {
  /** Entries of two small integers: the hash (31 bits), and the slot + 1 (0: an empty entry). */
  #entries = smallInts(2 * 1024);
  #mask = 1023;
  #count = 0;

  /** The first slot stored under `hash` that `matches` accepts, or -1. */
  find(hash: number, matches: (slot: number) => boolean): number {
    const h = hash >> 1;
    const e = this.#entries;
    const mask = this.#mask;
    for (let i = mix(h) & mask; ; i = (i + 1) & mask) {
      const v = e[2 * i + 1]!;
      if (v === 0) return -1;
      if (e[2 * i] === h && matches(v - 1)) return v - 1;
    }
  }

  add(hash: number, slot: number): void {
    if (2 * (this.#count + 1) > this.#mask + 1) this.#grow();
    this.#insert(hash >> 1, slot + 1);
    this.#count++;
  }

  #insert(h: number, v: number): void {
    const e = this.#entries;
    const mask = this.#mask;
    let i = mix(h) & mask;
    while (e[2 * i + 1] !== 0) i = (i + 1) & mask;
    e[2 * i] = h;
    e[2 * i + 1] = v;
  }

  #grow(): void {
    const old = this.#entries;
    this.#entries = smallInts(2 * old.length);
    this.#mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.#insert(old[i]!, old[i + 1]!);
  }

  /** Removes the entry of `slot` (stored under `hash`); backward-shift keeps probes unbroken. */
  remove(hash: number, slot: number): void {
    const h = hash >> 1;
    const v = slot + 1;
    const e = this.#entries;
    const mask = this.#mask;
    let i = mix(h) & mask;
    for (; ; i = (i + 1) & mask) {
      if (e[2 * i + 1] === v) break;
      if (e[2 * i + 1] === 0) {
        // Not under that hash (a label set whose hash changed would be a bug elsewhere):
        // find the slot anywhere rather than keep a stale entry.
        i = -1;
        for (let j = 0; j <= mask; j++) if (e[2 * j + 1] === v) i = j;
        if (i < 0) return;
        break;
      }
    }
    this.#count--;
    // Close the gap: move back any later entry of the run whose home is not in (i, j].
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (e[2 * j + 1] === 0) break;
      const home = mix(e[2 * j]!) & mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (between) continue;
      e[2 * i] = e[2 * j]!;
      e[2 * i + 1] = e[2 * j + 1]!;
      i = j;
    }
    e[2 * i] = 0;
    e[2 * i + 1] = 0;
  }
}

// The hash is well mixed already; this spreads it again so that hashes which agree in
// their low bits (e.g. chosen by an adversary, or folded) still land apart.
function mix(x: number): number {
  return Math.imul(x ^ (x >>> 16), 0x45d9f3b) ^ (x >>> 15);
}
