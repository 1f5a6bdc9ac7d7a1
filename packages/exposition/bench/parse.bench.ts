// Samples per second of the streaming text parser against the npm parse-prometheus-text-format,
// on node_exporter's output and on a synthetic 100k-series scrape.
// Run: node --conditions=@pyrometer/source --expose-gc packages/exposition/bench/parse.bench.ts
import { readFileSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { measure, printComparison, printFigures } from '../../../scripts/bench-kit.ts';
import { OpenMetricsParser, TextParser } from '../src/index.ts';
import { syntheticPayload } from './synthetic-payload.ts';

const labels: string[] = [];

/** What a scraper does per line: read the labels into a reused array, the value and timestamp. */
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
  let ours = 0;
  let baseline = 0;
  for (let round = 0; round < ROUNDS; round++) {
    ours = Math.max(ours, bestOf(() => streamText(p.bytes), minMs) * p.samples);
    baseline = Math.max(baseline, bestOf(() => parsePrometheusTextFormat(p.text), minMs) * p.samples);
  }
  rows.push({ case: `${p.name} (${p.samples} samples)`, unit: 'samples/s', ours, baseline, target: 10 });
  absolute.push({ case: `text, ${p.name}`, unit: 'samples/s', value: ours });
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
