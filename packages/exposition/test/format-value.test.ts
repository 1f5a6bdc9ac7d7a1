import { Labels } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { formatFloat } from '../src/format-value.ts';

describe('formatFloat', () => {
  it.each([
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [123456.7, '123456.7'],
    [100000, '100000'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [2.5e-7, '2.5e-07'],
    [1e21, '1e+21'],
    [-1.5e300, '-1.5e+300'],
    [0.1, '0.1'],
    [-0, '-0'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('formats %s as Go does: %s', (value, expected) => {
    expect(formatFloat(value)).toBe(expected);
    expect(Labels.from({ le: formatFloat(value) }).get('le')).toBe(expected);
  });
});
