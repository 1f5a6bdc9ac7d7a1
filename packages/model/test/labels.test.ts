import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareLabels, isLegacyLabelName, isLegacyMetricName, isValidName, Labels } from '../src/labels.ts';

describe('Labels', () => {
  it('sorts by name and drops empty values', () => {
    const l = Labels.from({ job: 'api', __name__: 'up', empty: '', instance: 'a:1' });
    expect([...l]).toEqual([
      ['__name__', 'up'],
      ['instance', 'a:1'],
      ['job', 'api'],
    ]);
    expect(l.size).toBe(3);
    expect(l.metricName).toBe('up');
    expect(l.get('empty')).toBe('');
    expect(l.has('empty')).toBe(false);
  });

  it('rejects duplicate names', () => {
    expect(() =>
      Labels.from([
        ['a', '1'],
        ['a', '2'],
      ]),
    ).toThrow('duplicate label name "a"');
    expect(() => Labels.fromFlat(['b', '1', 'a', '2', 'b', '3'])).toThrow(/duplicate label name "b"/);
  });

  it('fromFlat sorts an unsorted list and keeps a sorted one as is', () => {
    expect(Labels.fromFlat(['z', '1', 'a', '2']).flat()).toEqual(['a', '2', 'z', '1']);
    expect(Labels.fromFlat(['a', '2', 'z', '1']).flat()).toEqual(['a', '2', 'z', '1']);
    expect(Labels.fromFlat(['a', '', 'z', '1']).flat()).toEqual(['z', '1']);
  });

  it('equal label sets have equal hashes and compare equal', () => {
    const a = Labels.from({ a: '1', b: '2' });
    const b = Labels.from([
      ['b', '2'],
      ['a', '1'],
    ]);
    expect(a.equals(b)).toBe(true);
    expect(a.hash()).toBe(b.hash());
    expect(compareLabels(a, b)).toBe(0);
  });

  it('separates names from values in the hash', () => {
    expect(Labels.from({ a: 'bc' }).hash()).not.toBe(Labels.from({ ab: 'c' }).hash());
    expect(Labels.from({ a: 'b', c: 'd' }).hash()).not.toBe(Labels.from({ a: 'bc', d: '' }).hash());
  });

  it('hashes are 53-bit non-negative integers', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (rec) => {
        const h = Labels.from(rec).hash();
        return Number.isSafeInteger(h) && h >= 0;
      }),
    );
  });

  it('orders as Prometheus labels.Compare: name, then value, then length', () => {
    const sets = [
      Labels.from({ a: '1' }),
      Labels.from({ a: '1', b: '1' }),
      Labels.from({ a: '2' }),
      Labels.from({ b: '0' }),
      Labels.EMPTY,
    ];
    const sorted = [...sets].sort(compareLabels).map(String);
    expect(sorted).toEqual(['{}', '{a="1"}', '{a="1", b="1"}', '{a="2"}', '{b="0"}']);
  });

  it('orders by code point, as Go compares UTF-8 bytes', () => {
    // U+FF5E sorts before U+1F600 by code point, after it by UTF-16 code unit.
    const a = Labels.from({ x: '\uff5e' });
    const b = Labels.from({ x: '😀' });
    expect(compareLabels(a, b)).toBeLessThan(0);
    expect(compareLabels(b, a)).toBeGreaterThan(0);
  });

  it('builder sets, deletes and keeps', () => {
    const base = Labels.from({ __name__: 'up', job: 'a', instance: 'i' });
    const b = base.builder().set('job', 'b').set('instance', '').set('zone', 'z');
    expect(b.labels().toRecord()).toEqual({ __name__: 'up', job: 'b', zone: 'z' });
    expect(base.builder().keep('job').labels().toRecord()).toEqual({ job: 'a' });
    expect(base.builder().delete('__name__', 'job').labels().toRecord()).toEqual({ instance: 'i' });
  });

  it('without and keep return the same object when nothing changes', () => {
    const l = Labels.from({ a: '1', b: '2' });
    expect(l.without('c')).toBe(l);
    expect(l.keep('a', 'b')).toBe(l);
    expect(l.without('a').toRecord()).toEqual({ b: '2' });
    expect(l.keep('a').toRecord()).toEqual({ a: '1' });
  });

  it('prints as Prometheus does, quoting names that need it', () => {
    expect(String(Labels.from({ __name__: 'up', job: 'x"y' }))).toBe('up{job="x\\"y"}');
    expect(String(Labels.from({ __name__: 'my.metric', 'a.b': 'c' }))).toBe(
      '{__name__="my.metric", "a.b"="c"}',
    );
  });
});

describe('name validation', () => {
  it.each([
    ['up', true, true],
    ['node:cpu:rate5m', true, false],
    ['_x', true, true],
    ['1abc', false, false],
    ['a-b', false, false],
    ['', false, false],
    ['ünicode', false, false],
  ])('%j: legacy metric %s, legacy label %s', (name, metric, label) => {
    expect(isLegacyMetricName(name)).toBe(metric);
    expect(isLegacyLabelName(name)).toBe(label);
  });

  it('accepts any non-empty well-formed UTF-8 name', () => {
    expect(isValidName('my.metric/ü')).toBe(true);
    expect(isValidName('')).toBe(false);
    expect(isValidName('\ud800')).toBe(false);
  });
});
