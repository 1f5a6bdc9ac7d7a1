import type { Timestamp } from '@pyrometer/model';
import { isStaleNaN, ValueType } from '@pyrometer/model';
import { BitReader, BitWriter } from './bstream.ts';

/** The encoding byte of the XOR float chunk in chunk files and records. */
export const ENCODING_XOR = 1;

const TWO32 = 4294967296;
// Shared by appenders without a chunk; never written (a chunk always starts with a reset).
const NO_BYTES = new Uint8Array(0);
const STALE_HI = 0x7ff00000;
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
/** Where iterators turn a value's words into a number. */
const valueOut = new Float64Array(1);
const valueWords = new Int32Array(valueOut.buffer);

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

// As the format: a delta-of-delta fits a bucket of n bits when -(2^(n-1) - 1) <= dod <= 2^(n-1).
function fits(dod: number, n: number): boolean {
  const half = 2 ** (n - 1);
  return dod >= -(half - 1) && dod <= half;
}

/**
 * Appends samples to an XOR chunk: a 2-byte big-endian sample count, then a bit stream of
 * delta-of-delta timestamps and XOR-compressed values (see docs/format/chunks.md). The bytes
 * returned by `chunkBytes()` are the chunk exactly as it is stored on disk.
 */
export class XorAppender extends BitWriter {
  numSamples = 0;
  /**
   * Where the last timestamp (at `tAt`) and the last delta (at `tAt + 1`) are kept: a
   * standalone appender has its own two doubles; the head keeps every series' in shared
   * pages (arrays of doubles, as this one's, so that the code sees one kind of array).
   */
  protected tState: number[];
  protected tAt: number;
  // The value's words as signed 32-bit integers: small integers V8 keeps in the object, where
  // doubles would be boxes of their own. Protected (as the timestamps' place is) so that a
  // subclass can keep one appender's state elsewhere between appends (the head's series).
  protected vHi = 0;
  protected vLo = 0;
  /** Leading and trailing zeros of the last XOR written; 0xff leading: none yet. */
  protected leading = 0xff;
  protected trailing = 0;

  constructor(initialBytes = 32, tState: number[] = twoDoubles(), tAt = 0) {
    // The bit stream starts after the 2-byte sample count.
    super(initialBytes === 0 ? NO_BYTES : new Uint8Array(Math.max(initialBytes, 4)), 16);
    this.tState = tState;
    this.tAt = tAt;
  }

  /** The high 32 bits of the last value appended (kept across `resetChunk`). */
  get lastHi(): number {
    return this.vHi >>> 0;
  }

  get lastLo(): number {
    return this.vLo >>> 0;
  }

  /**
   * Starts a new, empty chunk in a fresh buffer (the old one stays valid for readers);
   * 0 bytes means no buffer until the next reset.
   */
  resetChunk(initialBytes = 32): void {
    this.newBuffer(initialBytes);
    this.bitLen = 16;
    this.numSamples = 0;
    this.leading = 0xff;
    this.trailing = 0;
  }

  /** Gives the stream a zeroed buffer of `size` bytes (at least 4), or none for 0. */
  protected newBuffer(size: number): void {
    this.bytes = size === 0 ? NO_BYTES : new Uint8Array(Math.max(size, 4));
    this.base = 0;
    this.cap = this.bytes.length;
  }

  /** The chunk's bytes. The view is invalidated by the next append: copy it to keep it. */
  chunkBytes(): Uint8Array {
    this.ensureByteLength();
    const b = this.bytes;
    const base = this.base;
    b[base] = this.numSamples >>> 8;
    b[base + 1] = this.numSamples & 0xff;
    return b.subarray(base, base + this.byteLength);
  }

  append(t: Timestamp, v: number): void {
    scratch[0] = v;
    // A stale marker may arrive quieted by V8; the format stores Prometheus's exact bits.
    if (scratchWords[0] === 2 && Number.isNaN(v) && isStaleNaN(v)) scratchWords[1] = STALE_HI;
    this.appendBits(t, scratchWords[1]!, scratchWords[0]!);
  }

