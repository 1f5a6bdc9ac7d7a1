import type { LabelHints, Labels, Matcher, Querier, SelectHints, SeriesSet } from '@pyrometer/model';
import { compareStrings } from '@pyrometer/model';
import { ArrayBackedSeriesSet, mergeSources, type SeriesChunks } from './series-set.ts';

/** One source a querier reads: the head or a persisted block. */
export interface QuerySource {
  select(mint: number, maxt: number, matchers: readonly Matcher[]): SeriesChunks[];
  /** Labels of the matching series with samples in [mint, maxt]. */
  matchingLabels(mint: number, maxt: number, matchers: readonly Matcher[]): Labels[];
  /** Every value of `name` (any order), for label-value queries without matchers. */
  labelValues(name: string): Iterable<string>;
  labelNames(): Iterable<string>;
}

/** Reads [mint, maxt] across the head and the blocks that overlap it, merged by labels. */
export class TSDBQuerier implements Querier {
  readonly #sources: readonly QuerySource[];
  readonly #mint: number;
  readonly #maxt: number;
  readonly #onClose: () => void;

  constructor(sources: readonly QuerySource[], mint: number, maxt: number, onClose: () => void = () => {}) {
    this.#sources = sources;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#onClose = onClose;
  }

  select(_sorted: boolean, hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet {
    // Hints may narrow the range (as Prometheus: the engine passes the selector's own range).
    const mint = Math.max(this.#mint, hints?.start ?? this.#mint);
    const maxt = Math.min(this.#maxt, hints?.end ?? this.#maxt);
    if (matchers.length === 0) throw new Error('tsdb: select needs at least one matcher');
    const parts = this.#sources.map((s) => s.select(mint, maxt, matchers));
    let series = mergeSources(parts, mint, maxt);
    if (hints?.limit !== undefined && hints.limit > 0) series = series.slice(0, hints.limit);
    return new ArrayBackedSeriesSet(series);
  }

  async labelValues(name: string, hints?: LabelHints, ...matchers: Matcher[]): Promise<string[]> {
    const values = new Set<string>();
    if (matchers.length === 0) {
      for (const s of this.#sources) for (const v of s.labelValues(name)) values.add(v);
    } else {
      for (const s of this.#sources) {
        for (const l of s.matchingLabels(this.#mint, this.#maxt, matchers)) {
          const v = l.get(name);
          if (v !== '') values.add(v);
        }
      }
    }
    return limit([...values].sort(compareStrings), hints);
  }

  async labelNames(hints?: LabelHints, ...matchers: Matcher[]): Promise<string[]> {
    const names = new Set<string>();
    if (matchers.length === 0) {
      for (const s of this.#sources) for (const n of s.labelNames()) names.add(n);
    } else {
      for (const s of this.#sources) {
        for (const l of s.matchingLabels(this.#mint, this.#maxt, matchers))
          l.forEach((n) => {
            names.add(n);
          });
      }
    }
    return limit([...names].sort(compareStrings), hints);
  }

  close(): void {
    this.#onClose();
  }
}

function limit(values: string[], hints: LabelHints | undefined): string[] {
  return hints?.limit !== undefined && hints.limit > 0 ? values.slice(0, hints.limit) : values;
}
