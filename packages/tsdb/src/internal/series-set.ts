import type { Labels, SampleIterator, Series, SeriesSet } from '@pyrometer/model';
import { compareLabels } from '@pyrometer/model';
import type { ChunkView } from './chunk-meta.ts';
import { ChunkSeriesIterator, MergeSampleIterator } from './series-iterator.ts';

/** One source's view of a series for a query: its chunks and deleted intervals. */
export interface SeriesChunks {
  labels: Labels;
  chunks: ChunkView[];
  deleted?: number[];
}

/** A series read from one or more sources (head, blocks), iterated lazily. */
export class StoredSeries implements Series {
  readonly labels: Labels;
  readonly #parts: SeriesChunks[];
  readonly #mint: number;
  readonly #maxt: number;

  constructor(parts: SeriesChunks[], mint: number, maxt: number) {
    this.labels = parts[0]!.labels;
    this.#parts = parts;
    this.#mint = mint;
    this.#maxt = maxt;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    const parts = this.#parts;
    if (parts.length === 1) {
      const p = parts[0]!;
      if (reuse instanceof ChunkSeriesIterator)
        return reuse.reset(p.chunks, this.#mint, this.#maxt, p.deleted);
      return new ChunkSeriesIterator(p.chunks, this.#mint, this.#maxt, p.deleted);
    }
    return new MergeSampleIterator(
      parts.map((p) => new ChunkSeriesIterator(p.chunks, this.#mint, this.#maxt, p.deleted)),
    );
  }
}

export class ArrayBackedSeriesSet implements SeriesSet {
  readonly #series: readonly Series[];
  #i = -1;

  constructor(series: readonly Series[]) {
    this.#series = series;
  }

  next(): boolean {
    return ++this.#i < this.#series.length;
  }

  at(): Series {
    return this.#series[this.#i]!;
  }

  err(): Error | undefined {
    return undefined;
  }

  warnings(): readonly string[] {
    return [];
  }
}

/**
 * Joins the series that sources found into one list: series with equal labels become one
 * series whose samples are merged; the result is sorted by labels.
 */
/** Drops chunks wholly inside a deleted interval; undefined when none is left. */
export function withoutDeletedChunks(part: SeriesChunks): SeriesChunks | undefined {
  const d = part.deleted;
  if (d === undefined || d.length === 0) return part;
  const chunks = part.chunks.filter((c) => {
    for (let i = 0; i < d.length; i += 2) if (c.mint >= d[i]! && c.maxt <= d[i + 1]!) return false;
    return true;
  });
  return chunks.length === 0 ? undefined : { labels: part.labels, chunks, deleted: d };
}

export function mergeSources(sources: readonly SeriesChunks[][], mint: number, maxt: number): Series[] {
  const all: SeriesChunks[] = [];
  for (const s of sources) for (const x of s) all.push(x);
  all.sort((a, b) => compareLabels(a.labels, b.labels));
  const out: Series[] = [];
  for (let i = 0; i < all.length; ) {
    let j = i + 1;
    while (j < all.length && all[j]!.labels.equals(all[i]!.labels)) j++;
    out.push(new StoredSeries(j - i === 1 ? [all[i]!] : joinDisjoint(all.slice(i, j)), mint, maxt));
    i = j;
  }
  return out;
}

// Parts whose chunks do not overlap in time read fastest as one chunk list; overlapping
// parts stay separate and are merged sample by sample.
function joinDisjoint(parts: SeriesChunks[]): SeriesChunks[] {
  if (parts.some((p) => p.deleted !== undefined && p.deleted.length > 0)) return parts;
  const chunks = parts.flatMap((p) => p.chunks).sort((a, b) => a.mint - b.mint);
  for (let i = 1; i < chunks.length; i++) if (chunks[i]!.mint <= chunks[i - 1]!.maxt) return parts;
  return [{ labels: parts[0]!.labels, chunks }];
}