  /** Appends a value given as its IEEE-754 bits (high and low 32-bit words). */
  appendBits(t: Timestamp, hi: number, lo: number): void {
    const n = this.numSamples;
    const st = this.tState;
    const at = this.tAt;
    if (n === 0) {
      writeVarintBits(this, t);
      this.bits(hi, 32);
      this.bits(lo, 32);
      this.lastWasByte = true;
    } else if (n === 1) {
      const delta = t - st[at]!;
      writeUvarintBits(this, delta);
      this.#writeValue(hi, lo);
      st[at + 1] = delta;
    } else {
      const delta = t - st[at]!;
      const dod = delta - st[at + 1]!;
      // Each bucket's prefix and payload in one write.
      if (dod === 0) this.bit(0);
      else if (fits(dod, 14)) this.bits((0b10 << 14) | (dod & 0x3fff), 16);
      else if (fits(dod, 17)) this.bits((0b110 << 17) | (dod & 0x1ffff), 20);
      else if (fits(dod, 20)) this.bits((0b1110 << 20) | (dod & 0xfffff), 24);
      else {
        this.bits(0b1111, 4);
        const dh = Math.floor(dod / TWO32);
        this.bits(dh >>> 0, 32);
        this.bits((dod - dh * TWO32) >>> 0, 32);
      }
      this.#writeValue(hi, lo);
      st[at + 1] = delta;
    }
    st[at] = t;
    this.vHi = hi | 0;
    this.vLo = lo | 0;
    this.numSamples = n + 1;
  }

  #writeValue(hi: number, lo: number): void {
    const dh = (hi ^ this.vHi) >>> 0;
    const dl = (lo ^ this.vLo) >>> 0;
    if (dh === 0 && dl === 0) {
      this.bit(0);
      return;
    }
    let leading = clz64(dh, dl);
    const trailing = ctz64(dh, dl);
    // The leading-zero count has 5 bits in the format.
    if (leading >= 32) leading = 31;
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      // Control bits 1 0: the previous window.
      this.bits(0b10, 2);
      writeShifted(this, dh, dl, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    const sig = 64 - leading - trailing;
    // Control bits 1 1, the leading zeros in 5 bits and the significant bits in 6 (64 does not
    // fit: the format stores it as 0), in one write.
    this.bits((0b11 << 11) | (leading << 6) | (sig & 0x3f), 13);
    writeShifted(this, dh, dl, trailing, sig);
  }
}

// An array V8 keeps as unboxed doubles (filled with a fraction: zeros would make it integers).
function twoDoubles(): number[] {
  return new Array<number>(2).fill(0.5);
}

function writeShifted(w: BitWriter, hi: number, lo: number, shift: number, sig: number): void {
  let sh: number;
  let sl: number;
  if (shift === 0) {
    sh = hi;
    sl = lo;
  } else if (shift < 32) {
    sl = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    sh = hi >>> shift;
  } else {
    sl = hi >>> (shift - 32);
    sh = 0;
  }
  if (sig > 32) {
    w.bits(sh, sig - 32);
    w.bits(sl, 32);
  } else w.bits(sl, sig);
  w.lastWasByte = sig % 8 === 0;
}

function writeUvarintBits(w: BitWriter, v: number): void {
  // Float arithmetic only for what does not fit 31 bits (the first timestamp of a chunk).
  while (v >= 0x80000000) {
    w.bits((v % 128) | 0x80, 8);
    v = Math.floor(v / 128);
  }
  let x = v | 0;
  while (x >= 0x80) {
    w.bits((x & 0x7f) | 0x80, 8);
    x >>>= 7;
  }
  w.bits(x, 8);
  w.lastWasByte = true;
}

function writeVarintBits(w: BitWriter, v: number): void {
  writeUvarintBits(w, v < 0 ? -2 * v - 1 : 2 * v);
}

// Payload size of the delta-of-delta buckets by prefix length (1: `10`, 2: `110`, 3: `1110`),
// and the bounds for turning the two's complement payload negative.
const DOD_BITS = [0, 14, 17, 20];
const DOD_HALF = DOD_BITS.map((n) => 2 ** (n - 1));
const DOD_RANGE = DOD_BITS.map((n) => 2 ** n);

/** The number of samples an XOR chunk holds, from its header. */
export function xorSampleCount(chunk: Uint8Array): number {
  return (chunk[0]! << 8) | chunk[1]!;
}

