import { Buffer } from 'node:buffer';

const TWO_32 = 4294967296;

/**
 * A growable protobuf wire-format writer. Nested messages are written in place: `fork()`
 * reserves one byte for the length, `join()` fills it in and, for the rare message of 128
 * bytes or more, moves the content up to make room for a longer varint.
 */
export class WireWriter {
  pos = 0;
  #bytes: Buffer;
  #view: DataView;

  constructor(initialSize = 1024) {
    this.#bytes = Buffer.allocUnsafe(initialSize);
    this.#view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength);
  }

  /** The bytes written so far, as a copy the caller owns. */
  finish(): Uint8Array {
    return new Uint8Array(this.#bytes.subarray(0, this.pos));
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  uint32(value: number): void {
    this.#ensure(5);
    const bytes = this.#bytes;
    let v = value >>> 0;
    while (v >= 0x80) {
      bytes[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    bytes[this.pos++] = v;
  }

  /** An `int64` varint; negative values take ten bytes (two's complement), as protobuf says. */
  int64(value: number): void {
    if (value >= 0) {
      this.#varint64(value % TWO_32, Math.floor(value / TWO_32));
      return;
    }
    const magnitude = -value;
    const lo = magnitude % TWO_32;
    const hi = Math.floor(magnitude / TWO_32);
    this.#varint64((~lo + 1) >>> 0, (~hi + (lo === 0 ? 1 : 0)) >>> 0);
  }

  uint64(value: number): void {
    this.#varint64(value % TWO_32, Math.floor(value / TWO_32));
  }

  /** A zigzag `sint32`/`sint64` varint. */
  sint64(value: number): void {
    this.uint64(value >= 0 ? 2 * value : -2 * value - 1);
  }

  /** A little-endian double, NaN payloads (the stale marker) written as given. */
  double(value: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  string(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.uint32(length);
    this.#ensure(length);
    this.#bytes.write(value, this.pos, length, 'utf8');
    this.pos += length;
  }

  /** Starts a length-delimited field's content; pass the result to `join`. */
  fork(): number {
    this.#ensure(1);
    return this.pos++;
  }

  join(start: number): void {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.#bytes[start] = length;
      return;
    }
    const extra = varintSize(length) - 1;
    this.#ensure(extra);
    this.#bytes.copyWithin(start + 1 + extra, start + 1, this.pos);
    const end = this.pos + extra;
    this.pos = start;
    this.uint32(length);
    this.pos = end;
  }

  #varint64(lo: number, hi: number): void {
    this.#ensure(10);
    const bytes = this.#bytes;
    while (hi > 0 || lo >= 0x80) {
      bytes[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
      hi >>>= 7;
    }
    bytes[this.pos++] = lo;
  }

  #ensure(n: number): void {
    if (this.pos + n <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    const bytes = Buffer.allocUnsafe(size);
    this.#bytes.copy(bytes, 0, 0, this.pos);
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}
