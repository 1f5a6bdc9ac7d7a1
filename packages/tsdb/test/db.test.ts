import { Registry } from '@pyrometer/client';
import { Labels, Matcher } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { type FileLayer, openTSDB, registerTSDBMetrics } from '../src/index.ts';
import { nodeFiles } from '../src/internal/file-layer.ts';
import { selectAll, tempDirsPerTest } from './helpers.ts';

const dir = tempDirsPerTest();
const quiet = { logger: () => {} };
const H2 = 2 * 3600 * 1000;

describe('database', () => {
  it('fails a commit on a full disk without losing or half-applying anything, and recovers', async () => {
    const d = dir();
    let full = false;
    const files: FileLayer = {
      ...nodeFiles,
      write: (fd, buf, off, len, pos) => {
        if (full)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return nodeFiles.write(fd, buf, off, len, pos);
      },
    };
    const db = openTSDB(d, { ...quiet, files });
    const l = Labels.from({ __name__: 'disk' });
    let app = db.appender();
    app.append(0 as never, l, 0, 1, 1);
    await app.commit();
    full = true;
    app = db.appender();
    app.append(0 as never, l, 0, 2, 2);
    app.append(0 as never, Labels.from({ __name__: 'new_series' }), 0, 2, 2);
    await expect(app.commit()).rejects.toThrow(/ENOSPC/);
    // Nothing of the failed commit is visible.
    expect((await selectAll(db.querier(0, 10))).map((s) => s.samples.length)).toEqual([1]);
    full = false;
    app = db.appender();
    app.append(0 as never, l, 0, 3, 3);
    app.append(0 as never, Labels.from({ __name__: 'new_series' }), 0, 3, 3);
    await app.commit();
    db.close();
    const db2 = openTSDB(d, quiet);
    expect(db2.walRepair).toBeUndefined();
    expect(await selectAll(db2.querier(0, 10))).toEqual([
      {
        labels: 'disk{}',
        samples: [
          [1, 1],
          [3, 3],
        ],
      },
      { labels: 'new_series{}', samples: [[3, 3]] },
    ]);
    db2.close();
  });

  it('compacts on its own without stalling the event loop for long', { timeout: 60_000 }, async () => {
    const d = dir();
    const db = openTSDB(d, { ...quiet, autoCompact: false });
    const series = 4000;
    const labels = Array.from({ length: series }, (_, i) => Labels.from({ __name__: 'load', i: String(i) }));
    const refs = new Float64Array(series);
    for (let t = 0; t < 1.6 * H2; t += 60_000) {
      const app = db.appender();
      for (let s = 0; s < series; s++) refs[s] = app.append(refs[s] as never, labels[s]!, 0, t, t / 1000 + s);
      await app.commit();
    }
    let last = performance.now();
    let worst = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 1);
    const written = await db.compact();
    clearInterval(ticker);
    expect(written.length).toBe(1);
    expect(written[0]!.stats.numSamples).toBe(series * 120);
    // The work yields every 5 ms; the bound is loose because other test files share the
    // two CPU cores and preempt this process.
    expect(worst).toBeLessThan(250);
    db.close();
  });

  it('starts compaction by itself after a commit makes the head span 1.5 block ranges', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    const l = Labels.from({ __name__: 'auto' });
    const app = db.appender();
    for (let t = 0; t <= 4 * H2; t += 60_000) app.append(0 as never, l, 0, t, 1);
    await app.commit();
    await new Promise((r) => setImmediate(r));
    await db.compact();
    expect(db.blocks.length).toBeGreaterThanOrEqual(1);
    expect((await selectAll(db.querier(0, 5 * H2)))[0]!.samples.length).toBe(4 * 120 + 1);
    db.close();
  });

  it("with fsync 'always', a commit resolves after the data is on disk and survives reopening", async () => {
    const d = dir();
    const db = openTSDB(d, { ...quiet, fsync: 'always' });
    const app = db.appender();
    app.append(0 as never, Labels.from({ __name__: 'synced' }), 0, 5, 5);
    await app.commit();
    db.close();
    const db2 = openTSDB(d, quiet);
    expect(await selectAll(db2.querier(0, 10))).toEqual([{ labels: 'synced{}', samples: [[5, 5]] }]);
    db2.close();
  });

  it('reports head cardinality as /api/v1/status/tsdb does', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    const app = db.appender();
    for (let i = 0; i < 5; i++)
      app.append(0 as never, Labels.from({ __name__: 'up', job: 'a', i: String(i) }), 0, 1000, 1);
    app.append(0 as never, Labels.from({ __name__: 'go_info', job: 'b' }), 0, 2000, 1);
    await app.commit();
    const stats = db.headStats(2);
    expect(stats).toMatchObject({
      numSeries: 6,
      numLabelPairs: 9,
      chunkCount: 6,
      minTime: 1000,
      maxTime: 2000,
    });
    expect(stats.seriesCountByMetricName).toEqual([
      { name: 'up', value: 5 },
      { name: 'go_info', value: 1 },
    ]);
    expect(stats.labelValueCountByLabelName[0]).toEqual({ name: 'i', value: 5 });
    expect(stats.seriesCountByLabelValuePair).toEqual([
      { name: '__name__=up', value: 5 },
      { name: 'job=a', value: 5 },
    ]);
    expect(stats.memoryInBytesByLabelName.find((e) => e.name === '__name__')?.value).toBe(5 * 2 + 7);
    db.close();
  });

  it('keeps serving a querier whose blocks compaction deleted until it is closed', async () => {
    const d = dir();
    const db = openTSDB(d, { ...quiet, autoCompact: false, retentionTime: 0 });
    const app = db.appender();
    for (let t = 0; t < 20 * H2; t += 60_000)
      app.append(0 as never, Labels.from({ __name__: 'kept' }), 0, t, t);
    await app.commit();
    for (let i = 0; i < 3; i++) await db.persistHead(i * H2, (i + 1) * H2);
    const q = db.querier(0, 3 * H2 - 1);
    await db.compactBlocks();
    expect(db.blocks.length).toBe(1);
    expect((await selectAll(q))[0]!.samples.length).toBe(3 * 120);
    q.close();
    db.close();
  });

  it('keeps deletions made while a compaction or a tombstone clean-up is writing a block', async () => {
    const d = dir();
    // Runs `during` (once) when a block's directory is made: the block's data is collected by then.
    let during: (() => void) | undefined;
    const files: FileLayer = {
      ...nodeFiles,
      mkdir: (path) => {
        const run = during;
        during = undefined;
        run?.();
        nodeFiles.mkdir(path);
      },
    };
    const db = openTSDB(d, { ...quiet, files, autoCompact: false });
    const app = db.appender();
    for (let t = 0; t < 3 * H2; t += 60_000)
      for (const name of ['a', 'b', 'c']) app.append(0 as never, Labels.from({ __name__: name }), 0, t, 1);
    await app.commit();
    const counts = async (from: typeof db) =>
      (await selectAll(from.querier(0, 3 * H2))).map((s) => `${s.labels} ${s.samples.length}`);
    let deleting: Promise<void> | undefined;
    during = () => {
      deleting = db.delete(0, 3 * H2, new Matcher('=', '__name__', 'a'));
    };
    expect((await db.compact()).length).toBeGreaterThan(0);
    await deleting;
    expect(await counts(db)).toEqual(['b{} 360', 'c{} 360']);
    // The blocks now have tombstones for a; b is deleted while they are rewritten without them.
    during = () => {
      deleting = db.delete(0, 3 * H2, new Matcher('=', '__name__', 'b'));
    };
    expect((await db.cleanTombstones()).length).toBeGreaterThan(0);
    await deleting;
    expect(await counts(db)).toEqual(['c{} 360']);
    db.close();
    const again = openTSDB(d, { ...quiet, autoCompact: false });
    expect(await counts(again)).toEqual(['c{} 360']);
    again.close();
  });

  it('exposes prometheus_tsdb_* metrics through a client registry', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    const app = db.appender();
    app.append(0 as never, Labels.from({ __name__: 'm', a: '1' }), 0, 1000, 1);
    app.append(0 as never, Labels.from({ __name__: 'm', a: '2' }), 0, 1000, 1);
    await app.commit();
    const registry = new Registry();
    registerTSDBMetrics(db, registry);
    const text = await registry.metrics();
    expect(text).toMatch(/^prometheus_tsdb_head_series 2$/m);
    expect(text).toMatch(/^prometheus_tsdb_head_samples_appended_total 2$/m);
    expect(text).toMatch(/^# TYPE prometheus_tsdb_head_samples_appended_total counter$/m);
    expect(text).toMatch(/^prometheus_tsdb_wal_storage_size_bytes \d+$/m);
    db.close();
  });

  it('selects across blocks and head, merged by labels, with label queries spanning both', async () => {
    const d = dir();
    const db = openTSDB(d, { ...quiet, autoCompact: false });
    const app = db.appender();
    for (let t = 0; t < 3 * H2; t += 60_000) {
      app.append(0 as never, Labels.from({ __name__: 'a', env: t < H2 ? 'old' : 'new' }), 0, t, t);
      app.append(0 as never, Labels.from({ __name__: 'b' }), 0, t, t);
    }
    await app.commit();
    await db.persistHead(0, H2);
    const q = db.querier(0, 3 * H2);
    const b = await selectAll(q, new Matcher('=', '__name__', 'b'));
    expect(b[0]!.samples.length).toBe(360);
    expect(await q.labelValues('env')).toEqual(['new', 'old']);
    expect(await q.labelValues('env', undefined, new Matcher('=', '__name__', 'a'))).toEqual(['new', 'old']);
    expect(await q.labelNames()).toEqual(['__name__', 'env']);
    db.close();
  });
});
