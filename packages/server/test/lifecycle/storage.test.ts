import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@pyrometer/client';
import { Labels, Matcher, NO_SERIES_REF, ValueType } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../../src/lifecycle/storage.ts';

const options = (path: string) => ({ path, retentionTimeMs: 15 * 86_400_000, retentionSizeBytes: 0 });

async function values(storage: Awaited<ReturnType<typeof openStorage>>): Promise<number[]> {
  const q = await storage.querier(0, 10_000_000);
  const set = await q.select(true, undefined, new Matcher('=', '__name__', 'up'));
  const out: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next() === ValueType.Float) out.push(it.value());
  }
  q.close();
  return out;
}

describe('the server storage (TSDB under --storage.tsdb.path)', () => {
  it('keeps committed samples across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyrometer-storage-'));
    const first = await openStorage(options(dir));
    expect(first.kind).toBe('tsdb');
    const app = first.appender();
    const labels = Labels.from({ __name__: 'up', job: 'j' });
    const ref = app.append(NO_SERIES_REF, labels, 0, 1000, 1);
    app.append(ref, labels, 0, 16_000, 0);
    await app.commit();
    expect(first.seriesCount()).toBe(1);
    await first.close();

    const second = await openStorage(options(dir));
    expect(await values(second)).toEqual([1, 0]);
    expect((await second.headStats()).numSeries).toBe(1);
    await second.close();
  });

  it("exposes the TSDB's prometheus_tsdb_* metrics", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyrometer-storage-'));
    const s = await openStorage(options(dir));
    const registry = new Registry();
    s.registerMetrics!(registry);
    const app = s.appender();
    const ref = app.append(NO_SERIES_REF, Labels.from({ __name__: 'up' }), 0, 1000, 1);
    app.append(ref, Labels.from({ __name__: 'up' }), 0, 2000, 1);
    await app.commit();
    const text = await registry.metrics();
    expect(text).toContain('prometheus_tsdb_head_samples_appended_total 2');
    expect(text).toContain('prometheus_tsdb_head_series 1');
    await s.close();
  });

  it('takes snapshots under <data>/snapshots and deletes series', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyrometer-storage-'));
    const s = await openStorage(options(dir));
    const app = s.appender();
    app.append(NO_SERIES_REF, Labels.from({ __name__: 'up', job: 'j' }), 0, 1000, 1);
    await app.commit();
    const name = await s.snapshot!(false);
    expect(name).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{16}$/);
    expect(readdirSync(join(dir, 'snapshots', name)).length).toBeGreaterThan(0);
    await s.deleteSeries!([[new Matcher('=', 'job', 'j')]], 0, 10_000);
    expect(await values(s)).toEqual([]);
    await s.close();
  });
});
