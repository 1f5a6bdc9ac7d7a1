import { describe, expect, it } from 'vitest';
import { LabelScratch } from '../../src/internal/label-scratch.ts';

function scratch(...pairs: [string, string][]): LabelScratch {
  const labels = new LabelScratch();
  for (const [name, value] of pairs) labels.push(name, value);
  return labels;
}

describe('LabelScratch', () => {
  it.each([
    [[], 'm', ['__name__', 'm']],
    [
      [
        ['b', '1'],
        ['a', '2'],
      ],
      'm',
      ['__name__', 'm', 'a', '2', 'b', '1'],
    ],
    [
      [
        ['Z', '1'],
        ['_x', '2'],
        ['a', '3'],
      ],
      'm',
      ['Z', '1', '__name__', 'm', '_x', '2', 'a', '3'],
    ],
    [
      [
        ['\u{1f600}', '1'],
        ['\uffff', '2'],
      ],
      undefined,
      ['\uffff', '2', '\u{1f600}', '1'],
    ],
  ] as [[string, string][], string | undefined, string[]][])(
    'writes %j sorted by code point',
    (pairs, name, expected) => {
      expect(scratch(...pairs).writeSorted([], name)).toEqual(expected);
    },
  );

  it('truncates the output array and reuses it', () => {
    const out = ['stale', 'stale', 'stale', 'stale', 'stale', 'stale'];
    expect(scratch(['a', '1']).writeSorted(out, 'm')).toBe(out);
    expect(out).toEqual(['__name__', 'm', 'a', '1']);
  });

  it('looks labels up by name', () => {
    const labels = scratch(['le', '0.5'], ['job', 'x']);
    expect(labels.get('job')).toBe('x');
    expect(labels.get('nope')).toBeUndefined();
    expect(labels.indexOf('le')).toBe(0);
  });
});
