import { readFileSync, rmSync } from 'node:fs';
import type { Labels } from '@pyrometer/model';
import { ByteWriter } from '../encoding.ts';
import { type FileLayer, nodeFiles, removeQuietly } from '../file-layer.ts';
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
import { checkpointName, lastCheckpoint, listCheckpoints, listSegments, segmentName } from './segments.ts';
import { WalWriter } from './writer.ts';

export interface CheckpointResult {
  index: number;
  seriesKept: number;
  samplesKept: number;
  /**
   * Set when the checkpoint was made but the segments and older checkpoint it replaces could
   * not all be deleted; replay ignores them, and the next checkpoint deletes them.
   */
  deleteError?: Error;
}

/**
 * As Prometheus: folds the previous checkpoint and segments up to `last` into
 * `checkpoint.<last>`, keeping only series `keep` accepts and samples at or after `mint`;
 * then deletes those segments and older checkpoints. The checkpoint is written under a
 * temporary name, synced and renamed, so a crash leaves either the old state or the new one;
 * on a failure (a full disk) the temporary directory is removed, nothing else has changed,
 * and the error is thrown.
 */
export async function checkpoint(
  dir: string,
  last: number,
  mint: number,
  keep: (ref: number) => boolean,
  compress: boolean,
  slicer: TimeSlicer = new TimeSlicer(),
  files: FileLayer = nodeFiles,
): Promise<CheckpointResult> {
  const prev = lastCheckpoint(dir);
  const first = prev === undefined ? 0 : prev.index + 1;
  const segments = listSegments(dir).filter((i) => i >= first && i <= last);
  const final = checkpointName(dir, last);
  const tmp = `${final}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  let out: WalWriter;
  try {
    out = new WalWriter(tmp, { compress, startSegment: 0, files });
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
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
    out.close();
    files.syncDir(tmp);
    files.rename(tmp, final);
  } catch (err) {
    try {
      out.close();
    } catch {}
    removeQuietly(tmp);
    throw err;
  }
  // Until the rename is on disk, the segments it replaces stay.
  files.syncDir(dir);
  try {
    for (const i of listSegments(dir)) if (i <= last) rmSync(segmentName(dir, i), { force: true });
    // Every older checkpoint, not only the previous one: one a failed deletion left behind too.
    for (const older of listCheckpoints(dir))
      if (older.index < last) rmSync(older.dir, { recursive: true, force: true });
  } catch (err) {
    result.deleteError = err as Error;
  }
  return result;
}
