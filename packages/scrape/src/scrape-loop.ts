import { createParser, type ExpositionFormat } from '@pyrometer/exposition';
import {
  type Appendable,
  type Appender,
  type Labels,
  NO_SERIES_REF,
  type SeriesRef,
  StaleNaN,
} from '@pyrometer/model';
import type { HttpClient } from '@pyrometer/transport';
import type { ScrapeConfig } from './config.ts';
import { fetchMetrics } from './fetch-body.ts';
import { type AppendCounts, appendCounted, ScrapeCache } from './scrape-cache.ts';
import { checkLabelLimits, seriesLabels } from './series-labels.ts';
import type { Target } from './target.ts';

export interface ScrapeLoopOptions {
  target: Target;
  config: ScrapeConfig;
  client: HttpClient;
  appendable: Appendable;
  /** Clock, ms since the epoch (injectable for tests). */
  now?: () => number;
  /** How far a scrape may start from its schedule and still be stamped with the scheduled time, ms. */
  timestampToleranceMs?: number;
  /** Seeds the spread of targets over the interval (Prometheus uses the server's identity). */
  offsetSeed?: number;
}

/** What one scrape did, as the synthetic series report it. */
export interface ScrapeReport {
  up: boolean;
  error: string;
  durationMs: number;
  samplesScraped: number;
  samplesPostMetricRelabeling: number;
  seriesAdded: number;
  appendErrors: AppendCounts;
}

class SampleLimitError extends Error {}

const REPORT_NAMES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;

/**
 * Scrapes one target on its interval and appends what it exposes, with Prometheus's
 * semantics: the target's labels attached, metric relabeling, limits, the five synthetic
 * series, and stale markers for series that disappear, for a failed scrape, and for a
 * target that goes away. Each scrape is one appender transaction.
 */
export class ScrapeLoop {
  readonly target: Target;
  readonly #config: ScrapeConfig;
  readonly #client: HttpClient;
  readonly #appendable: Appendable;
  readonly #now: () => number;
  readonly #tolerance: number;
  readonly #offsetSeed: number;
  // Per series, in the parser's cache of series bytes: on a hit no label is decoded.
  readonly #cache = new ScrapeCache();
  readonly #targetLabels: Labels;
  readonly #reportLabels: Labels[];
  readonly #reportRefs: SeriesRef[] = REPORT_NAMES.map(() => NO_SERIES_REF);
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  #lastScrapeTs = 0;

