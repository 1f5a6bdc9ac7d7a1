import { Labels, MemoryStorage, NO_SERIES_REF, StaleNaN } from '@pyrometer/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, ParseError, QueryError } from '../../src/index.ts';
import { exprArbitrary } from '../arbitraries.ts';

async function storageWith(series: Record<string, number[]>, stepMs = 15_000): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  const app = storage.appender();
  for (const [text, values] of Object.entries(series)) {
    const [name, rest] = text.split('{') as [string, string | undefined];
    const labels: Record<string, string> = { __name__: name };
    for (const pair of (rest ?? '').replace('}', '').split(',').filter(Boolean)) {
      const [k, v] = pair.split('=') as [string, string];
      labels[k] = v;
    }
    const l = Labels.from(labels);
    values.forEach((v, i) => {
      app.append(NO_SERIES_REF, l, 0, i * stepMs, v);
    });
  }
  await app.commit();
  return storage;
}

describe('Engine', () => {
  it('evaluates an instant query', async () => {
    const storage = await storageWith({ 'x{job=a}': [0, 10, 20, 30], 'x{job=b}': [0, 1, 2, 3] });
    const res = await new Engine().instantQuery(storage, 'sum by (job) (rate(x[1m]))', 45_000);
    expect(res.value.type).toBe('vector');
    if (res.value.type !== 'vector') return;
    const byJob = Object.fromEntries(res.value.series.map((s) => [s.labels.get('job'), s.value]));
    // Window (-15s, 45s]: four samples, extrapolated to the window start only as far as zero.
    expect(byJob).toEqual({ a: 0.5, b: 0.05 });
    expect(res.warnings).toEqual([]);
  });

  it.each([
    'sum(label_replace(x, "instance", "same", "", ""))',
    'count(label_join(x, "instance", "", "job"))',
    'label_replace(x, "instance", "same", "", "")',
  ])('refuses label collisions from %s, as Prometheus (found against 2.42)', async (query) => {
    const storage = await storageWith({ 'x{instance=a}': [4], 'x{instance=b}': [8] });
    await expect(new Engine().instantQuery(storage, query, 0)).rejects.toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });

  it('merges label_replace results that collide at different steps', async () => {
    // As Prometheus 3: one series has samples only where the other has none.
    const storage = new MemoryStorage();
    const app = storage.appender();
    app.append(NO_SERIES_REF, Labels.from({ __name__: 'x', instance: 'a' }), 0, 0, 1);
    app.append(NO_SERIES_REF, Labels.from({ __name__: 'x', instance: 'b' }), 0, 600_000, 2);
    await app.commit();
    const res = await new Engine().rangeQuery(
      storage,
      'sum(label_replace(x, "instance", "same", "", ""))',
      0,
      600_000,
      600_000,
    );
    expect(res.value.type).toBe('matrix');
    if (res.value.type !== 'matrix') return;
    expect([...res.value.series[0]!.values]).toEqual([1, 2]);
  });

  it('evaluates a range query step by step', async () => {
    const storage = await storageWith({ 'x{job=a}': [1, 2, 3, 4, 5] });
    const res = await new Engine().rangeQuery(storage, 'x * 2', 0, 60_000, 30_000);
    expect(res.value.type).toBe('matrix');
    if (res.value.type !== 'matrix') return;
    expect(res.value.series).toHaveLength(1);
    expect(res.value.series[0]!.labels.toRecord()).toEqual({ job: 'a' });
    expect([...res.value.series[0]!.timestamps]).toEqual([0, 30_000, 60_000]);
    expect([...res.value.series[0]!.values]).toEqual([2, 6, 10]);
  });

  it('returns a scalar range query as one series without labels', async () => {
    const res = await new Engine().rangeQuery(new MemoryStorage(), 'time()', 0, 2_000, 1_000);
    expect(res.value).toMatchObject({ type: 'matrix', series: [{ labels: Labels.EMPTY }] });
  });

  it('honours the lookback delta and stale markers', async () => {
    const storage = await storageWith({ up: [1, StaleNaN] }, 60_000);
    const engine = new Engine({ lookbackDelta: 120_000 });
    expect((await engine.instantQuery(storage, 'up', 30_000)).value).toMatchObject({
      series: [{ value: 1 }],
    });
    expect((await engine.instantQuery(storage, 'up', 90_000)).value).toMatchObject({ series: [] });
  });

  it('takes a lookback delta per query, the engine’s when 0 or less', async () => {
    const storage = await storageWith({ up: [1] }, 60_000);
    const engine = new Engine({ lookbackDelta: 120_000 });
    const at = async (time: number, lookbackDelta?: number) => {
      const opts = lookbackDelta === undefined ? {} : { lookbackDelta };
      const { value } = await engine.instantQuery(storage, 'up', time, opts);
      return value.type === 'vector' ? value.series.length : -1;
    };
    expect(await at(100_000)).toBe(1);
    expect(await at(100_000, 60_000)).toBe(0);
    expect(await at(100_000, 0)).toBe(1);
    expect(await at(100_000, -1)).toBe(1);
    expect(await at(400_000)).toBe(0);
    expect(await at(400_000, 600_000)).toBe(1);
    const range = await engine.rangeQuery(storage, 'up', 0, 400_000, 100_000, { lookbackDelta: 250_000 });
    expect(range.value.type === 'matrix' && [...range.value.series[0]!.timestamps]).toEqual([
      0, 100_000, 200_000,
    ]);
  });

  it('rejects a string range query and malformed input with typed errors', async () => {
    const engine = new Engine();
    await expect(engine.rangeQuery(new MemoryStorage(), '"s"', 0, 1000, 1000)).rejects.toThrow(QueryError);
    await expect(engine.instantQuery(new MemoryStorage(), 'sum(', 0)).rejects.toThrow(ParseError);
  });

  it('reports errors from vector matching', async () => {
    const storage = await storageWith({ 'a{x=1,y=1}': [1], 'a{x=1,y=2}': [1], 'b{x=1}': [1] });
    await expect(new Engine().instantQuery(storage, 'b + on(x) a', 0)).rejects.toThrow(
      /found duplicate series for the match group \{x="1"\} on the right hand-side/,
    );
  });

  it('stops on an aborted signal, a timeout and the sample limit', async () => {
    const storage = await storageWith({ 'x{job=a}': [1, 2, 3], 'x{job=b}': [1, 2, 3] });
    const controller = new AbortController();
    controller.abort();
    await expect(
      new Engine().instantQuery(storage, 'x', 0, { signal: controller.signal }),
    ).rejects.toMatchObject({
      kind: 'canceled',
    });
    await expect(new Engine({ timeout: -1 }).instantQuery(storage, 'x', 0)).rejects.toMatchObject({
      kind: 'timeout',
    });
    await expect(new Engine({ maxSamples: 1 }).instantQuery(storage, 'x', 0)).rejects.toMatchObject({
      kind: 'too_many_samples',
    });
  });

  it('renders annotations with their position', async () => {
    const storage = await storageWith({ x: [1] });
    const res = await new Engine().instantQuery(storage, 'quantile(2, x)', 0);
    expect(res.warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)']);
  });

  it('keeps experimental functions behind their switch', async () => {
    await expect(new Engine().instantQuery(new MemoryStorage(), 'sort_by_label(x, "a")', 0)).rejects.toThrow(
      ParseError,
    );
    const on = new Engine({ enableExperimentalFunctions: true });
    expect((await on.instantQuery(new MemoryStorage(), 'sort_by_label(x, "a")', 0)).value).toEqual({
      type: 'vector',
      series: [],
    });
  });
});

