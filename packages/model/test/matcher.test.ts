import { describe, expect, it } from 'vitest';
import { Matcher } from '../src/matcher.ts';

describe('Matcher', () => {
  it.each<[Matcher['type'], string, string, boolean]>([
    ['=', 'foo', 'foo', true],
    ['=', 'foo', 'bar', false],
    ['=', '', '', true],
    ['!=', 'foo', 'bar', true],
    ['!=', 'foo', 'foo', false],
    ['=~', 'fo.*', 'foo', true],
    ['=~', 'fo.*', 'xfoo', false],
    ['=~', '.*', '', true],
    ['=~', '.+', '', false],
    ['=~', 'a|b|c', 'b', true],
    ['=~', 'a|b|c', 'ab', false],
    ['!~', 'a|b', 'a', false],
    ['!~', 'a|b', 'c', true],
    ['=~', 'x.y', 'x\ny', true],
    ['=~', '(?i)get', 'GET', true],
  ])('%s %j matches %j: %s', (type, value, input, expected) => {
    expect(new Matcher(type, 'l', value).matches(input)).toBe(expected);
  });

  it('treats a missing label as the empty string', () => {
    expect(new Matcher('=', 'env', '').matchesEmpty()).toBe(true);
    expect(new Matcher('=~', 'env', 'prod|').matchesEmpty()).toBe(true);
    expect(new Matcher('!=', 'env', '').matchesEmpty()).toBe(false);
  });

  it('lists exact values for equality and literal alternations', () => {
    expect(new Matcher('=', 'a', 'x').setMatches()).toEqual(['x']);
    expect(new Matcher('=~', 'a', 'x|y|x').setMatches()).toEqual(['x', 'y']);
    expect(new Matcher('=~', 'a', 'x.*').setMatches()).toBeUndefined();
  });

  it('rejects bad regexes when built, with the pattern in the message', () => {
    expect(() => new Matcher('=~', 'a', '(?=x)')).toThrow(/error parsing regexp.*\(\?=x\)/);
  });

  it('prints as PromQL', () => {
    expect(String(new Matcher('=~', 'job', 'a"b'))).toBe('job=~"a\\"b"');
    expect(String(new Matcher('=', 'a.b', 'c'))).toBe('"a.b"="c"');
  });
});
