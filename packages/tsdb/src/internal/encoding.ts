import { isStaleNaN } from '@pyrometer/model';

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);
const F64_BYTES = new Uint8Array(F64.buffer);

const TWO32 = 4294967296;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A growable byte buffer with the integer encodings of Prometheus's formats. */
export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.len = 0;
  }

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  be16(v: number): void {
    this.ensure(2);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v;
  }

  be32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.len++] = v >>> 24;
    b[this.len++] = v >>> 16;
    b[this.len++] = v >>> 8;
    b[this.len++] = v;
  }

  /** A signed or unsigned integer (a safe JS integer) as 8 big-endian bytes, two's complement. */
  be64(v: number): void {
    const hi = Math.floor(v / TWO32);
    this.be32(hi >>> 0);
    this.be32((v - hi * TWO32) >>> 0);
  }

  /** The float's IEEE-754 bits, big-endian, with the stale marker exact. */
  float64(v: number): void {
    F64[0] = v;
    // A stale marker quieted by V8 is written with Prometheus's exact bits.
    if (Number.isNaN(v) && F64_WORDS[0] === 2 && isStaleNaN(v)) F64_WORDS[1] = 0x7ff00000;
    this.ensure(8);
    const b = this.buf;
    const at = this.len;
    // Float64Array is little-endian on every platform Node runs on; the formats are big-endian.
    for (let i = 0; i < 8; i++) b[at + i] = F64_BYTES[7 - i]!;
    this.len = at + 8;
  }

  uvarint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[this.len++] = v;
  }

  varint(v: number): void {
    // Zig-zag, as Go's binary.PutVarint.
    this.uvarint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** A string prefixed with its UTF-8 byte length as a uvarint. */
  uvarintStr(s: string): void {
    this.ensure(3 * s.length + 10);
    const at = this.len;
    // Short ASCII strings (most label names and values) are copied by hand: cheaper than a
    // call into the UTF-8 encoder.
    if (s.length < 0x80) {
      const b = this.buf;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[at + 1 + i] = c;
      }
      if (i === s.length) {
        b[at] = i;
        this.len = at + 1 + i;
        return;
      }
    }
    // Otherwise encode in place after a 1-byte length, and move the bytes when the length
    // needs more varint bytes.
    const { written } = utf8.encodeInto(s, this.buf.subarray(at + 1));
    if (written < 0x80) {
      this.buf[at] = written;
      this.len = at + 1 + written;
      return;
    }
    let extra = 0;
    for (let v = written; v >= 0x80; v = Math.floor(v / 128)) extra++;
    this.buf.copyWithin(at + 1 + extra, at + 1, at + 1 + written);
    this.uvarint(written);
    this.len = at + 1 + extra + written;
  }

  setBE32(at: number, v: number): void {
    const b = this.buf;
    b[at] = v >>> 24;
    b[at + 1] = v >>> 16;
    b[at + 2] = v >>> 8;
    b[at + 3] = v;
  }

  padTo(alignment: number): void {
    while (this.len % alignment !== 0) this.byte(0);
  }
}

/** A cursor over bytes; reads past the end throw a `DecodeError`. */
export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  #need(n: number): void {
    if (this.pos + n > this.end) throw new DecodeError(`unexpected end of data at offset ${this.pos}`);
  }

  byte(): number {
    this.#need(1);
    return this.buf[this.pos++]!;
  }

  be16(): number {
    this.#need(2);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  be32(): number {
    this.#need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** 8 big-endian bytes as a signed integer (exact up to 2^53). */
  be64(): number {
    const hi = this.be32() | 0;
    const lo = this.be32();
    return hi * TWO32 + lo;
  }

  /** 8 big-endian bytes as a float64, bits preserved (the value lands in a typed array). */
  float64Into(dst: Float64Array, i: number): void {
    this.#need(8);
    const p = this.pos;
    FLOAT_VIEW.setUint32(
      0,
      ((this.buf[p]! << 24) | (this.buf[p + 1]! << 16) | (this.buf[p + 2]! << 8) | this.buf[p + 3]!) >>> 0,
    );
    FLOAT_VIEW.setUint32(
      4,
      ((this.buf[p + 4]! << 24) | (this.buf[p + 5]! << 16) | (this.buf[p + 6]! << 8) | this.buf[p + 7]!) >>>
        0,
    );
    this.pos += 8;
    dst[i] = FLOAT_VIEW.getFloat64(0);
  }

  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      this.#need(1);
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new DecodeError(`varint overflows 64 bits at offset ${this.pos}`);
  }

  varint(): number {
    const u = this.uvarint();
    // Zig-zag decode without 32-bit operators, so values beyond 2^31 survive.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  bytes(n: number): Uint8Array {
    this.#need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uvarintStr(): string {
    const n = this.uvarint();
    return utf8Decoder.decode(this.bytes(n));
  }
}

const FLOAT_VIEW = new DataView(new ArrayBuffer(8));

export class DecodeError extends Error {
  override name = 'DecodeError';
}
