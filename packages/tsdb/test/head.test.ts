import { Labels, Matcher, StorageError, ValueType } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { Head } from '../src/internal/head/head.ts';
import { TSDBQuerier } from '../src/internal/querier.ts';
import { selectAll } from './helpers.ts';

const H2 = 2 * 3600 * 1000;

function newHead(): Head {
  return new Head({ chunkRange: H2 });
}

async function appendAll(head: Head, rows: [Record<string, string>, number, number][]): Promise<void> {
  const app = head.appender();
  for (const [l, t, v] of rows) app.append(0 as never, Labels.from(l), 0, t, v);
  await app.commit();
}

describe('head', () => {
  it('appends, commits and selects sorted by labels', async () => {
    const head = newHead();
    await appendAll(head, [
      [{ __name__: 'up', job: 'b' }, 1000, 1],
      [{ __name__: 'up', job: 'a' }, 1000, 0],
      [{ __name__: 'up', job: 'a' }, 2000, 1],
    ]);
    const q = new TSDBQuerier([head], 0, 10_000);
    expect(await selectAll(q, new Matcher('=', '__name__', 'up'))).toEqual([
      {
        labels: '{__name__="up", job="a"}'.replace('{__name__="up", ', 'up{'),
        samples: [
          [1000, 0],
          [2000, 1],
        ],
      },
      { labels: 'up{job="b"}', samples: [[1000, 1]] },
    ]);
    expect(head.numSeries).toBe(2);
  });

  it('does not show uncommitted or rolled back samples', async () => {
    const head = newHead();
    const app = head.appender();
    app.append(0 as never, Labels.from({ __name__: 'x' }), 0, 1, 1);
    const q = new TSDBQuerier([head], 0, 10);
    expect(await selectAll(q)).toEqual([]);
    app.rollback();
    expect(await selectAll(q)).toEqual([]);
  });

  it('rejects out-of-order, duplicate and out-of-bounds samples as Prometheus', async () => {
    const head = newHead();
    const l = Labels.from({ __name__: 'm' });
    await appendAll(head, [[{ __name__: 'm' }, 10 * H2, 1]]);
    const app = head.appender();
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as StorageError).code;
      }
      return 'ok';
    };
    expect(err(() => app.append(0 as never, l, 0, 10 * H2 - 1, 1))).toBe('out-of-order');
    expect(err(() => app.append(0 as never, l, 0, 10 * H2, 2))).toBe('duplicate-sample');
    expect(err(() => app.append(0 as never, l, 0, 10 * H2, 1))).toBe('ok');
    expect(err(() => app.append(0 as never, Labels.from({ __name__: 'n' }), 0, 9 * H2, 1))).toBe(
      'out-of-bounds',
    );
    expect(err(() => app.append(0 as never, l, 0, 10 * H2 + 5, 1))).toBe('ok');
    expect(err(() => app.append(0 as never, l, 0, 10 * H2 + 5, 1))).toBe('duplicate-sample');
    expect(err(() => app.append(0 as never, l, 0, 10 * H2 + 4, 1))).toBe('out-of-order');
    await app.commit();
    expect(new StorageError('out-of-order').message).toBe('out of order sample');
  });

  it('cuts chunks at about 120 samples and at chunk range boundaries', async () => {
    const head = newHead();
    const rows: [Record<string, string>, number, number][] = [];
    for (let i = 0; i < 4 * 480; i++) rows.push([{ __name__: 'c' }, i * 15_000, i]);
    await appendAll(head, rows);
    const s = head.lookup(Labels.from({ __name__: 'c' }))!;
    const chunks = s.chunksIn(0, Number.MAX_SAFE_INTEGER);
    expect(chunks.length).toBe(16);
    for (const c of chunks) {
      expect(c.count).toBe(120);
      expect(Math.floor(c.mint / H2)).toBe(Math.floor(c.maxt / H2));
    }
    const q = new TSDBQuerier([head], 1_000_000, 2_000_000);
    const [series] = await selectAll(q);
    expect(series!.samples[0]).toEqual([1_005_000, 67]);
    expect(series!.samples.at(-1)).toEqual([1_995_000, 133]);
  });

  it('resolves label hash collisions', async () => {
    const head = newHead();
    const a = Labels.from({ __name__: 'a' });
    const b = Labels.from({ __name__: 'b' });
    Object.defineProperty(a, 'hash', { value: () => 42 });
    Object.defineProperty(b, 'hash', { value: () => 42 });
    const app = head.appender();
    const ra = app.append(0 as never, a, 0, 1, 1);
    const rb = app.append(0 as never, b, 0, 1, 2);
    await app.commit();
    expect(ra).not.toBe(rb);
    expect(head.lookup(a)?.ref).toBe(ra);
    expect(head.lookup(b)?.ref).toBe(rb);
    const q = new TSDBQuerier([head], 0, 10);
    expect((await selectAll(q)).map((s) => s.samples[0]![1])).toEqual([1, 2]);
  });

  it('reuses a series ref across appends', async () => {
    const head = newHead();
    const l = Labels.from({ __name__: 'r', a: '1' });
    let app = head.appender();
    const ref = app.append(0 as never, l, 0, 1, 1);
    await app.commit();
    app = head.appender();
    expect(app.append(ref, l, 0, 2, 2)).toBe(ref);
    await app.commit();
    expect(head.numSeries).toBe(1);
  });

  describe('matchers', () => {
    const rows: [Record<string, string>, number, number][] = [];
    for (const job of ['api', 'db', 'web']) {
      for (const inst of ['1', '2']) rows.push([{ __name__: 'up', job, instance: inst }, 1, 1]);
    }
    rows.push([{ __name__: 'up', instance: '3' }, 1, 1]);
    rows.push([{ __name__: 'other', job: 'api' }, 1, 1]);
    const cases: [string, Matcher[], number][] = [
      ['equality', [new Matcher('=', 'job', 'api')], 3],
      ['two labels', [new Matcher('=', '__name__', 'up'), new Matcher('=', 'job', 'api')], 2],
      ['alternation', [new Matcher('=~', 'job', 'api|db')], 5],
      ['.*', [new Matcher('=', '__name__', 'up'), new Matcher('=~', 'job', '.*')], 7],
      ['.+', [new Matcher('=', '__name__', 'up'), new Matcher('=~', 'job', '.+')], 6],
      ['missing label', [new Matcher('=', '__name__', 'up'), new Matcher('=', 'job', '')], 1],
      ['not equal', [new Matcher('=', '__name__', 'up'), new Matcher('!=', 'job', 'api')], 5],
      ['negative regex', [new Matcher('=', '__name__', 'up'), new Matcher('!~', 'job', 'a.*|w.*')], 3],
      ['general regex', [new Matcher('=~', 'job', '[ad].*')], 5],
      ['no match', [new Matcher('=', 'job', 'nope')], 0],
    ];
    it.each(cases)('%s', async (_name, matchers, count) => {
      const head = newHead();
      await appendAll(head, rows);
      const q = new TSDBQuerier([head], 0, 10);
      const got = await selectAll(q, ...matchers);
      expect(got.length).toBe(count);
      const sorted = [...got].map((s) => s.labels);
      expect(sorted).toEqual([...sorted].sort());
    });

    it('answers label names and values, with and without matchers', async () => {
      const head = newHead();
      await appendAll(head, rows);
      const q = new TSDBQuerier([head], 0, 10);
      expect(await q.labelNames()).toEqual(['__name__', 'instance', 'job']);
      expect(await q.labelValues('job')).toEqual(['api', 'db', 'web']);
      expect(await q.labelValues('job', undefined, new Matcher('=', '__name__', 'other'))).toEqual(['api']);
      expect(await q.labelNames(undefined, new Matcher('=', '__name__', 'other'))).toEqual([
        '__name__',
        'job',
      ]);
    });
  });

  it('seeks through chunks', async () => {
    const head = newHead();
    const rows: [Record<string, string>, number, number][] = [];
    for (let i = 0; i < 1000; i++) rows.push([{ __name__: 's' }, i * 1000, i]);
    await appendAll(head, rows);
    const set = new TSDBQuerier([head], 0, 1e9).select(true, undefined, new Matcher('=', '__name__', 's'));
    set.next();
    const it = set.at().iterator();
    expect(it.seek(500_500)).toBe(ValueType.Float);
    expect(it.t()).toBe(501_000);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.value()).toBe(502);
    expect(it.seek(2e9)).toBe(ValueType.None);
  });
});
