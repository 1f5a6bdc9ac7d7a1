import type { MetricType } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { sampleSuffixes, suffixIn } from '../../src/internal/family-names.ts';

describe('suffixIn', () => {
  it.each([
    ['a_total', 'a', 'counter', 'openmetrics', '_total'],
    ['a_created', 'a', 'counter', 'openmetrics', '_created'],
    ['a', 'a', 'counter', 'openmetrics', undefined],
    ['a_total', 'a_total', 'counter', 'text', ''],
    ['a_bucket', 'a', 'histogram', 'openmetrics', '_bucket'],
    ['a_created', 'a', 'histogram', 'text', undefined],
    ['a_gsum', 'a', 'gaugehistogram', 'openmetrics', '_gsum'],
    ['a_sum', 'a', 'gaugehistogram', 'openmetrics', undefined],
    ['a', 'a', 'summary', 'text', ''],
    ['a_info', 'a', 'info', 'openmetrics', '_info'],
    ['ab', 'a', 'gauge', 'openmetrics', undefined],
    ['b_total', 'a', 'counter', 'openmetrics', undefined],
  ] as [string, string, MetricType, 'text' | 'openmetrics', string | undefined][])(
    '%s in %s (%s, %s) → %j',
    (sample, family, type, format, expected) => {
      expect(suffixIn(sample, family, sampleSuffixes(type, format))).toBe(expected);
    },
  );
});
