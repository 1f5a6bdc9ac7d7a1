/**
 * An append-only bit stream, most significant bit first, as the XOR chunk encoding writes.
 * The stream is the `cap` bytes of `bytes` from `base`: its own array, or a region of a
 * shared slab (the head's open chunks), which a subclass manages by overriding `grow`.
 */
export class BitWriter {
  bytes: Uint8Array;
  /** Where the stream starts in `bytes`. */
  base = 0;
  /** Bytes from `base` the stream may use. */
  cap: number;
  /** Bits written so far, counting from `base`. */
  bitLen: number;
  /**
   * Whether the last write ended with a whole byte. Prometheus's bit stream appends a byte
   * after every whole byte it writes, so a stream whose last write was a whole byte that
   * ended on a byte boundary carries one more (empty) byte; byte-exact chunks need it too.
   */
  lastWasByte = false;

  constructor(bytes: Uint8Array, bitLen: number) {
    this.bytes = bytes;
    this.cap = bytes.length;
    this.bitLen = bitLen;
  }

  /** Moves the stream to a buffer of twice the room (at least 16 bytes), zeroed past its bytes. */
  protected grow(): void {
    const next = new Uint8Array(Math.max(16, this.cap * 2));
    next.set(this.bytes.subarray(this.base, this.base + this.cap));
    this.bytes = next;
    this.base = 0;
    this.cap = next.length;
  }

  bit(b: number): void {
    this.lastWasByte = false;
    const byteIndex = this.bitLen >>> 3;
    if (byteIndex >= this.cap) this.grow();
    if (b) this.bytes[this.base + byteIndex]! |= 0x80 >>> (this.bitLen & 7);
    this.bitLen++;
  }

  /** The low `n` bits of `v` (n <= 32), most significant first. */
  bits(v: number, n: number): void {
    this.lastWasByte = false;
    if (n === 0) return;
    const pos = this.bitLen;
    const off = pos & 7;
    // More than 32 bits from the byte boundary do not fit one word: the high part first.
    if (off + n > 32) {
      const hiBits = n - 16;
      this.bits(v >>> 16, hiBits);
      this.bits(v & 0xffff, 16);
      return;
    }
    const last = (pos + n - 1) >>> 3;
    if (last >= this.cap) this.grow();
    // The bits, aligned to the top of a 32-bit word after the `off` bits already in the byte.
    const word = ((v << (32 - n)) >>> off) >>> 0;
    const b = this.bytes;
    let i = this.base + (pos >>> 3);
    // The first byte may hold earlier bits; the following ones are still zero.
    b[i]! |= word >>> 24;
    const end = this.base + last;
    if (i < end) b[++i] = word >>> 16;
    if (i < end) b[++i] = word >>> 8;
    if (i < end) b[++i] = word;
    this.bitLen = pos + n;
  }

  /** Bytes of the stream as Prometheus lays it out (the last one possibly partly filled). */
  get byteLength(): number {
    if (this.lastWasByte && (this.bitLen & 7) === 0) return (this.bitLen >>> 3) + 1;
    return (this.bitLen + 7) >>> 3;
  }

  /** Makes sure the bytes `byteLength` counts exist (the trailing empty byte may not yet). */
  ensureByteLength(): void {
    if (this.byteLength > this.cap) this.grow();
  }
}

/** Reads a bit stream written by `BitWriter`; reading past `end` sets `overrun`. */
export class BitReader {
  bytes: Uint8Array;
  bitPos: number;
  endBits: number;
  overrun = false;

  constructor(bytes: Uint8Array, startByte: number, endByte: number) {
    this.bytes = bytes;
    this.bitPos = startByte * 8;
    this.endBits = endByte * 8;
  }

  bit(): number {
    const p = this.bitPos;
    if (p >= this.endBits) {
      this.overrun = true;
      return 0;
    }
    this.bitPos = p + 1;
    return (this.bytes[p >>> 3]! >>> (7 - (p & 7))) & 1;
  }

  /** `n` bits (n <= 32) as an unsigned number. */
  bits(n: number): number {
    // Wide reads in two halves, so each takes the 4-byte fast path of `#upTo24`.
    if (n > 24) {
      const hi = this.#upTo24(n - 16);
      return hi * 65536 + this.#upTo24(16);
    }
    return this.#upTo24(n);
  }

  #upTo24(n: number): number {
    const p = this.bitPos;
    if (p + n > this.endBits) {
      this.overrun = true;
      return 0;
    }
    this.bitPos = p + n;
    const i = p >>> 3;
    const off = p & 7;
    const b = this.bytes;
    // Fast path: the bits lie within the 4 bytes from i, all inside the buffer.
    if (off + n <= 32 && i + 3 < b.length) {
      const word = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
      return n === 0 ? 0 : ((word << off) >>> 0) >>> (32 - n);
    }
    let v = 0;
    let pos = p;
    while (n > 0) {
      const avail = 8 - (pos & 7);
      const take = Math.min(avail, n);
      const chunk = (b[pos >>> 3]! >>> (avail - take)) & ((1 << take) - 1);
      v = v * (1 << take) + chunk;
      n -= take;
      pos += take;
    }
    return v;
  }
}
