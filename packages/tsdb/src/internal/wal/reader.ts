import { readFileSync } from 'node:fs';
import { uncompressSync } from 'snappy';
import { crc32c } from '../crc32c.ts';
import { segmentName } from './segments.ts';
import { Frag, HEADER_SIZE, PAGE_SIZE, SNAPPY_FLAG } from './writer.ts';

/** Where a WAL stops being readable: the first byte of the record that is torn or corrupt. */
export interface WalCorruption {
  segment: number;
  offset: number;
  reason: string;
}

/**
 * Reads the records of one segment's bytes in order, calling `onRecord` for each complete
 * record (decompressed). Returns the corruption that stopped it, or undefined when the
 * segment was read to its end. A record cut off by the end of the data is torn: reported
 * like corruption so the caller can drop it.
 */
export function readSegmentRecords(
  buf: Uint8Array,
  segment: number,
  onRecord: (rec: Uint8Array) => void,
): WalCorruption | undefined {
  const it = segmentRecords(buf, segment);
  for (;;) {
    const r = it.next();
    if (r.done === true) return r.value;
    onRecord(r.value);
  }
}

/** The same as a generator, so a caller can pause between records. */
export function* segmentRecords(
  buf: Uint8Array,
  segment: number,
): Generator<Uint8Array, WalCorruption | undefined> {
  let pos = 0;
  let recStart = -1;
  let parts: Uint8Array[] = [];
  let compressed = false;
  const fail = (reason: string, at = recStart >= 0 ? recStart : pos): WalCorruption => ({
    segment,
    offset: at,
    reason,
  });
  while (pos < buf.length) {
    const pageLeft = PAGE_SIZE - (pos % PAGE_SIZE);
    if (pageLeft < HEADER_SIZE) {
      if (!zeros(buf, pos, Math.min(buf.length, pos + pageLeft))) return fail('non-zero page padding');
      pos += pageLeft;
      continue;
    }
    const typeByte = buf[pos]!;
    const type = typeByte & 0x07;
    if (type === Frag.PageTerm) {
      const end = Math.min(buf.length, pos + pageLeft);
      if (!zeros(buf, pos, end)) return fail('unexpected non-zero bytes after a page terminator');
      pos = end;
      continue;
    }
    if (type > Frag.Last) return fail(`invalid fragment type ${type}`);
    if (pos + HEADER_SIZE > buf.length) return fail('torn record header at end of segment');
    const len = (buf[pos + 1]! << 8) | buf[pos + 2]!;
    const crc = ((buf[pos + 3]! << 24) | (buf[pos + 4]! << 16) | (buf[pos + 5]! << 8) | buf[pos + 6]!) >>> 0;
    const dataStart = pos + HEADER_SIZE;
    if (HEADER_SIZE + len > pageLeft) return fail('fragment crosses a page boundary');
    if (dataStart + len > buf.length) return fail('torn record at end of segment');
    if (crc32c(buf, dataStart, dataStart + len) !== crc) return fail('checksum mismatch');
    const data = buf.subarray(dataStart, dataStart + len);
    if (type === Frag.Full || type === Frag.First) {
      if (recStart >= 0) return fail('record started before the previous one ended');
      recStart = pos;
      parts = [data];
      compressed = (typeByte & SNAPPY_FLAG) !== 0;
    } else {
      if (recStart < 0) return fail(`fragment of type ${type} without a first fragment`, pos);
      parts.push(data);
    }
    pos = dataStart + len;
    if (type === Frag.Full || type === Frag.Last) {
      let rec = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      if (compressed) {
        try {
          rec = uncompressSync(Buffer.from(rec.buffer, rec.byteOffset, rec.length)) as Buffer;
        } catch (err) {
          return fail(`snappy: ${(err as Error).message}`);
        }
      }
      yield rec;
      recStart = -1;
      parts = [];
    }
  }
  if (recStart >= 0) return fail('record incomplete at end of segment');
  return undefined;
}

function zeros(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Reads segments `indices` of `dir` in order; stops at the first corruption and returns it. */
export function readSegments(
  dir: string,
  indices: readonly number[],
  onRecord: (rec: Uint8Array, segment: number) => void,
): WalCorruption | undefined {
  for (const index of indices) {
    const buf = readFileSync(segmentName(dir, index));
    const c = readSegmentRecords(buf, index, (rec) => onRecord(rec, index));
    if (c !== undefined) return c;
  }
  return undefined;
}
