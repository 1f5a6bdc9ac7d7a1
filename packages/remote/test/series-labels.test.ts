import { Labels } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { seriesLabels } from '../src/series-labels.ts';
import type { TimeSeries } from '../src/write-request.ts';

function series(labels: string[], labelsValidUtf8 = true): TimeSeries {
  const none = new Float64Array(0);
  return { labels, labelsValidUtf8, timestamps: none, values: none, exemplars: [], histograms: [] };
}

// As Prometheus 3's 1.0 receiver: labels sorted on arrival; UTF-8 names allowed; a missing or
// empty __name__, an empty or non-UTF-8 name, and a repeated name make the series invalid.
describe('seriesLabels', () => {
  it.each<[string, string[], Record<string, string>]>([
    ['sorted labels', ['__name__', 'up', 'job', 'a'], { __name__: 'up', job: 'a' }],
    [
      'unsorted labels, sorted on arrival',
      ['job', 'a', '__name__', 'up', 'instance', 'h:1'],
      { __name__: 'up', instance: 'h:1', job: 'a' },
    ],
    ['an empty value, dropped as the TSDB drops it', ['__name__', 'up', 'env', ''], { __name__: 'up' }],
    [
      'UTF-8 names',
      ['__name__', 'température', 'état.ok', 'oui'],
      { __name__: 'température', 'état.ok': 'oui' },
    ],
  ])('accepts %s', (_name, flat, expected) => {
    expect(seriesLabels(series(flat))).toEqual(Labels.from(expected));
  });

  it.each<[string, string[], boolean, object]>([
    ['no __name__', ['job', 'a'], true, { reason: 'Invalid metric names or labels' }],
    ['an empty __name__', ['__name__', '', 'job', 'a'], true, { reason: 'Invalid metric names or labels' }],
    ['an empty label name', ['__name__', 'up', '', 'x'], true, { reason: 'Invalid metric names or labels' }],
    [
      'bytes that are not UTF-8',
      ['__name__', 'up\uFFFD'],
      false,
      { reason: 'Invalid metric names or labels' },
    ],
    [
      'a repeated name',
      ['__name__', 'up', 'a', '1', 'a', '2'],
      true,
      { reason: 'Invalid labels for series.', duplicate: 'a' },
    ],
    [
      'a repeated name, unsorted',
      ['a', '1', '__name__', 'up', 'a', '1'],
      true,
      { reason: 'Invalid labels for series.', duplicate: 'a' },
    ],
    [
      'a repeated name, one value empty',
      ['__name__', 'up', 'a', '', 'a', '2'],
      true,
      { reason: 'Invalid labels for series.', duplicate: 'a' },
    ],
  ])('refuses %s', (_name, flat, validUtf8, expected) => {
    expect(seriesLabels(series(flat, validUtf8))).toEqual(expected);
  });
});
