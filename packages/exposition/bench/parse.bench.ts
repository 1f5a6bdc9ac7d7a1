// Samples per second of the streaming text parser against the npm parse-prometheus-text-format,
// on node_exporter's output and on a synthetic 100k-series scrape, two ways: as a scraper reads
// a target scrape after scrape (the series' label set from a SeriesCache kept between scrapes,
// the value and the timestamp), and with every line's labels decoded into an array.
// Run: node --conditions=@pyrometer/source --expose-gc packages/exposition/bench/parse.bench.ts
import { readFileSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { measure, printComparison, printFigures } from '../../../scripts/bench-kit.ts';
import { OpenMetricsParser, SeriesCache, TextParser } from '../src/index.ts';
import { syntheticPayload } from './synthetic-payload.ts';

const labels: string[] = [];

/**
 * What a scraper does per line, scrape after scrape of the same target: the series' label set
 * from the target's cache (keyed by the series bytes), the value and the timestamp; then it
 * forgets the series the scrape did not expose.
 */
function scrapeText(bytes: Uint8Array, cache: SeriesCache): number {
  const parser = new TextParser(bytes, { seriesCache: cache });
  let samples = 0;
  let sum = 0;
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    if (kind !== 'series') continue;
    sum += parser.series().size + parser.value() + (parser.timestamp() ?? 0);
    samples++;
  }
  cache.prune();
  return samples + (sum === -1 ? 1 : 0);
}

/** Every line's labels decoded into a reused array, the value and timestamp. */
function streamText(bytes: Uint8Array): number {
  const parser = new TextParser(bytes);
  let samples = 0;
  let sum = 0;
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    if (kind !== 'series') continue;
    parser.labels(labels);
    sum += parser.value() + (parser.timestamp() ?? 0);
    samples++;
  }
  return samples + (sum === -1 ? 1 : 0);
}

function streamOpenMetrics(bytes: Uint8Array): number {
  const parser = new OpenMetricsParser(bytes);
  let samples = 0;
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    if (kind !== 'series') continue;
    parser.labels(labels);
    parser.value();
    parser.timestamp();
    samples++;
  }
  return samples;
}

interface Payload {
  name: string;
  text: string;
  bytes: Uint8Array;
  samples: number;
}

function payload(name: string, text: string): Payload {
  const bytes = new TextEncoder().encode(text);
  return { name, text, bytes, samples: streamText(bytes) };
}

const nodeExporter = payload(
  'node_exporter 1.5',
  readFileSync(new URL('../test/fixtures/node-exporter.prom.txt', import.meta.url), 'utf8'),
);
const synthetic = payload('synthetic 100k series', syntheticPayload(100_000).text);

// Rounds alternate between the two parsers and the best round of each counts, so that load
// from other processes during one stretch does not favour either side.
const ROUNDS = 5;

function bestOf(fn: () => unknown, minMs: number): number {
  return measure(fn, { minMs, warmupMs: 200 }).hz;
}

const rows = [];
const absolute = [];
for (const p of [nodeExporter, synthetic]) {
  const minMs = p.samples > 10_000 ? 1000 : 500;
  const cache = new SeriesCache();
  let cached = 0;
  let decoded = 0;
  let baseline = 0;
  for (let round = 0; round < ROUNDS; round++) {
    cached = Math.max(cached, bestOf(() => scrapeText(p.bytes, cache), minMs) * p.samples);
    baseline = Math.max(baseline, bestOf(() => parsePrometheusTextFormat(p.text), minMs) * p.samples);
    decoded = Math.max(decoded, bestOf(() => streamText(p.bytes), minMs) * p.samples);
  }
  const name = `${p.name} (${p.samples} samples)`;
  rows.push({
    case: `${name}, series() from SeriesCache`,
    unit: 'samples/s',
    ours: cached,
    baseline,
    target: 10,
  });
  rows.push({ case: `${name}, labels() decoded every line`, unit: 'samples/s', ours: decoded, baseline });
  absolute.push({ case: `text, ${p.name}, series() from SeriesCache`, unit: 'samples/s', value: cached });
  absolute.push({ case: `text, ${p.name}, labels() decoded every line`, unit: 'samples/s', value: decoded });
}

// The same synthetic scrape as OpenMetrics (counters renamed to fit its rules), to show what
// the family checks cost.
const openMetricsText = `${synthetic.text.replace(/^# TYPE (\S+)_total counter$/gm, '# TYPE $1 counter').replace(/^# HELP (\S+)_total /gm, '# HELP $1 ')}# EOF\n`;
const openMetricsBytes = new TextEncoder().encode(openMetricsText);
const openMetricsSamples = streamOpenMetrics(openMetricsBytes);
absolute.push({
  case: `OpenMetrics, synthetic 100k series`,
  unit: 'samples/s',
  value:
    measure(() => streamOpenMetrics(openMetricsBytes), { minMs: 3000, warmupMs: 500 }).hz *
    openMetricsSamples,
});

printComparison('Streaming parse vs parse-prometheus-text-format', 'parse-prometheus-text-format', rows);
printFigures('Streaming parse, absolute (target ≥ 3M samples/s)', absolute);
