import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Appendable, Appender, Matcher, Queryable } from '@pyrometer/model';
import { Block, type BlockMeta, type WriteBlockOptions, writeBlock } from './block.ts';
import { ByteWriter } from './encoding.ts';
import { copyDirDurably, type FileLayer, nodeFiles, removeQuietly } from './file-layer.ts';
import { Head } from './head/head.ts';
import { replayIntoHead } from './head/replay.ts';
import { type HeadStats, headStats } from './head/stats.ts';
import { type TSDBMetrics, TSDBMetricsState } from './metrics.ts';
import { type QuerySource, TSDBQuerier } from './querier.ts';
import type { SeriesChunks } from './series-set.ts';
import { TimeSlicer } from './time-slicer.ts';
import { addInterval } from './tombstones.ts';
import { isUlid } from './ulid.ts';
import { type CheckpointResult, checkpoint } from './wal/checkpoint.ts';
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
  /**
   * The file operations every write goes through: WAL, checkpoints, blocks, tombstones,
   * snapshots (tests inject failures such as a full disk).
   */
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
  readonly #files: FileLayer;
  #closed = false;
  /** Compactions, tombstone cleaning and snapshots run one after another on this chain. */
  #compactions: Promise<unknown> = Promise.resolve();
  #autoScheduled = false;
  /** After failed automatic compactions, the next starts no earlier than this (Date.now()). */
  #autoRetryAt = 0;
  #autoBackoff = 0;
  /** Failures already logged where they happened. */
  readonly #logged = new WeakSet<Error>();

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
    this.#files = options.files ?? nodeFiles;
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
      files: this.#files,
    };
    this.wal = new Wal(walDir, walOptions);
    this.head.log = this.wal;
    if (options.autoCompact ?? true) this.head.afterCommit = () => this.#maybeScheduleCompaction();
  }

  /**
   * Opens the blocks on disk again, removing leftovers and applying retention. Returns the
   * names of block directories it could not open (they are left alone).
   */
  reloadBlocks(): string[] {
    const open = new Map(this.blocks.map((b) => [b.meta.ulid, b]));
    const blocks: Block[] = [];
    const failed: string[] = [];
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
        failed.push(name);
        continue;
      }
      try {
        blocks.push(new Block(path, this.#files));
      } catch (err) {
        this.log(`tsdb: ignoring block ${path}: ${(err as Error).message}`);
        this.metrics.corruptions++;
        failed.push(name);
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
    return failed;
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
      this.#files.rename(b.dir, tmp);
    } catch (err) {
      // As Prometheus, a failed deletion fails the reload; the next reload tries again.
      this.log(`tsdb: deleting block ${b.dir} failed, the next reload retries: ${(err as Error).message}`);
      this.metrics.corruptions++;
      return;
    }
    // Once renamed the block is gone; what is left of the directory goes at the next reload.
    removeQuietly(tmp);
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
   * A failed write (a full disk) is logged and counted, leaves the head, the WAL and the
   * blocks holding every sample, and rejects; the next call retries.
   */
  compact(): Promise<BlockMeta[]> {
    return this.#exclusive(() => this.#compactOnce());
  }

  // Runs `work` once everything queued before it on the compaction chain is done, failed or not.
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#compactions.then(work, work);
    this.#compactions = run;
    return run;
  }

  #needsHeadCompaction(): boolean {
    return this.head.maxTime - this.head.minTime > (this.options.blockRange / 2) * 3;
  }

  // As Prometheus, compaction starts on its own once the head spans 1.5 block ranges, and
  // after a failure waits 1 s, doubling up to 1 min while failures go on: a full disk does not
  // turn every commit into another failed attempt.
  #maybeScheduleCompaction(): void {
    if (this.#autoScheduled || this.#closed || !this.#needsHeadCompaction()) return;
    if (Date.now() < this.#autoRetryAt) return;
    this.#autoScheduled = true;
    setImmediate(() => {
      this.#autoScheduled = false;
      this.compact().then(
        () => {
          this.#autoBackoff = 0;
          this.#autoRetryAt = 0;
        },
        (err: Error) => {
          this.#autoBackoff = Math.min(Math.max(2 * this.#autoBackoff, 1000), 60_000);
          this.#autoRetryAt = Date.now() + this.#autoBackoff;
          const what = this.#logged.has(err) ? '' : `: ${err.message}`;
          this.log(
            `tsdb: compaction failed${what}; retrying after ${this.#autoBackoff / 1000}s at the earliest`,
          );
        },
      );
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

  /**
   * Writes the head's samples in [mint, maxt) as a block, then drops them from the head and
   * WAL. Until the block is on disk and open, the head and WAL keep them: on a failure this
   * throws with nothing dropped.
   */
  async persistHead(mint: number, maxt: number): Promise<BlockMeta | undefined> {
    const start = performance.now();
    const slicer = new TimeSlicer();
    const what = `persisting the head's samples in [${mint}, ${maxt}) failed; the head and WAL keep them`;
    const collect = async () => [await this.head.collect(mint, maxt - 1, slicer)];
    const meta = await this.#writeBlock(what, collect, this.dir, mint, maxt, {}, slicer);
    this.metrics.headCompactionSecondsSum += (performance.now() - start) / 1000;
    if (meta !== undefined)
      this.log(`tsdb: wrote block ${meta.ulid} [${mint}, ${maxt}) with ${meta.stats.numSamples} samples`);
    const unopened = this.reloadBlocks();
    if (meta !== undefined && unopened.includes(meta.ulid)) {
      this.metrics.compactionsFailed++;
      throw this.#failed(`${what}: block ${meta.ulid} was written but cannot be opened`);
    }
    await this.truncateHead(maxt, slicer);
    return meta;
  }

  /**
   * Drops head data before `mint` and checkpoints the WAL segments written so far. A failed
   * checkpoint is logged, counted and thrown, and leaves the WAL as it was (replay skips what
   * the blocks hold); the next checkpoint folds those segments in.
   */
  async truncateHead(mint: number, slicer: TimeSlicer = new TimeSlicer()): Promise<void> {
    this.head.truncate(mint);
    if (this.#closed) return;
    const last = this.wal.writer.segment;
    const head = this.head;
    const keep = (ref: number) => head.byRef.has(ref);
    const { walCompression } = this.options;
    this.metrics.checkpoints++;
    let result: CheckpointResult;
    try {
      this.wal.writer.nextSegment();
      result = await checkpoint(join(this.dir, 'wal'), last, mint, keep, walCompression, slicer, this.#files);
    } catch (err) {
      this.metrics.checkpointsFailed++;
      throw this.#failed(
        `WAL checkpoint of segments up to ${last} failed; the segments stay and the next checkpoint includes them`,
        err,
      );
    }
    this.metrics.checkpointDeletions++;
    if (result.deleteError !== undefined) {
      this.metrics.checkpointDeletionsFailed++;
      this.log(
        `tsdb: deleting the WAL segments up to ${last} and older checkpoints failed; replay ignores them ` +
          `and the next checkpoint retries: ${result.deleteError.message}`,
      );
    }
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

  /**
   * Writes one block holding every sample of `group` (tombstoned samples left out), which
   * replaces them. On a failure the blocks stay as they are and this throws.
   */
  async mergeBlocks(group: Block[]): Promise<BlockMeta | undefined> {
    const mint = Math.min(...group.map((b) => b.minTime));
    const maxt = Math.max(...group.map((b) => b.maxTime));
    const slicer = new TimeSlicer();
    const collect = async () => {
      const sources: SeriesChunks[][] = [];
      for (const b of group) sources.push(await b.collect(mint, maxt - 1, slicer));
      return sources;
    };
    const options = {
      level: Math.max(...group.map((b) => b.meta.compaction.level)) + 1,
      sources: [...new Set(group.flatMap((b) => b.meta.compaction.sources))].sort(),
      parents: group.map((b) => b.meta),
    };
    const names = group.map((b) => b.meta.ulid).join(', ');
    const what = `compacting blocks ${names} failed; they stay as they are`;
    const meta = await this.#writeBlock(what, collect, this.dir, mint, maxt, options, slicer);
    // As Prometheus: blocks whose every sample is deleted merge into nothing and go.
    if (meta === undefined) for (const b of group) this.#deleteBlockDir(b);
    this.reloadBlocks();
    return meta;
  }

  // Collects and writes a block. Each counts as a compaction, as Prometheus's compactor counts
  // its writes; a failed one (collect or write) is counted, logged as `what` failed, and thrown.
  async #writeBlock(
    what: string,
    collect: () => Promise<SeriesChunks[][]>,
    parent: string,
    mint: number,
    maxt: number,
    options: WriteBlockOptions,
    slicer: TimeSlicer,
  ): Promise<BlockMeta | undefined> {
    this.metrics.compactions++;
    try {
      const sources = await collect();
      return await writeBlock(parent, sources, mint, maxt, { ...options, files: this.#files }, slicer);
    } catch (err) {
      this.metrics.compactionsFailed++;
      throw this.#failed(what, err);
    }
  }

  // Logs a failure once, as "tsdb: <what>: <cause>", and returns it to throw.
  #failed(what: string, cause?: unknown): Error {
    const err =
      cause === undefined
        ? new Error(`tsdb: ${what}`)
        : new Error(`tsdb: ${what}: ${(cause as Error).message}`, { cause });
    this.log(err.message);
    this.#logged.add(err);
    return err;
  }

  /**
   * Deletes samples in [mint, maxt] of the series matching `matchers` (tombstones). As in
   * Prometheus, it waits for a compaction or tombstone clean-up under way: a block being
   * written from data collected before the deletion would bring the samples back.
   */
  delete(mint: number, maxt: number, ...matchers: Matcher[]): Promise<void> {
    return this.#exclusive(async () => {
      for (const b of this.blocks) if (b.minTime <= maxt && b.maxTime > mint) b.delete(mint, maxt, matchers);
      const stones = new Map<number, number[]>();
      for (const ref of this.head.matchingRefs(mint, maxt, matchers)) stones.set(ref, [mint, maxt]);
      if (stones.size === 0) return;
      // Logged first: if the WAL cannot take them, the head does not hide samples a restart would bring back.
      const w = new ByteWriter();
      encodeTombstones(w, stones);
      this.wal.logRecords([w.bytes().slice()]);
      for (const ref of stones.keys()) addInterval(this.head.tombstones, ref, mint, maxt);
    });
  }

  /**
   * Rewrites blocks that have tombstones without the deleted samples. A block that cannot be
   * rewritten (a full disk) stays as it is, with its tombstones; the failure is logged,
   * counted as a failed compaction, and thrown.
   */
  cleanTombstones(): Promise<BlockMeta[]> {
    return this.#exclusive(async () => {
      const out: BlockMeta[] = [];
      const slicer = new TimeSlicer();
      for (const b of [...this.blocks]) {
        if (b.tombstones.size === 0) continue;
        const { level, sources } = b.meta.compaction;
        const what = `rewriting block ${b.meta.ulid} without its deleted samples failed; it stays as it is`;
        const collect = async () => [await b.collect(b.minTime, b.maxTime - 1, slicer)];
        const options = { level, sources, parents: [b.meta] };
        const meta = await this.#writeBlock(what, collect, this.dir, b.minTime, b.maxTime, options, slicer);
        if (meta !== undefined) out.push(meta);
        else this.#deleteBlockDir(b);
        this.reloadBlocks();
      }
      return out;
    });
  }

  /**
   * Copies every block and (optionally) the head, as a block, into `dir`. Each block appears
   * there whole or not at all; on a failure (a full disk) what this call put in `dir` is
   * removed, and the failure is logged and thrown.
   */
  snapshot(dir: string, withHead = true): Promise<void> {
    return this.#exclusive(async () => {
      const created = !existsSync(dir);
      const added: string[] = [];
      try {
        this.#files.mkdir(dir);
        for (const b of this.blocks) {
          copyDirDurably(this.#files, b.dir, join(dir, b.meta.ulid));
          added.push(join(dir, b.meta.ulid));
        }
        if (withHead && this.head.numSeries > 0) {
          const slicer = new TimeSlicer();
          const { minTime, maxTime } = this.head;
          const collect = async () => [await this.head.collect(minTime, maxTime, slicer)];
          const what = `snapshot into ${dir} failed while writing the head; what it had written there is removed`;
          await this.#writeBlock(what, collect, dir, minTime, maxTime + 1, {}, slicer);
        }
      } catch (err) {
        for (const path of added) removeQuietly(path);
        if (created) removeQuietly(dir);
        if (this.#logged.has(err as Error)) throw err;
        throw this.#failed(`snapshot into ${dir} failed; what it had written there is removed`, err);
      }
    });
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
