import { describe, expect, it } from 'vitest';
import { SlidingWindowQuantiles } from '../../src/internal/sliding-window-quantiles.ts';

const targets = [{ quantile: 0.5, error: 0.01 }];

function windowOf(maxAgeMs: number, ageBuckets: number) {
  let clock = 0;
  const window = new SlidingWindowQuantiles(targets, maxAgeMs, ageBuckets, () => clock);
  return { window, at: (ms: number) => (clock = ms) };
}

describe('SlidingWindowQuantiles', () => {
  it.each([
    // [age buckets, time of observation, time of query, still counted]
    // A sketch is cleared every 20 s; queries read the one cleared longest ago.
    [5, 0, 99_999, true],
    [5, 0, 100_000, false],
    [5, 25_000, 119_999, true],
    [5, 25_000, 120_000, false],
    [1, 0, 99_999, true],
    [1, 0, 100_000, false],
    [2, 49_999, 99_999, true],
    [2, 49_999, 100_000, false],
  ])(
    'with %i age buckets, an observation at %i ms is counted at %i ms: %s',
    (ageBuckets, observedAt, queriedAt, counted) => {
      const { window, at } = windowOf(100_000, ageBuckets);
      at(observedAt);
      window.observe(42);
      at(queriedAt);
      expect(window.query(0.5)).toBe(counted ? 42 : Number.NaN);
    },
  );

  it('counts every observation for between maxAge - maxAge/ageBuckets and maxAge', () => {
    const maxAgeMs = 60_000;
    const ageBuckets = 4;
    for (let observedAt = 0; observedAt < 120_000; observedAt += 7_000) {
      const { window, at } = windowOf(maxAgeMs, ageBuckets);
      at(observedAt);
      window.observe(1);
      let lastSeen = observedAt;
      for (let t = observedAt; t <= observedAt + maxAgeMs + 1_000; t += 250) {
        at(t);
        if (!Number.isNaN(window.query(0.5))) lastSeen = t;
      }
      const lifetime = lastSeen - observedAt;
      expect(lifetime).toBeGreaterThanOrEqual(maxAgeMs - maxAgeMs / ageBuckets - 250);
      expect(lifetime).toBeLessThan(maxAgeMs);
    }
  });

  it('never ages observations out with an infinite window', () => {
    const { window, at } = windowOf(Number.POSITIVE_INFINITY, 5);
    window.observe(3);
    at(1e12);
    expect(window.query(0.5)).toBe(3);
  });

  it('merges buffered observations before answering, across many flushes', () => {
    const { window } = windowOf(Number.POSITIVE_INFINITY, 1);
    for (let i = 1; i <= 1001; i++) window.observe(i);
    // Within the 1% rank error: 1001 × 0.01 ≈ 10 ranks either side of the median, 501.
    expect(Math.abs(window.query(0.5) - 501)).toBeLessThanOrEqual(11);
    window.reset();
    expect(window.query(0.5)).toBeNaN();
  });
});
