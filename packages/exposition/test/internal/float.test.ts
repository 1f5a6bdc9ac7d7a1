import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal, parseLabelNumber, parseSampleValue } from '../../src/internal/float.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const decimal = (s: string, shift = 0) => parseDecimal(bytes(s), 0, s.length, shift);
const sample = (s: string) => parseSampleValue(bytes(s), 0, s.length);

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['-1', -1],
    ['+1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['2.5e+07', 2.5e7],
    ['0000000000000000000000000000000000000000001.2e-1', 0.12],
    ['9223372036854775808', 2 ** 63],
    ['0.013300656000000001', 0.013300656000000001],
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['1e400', Number.POSITIVE_INFINITY],
    ['4.9e-324', 5e-324],
    ['123456789012345678901234567890', 1.2345678901234568e29],
  ])('reads %s as Number() does', (text, expected) => {
    expect(decimal(text)).toBe(expected);
    expect(decimal(text)).toBe(Number(text));
  });

  it('reads 15- to 17-digit mantissas, and integers up to and past 2^53, as Number() does', () => {
    const forms = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toExponential(15)),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => d.toFixed(10)),
      fc.bigInt({ min: 2n ** 52n, max: 2n ** 54n }).map(String),
      fc
        .tuple(fc.stringMatching(/^[1-9][0-9]{14,16}$/), fc.integer({ min: -25, max: 25 }))
        .map(([m, e]) => `${m}e${e}`),
    );
    fc.assert(
      fc.property(forms, (text) => {
        expect(decimal(text)).toBe(Number(text));
      }),
      { numRuns: 3000 },
    );
    for (const text of [
      '9007199254740992',
      '9007199254740993',
      '9007199254740991.5',
      '1234567890123456e-3',
    ]) {
      expect(decimal(text)).toBe(Number(text));
    }
  });

  it('keeps the sign of zero', () => {
    expect(Object.is(decimal('-0'), -0)).toBe(true);
    expect(Object.is(decimal('-0.0e5'), -0)).toBe(true);
  });

  it.each([
    '',
    '+',
    '-',
    '.',
    'e5',
    '1e',
    '1e+',
    '1.2.3',
    '1_000',
    '0x10',
    '0b1',
    '0o7',
    ' 1',
    '1 ',
    'NaN',
    'Inf',
    '1f',
  ])('rejects %j', (text) => {
    expect(decimal(text)).toBeUndefined();
  });

  it.each([
    ['1', 1000],
    ['1.1', 1100],
    ['0.001', 1],
    ['1.5e3', 1_500_000],
    ['-1.1', -1100],
    ['1395066363.5', 1395066363500],
    ['0.0000000001', 1e-7],
  ])('scales %s seconds to %d ms exactly', (text, ms) => {
    expect(decimal(text, 3)).toBe(ms);
  });

  it('agrees with Number() on many random decimals', () => {
    for (let i = 0; i < 2000; i++) {
      const digits = String(Math.floor(Math.random() * 10 ** (1 + (i % 16))));
      const point = Math.floor(Math.random() * (digits.length + 1));
      const exponent = (i % 3 === 0 ? `e${Math.floor(Math.random() * 60) - 30}` : '') as string;
      const text = `${digits.slice(0, point)}.${digits.slice(point)}${exponent}`;
      expect(decimal(text), text).toBe(Number(text));
    }
  });
});

describe('parseSampleValue', () => {
  it.each([
    ['NaN', Number.NaN],
    ['nan', Number.NaN],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['Inf', Number.POSITIVE_INFINITY],
    ['inf', Number.POSITIVE_INFINITY],
    ['-infinity', Number.NEGATIVE_INFINITY],
    ['+INFINITY', Number.POSITIVE_INFINITY],
    ['nAN', Number.NaN],
    ['+INFINITY', Number.POSITIVE_INFINITY],
    ['12.5', 12.5],
  ])('reads %s', (text, expected) => {
    expect(sample(text)).toBe(expected);
  });

  it.each(['+NaN', '-nan', 'infinit', 'infinityy', 'in', 'n', '0x1p-3', '1_2', '0X1', 'i\x0ef', 'na\x01'])(
    'rejects %j',
    (text) => {
      expect(sample(text)).toBeUndefined();
    },
  );
});

describe('parseLabelNumber', () => {
  it.each([
    ['0.5', 0.5],
    ['1e-04', 0.0001],
    ['100000.0', 100000],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['-1', -1],
  ])('reads le/quantile value %s', (text, expected) => {
    expect(parseLabelNumber(text)).toBe(expected);
  });

  it.each(['+INF', 'inf', 'NaN', 'foo', '', '0x1', ' 1'])('rejects %j', (text) => {
    expect(parseLabelNumber(text)).toBeUndefined();
  });
});
