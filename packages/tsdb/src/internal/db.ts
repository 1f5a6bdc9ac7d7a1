import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Appendable, Appender, Matcher, Queryable } from '@pyrometer/model';
import { Block, type BlockMeta, writeBlock } from './block.ts';
import { ByteWriter } from './encoding.ts';
import type { FileLayer } from './file-layer.ts';
import { Head, matchesLabels } from './head/head.ts';
import { replayIntoHead } from './head/replay.ts';
import { type HeadStats, headStats } from './head/stats.ts';
import { type TSDBMetrics, TSDBMetricsState } from './metrics.ts';
import { type QuerySource, TSDBQuerier } from './querier.ts';
import type { SeriesChunks } from './series-set.ts';
import { TimeSlicer } from './time-slicer.ts';
import { addInterval } from './tombstones.ts';
import { isUlid } from './ulid.ts';
import { checkpoint } from './wal/checkpoint.ts';
import { encodeTombstones } from './wal/records.ts';
import { type FsyncPolicy, Wal, type WalRepair } from './wal/wal.ts';

export interface TSDBOptions {
  /** Range of a head chunk and of a level-1 block, in ms (2h as Prometheus). */
  blockRange?: number;
  /** Keep blocks whose max time is within this many ms of the newest block's; 0 keeps all. */
  retentionTime?: number;
  /** Delete the oldest blocks while all blocks together take more bytes than this; 0 = no limit. */
  retentionSize?: number;
  /** Snappy-compress WAL records (Prometheus's default). */
  walCompression?: boolean;
  walSegmentSize?: number;
  /** 'never' (the default, as Prometheus): commits reach the OS, surviving a process crash. */
  fsync?: FsyncPolicy;
  /** Log lines about repairs and compactions; defaults to console.warn. */
  logger?: (message: string) => void;
  /** File operations for the WAL (tests inject failures). */
  files?: FileLayer;
  /** Compact on its own once the head spans 1.5 block ranges (default true). */
  autoCompact?: boolean;
}

export const DEFAULT_BLOCK_RANGE = 2 * 60 * 60 * 1000;
/** As Prometheus: the default retention is 15 days. */
export const DEFAULT_RETENTION = 15 * 24 * 60 * 60 * 1000;

/** A time-series database in a directory, on Prometheus's on-disk format. */
export class TSDB implements Queryable, Appendable {
  readonly dir: string;
  readonly head: Head;
  readonly wal: Wal;
  readonly options: Required<Omit<TSDBOptions, 'files' | 'logger' | 'autoCompact'>>;
  readonly log: (message: string) => void;
  /** What replay had to repair when the database was opened, if anything. */
  readonly walRepair: WalRepair | undefined;
  readonly metrics: TSDBMetricsState;
  blocks: Block[] = [];
  #closed = false;
  /** Compactions run one after another on this chain. */
  #compactions: Promise<unknown> = Promise.resolve();
  #autoScheduled = false;

  constructor(dir: string, options: TSDBOptions = {}) {
    this.dir = dir;
    this.options = {
      blockRange: options.blockRange ?? DEFAULT_BLOCK_RANGE,
      retentionTime: options.retentionTime ?? DEFAULT_RETENTION,
      retentionSize: options.retentionSize ?? 0,
      walCompression: options.walCompression ?? true,
      walSegmentSize: options.walSegmentSize ?? 128 * 1024 * 1024,
      fsync: options.fsync ?? 'never',
    };
    this.log = options.logger ?? ((m) => console.warn(m));
    mkdirSync(dir, { recursive: true });
    this.head = new Head({ chunkRange: this.options.blockRange });
    this.metrics = new TSDBMetricsState(this);
    this.reloadBlocks();
    const walDir = join(dir, 'wal');
    this.walRepair = this.#replay(walDir);
    const walOptions = {
      compress: this.options.walCompression,
      segmentSize: this.options.walSegmentSize,
      fsync: this.options.fsync,
      ...(options.files === undefined ? {} : { files: options.files }),
    };
    this.wal = new Wal(walDir, walOptions);
    this.head.log = this.wal;
    if (options.autoCompact ?? true) this.head.afterCommit = () => this.#maybeScheduleCompaction();
  }

