import { SeriesCache } from '@pyrometer/exposition';
import {
  type Appender,
  type Labels,
  NO_SERIES_REF,
  type SeriesRef,
  StaleNaN,
  StorageError,
} from '@pyrometer/model';

export interface CacheEntry {
  ref: SeriesRef;
  /** The series' final labels; undefined when metric relabeling drops it. */
  labels: Labels | undefined;
  /** The scrape iteration that last exposed it, and the one that first did. */
  lastIteration: number;
  addedIteration: number;
  /** Exposed with its own timestamp: no stale marker when it disappears (as Prometheus). */
  explicitTimestamp: boolean;
}

export interface AppendCounts {
  outOfOrder: number;
  duplicate: number;
  outOfBounds: number;
}

/**
 * What a scrape loop remembers between scrapes: each exposed series with its storage ref
 * and final labels, so repeated series skip relabeling and label lookups, and so series
 * that disappear get a stale marker. The entries live in the target's parser `SeriesCache`,
 * attached to the entry of the series' bytes (what Prometheus's scrape cache is keyed by),
 * so the exposed label sets need not be kept at all.
 */
export class ScrapeCache {
  readonly series = new SeriesCache<CacheEntry>({ keepLabels: false });
  #iteration = 0;
  #inScrape = false;

  get iteration(): number {
    return this.#iteration;
  }

  /** Starts the next scrape's bookkeeping. */
  beginScrape(): void {
    this.#iteration++;
    this.#inScrape = true;
  }

  /**
   * Forgets what the scrape in progress changed, as if it never happened: its new series
   * go, the others are again "seen in the previous scrape". (After every endScrape, all
   * remaining entries were seen in that scrape, so that is all there is to restore.)
   */
  abortScrape(): void {
    if (!this.#inScrape) return;
    const iteration = this.#iteration;
    this.series.forEachAttachment((entry, e) => {
      if (entry.addedIteration === iteration) this.series.attach(e, undefined);
      else entry.lastIteration = iteration - 1;
    });
    this.#iteration--;
    this.#inScrape = false;
  }

  /** The entry of the parser's series-cache entry `e`, if remembered. */
  get(e: number): CacheEntry | undefined {
    return this.series.attachment(e);
  }

  add(e: number, labels: Labels | undefined): CacheEntry {
    const entry: CacheEntry = {
      ref: NO_SERIES_REF,
      labels,
      lastIteration: 0,
      addedIteration: this.#iteration,
      explicitTimestamp: false,
    };
    this.series.attach(e, entry);
    return entry;
  }

  /**
   * Appends stale markers at `t` for the series the previous scrape exposed and this one did
   * not, then forgets every series this scrape did not expose.
   */
  endScrape(app: Appender, t: number, counts: AppendCounts): void {
    this.#inScrape = false;
    const iteration = this.#iteration;
    const previous = iteration - 1;
    this.series.forEachAttachment((entry, e) => {
      if (entry.lastIteration === iteration) return;
      if (entry.lastIteration === previous && entry.labels !== undefined && !entry.explicitTimestamp) {
        appendCounted(app, entry, t, StaleNaN, counts);
      }
      this.series.attach(e, undefined);
    });
  }

  /** Stale markers at `t` for every series of the last scrape: the target went away. */
  markAllStale(app: Appender, t: number, counts: AppendCounts): void {
    const iteration = this.#iteration;
    this.series.forEachAttachment((entry) => {
      if (entry.lastIteration === iteration && entry.labels !== undefined && !entry.explicitTimestamp) {
        appendCounted(app, entry, t, StaleNaN, counts);
      }
    });
    this.series.clear();
  }
}

/** Appends one sample; append errors Prometheus tolerates per sample are counted, not thrown. */
export function appendCounted(
  app: Appender,
  entry: { ref: SeriesRef; labels: Labels | undefined },
  t: number,
  v: number,
  counts: AppendCounts,
): boolean {
  try {
    entry.ref = app.append(entry.ref, entry.labels!, 0, t, v);
    return true;
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    if (err.code === 'out-of-order') counts.outOfOrder++;
    else if (err.code === 'duplicate-sample') counts.duplicate++;
    else counts.outOfBounds++;
    return false;
  }
}
