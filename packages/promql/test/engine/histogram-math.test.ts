import type { FloatHistogram } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import {
  addHistograms,
  detectReset,
  histogramsEqual,
  scaleHistogram,
  trimHistogram,
} from '../../src/engine/histogram-math.ts';
import { histogramFraction, histogramQuantile } from '../../src/functions/native-histogram.ts';

function h(fields: Partial<FloatHistogram> & { buckets?: number[]; offset?: number }): FloatHistogram {
  const buckets = fields.buckets ?? [];
  return {
    counterResetHint: 'unknown',
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    count: buckets.reduce((a, b) => a + b, 0),
    sum: 0,
    positiveSpans: buckets.length > 0 ? [{ offset: fields.offset ?? 0, length: buckets.length }] : [],
    positiveBuckets: buckets,
    negativeSpans: [],
    negativeBuckets: [],
    ...fields,
  };
}

describe('histogram arithmetic', () => {
  it('adds at the coarser schema', () => {
    // schema 0 buckets (1,2] and (2,4] fall into the schema -1 bucket (1,4].
    const low = h({ schema: -1, buckets: [1], offset: 1, sum: 4 });
    const high = h({ schema: 0, buckets: [2, 2], offset: 1, sum: 4 });
    const sum = addHistograms(low, high);
    expect(sum.schema).toBe(-1);
    expect(histogramsEqual(sum, h({ schema: -1, buckets: [5], offset: 1, sum: 8, count: 5 }))).toBe(true);
  });

  it('reconciles custom buckets on their common bounds', () => {
    const a = h({ schema: -53, customValues: [5, 10], buckets: [1, 2, 3] });
    const b = h({ schema: -53, customValues: [10], buckets: [4, 5] });
    let reconciled = false;
    const sum = addHistograms(a, b, 1, () => {
      reconciled = true;
    });
    expect(reconciled).toBe(true);
    expect(sum.customValues).toEqual([10]);
    expect(sum.positiveBuckets).toEqual([7, 8]);
  });

  it('scales and detects counter resets', () => {
    const a = h({ buckets: [1, 2] });
    expect(scaleHistogram(a, 2).positiveBuckets).toEqual([2, 4]);
    expect(detectReset(h({ buckets: [1, 1] }), a)).toBe(true);
    expect(detectReset(h({ buckets: [1, 3] }), a)).toBe(false);
  });

  it('trims as histogram_fraction splits', () => {
    const x = h({ schema: -53, customValues: [5], buckets: [1, 100], sum: 33 });
    const kept = trimHistogram(x, 1, true);
    expect(kept.count).toBeCloseTo(100.8);
    expect(kept.sum).toBeCloseTo(502.4);
    const total = h({ buckets: [3, 4, 5], sum: 10 });
    expect(trimHistogram(total, 2, false).count).toBeCloseTo(
      histogramFraction(Number.NEGATIVE_INFINITY, 2, total) * total.count,
    );
  });

  it('interpolates quantiles exponentially within a bucket', () => {
    // One bucket (1, 2]: the median is sqrt(2).
    expect(histogramQuantile(0.5, h({ buckets: [10], offset: 1, sum: 15 }))).toBeCloseTo(Math.SQRT2);
    expect(histogramQuantile(2, h({ buckets: [1] }))).toBe(Number.POSITIVE_INFINITY);
  });
});