  /** Opens the blocks on disk again, removing leftovers and applying retention. */
  reloadBlocks(): void {
    const open = new Map(this.blocks.map((b) => [b.meta.ulid, b]));
    const blocks: Block[] = [];
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      if (name.endsWith('.tmp-for-creation') || name.endsWith('.tmp-for-deletion')) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (!isUlid(name) || !statSync(path).isDirectory()) continue;
      const known = open.get(name);
      if (known !== undefined) {
        blocks.push(known);
        continue;
      }
      if (!existsSync(join(path, 'meta.json'))) {
        this.log(`tsdb: ignoring block ${path}: no meta.json (a half-written block?)`);
        this.metrics.corruptions++;
        continue;
      }
      try {
        blocks.push(new Block(path));
      } catch (err) {
        this.log(`tsdb: ignoring block ${path}: ${(err as Error).message}`);
        this.metrics.corruptions++;
      }
    }
    // Blocks whose data another (compacted) block already holds are deleted.
    const covered = new Set<string>();
    for (const b of blocks) for (const p of b.meta.compaction.parents ?? []) covered.add(p.ulid);
    this.blocks = blocks.filter((b) => !covered.has(b.meta.ulid)).sort((a, b) => a.minTime - b.minTime);
    for (const b of blocks) if (covered.has(b.meta.ulid)) this.#deleteBlockDir(b);
    this.#applyRetention();
    const newest = this.blocks[this.blocks.length - 1];
    if (newest !== undefined && newest.maxTime > this.head.minValidTime)
      this.head.minValidTime = newest.maxTime;
  }

  #applyRetention(): void {
    const { retentionTime, retentionSize } = this.options;
    const newest = this.blocks[this.blocks.length - 1];
    if (newest === undefined) return;
    const keep: Block[] = [];
    // As Prometheus: measured back from the newest block's max time, never from the clock.
    for (const b of this.blocks) {
      if (retentionTime > 0 && b.maxTime <= newest.maxTime - retentionTime) {
        this.log(`tsdb: deleting block ${b.meta.ulid}: beyond time retention`);
        this.metrics.timeRetentions++;
        this.#deleteBlockDir(b);
      } else keep.push(b);
    }
    if (retentionSize > 0) {
      let total = keep.reduce((n, b) => n + b.size(), 0) + this.walSize();
      while (keep.length > 0 && total > retentionSize) {
        const oldest = keep.shift()!;
        total -= oldest.size();
        this.log(`tsdb: deleting block ${oldest.meta.ulid}: beyond size retention`);
        this.metrics.sizeRetentions++;
        this.#deleteBlockDir(oldest);
      }
    }
    this.blocks = keep;
  }

  #deleteBlockDir(b: Block): void {
    b.close();
    const tmp = `${b.dir}.tmp-for-deletion`;
    try {
      // Renamed first so a crash never leaves a block half deleted under its own name.
      rmSync(tmp, { recursive: true, force: true });
      renameSync(b.dir, tmp);
      rmSync(tmp, { recursive: true, force: true });
    } catch (err) {
      this.log(`tsdb: deleting block ${b.dir}: ${(err as Error).message}`);
    }
  }

  /** Bytes in the WAL directory (segments and checkpoints). */
  walSize(): number {
    return dirSize(join(this.dir, 'wal'));
  }

  #replay(walDir: string): WalRepair | undefined {
    const repair = replayIntoHead(this.head, walDir);
    if (repair !== undefined) {
      this.metrics.walCorruptions++;
      this.log(
        `tsdb: WAL corruption in segment ${repair.segment} at offset ${repair.offset} (${repair.reason}); ` +
          `repaired by dropping ${repair.droppedBytes} bytes` +
          (repair.removedSegments.length > 0 ? ` and segments ${repair.removedSegments.join(', ')}` : ''),
      );
    }
    return repair;
  }

  appender(): Appender {
    if (this.#closed) throw new Error('tsdb: appender on a closed database');
    return this.head.appender();
  }

  /** A querier over [mint, maxt] (inclusive) across the blocks and the head. */
  querier(mint: number, maxt: number): TSDBQuerier {
    const blocks = this.blocks.filter((b) => b.minTime <= maxt && b.maxTime > mint);
    // Compaction may delete these blocks while the querier is open; their files stay
    // readable until it is closed.
    for (const b of blocks) b.acquire();
    const sources: QuerySource[] = [...blocks, this.head];
    let released = false;
    return new TSDBQuerier(sources, mint, maxt, () => {
      if (released) return;
      released = true;
      for (const b of blocks) b.release();
    });
  }

  /**
   * Persists whole block ranges of the head once it spans one and a half of them (as
   * Prometheus), truncates the head and checkpoints the WAL, then merges blocks into larger
   * ranges and applies retention. The work yields to the event loop every few milliseconds.
   */
  compact(): Promise<BlockMeta[]> {
    const run = this.#compactions.then(
      () => this.#compactOnce(),
      () => this.#compactOnce(),
    );
    this.#compactions = run;
    return run;
  }

  #needsHeadCompaction(): boolean {
    return this.head.maxTime - this.head.minTime > (this.options.blockRange / 2) * 3;
  }

  // As Prometheus, compaction starts on its own once the head spans 1.5 block ranges.
  #maybeScheduleCompaction(): void {
    if (this.#autoScheduled || this.#closed || !this.#needsHeadCompaction()) return;
    this.#autoScheduled = true;
    setImmediate(() => {
      this.#autoScheduled = false;
      this.compact().catch((err: Error) => this.log(`tsdb: compaction failed: ${err.message}`));
    });
  }

  async #compactOnce(): Promise<BlockMeta[]> {
    const written: BlockMeta[] = [];
    const range = this.options.blockRange;
    while (!this.#closed && this.#needsHeadCompaction()) {
      const mint = Math.floor(this.head.minTime / range) * range;
      const meta = await this.persistHead(mint, mint + range);
      if (meta !== undefined) written.push(meta);
    }
    if (!this.#closed) written.push(...(await this.compactBlocks()));
    return written;
  }

  /** Writes the head's samples in [mint, maxt) as a block, then drops them from the head and WAL. */
  async persistHead(mint: number, maxt: number): Promise<BlockMeta | undefined> {
    const start = performance.now();
    const slicer = new TimeSlicer();
    const series = await this.head.collect(mint, maxt - 1, slicer);
    const meta = await writeBlock(this.dir, [series], mint, maxt, {}, slicer);
    this.metrics.compactions++;
    this.metrics.headCompactionSecondsSum += (performance.now() - start) / 1000;
    if (meta !== undefined)
      this.log(`tsdb: wrote block ${meta.ulid} [${mint}, ${maxt}) with ${meta.stats.numSamples} samples`);
    this.reloadBlocks();
    await this.truncateHead(maxt, slicer);
    return meta;
  }

  /** Drops head data before `mint` and checkpoints the WAL segments written so far. */
  async truncateHead(mint: number, slicer: TimeSlicer = new TimeSlicer()): Promise<void> {
    this.head.truncate(mint);
    if (this.#closed) return;
    const last = this.wal.writer.segment;
    this.wal.writer.nextSegment();
    const head = this.head;
    const keep = (ref: number) => head.byRef.has(ref);
    await checkpoint(join(this.dir, 'wal'), last, mint, keep, this.options.walCompression, slicer);
    this.metrics.checkpoints++;
  }

  /** Leveled compaction: blocks inside one window of 3×, 9×, 27×, 81× the block range merge. */
  async compactBlocks(): Promise<BlockMeta[]> {
    const written: BlockMeta[] = [];
    const ranges = [3, 9, 27, 81].map((k) => k * this.options.blockRange);
    for (const range of ranges) {
      const newest = this.blocks[this.blocks.length - 1];
      if (newest === undefined) break;
      const groups = new Map<number, Block[]>();
      for (const b of this.blocks) {
        if (b.maxTime - b.minTime >= range) continue;
        const w = Math.floor(b.minTime / range);
        if (Math.floor((b.maxTime - 1) / range) !== w) continue;
        const g = groups.get(w);
        if (g === undefined) groups.set(w, [b]);
        else g.push(b);
      }
      for (const [w, group] of groups) {
        // Only windows that are over: newer data exists past their end.
        if (group.length < 2 || (w + 1) * range > newest.maxTime) continue;
        const meta = await this.mergeBlocks(group);
        if (meta !== undefined) written.push(meta);
      }
    }
    return written;
  }

  /** Writes one block holding every sample of `group` (tombstoned samples left out). */
  async mergeBlocks(group: Block[]): Promise<BlockMeta | undefined> {
    const mint = Math.min(...group.map((b) => b.minTime));
    const maxt = Math.max(...group.map((b) => b.maxTime));
    const slicer = new TimeSlicer();
    const sources: SeriesChunks[][] = [];
    for (const b of group) sources.push(await b.collect(mint, maxt - 1, slicer));
    const options = {
      level: Math.max(...group.map((b) => b.meta.compaction.level)) + 1,
      sources: [...new Set(group.flatMap((b) => b.meta.compaction.sources))].sort(),
      parents: group.map((b) => b.meta),
    };
    const meta = await writeBlock(this.dir, sources, mint, maxt, options, slicer);
    this.metrics.compactions++;
    this.reloadBlocks();
    return meta;
  }

  /** Deletes samples in [mint, maxt] of the series matching `matchers` (tombstones). */
  async delete(mint: number, maxt: number, ...matchers: Matcher[]): Promise<void> {
    for (const b of this.blocks) if (b.minTime <= maxt && b.maxTime > mint) b.delete(mint, maxt, matchers);
    const stones = new Map<number, number[]>();
    for (const [ref, s] of this.head.byRef) {
      if (!matchesLabels(matchers, s.labels)) continue;
      stones.set(ref, [mint, maxt]);
      addInterval(this.head.tombstones, ref, mint, maxt);
    }
    if (stones.size > 0) {
      const w = new ByteWriter();
      encodeTombstones(w, stones);
      this.wal.logRecords([w.bytes().slice()]);
    }
  }

  /** Rewrites blocks that have tombstones without the deleted samples. */
  async cleanTombstones(): Promise<BlockMeta[]> {
    const out: BlockMeta[] = [];
    const slicer = new TimeSlicer();
    for (const b of [...this.blocks]) {
      if (b.tombstones.size === 0) continue;
      const series = await b.collect(b.minTime, b.maxTime - 1, slicer);
      const { level, sources } = b.meta.compaction;
      const meta = await writeBlock(
        this.dir,
        [series],
        b.minTime,
        b.maxTime,
        { level, sources, parents: [b.meta] },
        slicer,
      );
      if (meta !== undefined) out.push(meta);
      else this.#deleteBlockDir(b);
      this.reloadBlocks();
    }
    return out;
  }

  /** Copies every block and (optionally) the head, as a block, into `dir`. */
  async snapshot(dir: string, withHead = true): Promise<void> {
    mkdirSync(dir, { recursive: true });
    for (const b of this.blocks) cpSync(b.dir, join(dir, b.meta.ulid), { recursive: true });
    if (withHead && this.head.numSeries > 0) {
      const slicer = new TimeSlicer();
      const { minTime, maxTime } = this.head;
      const series = await this.head.collect(minTime, maxTime, slicer);
      await writeBlock(dir, [series], minTime, maxTime + 1, {}, slicer);
    }
  }

  /** The head's cardinality for `/api/v1/status/tsdb`; `limit` caps each top list. */
  headStats(limit = 10): HeadStats {
    return headStats(this.head, limit);
  }

  /** The prometheus_tsdb_* figures for an exposition registry. */
  metricsSnapshot(): TSDBMetrics {
    return this.metrics.snapshot();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.wal.close();
    for (const b of this.blocks) b.close();
  }
}

function dirSize(path: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return 0;
  }
  for (const n of names) {
    const p = join(path, n);
    const st = statSync(p);
    total += st.isDirectory() ? dirSize(p) : st.size;
  }
  return total;
}

export function openTSDB(dir: string, options: TSDBOptions = {}): TSDB {
  return new TSDB(dir, options);
}
