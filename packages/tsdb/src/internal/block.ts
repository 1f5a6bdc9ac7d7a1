import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels, Matcher } from '@pyrometer/model';
import { compareLabels, ValueType } from '@pyrometer/model';
import type { ChunkView } from './chunk-meta.ts';
import { ENCODING_XOR, XorAppender, xorSampleCount } from './chunkenc/xor.ts';
import { ChunkFilesReader, ChunkFilesWriter } from './chunks/files.ts';
import { type FileLayer, nodeFiles, removeQuietly, writeFileAtomic, writeFileDurably } from './file-layer.ts';
import { matchesLabels } from './head/head.ts';
import { SAMPLES_PER_CHUNK } from './head/series.ts';
import { IndexReader } from './index/reader.ts';
import { buildIndex, type ChunkMetaOut, type IndexSeries } from './index/writer.ts';
import { postingsForMatchers } from './postings-for-matchers.ts';
import type { QuerySource } from './querier.ts';
import { ChunkSeriesIterator } from './series-iterator.ts';
import { type SeriesChunks, StoredSeries, withoutDeletedChunks } from './series-set.ts';
import { TimeSlicer } from './time-slicer.ts';
import { encodeTombstones, readTombstones, type Tombstones } from './tombstones.ts';
import { newUlid } from './ulid.ts';

/** meta.json of a block, as Prometheus writes it (maxTime is exclusive). */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: { numSamples: number; numSeries: number; numChunks: number; numTombstones?: number };
  compaction: {
    level: number;
    sources: string[];
    parents?: { ulid: string; minTime: number; maxTime: number }[];
    deletable?: boolean;
  };
  version: 1;
}

/** An immutable, persisted block opened for reading. */
export class Block implements QuerySource {
  readonly dir: string;
  readonly meta: BlockMeta;
  readonly index: IndexReader;
  readonly chunks: ChunkFilesReader;
  tombstones: Tombstones;
  readonly #files: FileLayer;
  #warnedEncoding = false;

  constructor(dir: string, files: FileLayer = nodeFiles) {
    this.dir = dir;
    this.#files = files;
    const metaPath = join(dir, 'meta.json');
    this.meta = JSON.parse(readFileSync(metaPath, 'utf8')) as BlockMeta;
    if (this.meta.version !== 1)
      throw new Error(`tsdb: ${metaPath}: unsupported meta version ${this.meta.version}`);
    const indexPath = join(dir, 'index');
    this.index = new IndexReader(readFileSync(indexPath), indexPath);
    this.chunks = new ChunkFilesReader(join(dir, 'chunks'));
    this.tombstones = readTombstones(join(dir, 'tombstones'));
  }

  get minTime(): number {
    return this.meta.minTime;
  }

  /** Exclusive, as in meta.json. */
  get maxTime(): number {
    return this.meta.maxTime;
  }

  #readers = 0;
  #closeWhenIdle = false;

  /** A querier reads the block until it calls `release()`; the files stay open meanwhile. */
  acquire(): void {
    this.#readers++;
  }

