import { parseMetricFamilies } from '@pyrometer/exposition';
import { describe, expect, it } from 'vitest';
import {
  Counter,
  Gauge,
  Histogram,
  openMetricsContentType,
  prometheusContentType,
  Registry,
  register,
  Summary,
} from '../src/index.ts';

const now = () => 1_700_000_000_000;

/** One metric of each type, with labels, in a fresh registry. */
function populated(registry = new Registry()) {
  const counter = new Counter({
    name: 'jobs_total',
    help: 'Jobs.',
    labelNames: ['queue'],
    registers: [registry],
    now,
  });
  const gauge = new Gauge({ name: 'workers', help: 'Workers.', registers: [registry], now });
  const histogram = new Histogram({
    name: 'job_seconds',
    help: 'Job time.',
    buckets: [1],
    registers: [registry],
    now,
  });
  const summary = new Summary({
    name: 'job_bytes',
    help: 'Job size.',
    percentiles: [0.5],
    registers: [registry],
    now,
  });
  counter.labels('mail').inc(2);
  gauge.set(4);
  histogram.observe(0.5);
  summary.observe(10);
  return { registry, counter, gauge, histogram, summary };
}

const TEXT = `# HELP jobs_total Jobs.
# TYPE jobs_total counter
jobs_total{queue="mail"} 2
# HELP workers Workers.
# TYPE workers gauge
workers 4
# HELP job_seconds Job time.
# TYPE job_seconds histogram
job_seconds_bucket{le="1"} 1
job_seconds_bucket{le="+Inf"} 1
job_seconds_sum 0.5
job_seconds_count 1
# HELP job_bytes Job size.
# TYPE job_bytes summary
job_bytes{quantile="0.5"} 10
job_bytes_sum 10
job_bytes_count 1
`;

const OPENMETRICS = `# HELP jobs Jobs.
# TYPE jobs counter
jobs_total{queue="mail"} 2
jobs_created{queue="mail"} 1700000000
# HELP workers Workers.
# TYPE workers gauge
workers 4
# HELP job_seconds Job time.
# TYPE job_seconds histogram
job_seconds_bucket{le="1"} 1
job_seconds_bucket{le="+Inf"} 1
job_seconds_sum 0.5
job_seconds_count 1
job_seconds_created 1700000000
# HELP job_bytes Job size.
# TYPE job_bytes summary
job_bytes{quantile="0.5"} 10
job_bytes_sum 10
job_bytes_count 1
job_bytes_created 1700000000
# EOF
`;

