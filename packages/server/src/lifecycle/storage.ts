import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Registry } from '@pyrometer/client';
import { type Appendable, Matcher, type MemoryStorage, type Queryable } from '@pyrometer/model';
import { openTSDB, registerTSDBMetrics } from '@pyrometer/tsdb';

export interface StorageOptions {
  /** `--storage.tsdb.path`. */
  path: string;
  retentionTimeMs: number;
  retentionSizeBytes: number;
  /** Where the TSDB's own log lines (repairs, compactions) go. */
  log?: (message: string) => void;
}

/** The head figures `/api/v1/status/tsdb` reports. */
export interface HeadStats {
  numSeries: number;
  numLabelPairs: number;
  chunkCount: number;
  minTime: number;
  maxTime: number;
}

/**
 * What the server needs from its storage: the model interfaces, plus lifecycle and the
 * optional admin operations. The TSDB will implement the optional ones; a storage without
 * them answers the admin API with "unavailable".
 */
export interface ServerStorage extends Queryable, Appendable {
  readonly kind: string;
  /** Flushes and closes; no append or query after it. */
  close(): Promise<void>;
  headStats(): Promise<HeadStats>;
  /** Series in the head now; cheap, read on every scrape of `/metrics`. */
  seriesCount(): number;
  deleteSeries?(matchers: Matcher[][], mint: number, maxt: number): Promise<void>;
  cleanTombstones?(): Promise<void>;
  /** Writes a snapshot under `<path>/snapshots/`; returns its directory name. */
  snapshot?(skipHead: boolean): Promise<string>;
  /** Registers the storage's own metrics (Prometheus's prometheus_tsdb_* names). */
  registerMetrics?(registry: Registry): void;
}

/**
 * The server's storage: the TSDB in `--storage.tsdb.path` (WAL replayed on open, blocks,
 * compaction and retention as Prometheus). Tests may pass a `MemoryStorage` instead.
 */
export async function openStorage(options: StorageOptions): Promise<ServerStorage> {
  const db = openTSDB(options.path, {
    retentionTime: options.retentionTimeMs,
    retentionSize: options.retentionSizeBytes,
    ...(options.log === undefined ? {} : { logger: options.log }),
  });
  return {
    kind: 'tsdb',
    appender: () => db.appender(),
    querier: (mint, maxt) => db.querier(mint, maxt),
    close: async () => db.close(),
    seriesCount: () => db.head.numSeries,
    headStats: async () => db.headStats(),
    registerMetrics: (registry) => registerTSDBMetrics(db, registry),
    deleteSeries: async (matcherSets, mint, maxt) => {
      for (const matchers of matcherSets) await db.delete(mint, maxt, ...matchers);
    },
    cleanTombstones: async () => {
      await db.cleanTombstones();
    },
    snapshot: async (skipHead) => {
      // As Prometheus: <UTC time as 20060102T150405Z>-<random hex> under <data>/snapshots.
      const stamp = new Date()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const name = `${stamp}-${randomBytes(8).toString('hex')}`;
      await db.snapshot(join(options.path, 'snapshots', name), !skipHead);
      return name;
    },
  };
}

/** `MemoryStorage` as a `ServerStorage` (also what tests use). */
export function memoryServerStorage(memory: MemoryStorage): ServerStorage {
  return {
    kind: 'memory',
    appender: () => memory.appender(),
    querier: (mint, maxt) => memory.querier(mint, maxt),
    close: async () => {},
    seriesCount: () => memory.seriesCount,
    headStats: async () => {
      const q = memory.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      const set = await q.select(false, undefined, new Matcher('=~', '__name__', '.*'));
      let numSeries = 0;
      let minTime = Number.POSITIVE_INFINITY;
      let maxTime = Number.NEGATIVE_INFINITY;
      const pairs = new Set<string>();
      while (set.next()) {
        const s = set.at();
        numSeries++;
        s.labels.forEach((n, v) => {
          pairs.add(`${n}\u0000${v}`);
        });
        const it = s.iterator();
        let first = true;
        while (it.next() !== 0) {
          if (first) minTime = Math.min(minTime, it.t());
          first = false;
          maxTime = Math.max(maxTime, it.t());
        }
      }
      q.close();
      return numSeries === 0 || !Number.isFinite(minTime)
        ? { numSeries, numLabelPairs: pairs.size, chunkCount: 0, minTime: 0, maxTime: 0 }
        : { numSeries, numLabelPairs: pairs.size, chunkCount: numSeries, minTime, maxTime };
    },
  };
}
