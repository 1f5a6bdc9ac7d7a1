import { readFileSync } from 'node:fs';
import { Labels } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import {
  type MetricFamily,
  parseMetricFamilies,
  writeMetricFamilies,
  writeOpenMetrics,
  writeText,
} from '../../src/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

const counter: MetricFamily = {
  name: 'http_requests',
  type: 'counter',
  help: 'Requests "served".\nBy method \\ code.',
  unit: '',
  samples: [
    { labels: Labels.from({ __name__: 'http_requests_total', method: 'GET', code: '200' }), value: 1027 },
    {
      labels: Labels.from({ __name__: 'http_requests_total', method: 'POST', code: '500' }),
      value: 3,
      timestamp: 1395066363500,
      exemplar: { labels: Labels.from({ trace_id: 'abc' }), value: 0.5, timestamp: 1395066363001 },
    },
    {
      labels: Labels.from({ __name__: 'http_requests_created', method: 'GET', code: '200' }),
      value: 1395066000,
    },
  ],
};

const dotted: MetricFamily = {
  name: 'my.metric',
  type: 'gauge',
  help: '',
  unit: '',
  samples: [
    { labels: Labels.from({ __name__: 'my.metric', 'label.name': 'a\nb' }), value: 1e6 },
    { labels: Labels.from({ __name__: 'my.metric' }), value: Number.NaN },
  ],
};

describe('writeOpenMetrics', () => {
  it('writes metadata, samples, seconds timestamps, exemplars and # EOF', () => {
    expect(writeOpenMetrics([counter, dotted])).toBe(
      [
        '# TYPE http_requests counter',
        '# HELP http_requests Requests \\"served\\".\\nBy method \\\\ code.',
        'http_requests_total{code="200",method="GET"} 1027',
        'http_requests_total{code="500",method="POST"} 3 1395066363.5 # {trace_id="abc"} 0.5 1395066363.001',
        'http_requests_created{code="200",method="GET"} 1.395066e+09',
        '# TYPE "my.metric" gauge',
        '{"my.metric","label.name"="a\\nb"} 1e+06',
        '{"my.metric"} NaN',
        '# EOF',
        '',
      ].join('\n'),
    );
  });
});

describe('writeText', () => {
  it('names counters with _total, leaves out _created and exemplars, writes ms timestamps', () => {
    expect(writeText([counter])).toBe(
      [
        '# HELP http_requests_total Requests "served".\\nBy method \\\\ code.',
        '# TYPE http_requests_total counter',
        'http_requests_total{code="200",method="GET"} 1027',
        'http_requests_total{code="500",method="POST"} 3 1395066363500',
        '',
      ].join('\n'),
    );
  });

  it('writes the types the text format lacks as the nearest it has', () => {
    const families = parseMetricFamilies(fixture('all-types.om.txt'), 'openmetrics');
    const text = writeMetricFamilies(families, 'text');
    expect(text).toContain('# TYPE build_info gauge\nbuild_info{revision="abc",version="1.2.3"} 1\n');
    expect(text).toContain('# TYPE queue_depth untyped\n');
    expect(text).toContain('# TYPE feature_flags gauge\n');
    expect(text).not.toContain('_created');
    expect(parseMetricFamilies(text, 'text').length).toBeGreaterThan(0);
  });
});

describe('round trips', () => {
  it.each([
    ['node-exporter.prom.txt', 'text'],
    ['text-edge-cases.prom.txt', 'text'],
    ['all-types.om.txt', 'openmetrics'],
  ] as const)('%s parses, writes and parses to the same families', (name, format) => {
    const families = parseMetricFamilies(fixture(name), format);
    const again = parseMetricFamilies(writeMetricFamilies(families, format), format);
    expect(again).toEqual(families);
  });

  it('the OpenMetrics conformance inputs that must parse survive a round trip', () => {
    const dir = new URL('../fixtures/openmetrics/tests/testdata/parsers/', import.meta.url);
    for (const name of [
      'roundtrip',
      'timestamps',
      'escaping',
      'label_escaping',
      'help_escaping',
      'exemplars_wide_chars',
    ]) {
      const families = parseMetricFamilies(readFileSync(new URL(`${name}/metrics`, dir)), 'openmetrics');
      expect(parseMetricFamilies(writeOpenMetrics(families), 'openmetrics'), name).toEqual(families);
    }
  });
});
