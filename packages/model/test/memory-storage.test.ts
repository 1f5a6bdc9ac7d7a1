import { describe, expect, it } from 'vitest';
import { Labels } from '../src/labels.ts';
import { Matcher } from '../src/matcher.ts';
import { MemoryStorage } from '../src/memory-storage.ts';
import type { FloatHistogram } from '../src/sample.ts';
import { NO_SERIES_REF, type SeriesSet, StorageError, ValueType } from '../src/storage.ts';

const up = (instance: string) => Labels.from({ __name__: 'up', job: 'node', instance });

async function load(storage: MemoryStorage, rows: [Labels, number, number][]): Promise<void> {
  const app = storage.appender();
  for (const [labels, t, v] of rows) app.append(NO_SERIES_REF, labels, 0, t, v);
  await app.commit();
}

function collect(set: SeriesSet): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  while (set.next()) {
    const series = set.at();
    const it = series.iterator();
    const samples: [number, number][] = [];
    while (it.next() === ValueType.Float) samples.push([it.t(), it.value()]);
    out[String(series.labels)] = samples;
  }
  return out;
}

describe('MemoryStorage', () => {
  it('selects series by matchers, sorted by labels, within the time range', async () => {
    const s = new MemoryStorage();
    await load(s, [
      [up('b'), 1000, 1],
      [up('a'), 1000, 0],
      [up('b'), 2000, 1],
      [up('a'), 3000, 1],
      [Labels.from({ __name__: 'other' }), 1000, 5],
    ]);
    const q = s.querier(1500, 3000);
    const got = collect(await q.select(true, undefined, new Matcher('=', '__name__', 'up')));
    expect(Object.keys(got)).toEqual(['up{instance="a", job="node"}', 'up{instance="b", job="node"}']);
    expect(got['up{instance="a", job="node"}']).toEqual([[3000, 1]]);
    expect(got['up{instance="b", job="node"}']).toEqual([[2000, 1]]);
    const none = collect(
      await s.querier(4000, 5000).select(true, undefined, new Matcher('=', '__name__', 'up')),
    );
    expect(none).toEqual({});
  });

  it('includes a sample at exactly maxt, at realistic timestamps too', async () => {
    const s = new MemoryStorage();
    const t = 1_764_000_000_000;
    await load(s, [
      [up('a'), t, 1],
      [up('a'), t + 15_000, 2],
    ]);
    expect(
      collect(await s.querier(t, t + 15_000).select(true, undefined))['up{instance="a", job="node"}'],
    ).toEqual([
      [t, 1],
      [t + 15_000, 2],
    ]);
    expect(collect(await s.querier(t + 1, t + 14_999).select(true, undefined))).toEqual({});
  });

  it('matches missing labels as empty', async () => {
    const s = new MemoryStorage();
    await load(s, [
      [Labels.from({ __name__: 'x', env: 'prod' }), 1, 1],
      [Labels.from({ __name__: 'x' }), 1, 2],
    ]);
    const got = collect(await s.querier(0, 10).select(true, undefined, new Matcher('=', 'env', '')));
    expect(Object.keys(got)).toEqual(['x{}']);
  });

  it('rejects out-of-order and duplicate samples as Prometheus does', async () => {
    const s = new MemoryStorage();
    await load(s, [[up('a'), 2000, 1]]);
    const app = s.appender();
    expect(() => app.append(NO_SERIES_REF, up('a'), 0, 1000, 1)).toThrow(new StorageError('out-of-order'));
    expect(() => app.append(NO_SERIES_REF, up('a'), 0, 2000, 7)).toThrow('duplicate sample for timestamp');
    // The same timestamp and value again is accepted and ignored.
    expect(() => app.append(NO_SERIES_REF, up('a'), 0, 2000, 1)).not.toThrow();
    app.append(NO_SERIES_REF, up('c'), 0, 5, 1);
    expect(() => app.append(NO_SERIES_REF, up('c'), 0, 4, 1)).toThrow('out of order sample');
    await app.commit();
    expect(collect(await s.querier(0, 9999).select(true, undefined))).toEqual({
      'up{instance="a", job="node"}': [[2000, 1]],
      'up{instance="c", job="node"}': [[5, 1]],
    });
  });

  it('keeps nothing of a rolled-back transaction', async () => {
    const s = new MemoryStorage();
    const app = s.appender();
    app.append(NO_SERIES_REF, up('a'), 0, 1, 1);
    app.rollback();
    await app.commit();
    expect(s.seriesCount).toBe(0);
  });

  it('returns a ref that finds the series again', async () => {
    const s = new MemoryStorage();
    await load(s, [[up('a'), 1, 1]]);
    const app = s.appender();
    const ref = app.append(NO_SERIES_REF, up('a'), 0, 2, 2);
    expect(ref).not.toBe(NO_SERIES_REF);
    app.append(ref, up('a'), 0, 3, 3);
    await app.commit();
    expect(collect(await s.querier(0, 10).select(false, undefined))['up{instance="a", job="node"}']).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('seeks forward only', async () => {
    const s = new MemoryStorage();
    await load(
      s,
      [10, 20, 30, 40].map((t) => [up('a'), t, t / 10] as [Labels, number, number]),
    );
    const set = await s.querier(0, 100).select(false, undefined);
    set.next();
    const it = set.at().iterator();
    expect(it.seek(25)).toBe(ValueType.Float);
    expect(it.t()).toBe(30);
    expect(it.seek(5)).toBe(ValueType.Float);
    expect(it.t()).toBe(30);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.t()).toBe(40);
    expect(it.next()).toBe(ValueType.None);
    expect(it.seek(50)).toBe(ValueType.None);
  });

  it('stores native histograms next to floats', async () => {
    const s = new MemoryStorage();
    const h: FloatHistogram = {
      counterResetHint: 'unknown',
      schema: 0,
      zeroThreshold: 0.001,
      zeroCount: 1,
      count: 3,
      sum: 4.5,
      positiveSpans: [{ offset: 0, length: 2 }],
      positiveBuckets: [1, 1],
      negativeSpans: [],
      negativeBuckets: [],
    };
    const app = s.appender();
    app.append(NO_SERIES_REF, up('h'), 0, 1, h);
    await app.commit();
    const set = await s.querier(0, 10).select(false, undefined);
    set.next();
    const it = set.at().iterator();
    expect(it.next()).toBe(ValueType.Histogram);
    expect(it.histogram()).toEqual(h);
  });

  it('lists label names and values, filtered by matchers and limited', async () => {
    const s = new MemoryStorage();
    await load(s, [
      [up('b'), 1, 1],
      [up('a'), 1, 1],
      [Labels.from({ __name__: 'temp', zone: 'z1' }), 1, 1],
    ]);
    const q = s.querier(0, 10);
    expect(await q.labelNames()).toEqual(['__name__', 'instance', 'job', 'zone']);
    expect(await q.labelNames(undefined, new Matcher('=', '__name__', 'temp'))).toEqual(['__name__', 'zone']);
    expect(await q.labelValues('instance')).toEqual(['a', 'b']);
    expect(await q.labelValues('instance', { limit: 1 })).toEqual(['a']);
    expect(await q.labelValues('__name__', undefined, new Matcher('=~', 'job', 'no.*'))).toEqual(['up']);
  });

  it('empties on clear', async () => {
    const s = new MemoryStorage();
    await load(s, [[up('a'), 1, 1]]);
    s.clear();
    expect(s.seriesCount).toBe(0);
    expect(collect(await s.querier(0, 10).select(false, undefined))).toEqual({});
  });
});
