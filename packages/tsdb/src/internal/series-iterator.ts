import type { FloatHistogram, SampleIterator, Timestamp } from '@pyrometer/model';
import { ValueType } from '@pyrometer/model';
import type { ChunkView } from './chunk-meta.ts';
import { XorIterator } from './chunkenc/xor.ts';

const NONE: readonly number[] = [];

/**
 * Iterates a series' samples across its chunks (sorted, not overlapping), within
 * [mint, maxt] and outside the deleted intervals (flat [start, end, ...], inclusive).
 */
export class ChunkSeriesIterator implements SampleIterator {
  #chunks: readonly ChunkView[];
  #mint: number;
  #maxt: number;
  #deleted: readonly number[];
  readonly #it = new XorIterator();
  #i = -1;
  #done = false;
  #err: Error | undefined;

  constructor(chunks: readonly ChunkView[], mint: number, maxt: number, deleted: readonly number[] = NONE) {
    this.#chunks = chunks;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#deleted = deleted;
  }

  /** Starts over on another series' chunks, as a new iterator would (a query reuses one). */
  reset(chunks: readonly ChunkView[], mint: number, maxt: number, deleted: readonly number[] = NONE): this {
    this.#chunks = chunks;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#deleted = deleted;
    this.#i = -1;
    this.#done = false;
    this.#err = undefined;
    return this;
  }

  #advanceChunk(): boolean {
    this.#i++;
    const c = this.#chunks[this.#i];
    if (c === undefined) return false;
    this.#it.reset(c.bytes, c.byteLength, c.count);
    return true;
  }

  #isDeleted(t: number): boolean {
    const d = this.#deleted;
    for (let i = 0; i < d.length; i += 2) if (t >= d[i]! && t <= d[i + 1]!) return true;
    return false;
  }

  next(): ValueType {
    if (this.#done) return ValueType.None;
    if (this.#i < 0 && !this.#advanceChunk()) return this.#finish();
    for (;;) {
      if (this.#it.next() === ValueType.Float) {
        const t = this.#it.t();
        if (t > this.#maxt) return this.#finish();
        if (t < this.#mint || (this.#deleted.length > 0 && this.#isDeleted(t))) continue;
        return ValueType.Float;
      }
      const err = this.#it.err();
      if (err !== undefined) {
        this.#err = err;
        return this.#finish();
      }
      if (!this.#advanceChunk()) return this.#finish();
    }
  }

  seek(t: Timestamp): ValueType {
    if (this.#done) return ValueType.None;
    if (this.#i >= 0 && this.#it.t() >= t && this.#it.t() >= this.#mint) return ValueType.Float;
    // Skip whole chunks that end before t.
    while (this.#i + 1 < this.#chunks.length && this.#chunks[this.#i + 1]!.maxt < t) this.#i++;
    if (this.#i >= 0 && (this.#chunks[this.#i]?.maxt ?? Number.POSITIVE_INFINITY) < t) {
      if (!this.#advanceChunk()) return this.#finish();
    }
    for (;;) {
      const vt = this.next();
      if (vt === ValueType.None || this.#it.t() >= t) return vt;
    }
  }

  #finish(): ValueType {
    this.#done = true;
    return ValueType.None;
  }

  t(): Timestamp {
    return this.#it.t();
  }

  value(): number {
    return this.#it.value();
  }

  histogram(): FloatHistogram {
    throw new Error('tsdb: native histograms are not stored yet');
  }

  err(): Error | undefined {
    return this.#err;
  }
}

/** Merges iterators over the same series by timestamp; at equal timestamps the first wins. */
export class MergeSampleIterator implements SampleIterator {
  readonly #its: SampleIterator[];
  readonly #live: boolean[];
  #cur = -1;
  #started = false;

  constructor(its: SampleIterator[]) {
    this.#its = its;
    this.#live = its.map(() => true);
  }

  #pick(): ValueType {
    let best = -1;
    let bestT = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.#its.length; i++) {
      if (this.#live[i] && this.#its[i]!.t() < bestT) {
        best = i;
        bestT = this.#its[i]!.t();
      }
    }
    this.#cur = best;
    return best < 0 ? ValueType.None : ValueType.Float;
  }

  next(): ValueType {
    if (!this.#started) {
      this.#started = true;
      for (let i = 0; i < this.#its.length; i++) this.#live[i] = this.#its[i]!.next() !== ValueType.None;
      return this.#pick();
    }
    if (this.#cur < 0) return ValueType.None;
    const t = this.#its[this.#cur]!.t();
    for (let i = 0; i < this.#its.length; i++) {
      if (this.#live[i] && this.#its[i]!.t() === t) this.#live[i] = this.#its[i]!.next() !== ValueType.None;
    }
    return this.#pick();
  }

  seek(t: Timestamp): ValueType {
    if (!this.#started) {
      this.#started = true;
      for (let i = 0; i < this.#its.length; i++) this.#live[i] = this.#its[i]!.seek(t) !== ValueType.None;
      return this.#pick();
    }
    if (this.#cur >= 0 && this.t() >= t) return ValueType.Float;
    for (let i = 0; i < this.#its.length; i++) {
      if (this.#live[i]) this.#live[i] = this.#its[i]!.seek(t) !== ValueType.None;
    }
    return this.#pick();
  }

  t(): Timestamp {
    return this.#its[this.#cur]!.t();
  }

  value(): number {
    return this.#its[this.#cur]!.value();
  }

  histogram(): FloatHistogram {
    return this.#its[this.#cur]!.histogram();
  }

  err(): Error | undefined {
    for (const it of this.#its) {
      const e = it.err();
      if (e !== undefined) return e;
    }
    return undefined;
  }
}