  constructor(options: ScrapeLoopOptions) {
    this.target = options.target;
    this.#config = options.config;
    this.#client = options.client;
    this.#appendable = options.appendable;
    this.#now = options.now ?? Date.now;
    this.#tolerance = options.timestampToleranceMs ?? 2;
    this.#offsetSeed = options.offsetSeed ?? 0;
    this.#targetLabels = this.target.labels();
    this.#reportLabels = REPORT_NAMES.map((name) =>
      this.#targetLabels.builder().set('__name__', name).labels(),
    );
  }

  /** Starts scraping at this target's offset within the interval. */
  start(): void {
    const interval = this.target.scrapeIntervalMs;
    const offset = (this.target.internalLabels.hash() ^ this.#offsetSeed) % interval;
    const now = this.#now();
    let next = now - (now % interval) + offset;
    if (next < now) next += interval;
    this.#schedule(next);
  }

  /**
   * Stops the loop after any scrape in progress. With `markStale` (the target went away),
   * every series of the last scrape and the synthetic series get a stale marker.
   */
  async stop(markStale: boolean): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    if (!markStale || this.#lastScrapeTs === 0) return;
    const app = this.#appendable.appender();
    const counts: AppendCounts = { outOfOrder: 0, duplicate: 0, outOfBounds: 0 };
    const t = Math.max(this.#now(), this.#lastScrapeTs + 1);
    this.#cache.markAllStale(app, t, counts);
    this.#reportLabels.forEach((labels, i) => {
      const entry = { ref: this.#reportRefs[i]!, labels };
      appendCounted(app, entry, t, StaleNaN, counts);
    });
    await app.commit();
  }

  #schedule(at: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(
      () => {
        this.#running = this.scrapeAndReport(at)
          .catch((err: Error) => {
            // The storage refused the commit: the target's health says so until the next scrape.
            this.target.health = 'down';
            this.target.lastError = err.message;
          })
          .finally(() => {
            this.#running = undefined;
            const interval = this.target.scrapeIntervalMs;
            let next = at + interval;
            // A scrape that overran its interval skips the ticks it missed.
            while (next <= this.#now()) next += interval;
            this.#schedule(next);
          });
      },
      Math.max(0, at - this.#now()),
    );
  }

  /** Scrapes once now (scheduled for `scheduledTs`) and appends the samples and the report. */
  async scrapeAndReport(scheduledTs: number = this.#now()): Promise<ScrapeReport> {
    const start = this.#now();
    // As Prometheus: stamp with the schedule when on time, so timestamps stay regular and compress.
    const ts = Math.abs(start - scheduledTs) <= this.#tolerance ? scheduledTs : start;
    const report: ScrapeReport = {
      up: true,
      error: '',
      durationMs: 0,
      samplesScraped: 0,
      samplesPostMetricRelabeling: 0,
      seriesAdded: 0,
      appendErrors: { outOfOrder: 0, duplicate: 0, outOfBounds: 0 },
    };
    let app = this.#appendable.appender();
    try {
      const body = await fetchMetrics(
        this.#client,
        this.target.url(),
        this.#config,
        this.target.scrapeTimeoutMs,
      );
      this.#appendScrape(app, body.bytes, body.format, ts, report);
    } catch (err) {
      report.up = false;
      report.error = (err as Error).message;
      // A failed scrape keeps nothing of what it parsed and marks everything of the last one stale.
      app.rollback();
      this.#cache.abortScrape();
      app = this.#appendable.appender();
      report.samplesScraped = 0;
      report.samplesPostMetricRelabeling = 0;
      report.seriesAdded = 0;
      this.#cache.beginScrape();
      this.#cache.endScrape(app, ts, report.appendErrors);
      // As Prometheus: what the metadata lines said stays, and a failed scrape expires none.
      this.target.metadataCache.endScrape(false);
    }
    report.durationMs = this.#now() - start;
    this.#appendReport(app, ts, report);
    await app.commit();
    this.#lastScrapeTs = ts;
    const t = this.target;
    t.health = report.up ? 'up' : 'down';
    t.lastError = report.error;
    t.lastScrape = start;
    t.lastScrapeDurationMs = report.durationMs;
    t.lastScrapeSamples = report.samplesScraped;
    return report;
  }

  #appendScrape(
    app: Appender,
    bytes: Uint8Array,
    format: ExpositionFormat,
    ts: number,
    report: ScrapeReport,
  ): void {
    const config = this.#config;
    const cache = this.#cache;
    const metadata = this.target.metadataCache;
    const parser = createParser(bytes, format, { seriesCache: cache.series });
    cache.beginScrape();
    metadata.beginScrape(bytes);
    const iteration = cache.iteration;
    for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
      if (kind !== 'series') {
        if (kind !== 'comment') metadata.note(kind, parser);
        continue;
      }
      report.samplesScraped++;
      const e = parser.seriesEntry();
      let entry = cache.get(e);
      let added = false;
      if (entry === undefined) {
        const labels = seriesLabels(parser.series(), this.#targetLabels, config);
        if (labels !== undefined) checkLabelLimits(labels, config);
        entry = cache.add(e, labels);
        added = true;
      } else if (entry.lastIteration === iteration) {
        // The same series twice in one exposition: as Prometheus, the second is a duplicate.
        report.appendErrors.duplicate++;
        continue;
      }
      entry.lastIteration = iteration;
      if (entry.labels === undefined) continue;
      report.samplesPostMetricRelabeling++;
      if (config.sampleLimit > 0 && report.samplesPostMetricRelabeling > config.sampleLimit) {
        throw new SampleLimitError('sample limit exceeded');
      }
      const exposedTs = parser.timestamp();
      const useExposed = config.honorTimestamps && exposedTs !== undefined;
      entry.explicitTimestamp = useExposed && !config.trackTimestampsStaleness;
      if (
        appendCounted(app, entry, useExposed ? exposedTs : ts, parser.value(), report.appendErrors) &&
        added
      ) {
        report.seriesAdded++;
        // Keep the storage's copy of the labels (an equal label set) instead of a second one.
        const stored = app.storedLabels?.(entry.ref);
        if (stored !== undefined && stored !== entry.labels && stored.equals(entry.labels)) {
          entry.labels = stored;
        }
      }
    }
    cache.endScrape(app, ts, report.appendErrors);
    // As Prometheus, an empty body does not count as a scrape that could expire metadata.
    metadata.endScrape(bytes.length > 0);
    // Only a scrape read to the end may drop the parser's entries for series it did not see.
    cache.series.prune();
  }

  #appendReport(app: Appender, ts: number, report: ScrapeReport): void {
    const values = [
      report.up ? 1 : 0,
      report.durationMs / 1000,
      report.samplesScraped,
      report.samplesPostMetricRelabeling,
      report.seriesAdded,
    ];
    this.#reportLabels.forEach((labels, i) => {
      const entry = { ref: this.#reportRefs[i]!, labels };
      appendCounted(app, entry, ts, values[i]!, report.appendErrors);
      this.#reportRefs[i] = entry.ref;
    });
  }
}
