import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExemplarSink, ExpositionError, OpenMetricsParser } from '../src/index.ts';

/** The copy of the OpenMetrics parser test cases kept with this package. */
export const DEFAULT_SUITE_DIR = new URL(
  '../test/fixtures/openmetrics/tests/testdata/parsers/',
  import.meta.url,
).pathname;

export interface CaseResult {
  name: string;
  shouldParse: boolean;
  parsed: boolean;
  /** The parser's error message when it rejected the input. */
  error?: string;
}

export interface SuiteResult {
  passed: number;
  failed: CaseResult[];
  cases: CaseResult[];
}

interface CaseDescription {
  type: string;
  file: string;
  shouldParse: boolean;
}

/**
 * Runs every case folder under `dir` (each a `test.json` and the input it names) through the
 * OpenMetrics parser, reading every entry to the end as a scraper would, and compares
 * acceptance with the case's `shouldParse`.
 */
export function runOpenMetricsSuite(dir: string = DEFAULT_SUITE_DIR): SuiteResult {
  const cases: CaseResult[] = [];
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    const description = JSON.parse(readFileSync(join(dir, name, 'test.json'), 'utf8')) as CaseDescription;
    const input = new Uint8Array(readFileSync(join(dir, name, description.file)));
    const result: CaseResult = { name, shouldParse: description.shouldParse, parsed: true };
    try {
      parseToEnd(input);
    } catch (error) {
      if (!(error instanceof ExpositionError)) throw error;
      result.parsed = false;
      result.error = error.message;
    }
    cases.push(result);
  }
  const failed = cases.filter((c) => c.parsed !== c.shouldParse);
  return { passed: cases.length - failed.length, failed, cases };
}

function parseToEnd(input: Uint8Array): void {
  const parser = new OpenMetricsParser(input);
  const labels: string[] = [];
  const exemplar: ExemplarSink = { labels: [], value: 0, timestamp: undefined };
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    if (kind === 'series') {
      parser.labels(labels);
      parser.value();
      parser.timestamp();
      parser.exemplar(exemplar);
    }
  }
}

/** One line per failing case: its name, what was expected, what happened. */
export function describeFailure(result: CaseResult): string {
  const expected = result.shouldParse ? 'accept' : 'reject';
  const got = result.parsed ? 'accepted' : `rejected: ${result.error}`;
  return `FAIL ${result.name}: expected ${expected}, got ${got}`;
}
