import { describe, expect, it } from 'vitest';
import { formatValue, histogramJson } from '../../src/web/query-json.ts';
import { parseTime } from '../../src/web/request-params.ts';

describe('formatValue (Go strconv.FormatFloat with "f", -1)', () => {
  it.each([
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-1.25e22, '-12500000000000000000000'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('%s → %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });
});

describe('parseTime', () => {
  it.each([
    ['1700000000', 1_700_000_000_000],
    ['1700000000.123', 1_700_000_000_123],
    ['-1.5', -1500],
    ['2023-11-14T22:13:20Z', 1_700_000_000_000],
    ['2023-11-14T23:13:20.5+01:00', 1_700_000_000_500],
  ])('%s → %d', (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it.each(['', 'now', '2023-11-14', '1e400'])('%j is refused', (text) => {
    expect(() => parseTime(text)).toThrow(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
  });
});

describe('histogramJson', () => {
  it('writes negative, zero and positive buckets with their boundary rules', () => {
    const h = {
      counterResetHint: 'unknown' as const,
      schema: 0,
      zeroThreshold: 0.001,
      zeroCount: 2,
      count: 10,
      sum: 12.5,
      positiveSpans: [{ offset: 0, length: 2 }],
      positiveBuckets: [3, 4],
      negativeSpans: [{ offset: 1, length: 1 }],
      negativeBuckets: [1],
    };
    expect(histogramJson(h)).toEqual({
      count: '10',
      sum: '12.5',
      buckets: [
        [1, '-2', '-1', '1'],
        [3, '-0.001', '0.001', '2'],
        [0, '0.5', '1', '3'],
        [0, '1', '2', '4'],
      ],
    });
  });

  it('custom buckets (NHCB) run from -Inf to +Inf', () => {
    const h = {
      counterResetHint: 'unknown' as const,
      schema: -53,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 3,
      sum: 1,
      positiveSpans: [{ offset: 0, length: 3 }],
      positiveBuckets: [1, 1, 1],
      negativeSpans: [],
      negativeBuckets: [],
      customValues: [0.1, 1],
    };
    expect(histogramJson(h).buckets).toEqual([
      [0, '-Inf', '0.1', '1'],
      [0, '0.1', '1', '1'],
      [0, '1', '+Inf', '1'],
    ]);
  });
});
