import { rangesEqual } from '@pyrometer/exposition';

/**
 * The metadata lines of one scrape, in order, each with a value (the family it named) and
 * what identifies its bytes: the parser's replay id when it has one, otherwise a copy of the
 * bytes. The next scrape compares its k-th metadata line with the k-th here (one number, or
 * the bytes eight at a time) and, when they are equal, knows what the line says without
 * reading it.
 */
export class MetadataLines<T> {
  #bytes: Uint8Array;
  #view: DataView;
  /** Where each line's copied bytes end in `#bytes` (a line with a replay id has none). */
  #ends: Int32Array;
  #ids: Float64Array;
  readonly #values: T[] = [];
  #count = 0;

  constructor(byteCapacity = 0, lineCapacity = 0) {
    this.#bytes = new Uint8Array(byteCapacity);
    this.#view = new DataView(this.#bytes.buffer);
    this.#ends = new Int32Array(lineCapacity);
    this.#ids = new Float64Array(lineCapacity);
  }

  get count(): number {
    return this.#count;
  }

  /** The value of line `k`. */
  valueAt(k: number): T {
    return this.#values[k]!;
  }

  /** The replay id line `k` had, or -1 when its bytes were kept instead. */
  idAt(k: number): number {
    return this.#ids[k]!;
  }

  /** Keeps only the first `count` lines. */
  truncate(count: number): void {
    if (count >= this.#count) return;
    this.#count = count;
    this.#values.length = count;
  }

  /**
   * Whether line `k`, one without a replay id, has exactly the bytes `body[start, end)`;
   * `view` is a DataView over `body`.
   */
  matches(k: number, body: Uint8Array, view: DataView, start: number, end: number): boolean {
    const from = k === 0 ? 0 : this.#ends[k - 1]!;
    const length = end - start;
    if (this.#ends[k]! - from !== length) return false;
    return rangesEqual(this.#view, this.#bytes, from, view, body, start, length);
  }

  /** A new list holding the first `count` lines of this one. */
  prefix(count: number): MetadataLines<T> {
    const size = count === 0 ? 0 : this.#ends[count - 1]!;
    const out = new MetadataLines<T>(size, Math.max(16, count));
    out.#bytes.set(this.#bytes.subarray(0, size));
    out.#ends.set(this.#ends.subarray(0, count));
    out.#ids.set(this.#ids.subarray(0, count));
    for (let k = 0; k < count; k++) out.#values.push(this.#values[k]!);
    out.#count = count;
    return out;
  }

  /** Adds a line with its value: its replay id, or when that is -1 its bytes `body[start, end)`. */
  append(id: number, body: Uint8Array, start: number, end: number, value: T): void {
    const k = this.#count;
    const from = k === 0 ? 0 : this.#ends[k - 1]!;
    const to = id >= 0 ? from : from + end - start;
    if (to > this.#bytes.length) this.#growBytes(to);
    if (k === this.#ends.length) this.#growLines();
    if (id < 0) this.#bytes.set(body.subarray(start, end), from);
    this.#ends[k] = to;
    this.#ids[k] = id;
    this.#values[k] = value;
    this.#count = k + 1;
  }

  #growBytes(atLeast: number): void {
    const bytes = new Uint8Array(Math.max(atLeast, 256, this.#bytes.length * 2));
    bytes.set(this.#bytes);
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer);
  }

  #growLines(): void {
    const size = Math.max(16, this.#ends.length * 2);
    const ends = new Int32Array(size);
    ends.set(this.#ends);
    this.#ends = ends;
    const ids = new Float64Array(size);
    ids.set(this.#ids);
    this.#ids = ids;
  }
}
