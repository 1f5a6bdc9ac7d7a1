import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../crc32c.ts';
import { ByteReader, ByteWriter } from '../encoding.ts';
import { closeQuietly, type FileLayer, nodeFiles, writeFully } from '../file-layer.ts';

/** Magic number at the start of a block's chunk segment file. */
export const CHUNKS_MAGIC = 0x85bd40dd;
const HEADER_SIZE = 8;
export const MAX_SEGMENT_SIZE = 512 * 1024 * 1024;
const TWO32 = 4294967296;

/** The index's reference to a chunk: segment file sequence in the high 32 bits, offset in the low. */
export function chunkRef(seq: number, offset: number): number {
  return seq * TWO32 + offset;
}

export function segmentFileName(dir: string, seq: number): string {
  return join(dir, String(seq + 1).padStart(6, '0'));
}

/**
 * Writes chunks into `dir/000001`, `000002`, ...; each chunk is len, encoding, data, CRC.
 * Every file is synced to disk when it is complete. After a failed call, `abort()` closes
 * what is open; the caller removes the directory.
 */
export class ChunkFilesWriter {
  readonly #dir: string;
  readonly #files: FileLayer;
  readonly #maxSize: number;
  #seq = -1;
  #fd = -1;
  /** Bytes of the current file, buffered ones included. */
  #size = 0;
  /** Bytes of the current file already written. */
  #written = 0;
  readonly #buf = new ByteWriter(1 << 20);

  constructor(dir: string, files: FileLayer = nodeFiles, maxSize = MAX_SEGMENT_SIZE) {
    this.#dir = dir;
    this.#files = files;
    this.#maxSize = maxSize;
    files.mkdir(dir);
  }

  #cut(): void {
    this.#finishFile();
    this.#seq++;
    this.#fd = this.#files.open(segmentFileName(this.#dir, this.#seq), 'w');
    this.#written = 0;
    const b = this.#buf;
    b.be32(CHUNKS_MAGIC);
    b.byte(1);
    b.byte(0);
    b.byte(0);
    b.byte(0);
    this.#size = HEADER_SIZE;
  }

  #flush(): void {
    const b = this.#buf;
    if (b.len > 0 && this.#fd >= 0) {
      writeFully(this.#files, this.#fd, b.buf, 0, b.len, this.#written);
      this.#written += b.len;
    }
    b.reset();
  }

  // Flushes, syncs and closes the current file, if one is open.
  #finishFile(): void {
    if (this.#fd < 0) return;
    this.#flush();
    this.#files.fsync(this.#fd);
    const fd = this.#fd;
    this.#fd = -1;
    this.#files.close(fd);
  }

  /** Appends a chunk and returns its reference. */
  write(encoding: number, data: Uint8Array): number {
    const need = 10 + 1 + data.length + 4;
    if (this.#fd < 0 || this.#size + need > this.#maxSize) this.#cut();
    const b = this.#buf;
    const offset = this.#size;
    const start = b.len;
    b.uvarint(data.length);
    const encAt = b.len;
    b.byte(encoding);
    b.raw(data);
    b.be32(crc32c(b.buf, encAt, b.len));
    this.#size += b.len - start;
    if (b.len > 1 << 20) this.#flush();
    return chunkRef(this.#seq, offset);
  }

  /** Writes what is buffered and syncs the last file (an empty block still gets one). */
  close(): void {
    if (this.#seq < 0) this.#cut();
    this.#finishFile();
  }

  /** Closes the open file without writing more, after a failure. */
  abort(): void {
    if (this.#fd >= 0) closeQuietly(this.#files, this.#fd);
    this.#fd = -1;
    this.#buf.reset();
  }
}

const WINDOW = 256 * 1024;
const CACHED_WINDOWS = 32;

/**
 * A block's chunk segment files, read on demand, so opening a block costs no memory for its
 * chunks; at most CACHED_WINDOWS × 256 KiB of them stay cached.
 */
export class ChunkFilesReader {
  readonly #fds: number[] = [];
  readonly #sizes: number[] = [];
  readonly #dir: string;
  /** Recently read windows, least recently used first. */
  readonly #cache = new Map<number, Uint8Array>();

  constructor(dir: string) {
    this.#dir = dir;
    const names = readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .sort();
    try {
      for (const [i, name] of names.entries()) {
        if (Number(name) !== i + 1)
          throw new Error(`tsdb: chunk files in ${dir} are not consecutive at ${name}`);
        const fd = openSync(join(dir, name), 'r');
        this.#fds.push(fd);
        const size = fstatSync(fd).size;
        this.#sizes.push(size);
        const head = new Uint8Array(HEADER_SIZE);
        if (
          size < HEADER_SIZE ||
          readSync(fd, head, 0, HEADER_SIZE, 0) < HEADER_SIZE ||
          new ByteReader(head).be32() !== CHUNKS_MAGIC
        )
          throw new Error(`tsdb: ${join(dir, name)} is not a chunks file (bad magic number)`);
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * The chunk's encoding and data. Chunks are read through a small cache of 256 KiB windows:
   * a query or compaction reads the chunks of neighbouring series, which lie side by side.
   */
  chunk(ref: number): { encoding: number; data: Uint8Array } {
    const seq = Math.floor(ref / TWO32);
    const offset = ref - seq * TWO32;
    const fd = this.#fds[seq];
    if (fd === undefined)
      throw new Error(`tsdb: chunk ref ${ref} points to missing segment ${seq + 1} in ${this.#dir}`);
    const size = this.#sizes[seq]!;
    if (offset >= size) throw new Error(`tsdb: chunk ${ref} in ${this.#dir} is past the end of its file`);
    const w = Math.floor(offset / WINDOW);
    const window = this.#window(seq, w, fd, size);
    const r = new ByteReader(window, offset - w * WINDOW);
    const len = r.uvarint();
    const encoding = r.byte();
    const start = r.pos;
    if (start + len <= window.length) return { encoding, data: window.subarray(start, start + len) };
    // The chunk runs past its window: read it on its own.
    const at = w * WINDOW + start;
    if (at + len > size) throw new Error(`tsdb: chunk ${ref} in ${this.#dir} runs past the end of its file`);
    const data = new Uint8Array(len);
    readFully(fd, data, at);
    return { encoding, data };
  }

  #window(seq: number, w: number, fd: number, size: number): Uint8Array {
    const key = seq * 4096 + w;
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    const buf = new Uint8Array(Math.min(WINDOW, size - w * WINDOW));
    readFully(fd, buf, w * WINDOW);
    this.#cache.set(key, buf);
    if (this.#cache.size > CACHED_WINDOWS) this.#cache.delete(this.#cache.keys().next().value!);
    return buf;
  }

  close(): void {
    for (const fd of this.#fds) closeSync(fd);
    this.#fds.length = 0;
    this.#cache.clear();
  }
}

function readFully(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) throw new Error('tsdb: unexpected end of chunk file');
    done += n;
  }
}
