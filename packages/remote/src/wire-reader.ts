import { Buffer, isUtf8 } from 'node:buffer';
import { RemoteWriteError } from './remote-write-error.ts';

// A process-wide table of recently decoded short strings, so that the same label text in
// thousands of series becomes one string (decoded once, and shared by the stored Labels).
const MAX_INTERNED_BYTES = 64;
const INTERNED_SLOTS = 1 << 14;
const internedBytes: (Uint8Array | undefined)[] = new Array(INTERNED_SLOTS).fill(undefined);
const internedText: (string | undefined)[] = new Array(INTERNED_SLOTS).fill(undefined);

function sameBytes(key: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== bytes[start + i]) return false;
  return true;
}

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

const TWO_32 = 4294967296;
// Groups are a proto2 relic no Prometheus message uses; nesting past this is an attack, not data.
const MAX_GROUP_DEPTH = 64;

/**
 * A cursor over protobuf wire-format bytes, read by hand-written message decoders. Every
 * read is bounded by `limit`, the end of the message being decoded, so a length or varint
 * that runs past its message is an error, never a read of the neighbour's bytes.
 *
 * 64-bit integers are returned as numbers: exact up to 2^53, which covers millisecond
 * timestamps for ±285,000 years; larger magnitudes are rounded.
 */
export class WireReader {
  pos = 0;
  limit: number;
  /** The message being decoded, named in error messages. */
  context = 'WriteRequest';

  readonly bytes: Uint8Array;
  readonly #view: DataView;
  readonly #text: Buffer;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.limit = bytes.length;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(what: string): never {
    throw new RemoteWriteError('protobuf', `proto: ${this.context}: ${what} at byte ${this.pos}`);
  }

  /** The next field's tag: `field << 3 | wireType`. Field 0 is illegal. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) this.fail(`illegal tag 0 (wire type ${tag & 7})`);
    return tag;
  }

  /** A varint that must fit in 32 bits (tags, lengths, enum values, bucket span lengths). */
  uint32(): number {
    const bytes = this.bytes;
    // Tags and most lengths are one byte.
    if (this.pos < this.limit && bytes[this.pos]! < 0x80) return bytes[this.pos++]!;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.limit) this.fail('unexpected end of data in varint');
      const b = bytes[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (result >= TWO_32) this.fail('varint overflows 32 bits');
        return result;
      }
    }
    this.fail('varint overflows 32 bits');
  }

  /** A 64-bit two's-complement varint (`int64`) as a number. */
  int64(): number {
    this.#varint64();
    return (this.#hi | 0) * TWO_32 + this.#lo;
  }

  /** An unsigned 64-bit varint (`uint64`) as a number. */
  uint64(): number {
    this.#varint64();
    return this.#hi * TWO_32 + this.#lo;
  }

  /** A zigzag varint (`sint32`, `sint64`) as a number. */
  sint64(): number {
    this.#varint64();
    const magnitude = Math.floor(this.#hi * 2147483648 + this.#lo / 2);
    return this.#lo & 1 ? -magnitude - 1 : magnitude;
  }

  /** A little-endian IEEE-754 double, bits intact (a NaN payload such as the stale marker survives). */
  double(): number {
    if (this.limit - this.pos < 8) this.fail('unexpected end of data in double');
    const value = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** The end of a length-delimited field that starts at the current position. */
  lengthDelimitedEnd(): number {
    const length = this.uint32();
    if (length > this.limit - this.pos) this.fail(`length ${length} runs past the end of the message`);
    return this.pos + length;
  }

  /** Bounds reading to the length-delimited field at the cursor; returns the bound to restore. */
  enter(): number {
    const end = this.lengthDelimitedEnd();
    const outer = this.limit;
    this.limit = end;
    return outer;
  }

  /** Leaves a field entered with `enter`, which was read to its end. */
  leave(outer: number): void {
    this.limit = outer;
  }

  /** A `string` field as UTF-8; `undefined` when the bytes are not valid UTF-8. */
  string(): string | undefined {
    const end = this.lengthDelimitedEnd();
    const start = this.pos;
    this.pos = end;
    if (end - start > MAX_INTERNED_BYTES) return this.#decodeText(start, end);
    // Label names and values repeat across series and requests: look the bytes up first.
    const bytes = this.bytes;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const slot = (hash ^ (hash >>> 15)) & (INTERNED_SLOTS - 1);
    const key = internedBytes[slot];
    if (key !== undefined && sameBytes(key, bytes, start, end)) return internedText[slot];
    const text = this.#decodeText(start, end);
    if (text !== undefined) {
      internedBytes[slot] = bytes.slice(start, end);
      internedText[slot] = text;
    }
    return text;
  }

  #decodeText(start: number, end: number): string | undefined {
    const text = this.#text.toString('utf8', start, end);
    // Decoding replaces invalid sequences with U+FFFD; only then are the bytes worth checking.
    if (text.includes('\uFFFD') && !isUtf8(this.bytes.subarray(start, end))) return undefined;
    return text;
  }

  /** Skips the value of a field this decoder does not know, as protobuf requires. */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case WireType.Varint:
        this.#varint64();
        return;
      case WireType.Fixed64:
        this.#advance(8);
        return;
      case WireType.LengthDelimited:
        this.pos = this.lengthDelimitedEnd();
        return;
      case WireType.Fixed32:
        this.#advance(4);
        return;
      case WireType.StartGroup:
        this.#skipGroup(depth);
        return;
      default:
        this.fail(`illegal wire type ${wireType}`);
    }
  }

  /** Checks a known field arrived with the wire type its declaration implies. */
  expect(tag: number, wireType: number, field: string): void {
    if ((tag & 7) !== wireType) this.fail(`wrong wire type ${tag & 7} for field ${field}`);
  }

  #skipGroup(depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) this.fail('groups nested too deeply');
    for (;;) {
      if (this.pos >= this.limit) this.fail('unexpected end of data in group');
      const tag = this.tag();
      if ((tag & 7) === WireType.EndGroup) return;
      this.skip(tag & 7, depth + 1);
    }
  }

  #advance(n: number): void {
    if (this.limit - this.pos < n) this.fail('unexpected end of data');
    this.pos += n;
  }

  #lo = 0;
  #hi = 0;

  // Reads a varint of up to 10 bytes into #lo and #hi (unsigned 32-bit halves).
  #varint64(): void {
    const bytes = this.bytes;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.limit) this.fail('unexpected end of data in varint');
      const b = bytes[this.pos++]!;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        this.#lo = lo >>> 0;
        this.#hi = hi >>> 0;
        return;
      }
    }
    this.fail('varint overflows 64 bits');
  }
}
