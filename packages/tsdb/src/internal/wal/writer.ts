import { mkdirSync, statSync } from 'node:fs';
import { compressSync } from 'snappy';
import { crc32c } from '../crc32c.ts';
import { type FileLayer, nodeFiles, writeFully } from '../file-layer.ts';
import { listSegments, segmentName } from './segments.ts';

export const PAGE_SIZE = 32 * 1024;
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;
export const HEADER_SIZE = 7;
/** Fragment types in the low bits of a record header's first byte. */
export const Frag = { PageTerm: 0, Full: 1, First: 2, Middle: 3, Last: 4 } as const;
export const SNAPPY_FLAG = 0x08;

export interface WalWriterOptions {
  segmentSize?: number;
  /** Snappy-compress records that shrink (Prometheus's default). */
  compress?: boolean;
  files?: FileLayer;
  /** The segment to start writing; by default one past the last existing segment. */
  startSegment?: number;
}

/**
 * Appends records to a directory of segments in Prometheus's WAL layout: 32 KiB pages,
 * each record split into fragments that never cross a page, each fragment with a 7-byte
 * header (type, length, CRC32-Castagnoli). A record never spans two segments. Every call
 * to `log` has written its bytes to the OS when it returns.
 */
export class WalWriter {
  readonly dir: string;
  readonly segmentSize: number;
  readonly compress: boolean;
  readonly #files: FileLayer;
  segment: number;
  #fd = -1;
  readonly #page = new Uint8Array(PAGE_SIZE);
  /** The page as it was before the current `log` call, to restore it when the call fails. */
  readonly #backup = new Uint8Array(PAGE_SIZE);
  #alloc = 0;
  #flushed = 0;
  #donePages = 0;
  /** Bytes written to the current segment file. */
  #size = 0;
  bytesWritten = 0;

  constructor(dir: string, options: WalWriterOptions = {}) {
    this.dir = dir;
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    this.compress = options.compress ?? true;
    this.#files = options.files ?? nodeFiles;
    mkdirSync(dir, { recursive: true });
    const existing = listSegments(dir);
    // As Prometheus: never append to a segment a previous process wrote; start a fresh one.
    this.segment = options.startSegment ?? (existing.length === 0 ? 0 : existing[existing.length - 1]! + 1);
    this.#openSegment();
  }

  #openSegment(): void {
    const path = segmentName(this.dir, this.segment);
    this.#fd = this.#files.open(path, 'a');
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {}
    this.#size = size;
    this.#alloc = 0;
    this.#flushed = 0;
    this.#donePages = Math.ceil(size / PAGE_SIZE);
  }

  /** Writes the records; on failure nothing of them stays in the segment and the error is thrown. */
  log(records: readonly Uint8Array[]): void {
    const saved = {
      segment: this.segment,
      alloc: this.#alloc,
      flushed: this.#flushed,
      done: this.#donePages,
      size: this.#size,
    };
    this.#backup.set(this.#page.subarray(0, this.#alloc));
    try {
      for (const rec of records) this.#logOne(rec);
      this.#flushPartial();
    } catch (err) {
      this.#restore(saved, this.#backup.subarray(0, saved.alloc));
      throw err;
    }
  }

  #restore(
    saved: { segment: number; alloc: number; flushed: number; done: number; size: number },
    page: Uint8Array,
  ): void {
    if (saved.segment === this.segment) {
      try {
        this.#files.truncate(this.#fd, saved.size);
      } catch {}
      this.#page.fill(0);
      this.#page.set(page);
      this.#alloc = saved.alloc;
      this.#flushed = saved.flushed;
      this.#donePages = saved.done;
      this.#size = saved.size;
    } else {
      // The failure happened after a segment switch; the new segment holds only the broken tail.
      try {
        this.#files.truncate(this.#fd, 0);
      } catch {}
      this.#page.fill(0);
      this.#alloc = 0;
      this.#flushed = 0;
      this.#donePages = 0;
      this.#size = 0;
    }
  }

  #logOne(rec: Uint8Array): void {
    let flag = 0;
    if (this.compress && rec.length > 0) {
      const c = compressSync(Buffer.from(rec.buffer, rec.byteOffset, rec.length));
      if (c.length < rec.length) {
        rec = c;
        flag = SNAPPY_FLAG;
      }
    }
    // A record must fit in what is left of this segment, or it starts the next one.
    let left = PAGE_SIZE - this.#alloc - HEADER_SIZE;
    left += (PAGE_SIZE - HEADER_SIZE) * (this.#pagesPerSegment() - this.#donePages - 1);
    if (rec.length > left && (this.#alloc > 0 || this.#donePages > 0)) this.nextSegment();

    let off = 0;
    let first = true;
    do {
      if (PAGE_SIZE - this.#alloc < HEADER_SIZE + 1) this.#flushPage(true);
      const room = PAGE_SIZE - this.#alloc - HEADER_SIZE;
      const n = Math.min(room, rec.length - off);
      const last = off + n === rec.length;
      const type = first && last ? Frag.Full : first ? Frag.First : last ? Frag.Last : Frag.Middle;
      const p = this.#page;
      const a = this.#alloc;
      const crc = crc32c(rec, off, off + n);
      p[a] = type | flag;
      p[a + 1] = n >>> 8;
      p[a + 2] = n & 0xff;
      p[a + 3] = crc >>> 24;
      p[a + 4] = crc >>> 16;
      p[a + 5] = crc >>> 8;
      p[a + 6] = crc;
      p.set(rec.subarray(off, off + n), a + HEADER_SIZE);
      this.#alloc += HEADER_SIZE + n;
      off += n;
      first = false;
      if (this.#alloc === PAGE_SIZE) this.#flushPage(false);
    } while (off < rec.length);
  }

  #pagesPerSegment(): number {
    return Math.floor(this.segmentSize / PAGE_SIZE);
  }

  // Writes the page's unwritten bytes; a full (or padded) page is done and a new one begins.
  #flushPage(pad: boolean): void {
    if (pad) this.#alloc = PAGE_SIZE;
    this.#writePageBytes();
    this.#page.fill(0);
    this.#alloc = 0;
    this.#flushed = 0;
    this.#donePages++;
  }

  #flushPartial(): void {
    if (this.#alloc > this.#flushed) this.#writePageBytes();
  }

  #writePageBytes(): void {
    const n = this.#alloc - this.#flushed;
    if (n <= 0) return;
    const pos = this.#donePages * PAGE_SIZE + this.#flushed;
    writeFully(this.#files, this.#fd, this.#page, this.#flushed, n, pos);
    this.#flushed = this.#alloc;
    this.#size = pos + n;
    this.bytesWritten += n;
  }

  /** Closes the current segment (padding its last page) and starts the next. */
  nextSegment(): number {
    if (this.#alloc > 0) this.#flushPage(true);
    this.#files.fsync(this.#fd);
    // The next segment is opened before this one is closed: if that fails (a full disk),
    // the writer keeps writing to this one rather than to a closed descriptor.
    const done = this.#fd;
    this.segment++;
    try {
      this.#openSegment();
    } catch (err) {
      this.segment--;
      throw err;
    }
    this.#files.close(done);
    return this.segment;
  }

  /** Flushes the page cache of the current segment to disk. */
  sync(): void {
    this.#files.fsync(this.#fd);
  }

  get fd(): number {
    return this.#fd;
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    try {
      this.#flushPartial();
      this.#files.fsync(fd);
    } finally {
      // Never closed twice, even when close itself fails: the number may be reused by then.
      this.#fd = -1;
      this.#files.close(fd);
    }
  }
}