describe('Registry', () => {
  it.each([
    ['text', TEXT],
    ['openmetrics', OPENMETRICS],
  ] as const)('writes every metric type in the %s format, which parses back', async (format, expected) => {
    const { registry } = populated();
    const written = await registry.metrics({ format });
    expect(written).toBe(expected);
    const families = parseMetricFamilies(written, format);
    expect(families.map((f) => [f.name, f.type])).toEqual([
      [format === 'text' ? 'jobs_total' : 'jobs', 'counter'],
      ['workers', 'gauge'],
      ['job_seconds', 'histogram'],
      ['job_bytes', 'summary'],
    ]);
  });

  it('writes its own format by default, and says which', async () => {
    const { registry } = populated(new Registry(Registry.OPENMETRICS_CONTENT_TYPE));
    expect(registry.contentType).toBe(openMetricsContentType);
    expect(await registry.metrics()).toBe(OPENMETRICS);
    registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
    expect(registry.contentType).toBe(prometheusContentType);
    expect(await registry.metrics()).toBe(TEXT);
    expect(() => registry.setContentType('application/json')).toThrow(
      /unsupported content type "application\/json"/,
    );
  });

  it('adds default labels unless the metric has the label itself', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ env: 'prod', queue: 'default' });
    const counter = new Counter({
      name: 'jobs_total',
      help: 'Jobs.',
      labelNames: ['queue'],
      registers: [registry],
    });
    const histogram = new Histogram({ name: 'h', help: 'h', buckets: [1], registers: [registry] });
    counter.labels('mail').inc();
    counter.inc();
    histogram.observe(2);
    const text = await registry.metrics();
    expect(text).toContain('jobs_total{queue="mail",env="prod"} 1\n');
    expect(text).toContain('jobs_total{env="prod"} 1\n');
    expect(text).toContain('h_bucket{env="prod",queue="default",le="1"} 0\n');
    expect(text).toContain('h_count{env="prod",queue="default"} 1\n');
    const json = await registry.getMetricsAsJSON();
    expect(json[0]?.values[0]?.labels).toEqual({ queue: 'mail', env: 'prod' });
    expect(() => registry.setDefaultLabels({ 'bad name': 'x' })).toThrow(
      /default label name "bad name" is invalid/,
    );
    expect(() => registry.setDefaultLabels({ __x: 'x' })).toThrow(/reserved/);
  });

  describe('registration', () => {
    it.each([
      ['the same name', 'jobs_total', 'jobs_total', /a metric named "jobs_total" is already registered/],
      [
        'the same OpenMetrics family',
        'jobs_total',
        'jobs',
        /cannot register "jobs": its family name "jobs" clashes with the registered "jobs_total"/,
      ],
    ])('rejects %s twice', (_, first, second, message) => {
      const registry = new Registry();
      new Counter({ name: first, help: 'h', registers: [registry] });
      expect(() => new Gauge({ name: second, help: 'h', registers: [registry] })).toThrow(message);
    });

    it('registers with the default registry unless told otherwise, and with several', () => {
      const a = new Registry();
      const b = new Registry();
      const counter = new Counter({ name: 'registry_test_total', help: 'h', registers: [a, b] });
      expect(a.getSingleMetric('registry_test_total')).toBe(counter);
      expect(b.getSingleMetric('registry_test_total')).toBe(counter);
      expect(register.getSingleMetric('registry_test_total')).toBeUndefined();
      const global = new Counter({ name: 'registry_test_global_total', help: 'h' });
      expect(register.getSingleMetric('registry_test_global_total')).toBe(global);
      register.removeSingleMetric('registry_test_global_total');
      expect(register.getSingleMetric('registry_test_global_total')).toBeUndefined();
    });

    it('removes, clears and resets', async () => {
      const { registry, counter } = populated();
      registry.removeSingleMetric('workers');
      expect(registry.getMetricsAsArray().map((m) => m.name)).toEqual([
        'jobs_total',
        'job_seconds',
        'job_bytes',
      ]);
      new Gauge({ name: 'workers', help: 'Registered again after removal.', registers: [registry] });
      registry.resetMetrics();
      expect((await counter.get()).values).toEqual([]);
      registry.clear();
      expect(await registry.metrics()).toBe('');
    });
  });

  it('merges registries, refusing duplicate names and mixed formats', async () => {
    const a = new Registry();
    const b = new Registry();
    new Counter({ name: 'a_total', help: 'h', registers: [a] });
    new Counter({ name: 'b_total', help: 'h', registers: [b] });
    const merged = Registry.merge([a, b]);
    expect(merged.getMetricsAsArray().map((m) => m.name)).toEqual(['a_total', 'b_total']);
    new Counter({ name: 'a_total', help: 'h', registers: [b] });
    expect(() => Registry.merge([a, b])).toThrow(/"a_total" is already registered/);
    expect(() => Registry.merge([a, new Registry(Registry.OPENMETRICS_CONTENT_TYPE)])).toThrow(
      /different content types/,
    );
  });

  it('writes one metric alone', async () => {
    const { registry } = populated();
    expect(await registry.getSingleMetricAsString('workers')).toBe(
      '# HELP workers Workers.\n# TYPE workers gauge\nworkers 4\n',
    );
    await expect(registry.getSingleMetricAsString('nope')).rejects.toThrow(/no metric named "nope"/);
  });

  describe('collect callbacks', () => {
    it('runs sync and async callbacks at scrape time, with the metric as this', async () => {
      const registry = new Registry();
      let scrapes = 0;
      new Gauge({
        name: 'sync_value',
        help: 'h',
        registers: [registry],
        collect() {
          this.set(++scrapes);
        },
      });
      new Gauge({
        name: 'async_value',
        help: 'h',
        labelNames: ['source'],
        registers: [registry],
        async collect() {
          await new Promise((resolve) => setTimeout(resolve, 5));
          this.set({ source: 'db' }, scrapes * 10);
        },
      });
      expect(await registry.metrics()).toContain('sync_value 1\n');
      const text = await registry.metrics();
      expect(text).toContain('sync_value 2\n');
      expect(text).toContain('async_value{source="db"} 20\n');
      expect((await registry.getMetricsAsJSON())[0]?.values[0]?.value).toBe(3);
    });

    it.each([
      [
        'a sync callback',
        () => {
          throw new Error('disk gone');
        },
      ],
      [
        'an async callback',
        async () => {
          throw new Error('disk gone');
        },
      ],
    ])('fails the scrape when %s throws, naming the metric', async (_, collect) => {
      const registry = new Registry();
      new Gauge({ name: 'broken', help: 'h', registers: [registry], collect });
      await expect(registry.metrics()).rejects.toThrow('Gauge "broken": collect callback failed: disk gone');
    });
  });

  it("reports values in prom-client's JSON shape", async () => {
    const { registry } = populated();
    const [counter, gauge, histogram, summary] = await registry.getMetricsAsJSON();
    expect(counter).toEqual({
      name: 'jobs_total',
      help: 'Jobs.',
      type: 'counter',
      values: [{ value: 2, labels: { queue: 'mail' } }],
    });
    expect(gauge?.values).toEqual([{ value: 4, labels: {} }]);
    expect(histogram?.values).toEqual([
      { value: 1, labels: { le: 1 }, metricName: 'job_seconds_bucket' },
      { value: 1, labels: { le: '+Inf' }, metricName: 'job_seconds_bucket' },
      { value: 0.5, labels: {}, metricName: 'job_seconds_sum' },
      { value: 1, labels: {}, metricName: 'job_seconds_count' },
    ]);
    expect(summary?.values[0]).toEqual({ value: 10, labels: { quantile: 0.5 } });
  });
});
