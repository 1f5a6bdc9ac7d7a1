import { readFileSync } from 'node:fs';
import { Labels } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { ExpositionError, parseMetricFamilies } from '../../src/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('parseMetricFamilies', () => {
  it('groups OpenMetrics samples under their family, with metadata', () => {
    const families = parseMetricFamilies(fixture('all-types.om.txt'), 'openmetrics');
    expect(families.map((f) => [f.name, f.type, f.unit, f.samples.length])).toEqual([
      ['acme_http_requests', 'counter', 'requests', 3],
      ['room_temperature_celsius', 'gauge', 'celsius', 2],
      ['rpc_latency_seconds', 'histogram', '', 6],
      ['queue_depth', 'gaugehistogram', '', 5],
      ['gc_pause_seconds', 'summary', '', 4],
      ['build', 'info', '', 1],
      ['feature_flags', 'stateset', '', 2],
      ['mystery', 'unknown', '', 2],
      ['service.uptime_seconds', 'gauge', 'seconds', 1],
    ]);
    const [counter] = families;
    expect(counter?.help).toBe('Requests served, with "quotes" and a \\ backslash.\nNext line.');
    expect(counter?.samples[0]).toEqual({
      labels: Labels.from({ __name__: 'acme_http_requests_total', method: 'GET' }),
      value: 1027,
      timestamp: 1395066363500,
      exemplar: { labels: Labels.from({ trace_id: 'KOO5S4vxi0o' }), value: 0.67, timestamp: 1395066363250 },
    });
    expect(counter?.samples[2]).toEqual({
      labels: Labels.from({ __name__: 'acme_http_requests_total', method: 'POST' }),
      value: 3,
    });
  });

  it('groups text-format histogram and summary samples by suffix', () => {
    const families = parseMetricFamilies(fixture('node-exporter.prom.txt'), 'text');
    const gc = families.find((f) => f.name === 'go_gc_duration_seconds');
    expect(gc?.type).toBe('summary');
    expect(gc?.samples.map((s) => s.labels.metricName)).toEqual([
      ...Array(5).fill('go_gc_duration_seconds'),
      'go_gc_duration_seconds_sum',
      'go_gc_duration_seconds_count',
    ]);
    expect(families.reduce((n, f) => n + f.samples.length, 0)).toBe(507);
    expect(families).toHaveLength(283);
  });

  it('gives samples without metadata a family of their own', () => {
    const families = parseMetricFamilies('a 1\na 2\nb_bucket{le="1"} 3\n', 'text');
    expect(families.map((f) => [f.name, f.type, f.samples.map((s) => s.value)])).toEqual([
      ['a', 'unknown', [1, 2]],
      ['b_bucket', 'unknown', [3]],
    ]);
  });

  it('drops labels with empty values, as Labels does', () => {
    const [family] = parseMetricFamilies('a{x="",y="1"} 1\n', 'text');
    expect(family?.samples[0]?.labels).toEqual(Labels.from({ __name__: 'a', y: '1' }));
  });

  it('throws ExpositionError for bad input', () => {
    expect(() => parseMetricFamilies('a 1\n', 'openmetrics')).toThrow(ExpositionError);
  });
});