/**
 * Decodes an XOR chunk sample by sample. Reads only the samples the header counted when
 * the iterator was reset, so a head chunk may keep growing underneath it.
 */
export class XorIterator {
  #r = new BitReader(NO_BYTES, 0, 0);
  #total = 0;
  #read = 0;
  #t = 0;
  #tDelta = 0;
  #leading = 0;
  #trailing = 0;
  #err: Error | undefined;
  /** The current value's bits: the high and low words of a float64, as int32s. */
  #hi = 0;
  #lo = 0;

  reset(chunk: Uint8Array, byteLength = chunk.length, count = xorSampleCount(chunk)): this {
    this.#r.bytes = chunk;
    this.#r.bitPos = 16;
    this.#r.endBits = byteLength * 8;
    this.#r.overrun = false;
    this.#total = count;
    this.#read = 0;
    this.#t = 0;
    this.#tDelta = 0;
    this.#leading = 0;
    this.#trailing = 0;
    this.#err = undefined;
    return this;
  }

  t(): Timestamp {
    return this.#t;
  }

  value(): number {
    valueWords[1] = this.#hi;
    valueWords[0] = this.#lo;
    return valueOut[0]!;
  }

  /** The current value's high and low 32-bit words. */
  valueHi(): number {
    return this.#hi >>> 0;
  }

  valueLo(): number {
    return this.#lo >>> 0;
  }

  err(): Error | undefined {
    return this.#err;
  }

  next(): ValueType {
    if (this.#read >= this.#total || this.#err !== undefined) return ValueType.None;
    const r = this.#r;
    if (this.#read === 0) {
      this.#t = readVarintBits(r);
      this.#hi = r.bits(32) | 0;
      this.#lo = r.bits(32) | 0;
    } else if (this.#read === 1) {
      this.#tDelta = readUvarintBits(r);
      this.#t += this.#tDelta;
      this.#readValue();
    } else {
      let dod = 0;
      // Most samples have a zero delta of delta: a single 0 bit.
      if (r.bit() === 1) {
        let prefix = 1;
        while (prefix < 4 && r.bit() === 1) prefix++;
        if (prefix === 4) {
          const hi = r.bits(32) | 0;
          dod = hi * TWO32 + r.bits(32);
        } else {
          const size = DOD_BITS[prefix]!;
          dod = r.bits(size);
          if (dod > DOD_HALF[prefix]!) dod -= DOD_RANGE[prefix]!;
        }
      }
      this.#tDelta += dod;
      this.#t += this.#tDelta;
      this.#readValue();
    }
    if (r.overrun) {
      this.#err = new Error(`xor chunk: data ends before sample ${this.#read + 1} of ${this.#total}`);
      return ValueType.None;
    }
    this.#read++;
    return ValueType.Float;
  }

  seek(t: Timestamp): ValueType {
    if (this.#read > 0 && this.#t >= t) return ValueType.Float;
    while (this.next() === ValueType.Float) if (this.#t >= t) return ValueType.Float;
    return ValueType.None;
  }

  #readValue(): void {
    const r = this.#r;
    if (r.bit() === 0) return;
    if (r.bit() === 1) {
      this.#leading = r.bits(5);
      let sig = r.bits(6);
      if (sig === 0) sig = 64;
      this.#trailing = 64 - this.#leading - sig;
    }
    const sig = 64 - this.#leading - this.#trailing;
    let vh = 0;
    let vl: number;
    if (sig > 32) {
      vh = r.bits(sig - 32);
      vl = r.bits(32);
    } else vl = r.bits(sig);
    const s = this.#trailing;
    let dh: number;
    let dl: number;
    if (s === 0) {
      dh = vh;
      dl = vl;
    } else if (s < 32) {
      dh = (vh << s) | (vl >>> (32 - s));
      dl = vl << s;
    } else {
      dh = vl << (s - 32);
      dl = 0;
    }
    this.#hi ^= dh;
    this.#lo ^= dl;
  }
}

function readUvarintBits(r: BitReader): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const b = r.bits(8);
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v;
    mul *= 128;
  }
  r.overrun = true;
  return 0;
}

function readVarintBits(r: BitReader): number {
  const u = readUvarintBits(r);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}
