import { existsSync, fdatasync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { ByteWriter } from '../encoding.ts';
import type { CommitLog } from '../head/head.ts';
import { readSegments, type WalCorruption } from './reader.ts';
import { encodeSamples } from './records.ts';
import { lastCheckpoint, listSegments, segmentName } from './segments.ts';
import { WalWriter, type WalWriterOptions } from './writer.ts';

/** When the WAL asks the OS to put written bytes on disk. */
export type FsyncPolicy = 'always' | 'never';

export interface WalOptions extends WalWriterOptions {
  fsync?: FsyncPolicy;
}

/** What replay found wrong and repaired. */
export interface WalRepair extends WalCorruption {
  /** Bytes dropped from the corrupt segment plus the size of every later segment removed. */
  droppedBytes: number;
  removedSegments: number[];
}

// Samples records of at most this many samples keep each record within a few pages.
const SAMPLES_PER_RECORD = 5000;

/** The head's write-ahead log: every commit becomes series and samples records. */
export class Wal implements CommitLog {
  readonly writer: WalWriter;
  readonly fsync: FsyncPolicy;
  readonly #buf = new ByteWriter(64 * 1024);

  constructor(dir: string, options: WalOptions = {}) {
    this.writer = new WalWriter(dir, options);
    this.fsync = options.fsync ?? 'never';
  }

  logCommit(
    series: Uint8Array | undefined,
    refs: Float64Array,
    ts: Float64Array,
    vs: Float64Array,
    n: number,
  ): Promise<void> | undefined {
    // The samples records are encoded into one buffer, then cut into views: `log` copies
    // them out before it returns, so the buffer is free again for the next commit.
    const w = this.#buf;
    w.reset();
    const ends: number[] = [];
    for (let from = 0; from < n; from += SAMPLES_PER_RECORD) {
      encodeSamples(w, refs, ts, vs, from, Math.min(n, from + SAMPLES_PER_RECORD));
      ends.push(w.len);
    }
    const recs: Uint8Array[] = series === undefined ? [] : [series];
    for (let i = 0, start = 0; i < ends.length; start = ends[i++]!)
      recs.push(w.buf.subarray(start, ends[i]!));
    this.writer.log(recs);
    if (this.fsync !== 'always') return undefined;
    const fd = this.writer.fd;
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /** Logs prepared records (tombstones, checkpoint content). */
  logRecords(recs: Uint8Array[]): void {
    this.writer.log(recs);
  }

  close(): void {
    this.writer.close();
  }
}

/**
 * Reads the newest checkpoint and the segments after it, record by record. On a torn or
 * corrupt record, truncates its segment there, removes every later segment, and returns
 * what was dropped; everything before it has been delivered.
 */
export function replayWal(
  dir: string,
  onRecord: (rec: Uint8Array) => void,
): { repair: WalRepair | undefined; lastSegment: number } {
  // A checkpoint a crash left half-written; the segments it was made from are all still there.
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (/^checkpoint\.\d+\.tmp$/.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
  const cp = lastCheckpoint(dir);
  let first = 0;
  if (cp !== undefined) {
    const c = readSegments(cp.dir, listSegments(cp.dir), onRecord);
    if (c !== undefined)
      throw new Error(
        `tsdb: checkpoint ${cp.dir} is corrupt at segment ${c.segment} offset ${c.offset}: ${c.reason}`,
      );
    first = cp.index + 1;
  }
  const segments = listSegments(dir).filter((i) => i >= first);
  const corruption = readSegments(dir, segments, onRecord);
  const lastSegment = segments.length > 0 ? segments[segments.length - 1]! : first - 1;
  if (corruption === undefined) return { repair: undefined, lastSegment };
  const path = segmentName(dir, corruption.segment);
  let droppedBytes = statSync(path).size - corruption.offset;
  truncateSync(path, corruption.offset);
  const removedSegments = segments.filter((i) => i > corruption.segment);
  for (const i of removedSegments) {
    const p = segmentName(dir, i);
    droppedBytes += statSync(p).size;
    rmSync(p);
  }
  return { repair: { ...corruption, droppedBytes, removedSegments }, lastSegment: corruption.segment };
}
