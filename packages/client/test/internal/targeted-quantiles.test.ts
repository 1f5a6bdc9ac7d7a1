import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TargetedQuantiles } from '../../src/internal/targeted-quantiles.ts';
import { quantileError } from '../../src/summary.ts';

const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];
const targets = QUANTILES.map((quantile) => ({ quantile, error: quantileError(quantile) }));

/** Feeds values the way a summary does: in sorted batches. */
function sketchOf(values: readonly number[], batch: number): TargetedQuantiles {
  const sketch = new TargetedQuantiles(targets);
  for (let start = 0; start < values.length; start += batch) {
    const sorted = Float64Array.from(values.slice(start, start + batch)).sort();
    sketch.insertSorted(sorted, sorted.length);
  }
  return sketch;
}

/**
 * Whether `estimate` is a correct answer for φ: some position it holds in the sorted data
 * (1-based ranks lo+1 .. hi) is within εn of φn.
 */
function withinError(sorted: Float64Array, estimate: number, quantile: number, error: number): boolean {
  const n = sorted.length;
  let lo = 0;
  while (lo < n && sorted[lo]! < estimate) lo++;
  let hi = lo;
  while (hi < n && sorted[hi]! === estimate) hi++;
  if (hi === lo) return false; // not an observed value
  const target = quantile * n;
  const allowed = error * n + 1; // +1: ranks are whole, φn need not be
  return hi >= target - allowed && lo + 1 <= target + allowed;
}

describe('TargetedQuantiles', () => {
  it('answers NaN when empty and the exact minimum and maximum for 0 and 1', () => {
    const sketch = sketchOf([], 10);
    expect(sketch.query(0.5)).toBeNaN();
    const full = sketchOf([5, -2, 9, 3, 3, 7, 1e9, -1e9, 0], 4);
    expect(full.query(0)).toBe(-1e9);
    expect(full.query(1)).toBe(1e9);
  });

  it('is exact for small inputs', () => {
    const sketch = sketchOf([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], 3);
    expect(sketch.query(0.5)).toBe(3);
    expect(sketch.query(0.9)).toBe(6);
  });

  it('stays within the rank error of every target on random data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), {
          minLength: 1,
          maxLength: 3000,
        }),
        fc.integer({ min: 1, max: 300 }),
        (values, batch) => {
          const sketch = sketchOf(values, batch);
          const sorted = Float64Array.from(values).sort();
          for (const { quantile, error } of targets) {
            const estimate = sketch.query(quantile);
            if (!withinError(sorted, estimate, quantile, error)) {
              throw new Error(
                `q=${quantile}: ${estimate} is not within ${error} of the true rank (n=${values.length})`,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays within the rank error on large skewed and duplicate-heavy streams', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom('exponential', 'few-values', 'sorted', 'reversed'),
        (seed, shape) => {
          const random = mulberry32(seed);
          const n = 20_000;
          const values = Array.from({ length: n }, (_, i) => {
            switch (shape) {
              case 'exponential':
                return -Math.log(1 - random());
              case 'few-values':
                return Math.floor(random() * 5);
              case 'sorted':
                return i;
              default:
                return n - i;
            }
          });
          const sketch = sketchOf(values, 256);
          const sorted = Float64Array.from(values).sort();
          for (const { quantile, error } of targets) {
            expect(withinError(sorted, sketch.query(quantile), quantile, error)).toBe(true);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('keeps memory bounded: far fewer tuples than observations', () => {
    const random = mulberry32(42);
    const values = Array.from({ length: 200_000 }, () => random());
    const sketch = sketchOf(values, 256);
    expect(sketch.count).toBe(200_000);
    expect(sketch.size).toBeLessThan(2_000);
  });

  it('forgets everything on reset', () => {
    const sketch = sketchOf([1, 2, 3], 3);
    sketch.reset();
    expect(sketch.count).toBe(0);
    expect(sketch.query(0.5)).toBeNaN();
  });
});

/** A small seeded generator, so a failing case can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
