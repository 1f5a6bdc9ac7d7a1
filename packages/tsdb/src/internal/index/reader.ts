import { Labels } from '@pyrometer/model';
import { crc32c } from '../crc32c.ts';
import { ByteReader } from '../encoding.ts';
import type { PostingsIndex } from '../postings-for-matchers.ts';
import { INDEX_MAGIC } from './writer.ts';

const TOC_SIZE = 6 * 8 + 4;

/** Reads an index v2 file held in memory; series are decoded on demand. */
export class IndexReader implements PostingsIndex {
  readonly #buf: Uint8Array;
  /** Reads series entries; repositioned by each `series()` call. */
  readonly #reader: ByteReader;
  readonly #path: string;
  readonly symbols: string[] = [];
  readonly #postingOffsets = new Map<string, Map<string, number>>();
  readonly #postingsCache = new Map<number, Uint32Array>();

  constructor(buf: Uint8Array, path: string) {
    this.#buf = buf;
    this.#reader = new ByteReader(buf);
    this.#path = path;
    const r = new ByteReader(buf);
    if (buf.length < 5 + TOC_SIZE || r.be32() !== INDEX_MAGIC)
      this.#fail('not an index file (bad magic number)');
    const version = r.byte();
    if (version !== 2) this.#fail(`index version ${version} is not supported (want 2)`);
    const tocAt = buf.length - TOC_SIZE;
    const toc = new ByteReader(buf, tocAt);
    const offs: number[] = [];
    for (let i = 0; i < 6; i++) offs.push(toc.be64());
    if (crc32c(buf, tocAt, tocAt + 48) !== toc.be32()) this.#fail('table of contents checksum mismatch');
    const [symbolsAt, , , , , postingsOffsetsAt] = offs as [number, number, number, number, number, number];

    const sym = this.#section(symbolsAt, 'symbol table');
    const n = sym.be32();
    for (let i = 0; i < n; i++) this.symbols.push(sym.uvarintStr());

    const po = this.#section(postingsOffsetsAt, 'postings offset table');
    const entries = po.be32();
    for (let i = 0; i < entries; i++) {
      const keys = po.uvarint();
      if (keys !== 2) this.#fail(`postings offset table entry with ${keys} keys`);
      const name = po.uvarintStr();
      const value = po.uvarintStr();
      const off = po.uvarint();
      let values = this.#postingOffsets.get(name);
      if (values === undefined) this.#postingOffsets.set(name, (values = new Map()));
      values.set(value, off);
    }
  }

  #fail(msg: string): never {
    throw new Error(`tsdb: ${this.#path}: ${msg}`);
  }

  // A length-prefixed, CRC-suffixed section starting at `at`, verified.
  #section(at: number, what: string): ByteReader {
    const r = new ByteReader(this.#buf, at);
    const len = r.be32();
    const start = r.pos;
    if (start + len + 4 > this.#buf.length) this.#fail(`${what} at ${at} runs past the end of the file`);
    const want = new ByteReader(this.#buf, start + len).be32();
    if (crc32c(this.#buf, start, start + len) !== want) this.#fail(`${what} at ${at}: checksum mismatch`);
    r.end = start + len;
    return r;
  }

  postings(name: string, value: string): Uint32Array | undefined {
    const off = this.#postingOffsets.get(name)?.get(value);
    if (off === undefined) return undefined;
    let list = this.#postingsCache.get(off);
    if (list === undefined) {
      const r = this.#section(off, 'postings list');
      const n = r.be32();
      list = new Uint32Array(n);
      for (let i = 0; i < n; i++) list[i] = r.be32();
      this.#postingsCache.set(off, list);
    }
    return list;
  }

  labelValues(name: string): Iterable<string> {
    return this.#postingOffsets.get(name)?.keys() ?? [];
  }

  labelNames(): string[] {
    return [...this.#postingOffsets.keys()].filter((n) => n !== '');
  }

  allPostings(): Uint32Array {
    return this.postings('', '') ?? new Uint32Array(0);
  }

  /**
   * The labels of the series with id `id` (its offset / 16); with `chunks`, also its chunk
   * metas, appended there as numbers: min time, max time, ref, then the next chunk's.
   */
  series(id: number, chunks?: number[]): Labels {
    const r = this.#reader;
    r.pos = id * 16;
    r.end = this.#buf.length;
    const len = r.uvarint();
    const start = r.pos;
    r.end = start + len;
    const n = r.uvarint();
    const flat: string[] = new Array(2 * n);
    for (let i = 0; i < 2 * n; i++) {
      const s = this.symbols[r.uvarint()];
      if (s === undefined) this.#fail(`series ${id} refers to a missing symbol`);
      flat[i] = s;
    }
    if (chunks !== undefined) {
      const k = r.uvarint();
      let maxt = 0;
      let ref = 0;
      for (let i = 0; i < k; i++) {
        let mint: number;
        if (i === 0) {
          mint = r.varint();
          maxt = mint + r.uvarint();
          ref = r.uvarint();
        } else {
          mint = maxt + r.uvarint();
          maxt = mint + r.uvarint();
          ref += r.varint();
        }
        chunks.push(mint, maxt, ref);
      }
    }
    return Labels.fromSortedFlat(flat);
  }
}
