import type { Labels } from '@pyrometer/model';
import { compareStrings } from '@pyrometer/model';
import { crc32c } from '../crc32c.ts';
import { ByteWriter } from '../encoding.ts';
import { TimeSlicer } from '../time-slicer.ts';

export const INDEX_MAGIC = 0xbaaad700;
export const INDEX_VERSION = 2;

export interface ChunkMetaOut {
  mint: number;
  maxt: number;
  ref: number;
}

export interface IndexSeries {
  labels: Labels;
  chunks: readonly ChunkMetaOut[];
}

/**
 * Builds an index v2 file (see docs/format/index.md) for series given sorted by labels:
 * symbol table, series entries (16-byte aligned; a series' id is its offset / 16), label
 * indices, postings lists (4-byte aligned), the two offset tables, and the TOC.
 */
export async function buildIndex(
  series: readonly IndexSeries[],
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<Uint8Array> {
  // As Prometheus's writer: the empty string is a symbol too (the all-series postings key).
  const symbolSet = new Set<string>(['']);
  for (const s of series) {
    for (const x of s.labels.flat()) symbolSet.add(x);
    await slicer.maybeYield();
  }
  const symbols = [...symbolSet].sort(compareStrings);
  const symbolIndex = new Map<string, number>();
  for (const [i, s] of symbols.entries()) symbolIndex.set(s, i);

  const w = new ByteWriter(1 << 16);
  w.be32(INDEX_MAGIC);
  w.byte(INDEX_VERSION);

  const toc = { symbols: 0, series: 0, labelIndices: 0, labelOffsets: 0, postings: 0, postingsOffsets: 0 };
  toc.symbols = w.len;
  section(w, () => {
    w.be32(symbols.length);
    for (const s of symbols) w.uvarintStr(s);
  });

  // Series entries; collect postings (name → value → ids) as we go.
  const postings = new Map<string, Map<string, number[]>>();
  const all: number[] = [];
  // As Prometheus: a TOC offset points where the section begins, before its alignment padding.
  toc.series = w.len;
  const entry = new ByteWriter(256);
  for (const s of series) {
    w.padTo(16);
    const id = w.len / 16;
    all.push(id);
    encodeSeriesEntry(entry, s, symbolIndex);
    w.uvarint(entry.len);
    w.raw(entry.bytes());
    w.be32(crc32c(entry.buf, 0, entry.len));
    await slicer.maybeYield();
    const flat = s.labels.flat();
    for (let i = 0; i < flat.length; i += 2) {
      let values = postings.get(flat[i]!);
      if (values === undefined) postings.set(flat[i]!, (values = new Map()));
      const ids = values.get(flat[i + 1]!);
      if (ids === undefined) values.set(flat[i + 1]!, [id]);
      else ids.push(id);
    }
  }

  const names = [...postings.keys()].sort(compareStrings);
  // Label indices: the sorted values of each label name, as symbol refs.
  toc.labelIndices = w.len;
  const labelIndexOffsets: [string, number][] = [];
  for (const name of names) {
    w.padTo(4);
    labelIndexOffsets.push([name, w.len]);
    const values = [...postings.get(name)!.keys()].sort(compareStrings);
    section(w, () => {
      w.be32(1);
      w.be32(values.length);
      for (const v of values) w.be32(symbolIndex.get(v)!);
    });
  }

  // Postings: first every series under the empty name and value, then each name/value pair.
  toc.postings = w.len;
  const postingOffsets: [string, string, number][] = [];
  const writePostings = async (name: string, value: string, ids: readonly number[]) => {
    await slicer.maybeYield();
    w.padTo(4);
    postingOffsets.push([name, value, w.len]);
    section(w, () => {
      w.be32(ids.length);
      for (const id of ids) w.be32(id);
    });
  };
  await writePostings('', '', all);
  for (const name of names) {
    const values = postings.get(name)!;
    for (const value of [...values.keys()].sort(compareStrings)) {
      await writePostings(name, value, values.get(value)!);
    }
  }

  toc.labelOffsets = w.len;
  section(w, () => {
    w.be32(labelIndexOffsets.length);
    for (const [name, off] of labelIndexOffsets) {
      w.uvarint(1);
      w.uvarintStr(name);
      w.uvarint(off);
    }
  });

  toc.postingsOffsets = w.len;
  section(w, () => {
    w.be32(postingOffsets.length);
    for (const [name, value, off] of postingOffsets) {
      w.uvarint(2);
      w.uvarintStr(name);
      w.uvarintStr(value);
      w.uvarint(off);
    }
  });

  const tocStart = w.len;
  for (const off of [
    toc.symbols,
    toc.series,
    toc.labelIndices,
    toc.labelOffsets,
    toc.postings,
    toc.postingsOffsets,
  ])
    w.be64(off);
  w.be32(crc32c(w.buf, tocStart, w.len));
  return w.bytes().slice();
}

// A section with a 4-byte length before and a CRC32 of its content after.
function section(w: ByteWriter, body: () => void): void {
  const lenAt = w.len;
  w.be32(0);
  body();
  const len = w.len - lenAt - 4;
  w.setBE32(lenAt, len);
  w.be32(crc32c(w.buf, lenAt + 4, w.len));
}

function encodeSeriesEntry(e: ByteWriter, s: IndexSeries, symbolIndex: Map<string, number>): void {
  e.reset();
  const flat = s.labels.flat();
  e.uvarint(flat.length >> 1);
  for (const x of flat) e.uvarint(symbolIndex.get(x)!);
  e.uvarint(s.chunks.length);
  let prevMaxt = 0;
  let prevRef = 0;
  s.chunks.forEach((c, i) => {
    if (i === 0) {
      e.varint(c.mint);
      e.uvarint(c.maxt - c.mint);
      e.uvarint(c.ref);
    } else {
      e.uvarint(c.mint - prevMaxt);
      e.uvarint(c.maxt - c.mint);
      e.varint(c.ref - prevRef);
    }
    prevMaxt = c.maxt;
    prevRef = c.ref;
  });
}
