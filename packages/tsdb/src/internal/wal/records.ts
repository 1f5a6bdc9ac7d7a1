import { Labels } from '@pyrometer/model';
import { ByteReader, type ByteWriter } from '../encoding.ts';

/** Record types of the WAL's payloads (the first byte of every record). */
export const RecordType = { Series: 1, Samples: 2, Tombstones: 3 } as const;

export function encodeSeries(w: ByteWriter, refs: readonly number[], labels: readonly Labels[]): void {
  w.byte(RecordType.Series);
  for (let i = 0; i < refs.length; i++) {
    w.be64(refs[i]!);
    const flat = labels[i]!.flat();
    w.uvarint(flat.length >> 1);
    for (const s of flat) w.uvarintStr(s);
  }
}

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
  for (let i = from; i < to; i++) {
    w.varint(refs[i]! - ref0);
    w.varint(ts[i]! - t0);
    w.float64(vs[i]!);
  }
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
