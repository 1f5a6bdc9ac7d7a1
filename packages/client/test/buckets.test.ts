import { describe, expect, it } from 'vitest';
import { DEFAULT_BUCKETS, exponentialBuckets, linearBuckets } from '../src/index.ts';

describe('bucket helpers', () => {
  it('has Prometheus default buckets', () => {
    expect(DEFAULT_BUCKETS).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  });

  it.each([
    [linearBuckets(0, 10, 4), [0, 10, 20, 30]],
    [linearBuckets(-1, 0.5, 3), [-1, -0.5, 0]],
    [linearBuckets(5, 1, 1), [5]],
    [exponentialBuckets(1, 2, 5), [1, 2, 4, 8, 16]],
    [exponentialBuckets(0.001, 10, 4), [0.001, 0.01, 0.1, 1]],
  ])('%j', (actual, expected) => {
    expect(actual).toHaveLength(expected.length);
    for (const [i, bound] of actual.entries()) expect(bound).toBeCloseTo(expected[i]!, 12);
  });

  it.each([
    [() => linearBuckets(0, 1, 0), /linearBuckets: count must be a positive integer, got 0/],
    [() => linearBuckets(0, 0, 3), /width must be a positive/],
    [() => linearBuckets(Number.NaN, 1, 3), /start must be finite/],
    [() => exponentialBuckets(0, 2, 3), /start must be a positive/],
    [() => exponentialBuckets(1, 1, 3), /factor must be a finite number above 1/],
    [() => exponentialBuckets(1, 2, 1.5), /count must be a positive integer/],
  ])('rejects bad arguments (%#)', (act, message) => {
    expect(act).toThrow(message);
  });
});
