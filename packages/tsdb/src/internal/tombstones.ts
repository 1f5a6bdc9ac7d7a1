import { readFileSync } from 'node:fs';
import { crc32c } from './crc32c.ts';
import { ByteReader, ByteWriter } from './encoding.ts';

export const TOMBSTONES_MAGIC = 0x0130ba30;
const HEADER = 5;

/** Deleted intervals per series ref, flat [mint, maxt, ...] (inclusive). */
export type Tombstones = Map<number, number[]>;

/** The tombstones file: magic, version 1, then (ref, mint, maxt) per interval, then a CRC. */
export function encodeTombstones(stones: Tombstones): Uint8Array {
  const w = new ByteWriter(64);
  w.be32(TOMBSTONES_MAGIC);
  w.byte(1);
  const refs = [...stones.keys()].sort((a, b) => a - b);
  for (const ref of refs) {
    const iv = stones.get(ref)!;
    for (let i = 0; i < iv.length; i += 2) {
      w.uvarint(ref);
      w.varint(iv[i]!);
      w.varint(iv[i + 1]!);
    }
  }
  w.be32(crc32c(w.buf, HEADER, w.len));
  return w.bytes().slice();
}

export function readTombstones(path: string): Tombstones {
  const out: Tombstones = new Map();
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  const r = new ByteReader(buf);
  if (buf.length < HEADER + 4 || r.be32() !== TOMBSTONES_MAGIC)
    throw new Error(`tsdb: ${path}: bad tombstones magic number`);
  if (r.byte() !== 1) throw new Error(`tsdb: ${path}: unknown tombstones format version`);
  const end = buf.length - 4;
  const want = new ByteReader(buf, end).be32();
  if (crc32c(buf, HEADER, end) !== want) throw new Error(`tsdb: ${path}: tombstones checksum mismatch`);
  r.end = end;
  while (r.remaining > 0) {
    const ref = r.uvarint();
    const mint = r.varint();
    const maxt = r.varint();
    addInterval(out, ref, mint, maxt);
  }
  return out;
}

/** Adds a deleted interval, merging it with the ones it overlaps or touches. */
export function addInterval(stones: Tombstones, ref: number, mint: number, maxt: number): void {
  const list = stones.get(ref) ?? [];
  const pairs: [number, number][] = [[mint, maxt]];
  for (let i = 0; i < list.length; i += 2) pairs.push([list[i]!, list[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [a, b] of pairs) {
    const last = merged.length - 1;
    if (last > 0 && a <= merged[last]! + 1) merged[last] = Math.max(merged[last]!, b);
    else merged.push(a, b);
  }
  stones.set(ref, merged);
}
