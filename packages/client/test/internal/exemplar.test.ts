import { describe, expect, it } from 'vitest';
import { renderExemplar, storeExemplar } from '../../src/internal/exemplar.ts';

describe('exemplars', () => {
  it('renders labels, value and timestamp in seconds', () => {
    const exemplar = storeExemplar('Counter "c"', { trace_id: 'a"b', span: 'x' }, 0.25, 1_700_000_000_123);
    expect(renderExemplar(exemplar)).toBe(' # {trace_id="a\\"b",span="x"} 0.25 1700000000.123');
  });

  it.each([
    ['exactly 128 characters', { t: 'x'.repeat(127) }, true],
    ['129 characters', { t: 'x'.repeat(128) }, false],
    ['128 code points in astral characters', { t: '😀'.repeat(127) }, true],
    ['names count too', { trace: 'x'.repeat(124) }, false],
  ])('accepts or rejects %s', (_, labels, accepted) => {
    const store = () => storeExemplar('Histogram "h"', labels, 1, 0);
    if (accepted) expect(store).not.toThrow();
    else
      expect(store).toThrow(
        /Histogram "h": exemplar labels are \d+ characters long; OpenMetrics allows at most 128/,
      );
  });

  it.each([
    [{ 'not valid': 'x' }, /exemplar label name "not valid" is invalid/],
    [{ ok: 3 as unknown as string }, /exemplar label "ok" must have a string value/],
  ])('rejects bad labels %j', (labels, message) => {
    expect(() => storeExemplar('Counter "c"', labels, 1, 0)).toThrow(message);
  });
});
