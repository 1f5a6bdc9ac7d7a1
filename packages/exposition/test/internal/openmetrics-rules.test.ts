import { describe, expect, it } from 'vitest';
import { ExpositionError, OpenMetricsParser } from '../../src/index.ts';

// The rules are fed by the parser, so they are tested through it: each input is one family
// (or a few), ended by `# EOF`.
function check(lines: string[]): string | undefined {
  const parser = new OpenMetricsParser(`${lines.join('\n')}\n# EOF\n`);
  try {
    while (parser.next() !== 'eof');
    return undefined;
  } catch (error) {
    if (error instanceof ExpositionError) return error.message;
    throw error;
  }
}

describe('OpenMetrics family rules', () => {
  it.each([
    [
      'histograms with several metrics',
      [
        '# TYPE h histogram',
        'h_bucket{a="1",le="1"} 0',
        'h_bucket{a="1",le="+Inf"} 1',
        'h_count{a="1"} 1',
        'h_sum{a="1"} 2',
        'h_bucket{a="2",le="+Inf"} 0',
      ],
    ],
    [
      'labels in a different order within one metric',
      ['# TYPE h histogram', 'h_bucket{a="1",b="2",le="1"} 0', 'h_bucket{b="2",a="1",le="+Inf"} 1'],
    ],
    ['a summary quantile of NaN', ['# TYPE s summary', 's{quantile="0.5"} NaN', 's_count 0', 's_sum 0']],
    ['created samples', ['# TYPE c counter', 'c_total 1', 'c_created 1700000000']],
    ['a stateset', ['# TYPE s stateset', 's{s="a"} 1', 's{s="b"} 0']],
    ['repeated series with increasing timestamps', ['# TYPE g gauge', 'g 1 1', 'g 2 2', 'g{x="y"} 1 1']],
    ['names that only start like another family', ['# TYPE a gauge', 'a 1', 'a_b 1', 'ab_total 1']],
    ['an empty unit', ['# TYPE a gauge', '# UNIT a ']],
    [
      'a histogram with negative buckets and no sum',
      ['# TYPE h histogram', 'h_bucket{le="-1"} 0', 'h_bucket{le="+Inf"} 1'],
    ],
  ])('accepts %s', (_, lines) => {
    expect(check(lines)).toBeUndefined();
  });

  it.each([
    [
      'a quantile above 1',
      ['# TYPE s summary', 's{quantile="2"} 0'],
      'invalid quantile="2": expected a number from 0 to 1',
    ],
    [
      'a bucket count going down',
      ['# TYPE h histogram', 'h_bucket{le="1"} 2', 'h_bucket{le="+Inf"} 1'],
      'buckets are cumulative',
    ],
    [
      '_count unlike the +Inf bucket',
      ['# TYPE h histogram', 'h_bucket{le="+Inf"} 1', 'h_count 2', 'h_sum 1'],
      'has _count 2 but its +Inf bucket counts 1',
    ],
    [
      'a metric that comes back',
      ['# TYPE c counter', 'c_total{a="1"} 1', 'c_total{a="2"} 1', 'c_created{a="1"} 1'],
      'must be together',
    ],
    [
      'a family that clashes with a counter',
      ['# TYPE c counter', '# TYPE c_total gauge'],
      'clashes with an earlier family',
    ],
    ['a negative counter', ['# TYPE c counter', 'c_total -0.5'], 'must be a non-negative number, got -0.5'],
    [
      'a UNIT after samples',
      ['# TYPE g_s gauge', 'g_s 1', '# UNIT g_s s'],
      'UNIT for metric family "g_s" comes after its samples',
    ],
    [
      'a repeated series without timestamps',
      ['# TYPE g gauge', 'g 1', 'g 2'],
      'each of its samples needs a timestamp',
    ],
  ])('rejects %s', (_, lines, message) => {
    expect(check(lines)).toContain(message);
  });
});
