import { readFileSync, renameSync, rmSync } from 'node:fs';
import type { Labels } from '@pyrometer/model';
import { ByteWriter } from '../encoding.ts';
import { TimeSlicer } from '../time-slicer.ts';
import { segmentRecords } from './reader.ts';
import {
  decodeSeries,
  decodeTombstones,
  encodeSamples,
  encodeSeries,
  encodeTombstones,
  RecordType,
  SampleBatch,
} from './records.ts';
import { checkpointName, lastCheckpoint, listSegments, segmentName } from './segments.ts';
import { WalWriter } from './writer.ts';

export interface CheckpointResult {
  index: number;
  seriesKept: number;
  samplesKept: number;
}

/**
 * As Prometheus: folds the previous checkpoint and segments up to `last` into
 * `checkpoint.<last>`, keeping only series `keep` accepts and samples at or after `mint`;
 * then deletes those segments and older checkpoints. The checkpoint is written under a
 * temporary name and renamed, so a crash leaves either the old state or the new one.
 */
export async function checkpoint(
  dir: string,
  last: number,
  mint: number,
  keep: (ref: number) => boolean,
  compress: boolean,
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<CheckpointResult> {
  const prev = lastCheckpoint(dir);
  const first = prev === undefined ? 0 : prev.index + 1;
  const segments = listSegments(dir).filter((i) => i >= first && i <= last);
  const tmp = `${checkpointName(dir, last)}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const out = new WalWriter(tmp, { compress, startSegment: 0 });
  const w = new ByteWriter(64 * 1024);
  const series: { ref: number; labels: Labels }[] = [];
  const batch = new SampleBatch();
  const kept = new SampleBatch();
  const stones = new Map<number, number[]>();
  const result: CheckpointResult = { index: last, seriesKept: 0, samplesKept: 0 };
  const onRecord = (rec: Uint8Array) => {
    switch (rec[0]) {
      case RecordType.Series: {
        series.length = 0;
        decodeSeries(rec, series);
        const live = series.filter((s) => keep(s.ref));
        if (live.length === 0) return;
        w.reset();
        encodeSeries(w, live);
        out.log([w.bytes().slice()]);
        result.seriesKept += live.length;
        return;
      }
      case RecordType.Samples: {
        batch.decode(rec);
        let n = 0;
        for (let i = 0; i < batch.length; i++) {
          if (batch.ts[i]! < mint || !keep(batch.refs[i]!)) continue;
          kept.refs[n] = batch.refs[i]!;
          kept.ts[n] = batch.ts[i]!;
          kept.vs[n] = batch.vs[i]!;
          n++;
          if (n === kept.refs.length) {
            flushSamples(n);
            n = 0;
          }
        }
        flushSamples(n);
        return;
      }
      case RecordType.Tombstones: {
        stones.clear();
        decodeTombstones(rec, stones);
        for (const ref of [...stones.keys()]) if (!keep(ref)) stones.delete(ref);
        if (stones.size === 0) return;
        w.reset();
        encodeTombstones(w, stones);
        out.log([w.bytes().slice()]);
        return;
      }
      default:
    }
  };
  const flushSamples = (n: number) => {
    if (n === 0) return;
    w.reset();
    encodeSamples(w, kept.refs, kept.ts, kept.vs, 0, n);
    out.log([w.bytes().slice()]);
    result.samplesKept += n;
  };
  const readAll = async (from: string, indices: readonly number[]) => {
    for (const index of indices) {
      const it = segmentRecords(readFileSync(segmentName(from, index)), index);
      for (;;) {
        const r = it.next();
        if (r.done === true) {
          if (r.value !== undefined)
            throw new Error(
              `WAL ${from} segment ${index} is corrupt at ${r.value.offset}: ${r.value.reason}`,
            );
          break;
        }
        onRecord(r.value);
        await slicer.maybeYield();
      }
    }
  };
  try {
    if (prev !== undefined) await readAll(prev.dir, listSegments(prev.dir));
    await readAll(dir, segments);
  } finally {
    out.close();
  }
  renameSync(tmp, checkpointName(dir, last));
  for (const i of listSegments(dir)) if (i <= last) rmSync(segmentName(dir, i), { force: true });
  if (prev !== undefined) rmSync(prev.dir, { recursive: true, force: true });
  return result;
}
