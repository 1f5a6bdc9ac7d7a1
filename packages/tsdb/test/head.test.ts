import { compareLabels, Labels, Matcher, type SeriesSet, StorageError, ValueType } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { Head } from '../src/internal/head/head.ts';
import { TSDBQuerier } from '../src/internal/querier.ts';
import { decodeSeries } from '../src/internal/wal/records.ts';
import { drain, selectAll } from './helpers.ts';

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

  it('gives back the labels it keeps for a ref (equal to the appended ones)', () => {
    const head = newHead();
    const app = head.appender();
    const labels = Labels.from({ __name__: 'x', job: 'a' });
    const ref = app.append(0 as never, labels, 0, 1, 1);
    const stored = app.storedLabels?.(ref);
    expect(stored?.equals(labels)).toBe(true);
    expect(head.byRef.get(ref)?.labels.equals(labels)).toBe(true);
    expect(app.storedLabels?.(12345 as never)).toBeUndefined();
    app.rollback();
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
    // Every label set hashes alike.
    const head = new Head({ chunkRange: H2, hashPairs: () => 42 });
    const a = Labels.from({ __name__: 'a' });
    const b = Labels.from({ __name__: 'b' });
    // Same value under another name: a different label pair.
    const c = Labels.from({ job: 'a' });
    const app = head.appender();
    const ra = app.append(0 as never, a, 0, 1, 1);
    const rb = app.append(0 as never, b, 0, 1, 2);
    const rc = app.append(0 as never, c, 0, 1, 3);
    await app.commit();
    expect(new Set([ra, rb, rc]).size).toBe(3);
    expect(head.lookup(a)?.ref).toBe(ra);
    expect(head.lookup(b)?.ref).toBe(rb);
    expect(head.lookup(c)?.ref).toBe(rc);
    expect(head.lookup(Labels.from({ __name__: 'a', job: 'a' }))).toBeUndefined();
    const q = new TSDBQuerier([head], 0, 10);
    expect((await selectAll(q)).map((s) => s.samples[0]![1])).toEqual([1, 2]);
    expect((await selectAll(q, new Matcher('=', 'job', 'a'))).map((s) => s.samples[0]![1])).toEqual([3]);
  });

  it('keeps finding colliding series while others are created and truncated away', async () => {
    // Few distinct hashes for many label sets: long probe runs, removals from their middle.
    const head = new Head({
      chunkRange: H2,
      hashPairs: (pairs, n) => {
        const p = pairs[n - 1]!;
        return (p % 7) * 2 ** 20 + (p % 3);
      },
    });
    const labels = Array.from({ length: 300 }, (_, i) => Labels.from({ __name__: 'm', i: String(i) }));
    const app = head.appender();
    for (let i = 0; i < labels.length; i++)
      app.append(0 as never, labels[i]!, 0, i % 2 === 0 ? 1000 : 5000, i);
    await app.commit();
    expect(head.numSeries).toBe(300);
    // Odd series have a sample at 5000 only; truncating before 2000 drops the even ones.
    head.truncate(2000);
    expect(head.numSeries).toBe(150);
    for (let i = 0; i < labels.length; i++) {
      expect(head.lookup(labels[i]!) !== undefined).toBe(i % 2 === 1);
    }
    const again = head.appender();
    for (let i = 0; i < labels.length; i += 2) again.append(0 as never, labels[i]!, 0, 6000, i);
    await again.commit();
    expect(head.numSeries).toBe(300);
    const refs = new Set(labels.map((l) => head.lookup(l)?.ref));
    expect(refs.size).toBe(300);
    expect([...head.byRef.values()].length).toBe(300);
  });

  it('keeps every label set exact while series of varied sizes come and go', async () => {
    // Rounds of label sets of 1 to 12 labels; each round's truncation leaves only its even
    // series, so the next round reuses freed slots with sets of other sizes and the pages'
    // label storage is compacted under the survivors.
    const head = newHead();
    for (let round = 0; round < 6; round++) {
      const t = (round + 1) * 1000;
      const sets: Labels[] = [];
      for (let i = 0; i < 3000; i++) {
        const rec: Record<string, string> = { __name__: `m${round}`, i: String(i) };
        for (let k = 1; k < 1 + ((i * 7 + round) % 12); k++) rec[`l${k}`] = `v${(i + k) % 50}-${round}`;
        sets.push(Labels.from(rec));
      }
      const app = head.appender();
      for (let i = 0; i < sets.length; i++) app.append(0 as never, sets[i]!, 0, t, i);
      await app.commit();
      const keep = head.appender();
      for (let i = 0; i < sets.length; i += 2) keep.append(0 as never, sets[i]!, 0, t + 500, i);
      await keep.commit();
      head.truncate(t + 1);
      const live = sets.filter((_, i) => i % 2 === 0);
      expect(head.numSeries).toBe(live.length);
      const got = (await selectAll(new TSDBQuerier([head], 0, t + 1000))).map((s) => s.labels.toString());
      expect(got).toEqual(live.sort(compareLabels).map((l) => l.toString()));
      for (const labels of live) expect(head.lookup(labels)?.labels.equals(labels)).toBe(true);
      expect(head.lookup(sets[1]!)).toBeUndefined();
    }
  });

  it('lists exactly the live series after every series was truncated away', async () => {
    const head = newHead();
    await appendAll(head, [
      [{ __name__: 'a' }, 1000, 1],
      [{ __name__: 'b' }, 1000, 2],
      [{ __name__: 'b', x: 'y' }, 1000, 2],
    ]);
    head.truncate(5000);
    expect(head.numSeries).toBe(0);
    expect([...head.allPostings()]).toEqual([]);
    await appendAll(head, [[{ __name__: 'c' }, 6000, 3]]);
    await appendAll(head, [[{ __name__: 'd' }, 6000, 4]]);
    const refs = ['c', 'd'].map((n) => head.lookup(Labels.from({ __name__: n }))?.ref);
    expect([...head.allPostings()]).toEqual(refs);
    const q = new TSDBQuerier([head], 0, 10_000);
    expect((await selectAll(q, new Matcher('!=', '__name__', 'c'))).map((s) => s.samples)).toEqual([
      [[6000, 4]],
    ]);
  });

  it('keeps open chunks of many series apart as they grow, are cut and truncated', async () => {
    const head = newHead();
    // Random values make chunks of 1-2 KB: they outgrow every slab region size.
    let x = 7;
    const rnd = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 2 ** 32;
    };
    const want = new Map<string, number[]>();
    let early: SeriesSet | undefined;
    for (let round = 0; round < 300; round++) {
      const app = head.appender();
      for (let s = 0; s < 20; s++) {
        const v = s % 2 === 0 ? round : rnd() * 1e6;
        app.append(0 as never, Labels.from({ __name__: 'g', s: String(s) }), 0, 1000 + round * 15_000, v);
        const list = want.get(String(s)) ?? [];
        list.push(v);
        want.set(String(s), list);
      }
      await app.commit();
      // A reader's snapshot, read only after many more appends have moved chunks around.
      if (round === 150)
        early = await new TSDBQuerier([head], 0, Number.MAX_SAFE_INTEGER).select(
          true,
          undefined,
          new Matcher('=~', '__name__', '.+'),
        );
    }
    for (const r of drain(early!)) {
      const s = /s="(\d+)"/.exec(r.labels)![1]!;
      expect(r.samples.map((p) => p[1])).toEqual(want.get(s)!.slice(0, 151));
    }
    const q = new TSDBQuerier([head], 0, Number.MAX_SAFE_INTEGER);
    for (const r of await selectAll(q)) {
      const s = /s="(\d+)"/.exec(r.labels)![1]!;
      expect(r.samples.map((p) => p[1])).toEqual(want.get(s));
    }
    // Truncation drops whole chunks and frees regions; what is left still reads back.
    head.truncate(1000 + 200 * 15_000);
    const after = await selectAll(new TSDBQuerier([head], 0, Number.MAX_SAFE_INTEGER));
    expect(after).toHaveLength(20);
    for (const r of after) {
      const s = /s="(\d+)"/.exec(r.labels)![1]!;
      const all = want.get(s)!;
      expect(r.samples.map((p) => p[1])).toEqual(all.slice(all.length - r.samples.length));
    }
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

  it('logs each new series once, with its labels, also after series were truncated away', async () => {
    const head = newHead();
    const logged: { ref: number; labels: Labels }[] = [];
    let samples = 0;
    head.log = {
      logCommit(series, _refs, _ts, _vs, n) {
        if (series !== undefined) decodeSeries(series, logged);
        samples += n;
        return undefined;
      },
    };
    const sets = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) =>
        Labels.from({ __name__: `m${(from + i) % 3}`, id: String(from + i), ünï: `v${(from + i) % 5}` }),
      );
    let app = head.appender();
    for (const l of sets(0, 40)) app.append(0 as never, l, 0, 1000, 1);
    await app.commit();
    // Half of them get a later sample; truncation drops the rest, freeing their label pairs.
    app = head.appender();
    for (const l of sets(0, 20)) app.append(0 as never, l, 0, 5000, 2);
    await app.commit();
    head.truncate(2000);
    app = head.appender();
    for (const l of [...sets(0, 20), ...sets(40, 60)]) app.append(0 as never, l, 0, 6000, 3);
    await app.commit();
    expect(samples).toBe(100);
    expect(logged.map((s) => s.labels.toString())).toEqual([...sets(0, 40), ...sets(40, 60)].map(String));
    for (const { ref, labels } of logged.slice(40))
      expect(head.byRef.get(ref)?.labels.equals(labels)).toBe(true);
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
