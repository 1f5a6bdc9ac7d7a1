import { isStaleNaN, Labels } from '@pyrometer/model';
import { ByteReader, type ByteWriter } from '../encoding.ts';

/** Record types of the WAL's payloads (the first byte of every record). */
export const RecordType = { Series: 1, Samples: 2, Tombstones: 3 } as const;

export function encodeSeries(w: ByteWriter, series: readonly { ref: number; labels: Labels }[]): void {
  w.byte(RecordType.Series);
  for (let i = 0; i < series.length; i++) encodeSeriesEntry(w, series[i]!.ref, series[i]!.labels.flat());
}

const TWO32 = 4294967296;

/** One series of a series record (which starts with `RecordType.Series`): ref, then labels. */
export function encodeSeriesEntry(w: ByteWriter, ref: number, flat: readonly string[]): void {
  // Room for everything at 3 UTF-8 bytes a UTF-16 unit, then one tight loop writing bytes
  // (as `be64`, `uvarint` and `uvarintStr` would, without a bounds check each).
  let room = 8 + 10;
  for (let i = 0; i < flat.length; i++) room += 3 * flat[i]!.length + 10;
  w.ensure(room);
  const b = w.buf;
  let at = w.len;
  const hi = Math.floor(ref / TWO32);
  const lo = ref - hi * TWO32;
  b[at] = hi >>> 24;
  b[at + 1] = hi >>> 16;
  b[at + 2] = hi >>> 8;
  b[at + 3] = hi;
  b[at + 4] = lo >>> 24;
  b[at + 5] = lo >>> 16;
  b[at + 6] = lo >>> 8;
  b[at + 7] = lo;
  at += 8;
  let n = flat.length >> 1;
  while (n >= 0x80) {
    b[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  b[at++] = n;
  for (let i = 0; i < flat.length; i++) {
    const s = flat[i]!;
    const len = s.length;
    // Short ASCII strings (label names and values, mostly) by hand; others by `uvarintStr`.
    let j = 0;
    if (len < 0x80) {
      for (; j < len; j++) {
        const c = s.charCodeAt(j);
        if (c >= 0x80) break;
        b[at + 1 + j] = c;
      }
    }
    if (j === len) {
      b[at] = len;
      at += 1 + len;
    } else {
      w.len = at;
      w.uvarintStr(s);
      at = w.len;
    }
  }
  w.len = at;
}

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);
const F64_BYTES = new Uint8Array(F64.buffer);

/** Samples `[from, to)` of parallel arrays; refs and timestamps delta-encoded from the first. */
export function encodeSamples(
  w: ByteWriter,
  refs: Float64Array,
  ts: Float64Array,
  vs: Float64Array,
  from: number,
  to: number,
): void {
  w.byte(RecordType.Samples);
  if (to <= from) return;
  const ref0 = refs[from]!;
  const t0 = ts[from]!;
  w.be64(ref0);
  w.be64(t0);
  // At most 10 bytes for each varint and 8 for the value: room for all, then one tight loop.
  w.ensure((to - from) * 28);
  const b = w.buf;
  let at = w.len;
  for (let i = from; i < to; i++) {
    // Zig-zag varints, as Go's binary.PutVarint.
    const dr = refs[i]! - ref0;
    at = putZigZag(b, at, dr < 0 ? -2 * dr - 1 : 2 * dr);
    const dt = ts[i]! - t0;
    at = putZigZag(b, at, dt < 0 ? -2 * dt - 1 : 2 * dt);
    const v = vs[i]!;
    F64[0] = v;
    // A stale marker quieted by V8 is written with Prometheus's exact bits.
    if (F64_WORDS[0] === 2 && Number.isNaN(v) && isStaleNaN(v)) F64_WORDS[1] = 0x7ff00000;
    // Float64Array is little-endian on every platform Node runs on; the record is big-endian.
    b[at] = F64_BYTES[7]!;
    b[at + 1] = F64_BYTES[6]!;
    b[at + 2] = F64_BYTES[5]!;
    b[at + 3] = F64_BYTES[4]!;
    b[at + 4] = F64_BYTES[3]!;
    b[at + 5] = F64_BYTES[2]!;
    b[at + 6] = F64_BYTES[1]!;
    b[at + 7] = F64_BYTES[0]!;
    at += 8;
  }
  w.len = at;
}

/** Writes `u` (zig-zagged already) as a uvarint at `at`; returns where it ends. */
function putZigZag(b: Uint8Array, at: number, u: number): number {
  // Deltas within a record are small: above 2^31 the bytes come from float arithmetic.
  while (u >= 0x80000000) {
    b[at++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  let x = u | 0;
  while (x >= 0x80) {
    b[at++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  b[at] = x;
  return at + 1;
}

/** Deleted intervals: per series ref, a flat list [mint, maxt, ...]. */
export function encodeTombstones(w: ByteWriter, stones: ReadonlyMap<number, readonly number[]>): void {
  w.byte(RecordType.Tombstones);
  for (const [ref, intervals] of stones) {
    for (let i = 0; i < intervals.length; i += 2) {
      w.be64(ref);
      w.varint(intervals[i]!);
      w.varint(intervals[i + 1]!);
    }
  }
}

export function decodeSeries(rec: Uint8Array, out: { ref: number; labels: Labels }[]): void {
  const r = new ByteReader(rec, 1);
  while (r.remaining > 0) {
    const ref = r.be64();
    const n = r.uvarint();
    const flat: string[] = [];
    for (let i = 0; i < 2 * n; i++) flat.push(r.uvarintStr());
    out.push({ ref, labels: Labels.fromFlat(flat) });
  }
}

/** Decoded samples, in reusable parallel typed arrays (values keep their exact bits). */
export class SampleBatch {
  refs = new Float64Array(1024);
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);
  length = 0;

  #grow(): void {
    const n = this.refs.length * 2;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.refs = grow(this.refs);
    this.ts = grow(this.ts);
    this.vs = grow(this.vs);
  }

  decode(rec: Uint8Array): void {
    this.length = 0;
    const r = new ByteReader(rec, 1);
    if (r.remaining === 0) return;
    const ref0 = r.be64();
    const t0 = r.be64();
    while (r.remaining > 0) {
      if (this.length === this.refs.length) this.#grow();
      const i = this.length;
      this.refs[i] = ref0 + r.varint();
      this.ts[i] = t0 + r.varint();
      r.float64Into(this.vs, i);
      this.length++;
    }
  }
}

export function decodeTombstones(rec: Uint8Array, out: Map<number, number[]>): void {
  const r = new ByteReader(rec, 1);
  while (r.remaining > 0) {
    const ref = r.be64();
    const mint = r.varint();
    const maxt = r.varint();
    const list = out.get(ref);
    if (list === undefined) out.set(ref, [mint, maxt]);
    else list.push(mint, maxt);
  }
}