describe('engine fuzzing', () => {
  const series = fc.dictionary(
    fc.constantFrom('foo', 'bar_total', 'up', 'x:y', 'http_requests_total'),
    fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)), {
      minLength: 1,
      maxLength: 20,
    }),
    { minKeys: 1 },
  );

  it('answers random queries over random data with a result or a typed error', async () => {
    const engine = new Engine({ maxSamples: 100_000, timeout: 5_000 });
    await fc.assert(
      fc.asyncProperty(series, exprArbitrary, fc.integer({ min: 0, max: 400_000 }), async (data, q, t) => {
        const storage = await storageWith(
          Object.fromEntries(
            Object.entries(data).flatMap(([n, vs]) => [
              [`${n}{job=a}`, vs],
              [`${n}{job=b}`, vs.map((v) => v * 2)],
            ]),
          ),
        );
        for (const run of [
          () => engine.instantQuery(storage, q, t),
          () => engine.rangeQuery(storage, q, t, t + 120_000, 30_000),
        ]) {
          try {
            await run();
          } catch (e) {
            if (!(e instanceof ParseError || e instanceof QueryError)) throw e;
            // A bug recovered into a QueryError is still a bug.
            if (e.message.startsWith('unexpected error')) throw e.cause ?? e;
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives each step of a range query the answer of an instant query at that time', async () => {
    const engine = new Engine();
    await fc.assert(
      fc.asyncProperty(series, exprArbitrary, async (data, q) => {
        const storage = await storageWith(
          Object.fromEntries(Object.entries(data).map(([n, vs]) => [`${n}{job=a}`, vs])),
        );
        let range: Awaited<ReturnType<Engine['rangeQuery']>>;
        try {
          range = await engine.rangeQuery(storage, q, 0, 120_000, 60_000);
        } catch (e) {
          if (e instanceof ParseError || e instanceof QueryError) return;
          throw e;
        }
        if (range.value.type !== 'matrix') return;
        const instant = await engine.instantQuery(storage, q, 60_000);
        const got = new Map<string, number>();
        for (const s of range.value.series) {
          const i = s.timestamps.indexOf(60_000);
          if (i >= 0) got.set(s.labels.toString(), s.values[i]!);
        }
        const want = new Map<string, number>();
        if (instant.value.type === 'vector')
          for (const s of instant.value.series) want.set(s.labels.toString(), s.value);
        if (instant.value.type === 'scalar') want.set('{}', instant.value.value);
        expect(got).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});
