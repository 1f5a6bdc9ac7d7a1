import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, parseExpr, prettifyExpr, printExpr } from '../../src/index.ts';
import { exprArbitrary as expr, withoutPositions } from '../arbitraries.ts';
import { complianceQueries } from '../compliance-queries.ts';

const ALL = {
  enableExperimentalFunctions: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

// Either a tree or a ParseError; anything else escaping is a bug.
function parseOrError(q: string): void {
  try {
    parseExpr(q, ALL);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    expect(e.message).toMatch(/^\d+:\d+: parse error: /);
  }
}

describe('parser fuzzing', () => {
  it('round-trips generated expressions through the printer', () => {
    fc.assert(
      fc.property(expr, (q) => {
        let e: ReturnType<typeof parseExpr>;
        try {
          e = parseExpr(q, ALL);
        } catch (err) {
          // Generated text may still be ill-typed (e.g. a scalar comparison without bool).
          if (err instanceof ParseError) return;
          throw err;
        }
        const printed = printExpr(e);
        expect(withoutPositions(parseExpr(printed, ALL))).toEqual(withoutPositions(e));
        expect(withoutPositions(parseExpr(prettifyExpr(e), ALL))).toEqual(withoutPositions(e));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a ParseError on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), parseOrError), { numRuns: 2000 });
    const alphabet = fc.constantFrom(
      ...'(){}[]"\',:@=!~<>+-*/%^ 0123456789.eExsmhdwyabcfoo_\n#`\\'.split(''),
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')),
        parseOrError,
      ),
      {
        numRuns: 3000,
      },
    );
  });

  it('never throws anything but a ParseError on mutated valid queries', () => {
    const corpus = complianceQueries().map((c) => c.query);
    const mutation = fc.tuple(
      fc.constantFrom(...corpus),
      fc.nat(),
      fc.nat({ max: 5 }),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(mutation, ([q, at, cut, insert]) => {
        const i = at % (q.length + 1);
        parseOrError(q.slice(0, i) + insert + q.slice(i + cut));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects deep nesting with an error, not a stack overflow', () => {
    for (const q of [
      `${'('.repeat(10_000)}1${')'.repeat(10_000)}`,
      `${'-'.repeat(10_000)}1`,
      `${'sum('.repeat(5_000)}x${')'.repeat(5_000)}`,
      Array.from({ length: 10_000 }, () => '1').join(' ^ '),
      Array.from({ length: 10_000 }, () => 'x').join(' + '),
    ]) {
      expect(() => parseExpr(q)).toThrow(/parse error: expression nested too deeply/);
    }
  });

  it('accepts huge literals', () => {
    expect(parseExpr('1'.repeat(400))).toMatchObject({
      kind: 'NumberLiteral',
      value: Number.POSITIVE_INFINITY,
    });
    expect(parseExpr(`"${'a'.repeat(1_000_000)}"`)).toMatchObject({ kind: 'StringLiteral' });
    expect(parseExpr(`x[${'9'.repeat(30)}s]`)).toMatchObject({ kind: 'MatrixSelector' });
    parseOrError(`0x${'f'.repeat(300)}`);
  });
});
