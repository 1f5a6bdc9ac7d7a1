import { describe, expect, it } from 'vitest';
import { quantileError, Registry, Summary } from '../src/index.ts';

function setup(
  options: { maxAgeSeconds?: number; ageBuckets?: number; percentiles?: readonly number[] } = {},
) {
  const registry = new Registry();
  let clock = 1_700_000_000_000;
  const summary = new Summary({
    name: 'response_size_bytes',
    help: 'Response sizes.',
    labelNames: ['route'],
    percentiles: options.percentiles ?? [0.5, 0.9, 0.99],
    registers: [registry],
    now: () => clock,
    ...options,
  });
  return { registry, summary, advance: (ms: number) => (clock += ms) };
}

describe('Summary', () => {
  it('writes quantiles, sum and count in both formats', async () => {
    const { registry, summary } = setup();
    // Few enough observations that the sketch keeps them all: the quantiles are exact.
    for (let i = 1; i <= 10; i++) summary.observe({ route: '/a' }, i);
    const samples = [
      'response_size_bytes{route="/a",quantile="0.5"} 5',
      'response_size_bytes{route="/a",quantile="0.9"} 9',
      'response_size_bytes{route="/a",quantile="0.99"} 10',
      'response_size_bytes_sum{route="/a"} 55',
      'response_size_bytes_count{route="/a"} 10',
    ];
    const header = ['# HELP response_size_bytes Response sizes.', '# TYPE response_size_bytes summary'];
    expect(await registry.metrics()).toBe([...header, ...samples, ''].join('\n'));
    expect(await registry.metrics({ format: 'openmetrics' })).toBe(
      [...header, ...samples, 'response_size_bytes_created{route="/a"} 1700000000', '# EOF', ''].join('\n'),
    );
  });

  it('writes NaN quantiles before any observation', async () => {
    const { registry, summary } = setup({ percentiles: [0.5] });
    summary.labels('/a');
    expect(await registry.metrics()).toContain('response_size_bytes{route="/a",quantile="0.5"} NaN\n');
  });

  it('estimates over every observation without maxAgeSeconds', async () => {
    const { summary, advance } = setup({ percentiles: [0.5] });
    summary.observe({ route: '/a' }, 7);
    advance(365 * 24 * 3600 * 1000);
    expect((await summary.get()).values[0]?.value).toBe(7);
  });

  it('ages observations out of the window, a bucket at a time', async () => {
    // 60 s in 3 buckets: a sketch is cleared every 20 s, so an observation counts for 40 to 60 s.
    const { summary, advance } = setup({ maxAgeSeconds: 60, ageBuckets: 3, percentiles: [0, 1] });
    const child = summary.labels('/a');
    const range = async () => (await summary.get()).values.slice(0, 2).map((v) => v.value);
    child.observe(1); // at 0 s
    advance(30_000);
    child.observe(100); // at 30 s
    expect(await range()).toEqual([1, 100]);
    advance(29_000); // 59 s
    expect(await range()).toEqual([1, 100]);
    advance(1_000); // 60 s: the observation made at 0 s leaves
    expect(await range()).toEqual([100, 100]);
    advance(19_000); // 79 s
    expect(await range()).toEqual([100, 100]);
    advance(1_000); // 80 s: the one made at 30 s leaves
    expect(await range()).toEqual([Number.NaN, Number.NaN]);
    // count and sum never age out.
    expect(child.get()).toEqual({ count: 2, sum: 101 });
  });

  it('starts over after a silence longer than the window', async () => {
    const { summary, advance } = setup({ maxAgeSeconds: 10, percentiles: [0.5] });
    summary.observe({ route: '/a' }, 5);
    advance(3_600_000);
    expect((await summary.get()).values[0]?.value).toBeNaN();
    summary.observe({ route: '/a' }, 6);
    expect((await summary.get()).values[0]?.value).toBe(6);
  });

  it('scales the allowed rank error with how far out the quantile is', () => {
    expect([0.5, 0.9, 0.99, 0.999, 0.01].map(quantileError)).toEqual(
      [0.01, 0.01, 0.001, 0.0001, 0.001].map((e) => expect.closeTo(e, 12)),
    );
  });

  describe('rejects bad input', () => {
    it.each([
      [{ labelNames: ['quantile'] }, /Summary "s": label name "quantile" is reserved/],
      [{ percentiles: [1.5] }, /percentile 1.5 is outside \[0, 1\]/],
      [{ maxAgeSeconds: -1 }, /maxAgeSeconds must be a positive number/],
      [{ maxAgeSeconds: 60, ageBuckets: 0 }, /ageBuckets must be a positive integer/],
      [{ ageBuckets: 3 }, /ageBuckets needs maxAgeSeconds/],
    ])('configuration %j', (options, message) => {
      expect(() => new Summary({ name: 's', help: 's', registers: [], ...options })).toThrow(message);
    });

    it('observing NaN', () => {
      const { summary } = setup();
      expect(() => summary.observe({ route: '/a' }, Number.NaN)).toThrow(/observe\(NaN\)/);
    });
  });
});
