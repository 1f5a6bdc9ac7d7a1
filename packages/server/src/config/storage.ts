import type { Node } from 'yaml';
import { byteSize, duration, float, int, text } from './kinds.ts';
import { type DecodeContext, type Kind, Mapping } from './yaml-reader.ts';

export interface TsdbRetentionConfig {
  /** 0 when unset: the command line decides. */
  timeMs: number;
  /** Bytes; 0 when unset. */
  size: number;
  /** Share of the disk, 0–100; 0 when unset. */
  percentage: number;
}

export interface TsdbConfig {
  outOfOrderTimeWindowMs: number;
  staleSeriesCompactionThreshold: number;
  retention: TsdbRetentionConfig;
  /** Float chunk encoding; Prometheus's default is 'xor'. */
  floatChunkEncoding: 'xor' | 'xor2';
}

export interface StorageConfig {
  tsdb: TsdbConfig;
  exemplars: { maxExemplars: number };
}

const retention: Kind<TsdbRetentionConfig> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.TSDBRetentionConfig', ['time', 'size', 'percentage']);
    const size = m.get('size', byteSize, 0);
    if (size < 0) m.fail('size', "'storage.tsdb.retention.size' must be greater than or equal to 0");
    const percentage = m.get('percentage', float, 0);
    if (percentage < 0 || percentage > 100) {
      m.fail('percentage', "'storage.tsdb.retention.percentage' must be in the range [0, 100]");
    }
    return { timeMs: m.get('time', duration, 0), size, percentage };
  },
};

const floatEncoding: Kind<'xor' | 'xor2'> = {
  decode(node, ctx) {
    const m = new Mapping(ctx, node, 'config.TSDBChunkEncodingConfig', ['floats']);
    const floats = m.get('floats', text, 'xor');
    if (floats !== 'xor' && floats !== 'xor2') {
      m.fail(
        'floats',
        `'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got ${JSON.stringify(floats)}`,
      );
    }
    return floats as 'xor' | 'xor2';
  },
};

function readTsdb(node: Node | null, ctx: DecodeContext): TsdbConfig {
  const m = new Mapping(ctx, node, 'config.TSDBConfig', [
    'out_of_order_time_window',
    'stale_series_compaction_threshold',
    'retention',
    'chunk_encoding',
  ]);
  return {
    outOfOrderTimeWindowMs: m.get('out_of_order_time_window', duration, 0),
    staleSeriesCompactionThreshold: m.get('stale_series_compaction_threshold', float, 0),
    retention: m.get('retention', retention, { timeMs: 0, size: 0, percentage: 0 }),
    floatChunkEncoding: m.get('chunk_encoding', floatEncoding, 'xor'),
  };
}

export function readStorage(node: Node | null, ctx: DecodeContext): StorageConfig {
  const m = new Mapping(ctx, node, 'config.StorageConfig', ['tsdb', 'exemplars']);
  const exemplars = new Mapping(ctx, m.value('exemplars'), 'config.ExemplarsConfig', ['max_exemplars']);
  return {
    tsdb: readTsdb(m.value('tsdb'), ctx),
    exemplars: { maxExemplars: exemplars.get('max_exemplars', int, 100_000) },
  };
}
