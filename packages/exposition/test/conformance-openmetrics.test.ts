import { describe, expect, it } from 'vitest';
import { describeFailure, runOpenMetricsSuite } from '../bin/openmetrics-suite.ts';

describe('OpenMetrics parser test suite', () => {
  const result = runOpenMetricsSuite();

  it('has all 211 cases', () => {
    expect(result.cases).toHaveLength(211);
    expect(result.cases.filter((c) => c.shouldParse)).toHaveLength(44);
  });

  it('accepts and rejects exactly as the suite says', () => {
    expect(result.failed.map(describeFailure)).toEqual([]);
    expect(result.passed).toBe(211);
  });

  it('rejects with an ExpositionError naming a line inside the input', () => {
    for (const c of result.cases) {
      if (!c.parsed) expect(c.error, c.name).toMatch(/^exposition: line \d+, column \d+: /);
    }
  });
});
