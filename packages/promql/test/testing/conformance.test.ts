import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTestScript } from '../../src/index.ts';

// The upstream PromQL test scripts that pass with nothing failed (commands that need a native
// histogram feature not built yet, or start timestamps, are skipped). Every file passes today;
// keep the list explicit so a new upstream file is added on purpose.
const FILES = [
  'aggregators.test',
  'at_modifier.test',
  'collision.test',
  'duration_expression.test',
  'extended_vectors.test',
  'fill-modifier.test',
  'functions.test',
  'histograms.test',
  'info.test',
  'limit.test',
  'literals.test',
  'name_label_dropping.test',
  'native_histograms.test',
  'operators.test',
  'range_queries.test',
  'selectors.test',
  'staleness.test',
  'start_timestamps.test',
  'subquery.test',
  'trig_functions.test',
  'type_and_unit.test',
];

describe('upstream PromQL test scripts', () => {
  it.each(FILES)('%s', async (file) => {
    const source = readFileSync(new URL(`../fixtures/promql/${file}`, import.meta.url), 'utf8');
    const failed = (await runTestScript(source)).filter((o) => o.status === 'failed');
    expect(failed.map((o) => `${o.line}: ${o.text}\n${o.message}`)).toEqual([]);
  });
});
