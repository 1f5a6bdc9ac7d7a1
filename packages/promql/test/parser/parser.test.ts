import { describe, expect, it } from 'vitest';
import { type Expr, ParseError, parseExpr, printExpr, typeOf } from '../../src/index.ts';
import { withoutPositions } from '../arbitraries.ts';
import { complianceQueries } from '../compliance-queries.ts';

const ALL = {
  enableExperimentalFunctions: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

function parse(q: string): Expr {
  return parseExpr(q, ALL);
}

describe('parseExpr prints back in canonical form', () => {
  const cases: [string, string][] = [
    ['1', '1'],
    ['.5', '0.5'],
    ['1e3', '1000'],
    ['0x1F', '31'],
    ['Inf', '+Inf'],
    ['-inf', '-Inf'],
    ['nAn', 'NaN'],
    ['5m', '5m'],
    ['1h30m', '1h30m'],
    ['"a\\tb"', '"a\\tb"'],
    ["'single'", '"single"'],
    ['`raw\\n`', '"raw\\\\n"'],
    ['foo', 'foo'],
    ['foo{a="b",c!="d",e=~"f.*",g!~"h"}', 'foo{a="b", c!="d", e=~"f.*", g!~"h"}'],
    ['{__name__="foo"}', 'foo'],
    ['{"my.metric", "label.x"="y"}', '{"my.metric", "label.x"="y"}'],
    ['foo[5m]', 'foo[5m]'],
    ['foo offset 5m', 'foo offset 5m'],
    ['foo offset -1m', 'foo offset -1m'],
    ['foo @ 100', 'foo @ 100.000'],
    ['foo @ start()', 'foo @ start()'],
    ['foo[1m] @ end() offset 1m', 'foo[1m] @ end() offset 1m'],
    ['rate(foo[5m])[30m:1m]', 'rate(foo[5m])[30m:1m]'],
    ['foo[5m:]', 'foo[5m:]'],
    ['1 + 2 * 3', '1 + 2 * 3'],
    ['(1 + 2) * 3', '(1 + 2) * 3'],
    ['2 ^ 3 ^ 2', '2 ^ 3 ^ 2'],
    ['-2 ^ 2', '-2 ^ 2'],
    ['a + on(b) group_left(c) d', 'a + on (b) group_left (c) d'],
    ['a > bool ignoring(x) b', 'a > bool ignoring (x) b'],
    ['a and b or c unless d', 'a and b or c unless d'],
    // An empty on()/ignoring() beside a scalar is dropped, as Prometheus does.
    ['a / on() 2', 'a / 2'],
    ['a / ignoring() group_left 2', 'a / 2'],
    ['1 + on() 2', '1 + 2'],
    ['sum by (job) (rate(x[5m]))', 'sum by (job) (rate(x[5m]))'],
    ['sum(x) without (a, b)', 'sum without (a, b) (x)'],
    ['topk(5, x)', 'topk(5, x)'],
    ['count_values("v", x)', 'count_values("v", x)'],
    ['SUM(x) BY (job)', 'sum by (job) (x)'],
    ['x[2m*(10+5)]', 'x[2m * (10 + 5)]'],
    ['x offset -step()', 'x offset -step()'],
    ['increase(x[1m] anchored)', 'increase(x[1m] anchored)'],
    ['a + fill_left(1) fill_right(2) b', 'a + fill_left(1) fill_right(2) b'],
    ['# comment\nfoo # trailing', 'foo'],
  ];
  it.each(cases)('%s', (input, printed) => {
    expect(printExpr(parse(input))).toBe(printed);
  });
});

describe('operator precedence and associativity', () => {
  it('binds * tighter than + and keeps - left-associative', () => {
    const e = parse('1 - 2 - 3 * 4');
    expect(e.kind).toBe('BinaryExpr');
    if (e.kind !== 'BinaryExpr') return;
    expect(e.op).toBe('-');
    expect(e.lhs.kind === 'BinaryExpr' && e.lhs.op).toBe('-');
    expect(e.rhs.kind === 'BinaryExpr' && e.rhs.op).toBe('*');
  });
  it('makes ^ right-associative and unary minus bind below it', () => {
    const e = parse('-2 ^ 3 ^ 2');
    expect(e.kind).toBe('UnaryExpr');
    if (e.kind !== 'UnaryExpr' || e.expr.kind !== 'BinaryExpr') throw new Error('shape');
    expect(e.expr.rhs.kind === 'BinaryExpr' && e.expr.rhs.op).toBe('^');
  });
  it('folds a sign into a number literal', () => {
    expect(parse('-1')).toMatchObject({ kind: 'NumberLiteral', value: -1, pos: { start: 0, end: 2 } });
  });
  it('records positions', () => {
    expect(parse('sum(foo)')).toMatchObject({
      pos: { start: 0, end: 8 },
      expr: { pos: { start: 4, end: 7 } },
    });
  });
  it('gives types', () => {
    expect(typeOf(parse('foo[5m]'))).toBe('matrix');
    expect(typeOf(parse('scalar(foo)'))).toBe('scalar');
    expect(typeOf(parse('"s"'))).toBe('string');
    expect(typeOf(parse('1 + foo'))).toBe('vector');
  });
});

describe('parse errors say where and what', () => {
  const cases: [string, string][] = [
    ['', '1:1: parse error: no expression found in input'],
    ['sum(', '1:5: parse error: unclosed left parenthesis'],
    ['foo{', '1:5: parse error: unexpected end of input inside braces'],
    ['foo[5m', '1:7: parse error: unclosed left bracket'],
    ['foo offset', '1:11: parse error: unexpected end of input in duration'],
    ['1 +', 'unexpected end of input'],
    ['foo[5m] + 1', 'binary expression must contain only scalar and instant vector types'],
    ['1 == 1', 'comparisons between scalars must use BOOL modifier'],
    ['1 and 1', 'set operator "and" not allowed in binary scalar expression'],
    ['a + bool b', 'bool modifier can only be used on comparison operators'],
    ['rate(foo)', 'expected type range vector in call to function "rate", got instant vector'],
    ['rate(foo[5m], 1)', 'expected 1 argument(s) in call to "rate", got 2'],
    ['round()', 'expected at least 1 argument(s) in call to "round", got 0'],
    ['nosuchfn(foo)', 'unknown function with name "nosuchfn"'],
    ['sum(foo[5m])', 'expected type instant vector in aggregation expression, got range vector'],
    ['topk(foo)', 'wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['count_values(1, foo)', 'expected type string in aggregation parameter, got scalar'],
    ['{}', 'vector selector must contain at least one non-empty matcher'],
    ['{a=~".*"}', 'vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', 'metric name must not be set twice'],
    ['(foo)[5m]', 'ranges only allowed for vector selectors'],
    ['foo[5m][5m]', 'ranges only allowed for vector selectors'],
    ['foo[5m][5m:1m]', 'subquery is only allowed on instant vector, got range vector'],
    ['1 offset 5m', 'offset modifier must be preceded by an instant vector selector'],
    ['foo offset 1m offset 2m', 'offset may not be set multiple times'],
    ['a + on(x) group_left(x) b', 'label "x" must not occur in ON and GROUP clause at once'],
    ['a and on(x) group_left b', 'no grouping allowed for "and" operation'],
    ['a / on(x) 2', 'vector matching only allowed between instant vectors'],
    ['foo{a="\\q"}', 'unknown escape sequence'],
    ['foo{a=~"("}', '1:5: parse error: error parsing regexp: missing closing )'],
    ['"unterminated', 'unterminated quoted string'],
    ['5mx', 'bad number or duration syntax'],
    ['foo[5m5m]', 'bad duration syntax'],
    ['sort_by_label(foo)', 'function "sort_by_label" is not enabled'],
  ];
  it.each(cases)('%s', (input, message) => {
    const opts = input.startsWith('sort_by_label') ? {} : ALL;
    expect(() => parseExpr(input, opts)).toThrow(ParseError);
    expect(() => parseExpr(input, opts)).toThrow(message);
  });
  it('gives line and column', () => {
    try {
      parseExpr('foo +\n  )');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).message).toMatch(/^2:3: parse error: unexpected/);
    }
  });
});

describe('the compliance query list', () => {
  const queries = complianceQueries();
  it('has all 539 expanded queries', () => {
    expect(queries).toHaveLength(539);
  });
  it('parses every query that must not fail, and prints it back to the same tree', () => {
    for (const { query, shouldFail } of queries) {
      if (shouldFail) continue;
      const e = parse(query);
      expect(withoutPositions(parse(printExpr(e))), query).toEqual(withoutPositions(e));
    }
  });
});
