import { describe, expect, it } from 'vitest';
import { parseMillis } from '../../src/internal/timestamp.ts';

const millis = (s: string) => parseMillis(new TextEncoder().encode(s), 0, s.length);

describe('parseMillis', () => {
  it.each([
    ['0', 0],
    ['1395066363000', 1395066363000],
    ['-42', -42],
    ['+7', 7],
    ['0000123', 123],
  ])('reads %s', (text, expected) => {
    expect(millis(text)).toBe(expected);
  });

  it.each(['', '-', '1.5', '1e3', 'NaN', '12a', '0x10'])('rejects %j', (text) => {
    expect(millis(text)).toBeUndefined();
  });
});
