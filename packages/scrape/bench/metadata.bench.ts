/**
 * What keeping metric metadata costs the scrape path: node_exporter's output (283 families, a
 * HELP and a TYPE line each, 507 samples; 59% of its bytes are metadata lines) read as a
 * scrape loop reads it, scrape after scrape with the target's SeriesCache, with and without
 * a MetadataCache taking the metadata lines; as the text format and as OpenMetrics. Only the
 * parse loop is timed: the rest of a scrape (HTTP, relabeling, appending) is the same either
 * way, so this is the most the metadata can add.
 * Run: node --conditions=@pyrometer/source packages/scrape/bench/metadata.bench.ts
 */
import { readFileSync } from 'node:fs';
import {
  createParser,
  type ExpositionFormat,
  parseMetricFamilies,
  SeriesCache,
  writeOpenMetrics,
} from '@pyrometer/exposition';
import { MetadataCache } from '@pyrometer/scrape';
import { measure, printFigures } from '../../../scripts/bench-kit.ts';

const text = readFileSync(new URL('../../exposition/test/fixtures/node-exporter.prom.txt', import.meta.url));
// The same as OpenMetrics (its counters as gauges: their samples do not end in `_total`).
const openMetrics = Buffer.from(
  writeOpenMetrics(parseMetricFamilies(text.toString().replace(/ counter$/gm, ' gauge'), 'text')),
);

function scraper(body: Uint8Array, format: ExpositionFormat, withMetadata: boolean): () => number {
  const seriesCache = new SeriesCache();
  const metadata = new MetadataCache();
  return () => {
    const parser = createParser(body, format, { seriesCache });
    if (withMetadata) metadata.beginScrape(body);
    let sum = 0;
    for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
      if (kind !== 'series') {
        if (withMetadata && kind !== 'comment') metadata.note(kind, parser);
        continue;
      }
      sum += parser.series().size + parser.value();
    }
    if (withMetadata) metadata.endScrape(true);
    seriesCache.prune();
    return sum;
  };
}

const rows: { case: string; unit: string; value: number }[] = [];
for (const [name, body, format] of [
  ['text', text, 'text'],
  ['OpenMetrics', openMetrics, 'openmetrics'],
] as const) {
  const without = scraper(body, format, false);
  const withMetadata = scraper(body, format, true);
  // The machine may be busy: alternate short runs of both and keep each one's best.
  let bestWithout = 0;
  let bestWith = 0;
  for (let round = 0; round < 30; round++) {
    bestWithout = Math.max(bestWithout, measure(without, { minMs: 200, warmupMs: 50 }).hz);
    bestWith = Math.max(bestWith, measure(withMetadata, { minMs: 200, warmupMs: 50 }).hz);
  }
  rows.push(
    { case: `${name}: scrapes/s without metadata`, unit: 'scrapes/s', value: bestWithout },
    { case: `${name}: scrapes/s with metadata`, unit: 'scrapes/s', value: bestWith },
    {
      case: `${name}: time the metadata adds per scrape`,
      unit: 'µs',
      value: (1 / bestWith - 1 / bestWithout) * 1e6,
    },
  );
}
printFigures(
  'Scrape parse loop over node_exporter output, with and without metadata (best of 30 runs of 200 ms)',
  rows,
);
