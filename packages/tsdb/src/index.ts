export type { BlockMeta } from './internal/block.ts';
export { DEFAULT_BLOCK_RANGE, DEFAULT_RETENTION, openTSDB, TSDB, type TSDBOptions } from './internal/db.ts';
export type { FileLayer } from './internal/file-layer.ts';
export type { HeadStats, StatEntry } from './internal/head/stats.ts';
export { registerTSDBMetrics, type TSDBMetrics } from './internal/metrics.ts';
export type { TSDBQuerier } from './internal/querier.ts';
export type { FsyncPolicy, WalRepair } from './internal/wal/wal.ts';
