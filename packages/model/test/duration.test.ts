import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/duration.ts';

describe('durations', () => {
  it.each<[string, number, string]>([
    ['0', 0, '0s'],
    ['0s', 0, '0s'],
    ['5m', 300_000, '5m'],
    ['1h30m', 5_400_000, '1h30m'],
    ['90m', 5_400_000, '1h30m'],
    ['1d', 86_400_000, '1d'],
    ['2w', 14 * 86_400_000, '2w'],
    ['1y', 365 * 86_400_000, '1y'],
    ['10s500ms', 10_500, '10s500ms'],
    ['15s', 15_000, '15s'],
  ])('%s is %d ms and prints as %s', (text, ms, printed) => {
    expect(parseDuration(text)).toBe(ms);
    expect(formatDuration(ms)).toBe(printed);
  });

  it.each(['', '5', '1m1h', '1.5h', '-1m', '5M', 'h', '1hh'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(
      text === '' ? 'empty duration string' : 'not a valid duration string',
    );
  });
});
