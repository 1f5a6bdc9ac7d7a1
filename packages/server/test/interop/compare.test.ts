import { describe, expect, it } from 'vitest';
import { compareAnswers, floatsEqual, toAnswer } from './compare.ts';
import { buildDataset, timeOrderedBatches } from './dataset.ts';
import { complianceQueries } from './queries.ts';

const matrix = (result: unknown) =>
  toAnswer(200, { status: 'success', data: { resultType: 'matrix', result } });

describe('the interop comparison', () => {
  it('floats: 1e-9 relative or 1e-12 absolute, NaN equals NaN, infinities exactly', () => {
    expect(floatsEqual(1e9, 1e9 + 0.5)).toBe(true);
    expect(floatsEqual(1e9, 1e9 + 2)).toBe(false);
    expect(floatsEqual(0, 1e-13)).toBe(true);
    expect(floatsEqual(0, 1e-11)).toBe(false);
    expect(floatsEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(floatsEqual(Number.NaN, 0)).toBe(false);
    expect(floatsEqual(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(true);
    expect(floatsEqual(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(false);
    expect(floatsEqual(Number.POSITIVE_INFINITY, 1e308)).toBe(false);
  });

  it('matrices: series by label set in any order; values, timestamps and missing points count', () => {
    const a = matrix([
      {
        metric: { a: '1' },
        values: [
          [10, '1'],
          [20, '+Inf'],
        ],
      },
      { metric: { b: '1', a: '2' }, values: [[10, 'NaN']] },
    ]);
    const b = matrix([
      { metric: { a: '2', b: '1' }, values: [[10, 'NaN']] },
      {
        metric: { a: '1' },
        values: [
          [10, '1.0000000000001'],
          [20, '+Inf'],
        ],
      },
    ]);
    expect(compareAnswers(a, b)).toBeUndefined();
    expect(
      compareAnswers(
        a,
        matrix([
          {
            metric: { a: '1' },
            values: [
              [10, '1'],
              [20, '+Inf'],
            ],
          },
        ]),
      ),
    ).toMatch(/1 series only in prometheus/);
    expect(
      compareAnswers(
        matrix([{ metric: { a: '1' }, values: [[10, '1']] }]),
        matrix([
          {
            metric: { a: '1' },
            values: [
              [10, '1'],
              [20, '1'],
            ],
          },
        ]),
      ),
    ).toMatch(/point 1 of 1\/2/);
    expect(
      compareAnswers(
        matrix([{ metric: { a: '1' }, values: [[10, '1']] }]),
        matrix([{ metric: { a: '1' }, values: [[11, '1']] }]),
      ),
    ).toMatch(/prometheus 1@10, pyrometer 1@11/);
  });

  it('errors: both failing with the same type and status are equal; one failing is a difference', () => {
    const err = (type: string, status: number) =>
      toAnswer(status, { status: 'error', errorType: type, error: 'x' });
    expect(compareAnswers(err('bad_data', 400), err('bad_data', 400))).toBeUndefined();
    expect(compareAnswers(err('bad_data', 400), err('execution', 422))).toMatch(/errors differ/);
    expect(compareAnswers(err('execution', 422), matrix([]))).toMatch(/pyrometer succeeded/);
  });

  it('expands the compliance list to its 539 queries, first variant name outermost', () => {
    const queries = complianceQueries();
    expect(queries).toHaveLength(539);
    expect(queries.filter((q) => q.shouldFail)).toHaveLength(5);
    const overTime = queries.map((q) => q.query).filter((q) => q.startsWith('sum_over_time('));
    expect(overTime.slice(0, 2)).toEqual([
      'sum_over_time(demo_memory_usage_bytes[1s])',
      'sum_over_time(demo_memory_usage_bytes[15s])',
    ]);
  });

  it('the data set: off-grid timestamps, time-ordered batches holding every sample once', () => {
    const data = buildDataset(0, 80);
    expect(data.first).toBe(1234);
    expect(data.series.every((s) => s.samples.every((p) => p.t % 15_000 === 1234))).toBe(true);
    const batches = timeOrderedBatches(data, 600_000);
    expect(batches).toHaveLength(2);
    let n = 0;
    for (const batch of batches) for (const s of batch) n += s.samples?.length ?? 0;
    expect(n).toBe(data.series.reduce((k, s) => k + s.samples.length, 0));
  });
});
