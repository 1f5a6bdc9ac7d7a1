import { Labels, NO_SERIES_REF } from '@pyrometer/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSeries, type Harness, loadDemoData, startHarness, T0 } from '../server-harness.ts';

const at = (ms: number): string => String(ms / 1000);

describe('/api/v1/query', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ args: ['--query.max-samples=1000'] });
    await loadDemoData(h.memory);
  });
  afterAll(() => h.close());

  it('answers a vector with values as strings and times in seconds', async () => {
    const { status, body } = await h.json(`/api/v1/query?query=up&time=${at(T0 + 600_000)}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { __name__: 'up', instance: 'a:9100', job: 'api' }, value: [(T0 + 600_000) / 1000, '1'] },
          { metric: { __name__: 'up', instance: 'b:9100', job: 'api' }, value: [(T0 + 600_000) / 1000, '1'] },
        ],
      },
    });
  });

  it('accepts RFC3339 times and form-encoded POST', async () => {
    const res = await h.post('/api/v1/query', {
      query: 'sum(http_requests_total)',
      time: new Date(T0 + 600_000).toISOString(),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    expect(body.data.result[0]!.value).toEqual([(T0 + 600_000) / 1000, String(600 + 1200)]);
  });

  it('answers scalars and strings', async () => {
    expect((await h.json('/api/v1/query?query=1%2B1&time=10.5')).body.data).toEqual({
      resultType: 'scalar',
      result: [10.5, '2'],
    });
    expect((await h.json('/api/v1/query?query="x"&time=10')).body.data).toEqual({
      resultType: 'string',
      result: [10, 'x'],
    });
    expect((await h.json('/api/v1/query?query=1/0&time=1')).body.data).toEqual({
      resultType: 'scalar',
      result: [1, '+Inf'],
    });
    expect((await h.json('/api/v1/query?query=1e30&time=1')).body.data).toEqual({
      resultType: 'scalar',
      result: [1, '1000000000000000000000000000000'],
    });
  });

  it('answers a range vector selector with a matrix', async () => {
    const { body } = await h.json(`/api/v1/query?query=up{instance="a:9100"}[30s]&time=${at(T0 + 600_000)}`);
    expect(body.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'up', instance: 'a:9100', job: 'api' },
          values: [
            [(T0 + 585_000) / 1000, '1'],
            [(T0 + 600_000) / 1000, '1'],
          ],
        },
      ],
    });
  });

  it('returns warnings', async () => {
    const { body } = await h.json(`/api/v1/query?query=quantile(2, up)&time=${at(T0 + 600_000)}`);
    expect(body.status).toBe('success');
    expect(body.warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)']);
    expect(body).not.toHaveProperty('infos');
  });

  it('writes native histograms as `histogram`', async () => {
    const app = h.memory.appender();
    app.append(NO_SERIES_REF, Labels.from({ __name__: 'latency_seconds', job: 'api' }), 0, T0, {
      counterResetHint: 'unknown',
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 3,
      sum: 2.5,
      positiveSpans: [{ offset: 0, length: 2 }],
      positiveBuckets: [1, 2],
      negativeSpans: [],
      negativeBuckets: [],
    });
    await app.commit();
    const { body } = await h.json(`/api/v1/query?query=latency_seconds&time=${at(T0)}`);
    expect(body.data).toEqual({
      resultType: 'vector',
      result: [
        {
          metric: { __name__: 'latency_seconds', job: 'api' },
          histogram: [
            T0 / 1000,
            {
              count: '3',
              sum: '2.5',
              buckets: [
                [0, '0.5', '1', '1'],
                [0, '1', '2', '2'],
              ],
            },
          ],
        },
      ],
    });
  });

  it('returns stats when asked', async () => {
    const { body } = await h.json(`/api/v1/query?query=up&time=${at(T0 + 600_000)}&stats=all`);
    expect(body.data).toMatchObject({ stats: { samples: { totalQueryableSamples: expect.any(Number) } } });
  });

  it.each([
    ['query=up&time=foo', 'invalid parameter "time": cannot parse "foo" to a valid timestamp'],
    ['query=up(', 'invalid parameter "query": 1:1: parse error: unknown function with name "up"'],
    ['query=sum(up', 'invalid parameter "query": 1:'],
    ['query=', 'invalid parameter "query": '],
    ['query=up&timeout=x', 'invalid parameter "timeout": cannot parse "x" to a valid duration'],
  ])('bad parameters: %s → 400 bad_data', async (qs, error) => {
    const { status, body } = await h.json(`/api/v1/query?${qs}`);
    expect(status).toBe(400);
    expect(body.status).toBe('error');
    expect(body.errorType).toBe('bad_data');
    expect(String(body.error)).toContain(error);
  });

  it('refuses a query longer than --query.max-length', async () => {
    const res = await h.post('/api/v1/query', { query: 'a'.repeat(70_000) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/more than the limit of 65536/);
  });

  it('--query.max-samples: 422 execution, and the server keeps serving', async () => {
    const { status, body } = await h.json(
      `/api/v1/query_range?query=http_requests_total&start=${at(T0)}&end=${at(T0 + 600_000)}&step=1`,
    );
    expect(status).toBe(422);
    expect(body).toMatchObject({
      status: 'error',
      errorType: 'execution',
      error: 'query processing would load too many samples into memory in query execution',
    });
    expect((await h.json(`/api/v1/query?query=up&time=${at(T0)}`)).status).toBe(200);
  });

  it('an execution error: 422', async () => {
    await addSeries(h.memory, { __name__: 'dup', a: '1', b: 'x' }, [[T0, 1]]);
    await addSeries(h.memory, { __name__: 'dup', a: '1', b: 'y' }, [[T0, 1]]);
    const { status, body } = await h.json(`/api/v1/query?query=dup * on(a) up&time=${at(T0)}`);
    expect(status).toBe(422);
    expect(body.errorType).toBe('execution');
  });
});

describe('--query.max-concurrency', () => {
  it('queries beyond the limit wait their turn and all succeed', async () => {
    const h = await startHarness({ args: ['--query.max-concurrency=1'] });
    try {
      await loadDemoData(h.memory);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => h.json(`/api/v1/query?query=sum(up)&time=${at(T0 + 600_000)}`)),
      );
      for (const a of answers) {
        expect(a.body.data).toEqual({
          resultType: 'vector',
          result: [{ metric: {}, value: [(T0 + 600_000) / 1000, '2'] }],
        });
      }
    } finally {
      await h.close();
    }
  });
});

describe('query timeouts', () => {
  it('a per-request timeout: 503 timeout', async () => {
    const h = await startHarness();
    try {
      await loadDemoData(h.memory);
      const { status, body } = await h.json(
        `/api/v1/query?query=count(count_over_time(http_requests_total[10m:1ms]))&time=${at(T0 + 600_000)}&timeout=1ms`,
      );
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 'error', errorType: 'timeout' });
      expect((await h.json(`/api/v1/query?query=up&time=${at(T0)}`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('times a slow query out with 503 and keeps serving', async () => {
    const h = await startHarness({ args: ['--query.timeout=1ms'] });
    try {
      await loadDemoData(h.memory);
      const { status, body } = await h.json(
        `/api/v1/query?query=count(count_over_time(http_requests_total[10m:1ms]))&time=${at(T0 + 600_000)}`,
      );
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: 'error',
        errorType: 'timeout',
        error: 'query timed out in query execution',
      });
      expect((await h.json('/api/v1/query?query=1')).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('/api/v1/query_range', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await loadDemoData(h.memory);
  });
  afterAll(() => h.close());

  it.each(['60', '60.0', '1m', '1m0s'])('step %s: one point a minute', async (step) => {
    const { status, body } = await h.json(
      `/api/v1/query_range?query=up{instance="a:9100"}&start=${at(T0)}&end=${at(T0 + 180_000)}&step=${step}`,
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'up', instance: 'a:9100', job: 'api' },
          values: [0, 60, 120, 180].map((s) => [(T0 + s * 1000) / 1000, '1']),
        },
      ],
    });
  });

  it('a fractional step', async () => {
    const { body } = await h.json(`/api/v1/query_range?query=1&start=0&end=1&step=0.5`);
    expect(body.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: {},
          values: [
            [0, '1'],
            [0.5, '1'],
            [1, '1'],
          ],
        },
      ],
    });
  });

  it.each([
    ['query=up&start=0&end=10', 'invalid parameter "step": cannot parse "" to a valid duration'],
    ['query=up&start=0&end=10&step=abc', 'invalid parameter "step": cannot parse "abc" to a valid duration'],
    [
      'query=up&start=0&end=10&step=0',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      'query=up&start=10&end=0&step=1',
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    ['query=up&start=x&end=0&step=1', 'invalid parameter "start": cannot parse "x" to a valid timestamp'],
    ['query=up&end=0&step=1', 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    [
      'query=up&start=0&end=11001&step=1',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
    [
      'query=up[5m]&start=0&end=10&step=1',
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    ],
  ])('%s → 400', async (qs, error) => {
    const { status, body } = await h.json(`/api/v1/query_range?${qs}`);
    expect(status).toBe(400);
    expect(body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });
});

describe('limit and lookback_delta (Prometheus 3)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await loadDemoData(h.memory);
  });
  afterAll(() => h.close());

  const last = T0 + 600_000; // the demo data's last sample
  const instances = async (path: string): Promise<string[]> => {
    const { status, body } = await h.json(path);
    expect(status).toBe(200);
    return (body.data as { result: { metric: { instance: string } }[] }).result.map((r) => r.metric.instance);
  };

  it('limit: at most that many series of a vector, with a warning when it cut', async () => {
    const cut = await h.json(`/api/v1/query?query=up&time=${at(last)}&limit=1`);
    expect(cut.body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { __name__: 'up', instance: 'a:9100', job: 'api' }, value: [last / 1000, '1'] }],
      },
      warnings: ['results truncated due to limit'],
    });
    for (const limit of ['2', '3', '0']) {
      const { body } = await h.json(`/api/v1/query?query=up&time=${at(last)}&limit=${limit}`);
      expect((body.data as { result: unknown[] }).result).toHaveLength(2);
      expect(body).not.toHaveProperty('warnings');
    }
  });

  it('limit: after the engine’s own warnings', async () => {
    const { body } = await h.json(`/api/v1/query?query=quantile(2, up)&time=${at(last)}&limit=1`);
    expect(body.warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)']);
    const cut = await h.json(`/api/v1/query?query=quantile by (instance) (2, up)&time=${at(last)}&limit=1`);
    expect(cut.body.warnings).toEqual([
      'PromQL warning: quantile value should be between 0 and 1, got 2 (1:25)',
      'results truncated due to limit',
    ]);
  });

  it('limit: a matrix, from an instant range selector or a range query; not scalars', async () => {
    const selector = await h.json(`/api/v1/query?query=up[1m]&time=${at(last)}&limit=1`);
    expect((selector.body.data as { result: unknown[] }).result).toHaveLength(1);
    expect(selector.body.warnings).toEqual(['results truncated due to limit']);
    const range = await h.json(
      `/api/v1/query_range?query=up&start=${at(T0)}&end=${at(last)}&step=60&limit=1`,
    );
    expect(range.body).toMatchObject({
      data: { resultType: 'matrix', result: [{ metric: { instance: 'a:9100' } }] },
      warnings: ['results truncated due to limit'],
    });
    expect((range.body.data as { result: unknown[] }).result).toHaveLength(1);
    expect((await h.json('/api/v1/query?query=1&time=1&limit=1')).body).toEqual({
      status: 'success',
      data: { resultType: 'scalar', result: [1, '1'] },
    });
  });

  it('lookback_delta: this query’s lookback instead of --query.lookback-delta', async () => {
    const oneMinuteLater = `/api/v1/query?query=up&time=${at(last + 60_000)}`;
    expect(await instances(oneMinuteLater)).toEqual(['a:9100', 'b:9100']);
    expect(await instances(`${oneMinuteLater}&lookback_delta=30s`)).toEqual([]);
    expect(await instances(`${oneMinuteLater}&lookback_delta=30`)).toEqual([]);
    expect(await instances(`${oneMinuteLater}&lookback_delta=61.5`)).toEqual(['a:9100', 'b:9100']);
    // 0 (or less) keeps the server's.
    expect(await instances(`${oneMinuteLater}&lookback_delta=0`)).toEqual(['a:9100', 'b:9100']);
    const tenMinutesLater = `/api/v1/query?query=up&time=${at(last + 600_000)}`;
    expect(await instances(tenMinutesLater)).toEqual([]);
    expect(await instances(`${tenMinutesLater}&lookback_delta=15m`)).toEqual(['a:9100', 'b:9100']);
    const res = await h.post('/api/v1/query', {
      query: 'up',
      time: at(last + 600_000),
      lookback_delta: '15m',
    });
    expect(((await res.json()) as { data: { result: unknown[] } }).data.result).toHaveLength(2);
  });

  it('lookback_delta on a range query', async () => {
    const path = `/api/v1/query_range?query=up{instance="a:9100"}&start=${at(last)}&end=${at(last + 240_000)}&step=60`;
    const times = async (qs: string) => {
      const { body } = await h.json(path + qs);
      return (body.data as { result: { values: [number, string][] }[] }).result[0]!.values.map(([t]) => t);
    };
    expect(await times('')).toEqual([0, 60, 120, 180, 240].map((s) => last / 1000 + s));
    expect(await times('&lookback_delta=2m')).toEqual([0, 60].map((s) => last / 1000 + s));
  });

  it.each([
    [
      '/api/v1/query?query=up&limit=x',
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    ],
    ['/api/v1/query?query=up&limit=-1', 'invalid parameter "limit": limit must be non-negative'],
    [
      '/api/v1/query?query=up&limit=1.5',
      'invalid parameter "limit": strconv.Atoi: parsing "1.5": invalid syntax',
    ],
    [
      '/api/v1/query?query=up&lookback_delta=abc',
      'error parsing lookback delta duration: cannot parse "abc" to a valid duration',
    ],
    [
      '/api/v1/query_range?query=up&start=0&end=10&step=1&lookback_delta=5x',
      'error parsing lookback delta duration: cannot parse "5x" to a valid duration',
    ],
    [
      '/api/v1/query_range?query=up&start=0&end=10&step=1&limit=many',
      'invalid parameter "limit": strconv.Atoi: parsing "many": invalid syntax',
    ],
    // In Prometheus's order: limit first, then the times, then timeout and lookback_delta, then the query.
    [
      '/api/v1/query?query=sum(&time=x&limit=x',
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    ],
    [
      '/api/v1/query?query=sum(&time=x&lookback_delta=x',
      'invalid parameter "time": cannot parse "x" to a valid timestamp',
    ],
    [
      '/api/v1/query?query=sum(&lookback_delta=x',
      'error parsing lookback delta duration: cannot parse "x" to a valid duration',
    ],
    [
      '/api/v1/query_range?query=up&start=0&end=10&step=0&lookback_delta=x',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
  ])('%s → 400', async (path, error) => {
    const { status, body } = await h.json(path);
    expect(status).toBe(400);
    expect(body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });
});

describe('/api/v1/format_query and /api/v1/parse_query', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('formats', async () => {
    const { body } = await h.json('/api/v1/format_query?query=sum(rate(x[5m]))by(job)');
    expect(body).toEqual({ status: 'success', data: 'sum by (job) (rate(x[5m]))' });
  });

  it('parses to a syntax tree', async () => {
    const res = await h.post('/api/v1/parse_query', { query: 'sum by (job) (rate(x{a="b"}[5m])) > 1' });
    const body = (await res.json()) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({
      type: 'binaryExpr',
      op: '>',
      lhs: {
        type: 'aggregation',
        op: 'sum',
        grouping: ['job'],
        expr: {
          type: 'call',
          func: { name: 'rate', argTypes: ['matrix'], returnType: 'vector' },
          args: [{ type: 'matrixSelector', name: 'x', range: 300_000 }],
        },
      },
      rhs: { type: 'numberLiteral', val: '1' },
    });
  });

  it('a parse error is 400 bad_data', async () => {
    const { status, body } = await h.json('/api/v1/format_query?query=sum(');
    expect(status).toBe(400);
    expect(body.errorType).toBe('bad_data');
  });
});

describe('--enable-feature', () => {
  it('promql-experimental-functions switches the experimental functions on', async () => {
    const off = await startHarness();
    const on = await startHarness({ args: ['--enable-feature=promql-experimental-functions'] });
    try {
      for (const h of [off, on]) await loadDemoData(h.memory);
      const path = `/api/v1/query?query=first_over_time(up{instance="a:9100"}[1m])&time=${at(T0 + 600_000)}`;
      const refused = await off.json(path);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(/function "first_over_time" is not enabled/);
      expect((await on.json(path)).status).toBe(200);
    } finally {
      await off.close();
      await on.close();
    }
  });
});
