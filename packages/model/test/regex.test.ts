import { describe, expect, it } from 'vitest';
import { compileAnchoredRegex, RegexSyntaxError } from '../src/regex.ts';

function matches(re: string, value: string): boolean {
  return compileAnchoredRegex(re).test(value);
}

describe('RE2 to JavaScript', () => {
  // [pattern, input, matches] — each row is how Prometheus (Go's regexp, anchored, (?s)) answers.
  it.each<[string, string, boolean]>([
    ['foo', 'foo', true],
    ['foo', 'foobar', false],
    ['foo|bar', 'bar', true],
    ['foo|bar', 'foobar', false],
    ['a.c', 'a\nc', true],
    ['.*', '', true],
    ['.+', '', false],
    ['(?i)foo', 'FoO', true],
    ['(?i:f)oo', 'FOO', false],
    ['(?i:f)oo', 'Foo', true],
    ['a(?i)b|c', 'aB', true],
    ['a(?i)b|c', 'C', true],
    ['(?-s:a.c)', 'a\nc', false],
    ['(?-s:a.c)', 'a\rc', true],
    ['\\d+', '123', true],
    ['\\d+', '١٢', false],
    ['\\s', '\u00a0', false],
    ['\\s', '\t', true],
    ['\\S', '\v', true],
    ['\\w+', 'ab_9', true],
    ['[[:alpha:]]+', 'abcXYZ', true],
    ['[[:digit:]x]+', '12x', true],
    ['[[:^digit:]]', 'a', true],
    ['[[:^digit:]]', '1', false],
    ['[\\S]', ' ', false],
    ['[^a]', '\n', true],
    ['[]a]', ']', true],
    ['[a-]', '-', true],
    ['\\pL+', 'äβc', true],
    ['\\p{Greek}+', 'αβγ', true],
    ['\\p{Greek}', 'a', false],
    ['\\PL', '1', true],
    ['\\p{^L}', 'a', false],
    ['\\x41\\x{263a}', 'A☺', true],
    ['\\101', 'A', true],
    ['\\Q.*\\E', '.*', true],
    ['\\Q.*\\E', 'ab', false],
    ['a{2}', 'aa', true],
    ['a{,2}', 'a{,2}', true],
    ['x{', 'x{', true],
    ['}', '}', true],
    ['(?P<name>a)b', 'ab', true],
    ['(?<name>a)b', 'ab', true],
    ['\\.', '.', true],
    ['\\-', '-', true],
    ['\\#', '#', true],
    ['\\A', '', true],
    ['a\\z', 'a', true],
    ['(?m)^a$\\n^b$', 'a\nb', true],
    ['^a$', 'a', true],
    ['😀.', '😀x', true],
    ['.', '😀', true],
  ])('%j against %j is %s', (re, input, expected) => {
    expect(matches(re, input)).toBe(expected);
  });

  it.each([
    ['(?=a)', /unsupported Perl syntax/],
    ['(?!a)', /unsupported Perl syntax/],
    ['(?<=a)b', /unsupported Perl syntax/],
    ['(a)\\1', /invalid escape sequence/],
    ['\\y', /invalid escape sequence/],
    ['(?U)a*', /ungreedy/],
    ['a**', /invalid nested repetition/],
    ['a{1001}', /invalid repeat count/],
    ['a{3,2}', /invalid repeat count/],
    ['(a', /missing closing \)/],
    ['a)', /unexpected \)/],
    ['[a', /missing closing \]/],
    ['\\', /trailing backslash/],
    ['\\p{Nope}', /invalid character class/],
    ['[[:nope:]]', /invalid character class/],
    ['[a\\S]', /no exact JavaScript equivalent/],
    ['(?i)\\b', /no exact JavaScript equivalent/],
  ])('rejects %j', (re, message) => {
    expect(() => compileAnchoredRegex(re)).toThrow(RegexSyntaxError);
    expect(() => compileAnchoredRegex(re)).toThrow(message);
  });

  it('names the pattern in the error', () => {
    expect(() => compileAnchoredRegex('(?=x)')).toThrow('in `(?=x)`');
  });
});
