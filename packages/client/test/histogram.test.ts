import { parseMetricFamilies } from '@pyrometer/exposition';
import { describe, expect, it, vi } from 'vitest';
import { Histogram, Registry } from '../src/index.ts';

const now = () => 1_700_000_000_250;

function setup(
  options: { labelNames?: readonly string[]; buckets?: readonly number[]; enableExemplars?: boolean } = {},
) {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'request_duration_seconds',
    help: 'Request latency.',
    labelNames: options.labelNames ?? [],
    buckets: options.buckets ?? [0.1, 0.5, 1],
    registers: [registry],
    enableExemplars: options.enableExemplars ?? false,
    now,
  });
  return { registry, histogram };
}

describe('Histogram', () => {
  it('writes cumulative buckets, sum and count in the text format', async () => {
    const { registry, histogram } = setup({ labelNames: ['route'] });
    for (const value of [0.05, 0.1, 0.3, 0.7, 3]) histogram.observe({ route: '/a' }, value);
    expect(await registry.metrics()).toBe(
      [
        '# HELP request_duration_seconds Request latency.',
        '# TYPE request_duration_seconds histogram',
        'request_duration_seconds_bucket{route="/a",le="0.1"} 2',
        'request_duration_seconds_bucket{route="/a",le="0.5"} 3',
        'request_duration_seconds_bucket{route="/a",le="1"} 4',
        'request_duration_seconds_bucket{route="/a",le="+Inf"} 5',
        'request_duration_seconds_sum{route="/a"} 4.15',
        'request_duration_seconds_count{route="/a"} 5',
        '',
      ].join('\n'),
    );
  });

  it('writes OpenMetrics with _created, a unit and exemplars on buckets', async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: 'request_duration_seconds',
      help: 'Request latency.',
      unit: 'seconds',
      buckets: [0.1, 1],
      registers: [registry],
      enableExemplars: true,
      now,
    });
    histogram.observe({ value: 0.05, exemplarLabels: { trace_id: 'a1' } });
    histogram.observe({ value: 0.07, exemplarLabels: { trace_id: 'a2' } });
    histogram.observe({ value: 5, exemplarLabels: { trace_id: 'b' } });
    histogram.observe(0.5);
    const text = await registry.metrics({ format: 'openmetrics' });
    expect(text).toBe(
      [
        '# HELP request_duration_seconds Request latency.',
        '# TYPE request_duration_seconds histogram',
        '# UNIT request_duration_seconds seconds',
        'request_duration_seconds_bucket{le="0.1"} 2 # {trace_id="a2"} 0.07 1700000000.25',
        'request_duration_seconds_bucket{le="1"} 3',
        'request_duration_seconds_bucket{le="+Inf"} 4 # {trace_id="b"} 5 1700000000.25',
        'request_duration_seconds_sum 5.62',
        'request_duration_seconds_count 4',
        'request_duration_seconds_created 1700000000.25',
        '# EOF',
        '',
      ].join('\n'),
    );
    const [family] = parseMetricFamilies(text, 'openmetrics');
    expect(family?.unit).toBe('seconds');
    expect(family?.samples.filter((s) => s.exemplar !== undefined)).toHaveLength(2);
  });

  it.each([
    ['at a bound goes in that bucket', [0.5], [0, 1, 1, 1]],
    ['just above a bound goes in the next', [0.5000001], [0, 0, 1, 1]],
    ['-Inf goes in the first', [Number.NEGATIVE_INFINITY], [1, 1, 1, 1]],
    ['+Inf goes in +Inf only', [Number.POSITIVE_INFINITY], [0, 0, 0, 1]],
    ['negative values', [-3, -0.1], [2, 2, 2, 2]],
  ])('an observation %s', async (_, observations, cumulative) => {
    const { histogram } = setup();
    for (const value of observations) histogram.observe(value);
    const buckets = (await histogram.get()).values.filter((v) => v.metricName?.endsWith('_bucket'));
    expect(buckets.map((b) => b.value)).toEqual(cumulative);
    expect(buckets.map((b) => b.labels.le)).toEqual([0.1, 0.5, 1, '+Inf']);
  });

  it('finds buckets by binary search when there are many, with the same result as a scan', async () => {
    const buckets = Array.from({ length: 100 }, (_, i) => i + 1);
    const { histogram } = setup({ buckets });
    const values = [0, 1, 1.5, 50, 99.9, 100, 100.1, 42, 42.0001];
    for (const value of values) histogram.observe(value);
    const cumulative = (await histogram.get()).values.filter((v) => v.metricName?.endsWith('_bucket'));
    for (const [i, bucket] of cumulative.entries()) {
      const bound = i < buckets.length ? buckets[i]! : Number.POSITIVE_INFINITY;
      expect(bucket.value).toBe(values.filter((v) => v <= bound).length);
    }
  });

  it('accepts +Inf as the last bucket given and uses the default buckets otherwise', () => {
    expect(setup({ buckets: [1, 2, Number.POSITIVE_INFINITY] }).histogram.buckets).toEqual([1, 2]);
    const registry = new Registry();
    const defaults = new Histogram({ name: 'd', help: 'd', registers: [registry] });
    expect(defaults.buckets).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  });

  it('times with startTimer on the metric and on a child', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const { histogram } = setup({ labelNames: ['route', 'code'] });
      const end = histogram.startTimer({ route: '/a' });
      vi.advanceTimersByTime(300);
      expect(end({ code: '200' })).toBeCloseTo(0.3, 6);
      const child = histogram.labels('/a', '200');
      const endChild = child.startTimer();
      vi.advanceTimersByTime(700);
      endChild();
      expect(child.get().count).toBe(2);
      expect(child.get().sum).toBeCloseTo(1, 6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('zero() writes a child before its first observation', async () => {
    const { registry, histogram } = setup({ labelNames: ['route'] });
    histogram.zero({ route: '/a' });
    expect(await registry.metrics()).toContain('request_duration_seconds_count{route="/a"} 0\n');
  });

  describe('rejects bad input', () => {
    it.each([
      [{ labelNames: ['le'] }, /Histogram "h": label name "le" is reserved/],
      [{ buckets: [] }, /needs at least one bucket bound/],
      [{ buckets: [1, 1] }, /bucket bounds must increase; 1 at index 1 follows 1/],
      [{ buckets: [2, 1] }, /must increase/],
      [{ buckets: [1, Number.NaN] }, /bucket bound NaN at index 1 is not a finite number/],
      [{ buckets: [Number.POSITIVE_INFINITY, 1] }, /not a finite number/],
    ])('configuration %j', (options, message) => {
      expect(() => new Histogram({ name: 'h', help: 'h', registers: [], ...options })).toThrow(message);
    });

    it.each([
      [
        'NaN',
        (h: Histogram) => h.observe(Number.NaN),
        /Histogram "request_duration_seconds": observe\(NaN\)/,
      ],
      ['a string', (h: Histogram) => h.observe('1' as unknown as number), /takes a number, got string/],
      [
        'a missing value with labels',
        (h: Histogram) => h.observe({}, undefined as unknown as number),
        /takes a number, got undefined/,
      ],
    ])('observing %s', (_, act, message) => {
      const { histogram } = setup();
      expect(() => act(histogram)).toThrow(message);
    });
  });
});