  release(): void {
    if (--this.#readers === 0 && this.#closeWhenIdle) this.chunks.close();
  }

  /** Releases the block's open files, once no querier reads it (it may be deleted already). */
  close(): void {
    if (this.#readers > 0) this.#closeWhenIdle = true;
    else this.chunks.close();
  }

  /** Bytes the block takes on disk. */
  size(): number {
    let total = 0;
    for (const f of ['index', 'meta.json', 'tombstones']) {
      try {
        total += statSync(join(this.dir, f)).size;
      } catch {}
    }
    for (const f of readdirSync(join(this.dir, 'chunks')))
      total += statSync(join(this.dir, 'chunks', f)).size;
    return total;
  }

  select(mint: number, maxt: number, matchers: readonly Matcher[]): SeriesChunks[] {
    if (mint >= this.maxTime || maxt < this.minTime) return [];
    return this.#seriesChunks(postingsForMatchers(this.index, matchers), mint, maxt, matchers);
  }

  #seriesChunks(ids: Uint32Array, mint: number, maxt: number, matchers: readonly Matcher[]): SeriesChunks[] {
    const out: SeriesChunks[] = [];
    const metas: number[] = [];
    for (const id of ids) {
      metas.length = 0;
      const labels = this.index.series(id, metas);
      if (!matchesLabels(matchers, labels)) continue;
      const chunks: ChunkView[] = [];
      for (let k = 0; k < metas.length; k += 3) {
        const cmint = metas[k]!;
        const cmaxt = metas[k + 1]!;
        if (cmaxt < mint || cmint > maxt) continue;
        const { encoding, data } = this.chunks.chunk(metas[k + 2]!);
        if (encoding !== ENCODING_XOR) {
          if (!this.#warnedEncoding)
            console.warn(
              `tsdb: block ${this.meta.ulid}: skipping chunks with encoding ${encoding} (not supported)`,
            );
          this.#warnedEncoding = true;
          continue;
        }
        chunks.push({
          mint: cmint,
          maxt: cmaxt,
          bytes: data,
          byteLength: data.length,
          count: xorSampleCount(data),
        });
      }
      if (chunks.length === 0) continue;
      const deleted = this.tombstones.get(id);
      const part = withoutDeletedChunks(
        deleted === undefined ? { labels, chunks } : { labels, chunks, deleted },
      );
      if (part !== undefined) out.push(part);
    }
    return out;
  }

  /** Every series with chunks in [mint, maxt], for compaction; yields between series. */
  async collect(mint: number, maxt: number, slicer: TimeSlicer): Promise<SeriesChunks[]> {
    const out: SeriesChunks[] = [];
    const all = this.index.allPostings();
    for (let i = 0; i < all.length; i += 256) {
      for (const part of this.#seriesChunks(all.subarray(i, i + 256), mint, maxt, [])) out.push(part);
      await slicer.maybeYield();
    }
    return out;
  }

  matchingLabels(mint: number, maxt: number, matchers: readonly Matcher[]): Labels[] {
    const out: Labels[] = [];
    if (mint >= this.maxTime || maxt < this.minTime) return out;
    for (const id of postingsForMatchers(this.index, matchers)) {
      const labels = this.index.series(id);
      if (matchesLabels(matchers, labels)) out.push(labels);
    }
    return out;
  }

  labelValues(name: string): Iterable<string> {
    return this.index.labelValues(name);
  }

  labelNames(): Iterable<string> {
    return this.index.labelNames();
  }

  /**
   * Records deleted intervals for series matching `matchers` in the block's tombstones file.
   * When the file cannot be written, the block keeps the tombstones it had and this throws.
   */
  delete(mint: number, maxt: number, matchers: readonly Matcher[]): number {
    let n = 0;
    const stones: Tombstones = new Map([...this.tombstones].map(([ref, iv]) => [ref, [...iv]]));
    for (const id of postingsForMatchers(this.index, matchers)) {
      if (!matchesLabels(matchers, this.index.series(id))) continue;
      addTombstone(stones, id, Math.max(mint, this.minTime), Math.min(maxt, this.maxTime - 1));
      n++;
    }
    if (n === 0) return 0;
    writeFileAtomic(this.#files, join(this.dir, 'tombstones'), encodeTombstones(stones));
    this.tombstones = stones;
    return n;
  }
}

function addTombstone(stones: Tombstones, ref: number, mint: number, maxt: number): void {
  const list = stones.get(ref) ?? [];
  list.push(mint, maxt);
  stones.set(ref, list);
}

export interface WriteBlockOptions {
  level?: number;
  sources?: string[];
  parents?: BlockMeta[];
  ulid?: string;
  /** Where the writes go (tests inject failures). */
  files?: FileLayer;
}

/**
 * Writes the samples of [mint, maxt) from the given sources as a new block directory under
 * `parent`, built in a temporary directory, synced to disk and renamed into place once
 * complete. Chunks that lie wholly in range and have nothing deleted are copied byte for
 * byte; the rest are re-encoded. Returns the block's meta, or undefined when there was nothing
 * to write. On a failure (a full disk) the temporary directory is removed and the error, which
 * names the block and the step, is thrown: no part of the block is left visible.
 */
export async function writeBlock(
  parent: string,
  sources: readonly SeriesChunks[][],
  mint: number,
  maxt: number,
  options: WriteBlockOptions = {},
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<BlockMeta | undefined> {
  const files = options.files ?? nodeFiles;
  const all: SeriesChunks[] = [];
  for (const s of sources) for (const x of s) all.push(x);
  all.sort((a, b) => compareLabels(a.labels, b.labels));
  await slicer.maybeYield();
  const ulid = options.ulid ?? newUlid();
  const tmp = join(parent, `${ulid}.tmp-for-creation`);
  const final = join(parent, ulid);
  let step = 'creating its directory';
  let writer: ChunkFilesWriter | undefined;
  let renamed = false;
  try {
    rmSync(tmp, { recursive: true, force: true });
    files.mkdir(tmp);
    step = 'writing chunks';
    writer = new ChunkFilesWriter(join(tmp, 'chunks'), files);
    const series = await writeChunks(writer, all, mint, maxt, slicer);
    writer.close();
    if (series.list.length === 0) {
      removeQuietly(tmp);
      return undefined;
    }
    step = 'writing the index';
    writeFileDurably(files, join(tmp, 'index'), await buildIndex(series.list, slicer));
    step = 'writing tombstones';
    writeFileDurably(files, join(tmp, 'tombstones'), encodeTombstones(new Map()));
    step = 'writing meta.json';
    const meta = blockMeta(ulid, mint, maxt, series.stats, options);
    writeFileDurably(files, join(tmp, 'meta.json'), `${JSON.stringify(meta, null, '\t')}\n`);
    step = 'syncing its directory';
    files.syncDir(join(tmp, 'chunks'));
    files.syncDir(tmp);
    step = 'renaming it into place';
    if (existsSync(final)) rmSync(final, { recursive: true, force: true });
    files.rename(tmp, final);
    renamed = true;
    step = `syncing ${parent}`;
    files.syncDir(parent);
    return meta;
  } catch (err) {
    writer?.abort();
    removeQuietly(tmp);
    // Renamed but not known to be durable: take it back rather than leave it half there.
    if (renamed) removeQuietly(final);
    const message = (err as Error).message;
    throw new Error(`writing block ${ulid} failed while ${step}: ${message}`, { cause: err });
  }
}

async function writeChunks(
  writer: ChunkFilesWriter,
  all: readonly SeriesChunks[],
  mint: number,
  maxt: number,
  slicer: TimeSlicer,
): Promise<{ list: IndexSeries[]; stats: BlockMeta['stats'] }> {
  const list: IndexSeries[] = [];
  const stats = { numSamples: 0, numSeries: 0, numChunks: 0 };
  for (let i = 0; i < all.length; ) {
    let j = i + 1;
    while (j < all.length && all[j]!.labels.equals(all[i]!.labels)) j++;
    const group = all.slice(i, j);
    i = j;
    const metas = writeSeriesChunks(writer, group, mint, maxt - 1, stats);
    await slicer.maybeYield();
    if (metas.length === 0) continue;
    list.push({ labels: group[0]!.labels, chunks: metas });
    stats.numSeries++;
  }
  return { list, stats };
}

function blockMeta(
  ulid: string,
  mint: number,
  maxt: number,
  stats: BlockMeta['stats'],
  options: WriteBlockOptions,
): BlockMeta {
  return {
    ulid,
    minTime: options.parents === undefined ? mint : Math.min(...options.parents.map((p) => p.minTime)),
    maxTime: options.parents === undefined ? maxt : Math.max(...options.parents.map((p) => p.maxTime)),
    stats,
    compaction: {
      level: options.level ?? 1,
      sources: options.sources ?? [ulid],
      ...(options.parents === undefined
        ? {}
        : {
            parents: options.parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime })),
          }),
    },
    version: 1,
  };
}

function writeSeriesChunks(
  writer: ChunkFilesWriter,
  parts: SeriesChunks[],
  mint: number,
  maxt: number,
  stats: { numSamples: number; numChunks: number },
): ChunkMetaOut[] {
  const out: ChunkMetaOut[] = [];
  const emit = (app: XorAppender, cmint: number, cmaxt: number) => {
    out.push({ mint: cmint, maxt: cmaxt, ref: writer.write(ENCODING_XOR, app.chunkBytes()) });
    stats.numSamples += app.numSamples;
    stats.numChunks++;
  };
  if (parts.length === 1) {
    // One source: keep its chunk boundaries. A closed chunk wholly in range with nothing
    // deleted is copied byte for byte; the rest (edges, deletions, the head's open chunk,
    // which may grow while we write) are re-encoded chunk by chunk.
    const only = parts[0]!;
    const clean = only.deleted === undefined || only.deleted.length === 0;
    for (const c of only.chunks) {
      if (clean && c.open !== true && c.mint >= mint && c.maxt <= maxt) {
        out.push({
          mint: c.mint,
          maxt: c.maxt,
          ref: writer.write(ENCODING_XOR, c.bytes.subarray(0, c.byteLength)),
        });
        stats.numSamples += c.count;
        stats.numChunks++;
        continue;
      }
      const it = new ChunkSeriesIterator([c], mint, maxt, only.deleted);
      const app = new XorAppender(c.byteLength + 8);
      let cmint = 0;
      let cmaxt = 0;
      while (it.next() === ValueType.Float) {
        if (app.numSamples === 0) cmint = it.t();
        app.append(it.t(), it.value());
        cmaxt = it.t();
      }
      if (app.numSamples > 0) emit(app, cmint, cmaxt);
    }
    return out;
  }
  // Several sources (blocks being merged): merge sample by sample into chunks of about
  // SAMPLES_PER_CHUNK.
  const it = new StoredSeries(parts, mint, maxt).iterator();
  let app: XorAppender | undefined;
  let cmint = 0;
  let cmaxt = 0;
  while (it.next() === ValueType.Float) {
    if (app !== undefined && app.numSamples >= SAMPLES_PER_CHUNK) {
      emit(app, cmint, cmaxt);
      app = undefined;
    }
    if (app === undefined) {
      app = new XorAppender(256);
      cmint = it.t();
    }
    app.append(it.t(), it.value());
    cmaxt = it.t();
  }
  if (app !== undefined) emit(app, cmint, cmaxt);
  return out;
}
