import type { Registry } from '@pyrometer/client';
import { Counter, Gauge } from '@pyrometer/client';
import type { TSDB } from './db.ts';

/** The figures behind the prometheus_tsdb_* metrics, by their Prometheus names. */
export interface TSDBMetrics {
  prometheus_tsdb_head_series: number;
  prometheus_tsdb_head_chunks: number;
  prometheus_tsdb_head_min_time: number;
  prometheus_tsdb_head_max_time: number;
  prometheus_tsdb_head_samples_appended_total: number;
  prometheus_tsdb_head_series_created_total: number;
  prometheus_tsdb_head_series_removed_total: number;
  prometheus_tsdb_head_chunks_created_total: number;
  prometheus_tsdb_head_chunks_removed_total: number;
  prometheus_tsdb_out_of_order_samples_total: number;
  prometheus_tsdb_out_of_bound_samples_total: number;
  prometheus_tsdb_wal_storage_size_bytes: number;
  prometheus_tsdb_wal_corruptions_total: number;
  prometheus_tsdb_wal_segment_current: number;
  prometheus_tsdb_checkpoint_creations_total: number;
  prometheus_tsdb_checkpoint_creations_failed_total: number;
  prometheus_tsdb_checkpoint_deletions_total: number;
  prometheus_tsdb_checkpoint_deletions_failed_total: number;
  prometheus_tsdb_blocks_loaded: number;
  prometheus_tsdb_storage_blocks_bytes: number;
  prometheus_tsdb_compactions_total: number;
  prometheus_tsdb_compactions_failed_total: number;
  prometheus_tsdb_symbol_table_size_bytes: number;
  prometheus_tsdb_time_retentions_total: number;
  prometheus_tsdb_size_retentions_total: number;
  prometheus_tsdb_reloads_failures_total: number;
  prometheus_tsdb_lowest_timestamp: number;
}

const HELP: Record<keyof TSDBMetrics, string> = {
  prometheus_tsdb_head_series: 'Total number of series in the head block.',
  prometheus_tsdb_head_chunks: 'Total number of chunks in the head block.',
  prometheus_tsdb_head_min_time: 'Minimum time bound of the head block.',
  prometheus_tsdb_head_max_time: 'Maximum timestamp of the head block.',
  prometheus_tsdb_head_samples_appended_total: 'Total number of appended samples.',
  prometheus_tsdb_head_series_created_total: 'Total number of series created in the head.',
  prometheus_tsdb_head_series_removed_total: 'Total number of series removed in the head.',
  prometheus_tsdb_head_chunks_created_total: 'Total number of chunks created in the head.',
  prometheus_tsdb_head_chunks_removed_total: 'Total number of chunks removed in the head.',
  prometheus_tsdb_out_of_order_samples_total:
    'Total number of out of order samples ingestion failed attempts.',
  prometheus_tsdb_out_of_bound_samples_total:
    'Total number of out of bound samples ingestion failed attempts.',
  prometheus_tsdb_wal_storage_size_bytes: 'Size of the write log directory.',
  prometheus_tsdb_wal_corruptions_total: 'Total number of WAL corruptions.',
  prometheus_tsdb_wal_segment_current: 'Write log segment index that TSDB is currently writing to.',
  prometheus_tsdb_checkpoint_creations_total: 'Total number of checkpoint creations attempted.',
  prometheus_tsdb_checkpoint_creations_failed_total: 'Total number of checkpoint creations that failed.',
  prometheus_tsdb_checkpoint_deletions_total: 'Total number of checkpoint deletions attempted.',
  prometheus_tsdb_checkpoint_deletions_failed_total: 'Total number of checkpoint deletions that failed.',
  prometheus_tsdb_blocks_loaded: 'Number of currently loaded data blocks.',
  prometheus_tsdb_storage_blocks_bytes:
    'The number of bytes that are currently used for local storage by all blocks.',
  prometheus_tsdb_compactions_total: 'Total number of compactions that were executed for the partition.',
  prometheus_tsdb_compactions_failed_total: 'Total number of compactions that failed for the partition.',
  prometheus_tsdb_symbol_table_size_bytes: 'Size of symbol table in memory for loaded blocks.',
  prometheus_tsdb_time_retentions_total:
    'The number of times that blocks were deleted because the maximum time limit was exceeded.',
  prometheus_tsdb_size_retentions_total:
    'The number of times that blocks were deleted because the maximum number of bytes was exceeded.',
  prometheus_tsdb_reloads_failures_total:
    'Number of times the database failed to reloadBlocks block data from disk.',
  prometheus_tsdb_lowest_timestamp: 'Lowest timestamp value stored in the database.',
};

