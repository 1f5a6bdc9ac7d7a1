import { Buffer } from 'node:buffer';
import { rangesEqual } from './byte-compare.ts';

/** Strings no longer than this many bytes are cached. */
const SLOT_BYTES = 64;

/**
 * Decoded strings for byte sequences that repeat from line to line and scrape to scrape:
 * metric names, label names and short label values. A direct-mapped table keyed by a hash
 * the scanner computes while it reads the bytes anyway; a hit costs one byte comparison
 * against the slot's copy instead of a UTF-8 decode and a new string. The copies live in one
 * arena so the comparison always reads the same kind of array.
 */
export class StringCache {
  readonly #arena: Uint8Array;
  readonly #arenaView: DataView;
  readonly #lengths: Int32Array;
  readonly #strings: string[];
  readonly #mask: number;

  /** `slots` must be a power of two. */
  constructor(slots: number) {
    this.#arena = new Uint8Array(slots * SLOT_BYTES);
    this.#arenaView = new DataView(this.#arena.buffer);
    this.#lengths = new Int32Array(slots).fill(-1);
    this.#strings = new Array<string>(slots).fill('');
    this.#mask = slots - 1;
  }

  /**
   * The string for `buf[start..end)`; `view` and `text` are a DataView and a Buffer over the
   * same bytes, to hash, compare and decode them.
   */
  get(buf: Uint8Array, view: DataView, text: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > SLOT_BYTES) return text.toString('utf8', start, end);
    const slot = hashRange(view, buf, start, end) & this.#mask;
    const arena = this.#arena;
    const base = slot * SLOT_BYTES;
    if (
      this.#lengths[slot] === length &&
      rangesEqual(this.#arenaView, arena, base, view, buf, start, length)
    ) {
      return this.#strings[slot]!;
    }
    const decoded = text.toString('utf8', start, end);
    for (let i = 0; i < length; i++) arena[base + i] = buf[start + i]!;
    this.#lengths[slot] = length;
    this.#strings[slot] = decoded;
    return decoded;
  }
}

/**
 * The hash the cache is keyed by: FNV-1a steps over the range four bytes at a time, then the
 * remaining bytes one at a time.
 */
export function hashRange(view: DataView, bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  let i = start;
  for (; i + 4 <= end; i += 4) hash = Math.imul(hash ^ view.getInt32(i), 0x01000193);
  for (; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash ^ (hash >>> 16);
}

/** The input's bytes as a plain Uint8Array, copying only a string input (to UTF-8). */
export function asBytes(input: Uint8Array | string): Uint8Array {
  if (typeof input === 'string') input = Buffer.from(input, 'utf8');
  // A plain view: a Buffer's own indexOf is a slower JavaScript wrapper than the typed array's.
  return input.constructor === Uint8Array
    ? input
    : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

/** A Buffer over the same bytes, for Node's fast UTF-8 decoding; no copy is made. */
export function asText(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
