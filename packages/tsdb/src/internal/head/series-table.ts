import type { Labels } from '@pyrometer/model';
import type { MemSeries } from './series.ts';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

/**
 * The head's series by ref. Refs are handed out densely from 1 (by us and by Prometheus), so
 * they index pages of a plain array: a lookup is two loads, with no hashing and no per-entry
 * object. Refs beyond 32 bits (never seen in practice) go to a Map.
 */
export class SeriesByRef {
  readonly #pages: (MemSeries | undefined)[][] = [];
  readonly #big = new Map<number, MemSeries>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(ref: number): MemSeries | undefined {
    if (ref >>> 0 === ref) {
      const page = this.#pages[ref >>> PAGE_BITS];
      return page === undefined ? undefined : page[ref & PAGE_MASK];
    }
    return this.#big.get(ref);
  }

  has(ref: number): boolean {
    return this.get(ref) !== undefined;
  }

  /** Adds a series under a ref that holds none. */
  set(ref: number, s: MemSeries): void {
    if (ref >>> 0 === ref) {
      const p = ref >>> PAGE_BITS;
      let page = this.#pages[p];
      if (page === undefined) {
        while (this.#pages.length < p) this.#pages.push(undefined as never);
        page = new Array<MemSeries | undefined>(PAGE_SIZE).fill(undefined);
        this.#pages[p] = page;
      }
      if (page[ref & PAGE_MASK] === undefined) this.#size++;
      page[ref & PAGE_MASK] = s;
      return;
    }
    if (!this.#big.has(ref)) this.#size++;
    this.#big.set(ref, s);
  }

  delete(ref: number): boolean {
    if (ref >>> 0 === ref) {
      const page = this.#pages[ref >>> PAGE_BITS];
      if (page === undefined || page[ref & PAGE_MASK] === undefined) return false;
      page[ref & PAGE_MASK] = undefined;
      this.#size--;
      return true;
    }
    if (!this.#big.delete(ref)) return false;
    this.#size--;
    return true;
  }

  /** Every series in ref order (refs beyond 32 bits last); live, as a Map's iterator is. */
  *values(): Generator<MemSeries> {
    const pages = this.#pages;
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p];
      if (page === undefined) continue;
      for (let i = 0; i < PAGE_SIZE; i++) {
        const s = page[i];
        if (s !== undefined) yield s;
      }
    }
    yield* this.#big.values();
  }

  *[Symbol.iterator](): Generator<[number, MemSeries]> {
    for (const s of this.values()) yield [s.ref, s];
  }
}

/**
 * Series by labels hash: open addressing with linear probing over typed arrays (the low 32
 * bits of the hash and the ref), so the table is two allocations whatever its size and a
 * probe touches no series object unless the hash matches. Equal hashes of different label
 * sets (collisions) simply occupy further slots; `find` compares the labels.
 */
export class SeriesByHash {
  #hashes = new Uint32Array(1024);
  /** 0 marks an empty slot (no series has ref 0). */
  #refs = new Float64Array(1024);
  #mask = 1023;
  #count = 0;

  find(labels: Labels, hash: number, byRef: SeriesByRef): MemSeries | undefined {
    const lo = hash >>> 0;
    const hashes = this.#hashes;
    const refs = this.#refs;
    const mask = this.#mask;
    for (let i = mix(lo) & mask; ; i = (i + 1) & mask) {
      const ref = refs[i]!;
      if (ref === 0) return undefined;
      if (hashes[i] === lo) {
        const s = byRef.get(ref);
        if (s?.labels.equals(labels)) return s;
      }
    }
  }

  add(hash: number, ref: number): void {
    if (2 * (this.#count + 1) > this.#mask + 1) this.#grow();
    this.#insert(hash >>> 0, ref);
    this.#count++;
  }

  #insert(lo: number, ref: number): void {
    const mask = this.#mask;
    let i = mix(lo) & mask;
    while (this.#refs[i] !== 0) i = (i + 1) & mask;
    this.#hashes[i] = lo;
    this.#refs[i] = ref;
  }

  #grow(): void {
    const hashes = this.#hashes;
    const refs = this.#refs;
    const size = 2 * hashes.length;
    this.#hashes = new Uint32Array(size);
    this.#refs = new Float64Array(size);
    this.#mask = size - 1;
    for (let i = 0; i < refs.length; i++) if (refs[i] !== 0) this.#insert(hashes[i]!, refs[i]!);
  }

  /** Removes the entry of `ref` (stored under `hash`); backward-shift keeps probes unbroken. */
  remove(hash: number, ref: number): void {
    const lo = hash >>> 0;
    const hashes = this.#hashes;
    const refs = this.#refs;
    const mask = this.#mask;
    let i = mix(lo) & mask;
    for (; ; i = (i + 1) & mask) {
      if (refs[i] === ref) break;
      if (refs[i] === 0) {
        // Not under that hash (a label set whose hash changed would be a bug elsewhere):
        // find the ref anywhere rather than keep a stale entry.
        i = refs.indexOf(ref);
        if (i < 0) return;
        break;
      }
    }
    this.#count--;
    // Close the gap: move back any later entry of the run whose home slot is not in (i, j].
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (refs[j] === 0) break;
      const home = mix(hashes[j]!) & mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (between) continue;
      hashes[i] = hashes[j]!;
      refs[i] = refs[j]!;
      i = j;
    }
    refs[i] = 0;
    hashes[i] = 0;
  }
}

// The labels hash is well mixed already; this spreads it again so that hashes which agree in
// their low bits (e.g. chosen by an adversary, or folded) still land apart.
function mix(x: number): number {
  return Math.imul(x ^ (x >>> 16), 0x45d9f3b) ^ (x >>> 15);
}