/** Counters the database keeps about itself; gauges are read from its state on demand. */
export class TSDBMetricsState {
  readonly #db: TSDB;
  /** Blocks written (head, leveled, tombstone cleaning, snapshot), failed ones included. */
  compactions = 0;
  compactionsFailed = 0;
  /** Total time spent persisting the head into blocks. */
  headCompactionSecondsSum = 0;
  /** Checkpoints attempted. */
  checkpoints = 0;
  checkpointsFailed = 0;
  /** Deletions of what a new checkpoint replaces (segments and the older checkpoint). */
  checkpointDeletions = 0;
  checkpointDeletionsFailed = 0;
  walCorruptions = 0;
  corruptions = 0;
  timeRetentions = 0;
  sizeRetentions = 0;

  constructor(db: TSDB) {
    this.#db = db;
  }

  snapshot(): TSDBMetrics {
    const db = this.#db;
    const head = db.head;
    const c = head.counters;
    const blocksBytes = db.blocks.reduce((n, b) => n + b.size(), 0);
    const lowest = db.blocks[0]?.minTime ?? head.minTime;
    return {
      prometheus_tsdb_head_series: head.numSeries,
      prometheus_tsdb_head_chunks: head.chunkCount(),
      prometheus_tsdb_head_min_time: Number.isFinite(head.minTime) ? head.minTime : 0,
      prometheus_tsdb_head_max_time: Number.isFinite(head.maxTime) ? head.maxTime : 0,
      prometheus_tsdb_head_samples_appended_total: c.samplesAppended,
      prometheus_tsdb_head_series_created_total: c.seriesCreated,
      prometheus_tsdb_head_series_removed_total: c.seriesRemoved,
      prometheus_tsdb_head_chunks_created_total: c.chunksCreated,
      prometheus_tsdb_head_chunks_removed_total: c.chunksRemoved,
      prometheus_tsdb_out_of_order_samples_total: c.outOfOrderSamples,
      prometheus_tsdb_out_of_bound_samples_total: c.outOfBoundSamples,
      prometheus_tsdb_wal_storage_size_bytes: db.walSize(),
      prometheus_tsdb_wal_corruptions_total: this.walCorruptions,
      prometheus_tsdb_wal_segment_current: db.wal.writer.segment,
      prometheus_tsdb_checkpoint_creations_total: this.checkpoints,
      prometheus_tsdb_checkpoint_creations_failed_total: this.checkpointsFailed,
      prometheus_tsdb_checkpoint_deletions_total: this.checkpointDeletions,
      prometheus_tsdb_checkpoint_deletions_failed_total: this.checkpointDeletionsFailed,
      prometheus_tsdb_blocks_loaded: db.blocks.length,
      prometheus_tsdb_storage_blocks_bytes: blocksBytes,
      prometheus_tsdb_compactions_total: this.compactions,
      prometheus_tsdb_compactions_failed_total: this.compactionsFailed,
      prometheus_tsdb_symbol_table_size_bytes: db.blocks.reduce(
        (n, b) => n + b.index.symbols.reduce((m, s) => m + s.length, 0),
        0,
      ),
      prometheus_tsdb_time_retentions_total: this.timeRetentions,
      prometheus_tsdb_size_retentions_total: this.sizeRetentions,
      prometheus_tsdb_reloads_failures_total: this.corruptions,
      prometheus_tsdb_lowest_timestamp: Number.isFinite(lowest) ? lowest : 0,
    };
  }
}

/**
 * Registers the database's prometheus_tsdb_* metrics in `registry`, read at scrape time.
 * Names ending in `_total` are counters, the rest gauges, as in Prometheus.
 */
export function registerTSDBMetrics(db: TSDB, registry: Registry): void {
  let current: TSDBMetrics | undefined;
  const read = (name: keyof TSDBMetrics): number => {
    current ??= db.metricsSnapshot();
    const v = current[name];
    // Each scrape reads a fresh snapshot: the last metric clears it.
    if (name === LAST) current = undefined;
    return v;
  };
  for (const name of Object.keys(HELP) as (keyof TSDBMetrics)[]) {
    if (name.endsWith('_total')) {
      new Counter({
        name,
        help: HELP[name],
        registers: [registry],
        collect(this: Counter) {
          this.reset();
          this.inc(read(name));
        },
      });
    } else {
      new Gauge({
        name,
        help: HELP[name],
        registers: [registry],
        collect(this: Gauge) {
          this.set(read(name));
        },
      });
    }
  }
}

const LAST = (Object.keys(HELP) as (keyof TSDBMetrics)[]).at(-1)!;
