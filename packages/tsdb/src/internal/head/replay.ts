import type { Labels } from '@pyrometer/model';
import { addInterval } from '../tombstones.ts';
import { decodeSeries, decodeTombstones, RecordType, SampleBatch } from '../wal/records.ts';
import { replayWal, type WalRepair } from '../wal/wal.ts';
import type { Head } from './head.ts';

/**
 * Rebuilds the head from the WAL in `walDir` (checkpoint, then segments): series records
 * create series under their WAL refs, samples are applied, tombstones recorded. Samples
 * before the head's min valid time are already in a block and skipped. Returns what replay
 * repaired, if anything.
 */
export function replayIntoHead(head: Head, walDir: string): WalRepair | undefined {
  // WAL refs of series whose labels were already known under another ref, to their slots.
  const alias = new Map<number, number>();
  const batch = new SampleBatch();
  const seriesOut: { ref: number; labels: Labels }[] = [];
  const minValid = head.minValidTime;
  const slotOf = (ref: number): number => {
    const slot = head.byRef.slotOf(ref);
    return slot >= 0 ? slot : (alias.get(ref) ?? -1);
  };
  const { repair } = replayWal(walDir, (rec) => {
    switch (rec[0]) {
      case RecordType.Series: {
        seriesOut.length = 0;
        decodeSeries(rec, seriesOut);
        for (const { ref, labels } of seriesOut) {
          const slot = head.getOrCreate(labels, ref, false);
          if (head.store.ref(slot) !== ref) alias.set(ref, slot);
        }
        break;
      }
      case RecordType.Samples: {
        batch.decode(rec);
        for (let i = 0; i < batch.length; i++) {
          const t = batch.ts[i]!;
          // Samples a block already holds (a crash between compaction and checkpoint).
          if (t < minValid) continue;
          const ref = batch.refs[i]!;
          const slot = slotOf(ref);
          if (slot >= 0) head.applySample(slot, t, batch.vs[i]!);
        }
        break;
      }
      case RecordType.Tombstones: {
        const stones = new Map<number, number[]>();
        decodeTombstones(rec, stones);
        for (const [ref, iv] of stones) {
          const slot = slotOf(ref);
          if (slot < 0) continue;
          const into = head.store.ref(slot);
          for (let i = 0; i < iv.length; i += 2) addInterval(head.tombstones, into, iv[i]!, iv[i + 1]!);
        }
        break;
      }
      default:
      // Exemplars, metadata, m-map markers, histograms: not kept by this head.
    }
  });
  // Series that replay created but that hold no sample (all truncated) are dropped.
  head.truncate(minValid);
  return repair;
}
