import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '@pyrometer/model';
import { describe, expect, it } from 'vitest';
import { type FileLayer, openTSDB, type TSDB } from '../src/index.ts';
import { nodeFiles } from '../src/internal/file-layer.ts';
import { selectAll, tempDirsPerTest } from './helpers.ts';
import { hasPromtool, parseDump, promtool } from './promtool.ts';

const dir = tempDirsPerTest();
const quiet = { logger: () => {} };
const H2 = 2 * 3600 * 1000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H2);

type Row = [Record<string, string>, number, number];

function realisticRows(series: number, samples: number, step = 15_000): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < samples; i++) {
    for (let s = 0; s < series; s++) {
      const kind = s % 3;
      const labels = {
        __name__: kind === 0 ? 'http_requests_total' : kind === 1 ? 'temperature' : 'latency_bucket',
        instance: `host-${s}`,
        job: 'app',
      };
      const v = kind === 0 ? i * 7 + s : kind === 1 ? 20 + Math.sin(i / 10 + s) * 3 : Math.floor(i * 1.5);
      rows.push([labels, T0 + i * step + (s % 5), v]);
    }
  }
  return rows;
}

async function appendRows(db: TSDB, rows: Row[]): Promise<void> {
  let app = db.appender();
  for (let i = 0; i < rows.length; i++) {
    const [l, t, v] = rows[i]!;
    app.append(0 as never, Labels.from(l), 0, t, v);
    if (i % 1000 === 999) {
      await app.commit();
      app = db.appender();
    }
  }
  await app.commit();
}

function expected(
  rows: Row[],
  mint = Number.NEGATIVE_INFINITY,
  maxt = Number.POSITIVE_INFINITY,
): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const [l, t, v] of rows) {
    if (t < mint || t > maxt) continue;
    const key = Labels.from(l).toString();
    const list = out.get(key) ?? [];
    list.push([t, v]);
    out.set(key, list);
  }
  return out;
}

describe('blocks', () => {
  it('persists the head as a block and reads it back after reopening', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    const rows = realisticRows(30, 600);
    await appendRows(db, rows);
    const meta = (await db.persistHead(T0, T0 + H2))!;
    expect(meta.stats.numSeries).toBe(30);
    expect(meta.stats.numSamples).toBe(30 * 480);
    db.close();
    const db2 = openTSDB(d, quiet);
    expect(db2.blocks.length).toBe(1);
    const got = await selectAll(db2.querier(0, Number.MAX_SAFE_INTEGER));
    const want = expected(rows);
    expect(got.length).toBe(want.size);
    for (const s of got) expect(s.samples).toEqual(want.get(s.labels));
    // The WAL was checkpointed: only the samples after the block are replayed.
    expect(db2.head.minTime).toBeGreaterThanOrEqual(T0 + H2);
    expect(readdirSync(join(d, 'wal')).some((n) => n.startsWith('checkpoint.'))).toBe(true);
    db2.close();
  });

  it('compacts automatically, merges blocks into larger ranges, and applies time retention', async () => {
    const d = dir();
    const db = openTSDB(d, { ...quiet, retentionTime: 20 * H2 });
    const rows = realisticRows(6, (30 * H2) / 60_000, 60_000);
    await appendRows(db, rows);
    await db.compact();
    expect(db.blocks.length).toBeGreaterThan(1);
    expect(db.blocks.some((b) => b.meta.compaction.level > 1)).toBe(true);
    const newest = db.blocks.at(-1)!.maxTime;
    expect(db.blocks.every((b) => b.maxTime > newest - 20 * H2)).toBe(true);
    const oldest = db.blocks[0]!.minTime;
    const got = await selectAll(db.querier(oldest, Number.MAX_SAFE_INTEGER));
    const want = expected(rows, oldest);
    for (const s of got) expect(s.samples).toEqual(want.get(s.labels));
    db.close();
  });

  it('deletes with tombstones, and clean-tombstones rewrites the block', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    const rows = realisticRows(3, 600);
    await appendRows(db, rows);
    await db.persistHead(T0, T0 + H2);
    const m = new Matcher('=', '__name__', 'temperature');
    await db.delete(T0, T0 + 3 * H2, m);
    expect(await selectAll(db.querier(0, Number.MAX_SAFE_INTEGER), m)).toEqual([]);
    db.close();
    const db2 = openTSDB(d, quiet);
    expect(await selectAll(db2.querier(0, Number.MAX_SAFE_INTEGER), m)).toEqual([]);
    const before = db2.blocks[0]!.meta.stats.numSamples;
    await db2.cleanTombstones();
    expect(db2.blocks[0]!.meta.stats.numSamples).toBe(before - 480);
    expect(db2.blocks[0]!.tombstones.size).toBe(0);
    expect((await selectAll(db2.querier(0, Number.MAX_SAFE_INTEGER))).length).toBe(2);
    db2.close();
  });

  it('applies size retention, oldest blocks first', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    await appendRows(db, realisticRows(20, (8 * H2) / 15_000));
    await db.compact();
    const sizes = db.blocks.map((b) => b.size());
    expect(sizes.length).toBeGreaterThan(1);
    db.close();
    const limit = sizes.at(-1)! + db.walSize() + 1;
    const db2 = openTSDB(d, { ...quiet, retentionSize: limit });
    expect(db2.blocks.length).toBeLessThan(sizes.length);
    expect(db2.metricsSnapshot().prometheus_tsdb_size_retentions_total).toBeGreaterThan(0);
    db2.close();
  });

  it('ignores a half-written block and a bad index, keeping the rest', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    await appendRows(db, realisticRows(2, 600));
    await db.persistHead(T0, T0 + H2);
    db.close();
    mkdirSync(join(d, '01HZZZZZZZZZZZZZZZZZZZZZZZ'));
    const bad = join(d, '01HYYYYYYYYYYYYYYYYYYYYYYY');
    mkdirSync(join(bad, 'chunks'), { recursive: true });
    writeFileSync(
      join(bad, 'meta.json'),
      JSON.stringify({
        ulid: '01HYYYYYYYYYYYYYYYYYYYYYYY',
        minTime: 0,
        maxTime: 1,
        stats: {},
        compaction: { level: 1, sources: [] },
        version: 1,
      }),
    );
    writeFileSync(join(bad, 'index'), Buffer.alloc(100, 7));
    const lines: string[] = [];
    const db2 = openTSDB(d, { logger: (l) => lines.push(l) });
    expect(db2.blocks.length).toBe(1);
    expect(lines.join('\n')).toMatch(/no meta.json/);
    expect(lines.join('\n')).toMatch(/bad magic number/);
    db2.close();
    rmSync(bad, { recursive: true });
  });

  it('snapshots blocks and the head into another directory', async () => {
    const d = dir();
    const snap = dir();
    const db = openTSDB(d, quiet);
    const rows = realisticRows(4, 700);
    await appendRows(db, rows);
    await db.persistHead(T0, T0 + H2);
    await db.snapshot(snap);
    // As Prometheus's snapshots, the block's files are hard links, not copies.
    const block = db.blocks[0]!.meta.ulid;
    for (const f of ['index', 'meta.json', 'tombstones', join('chunks', '000001')])
      expect(statSync(join(snap, block, f)).ino).toBe(statSync(join(d, block, f)).ino);
    // Rewriting the block without a deleted series replaces it; the snapshot keeps its data.
    await db.delete(0, Number.MAX_SAFE_INTEGER, new Matcher('=', 'instance', 'host-0'));
    await db.cleanTombstones();
    expect(existsSync(join(d, block))).toBe(false);
    db.close();
    const db2 = openTSDB(snap, quiet);
    expect(db2.blocks.length).toBe(2);
    const got = await selectAll(db2.querier(0, Number.MAX_SAFE_INTEGER));
    const want = expected(rows);
    expect(got.length).toBe(want.size);
    for (const s of got) expect(s.samples).toEqual(want.get(s.labels));
    db2.close();
  });

  it('copies the files of a snapshot where they cannot be linked', async () => {
    const d = dir();
    const snap = dir();
    const files: FileLayer = {
      ...nodeFiles,
      link: () => {
        throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      },
    };
    const db = openTSDB(d, { ...quiet, files });
    const rows = realisticRows(4, 700);
    await appendRows(db, rows);
    await db.persistHead(T0, T0 + H2);
    await db.snapshot(snap, false);
    const block = db.blocks[0]!.meta.ulid;
    expect(statSync(join(snap, block, 'index')).ino).not.toBe(statSync(join(d, block, 'index')).ino);
    db.close();
    const db2 = openTSDB(snap, quiet);
    const want = expected(rows);
    for (const s of await selectAll(db2.querier(T0, T0 + H2 - 1)))
      expect(s.samples).toEqual(want.get(s.labels)!.filter(([t]) => t < T0 + H2));
    db2.close();
  });
});

describe.skipIf(!hasPromtool)('blocks with promtool', () => {
  it('promtool analyzes and dumps a block we wrote, with every sample we appended', async () => {
    const d = dir();
    const db = openTSDB(d, quiet);
    const rows = realisticRows(12, 600);
    await appendRows(db, rows);
    const meta = (await db.persistHead(T0, T0 + H2))!;
    db.close();
    const analyze = promtool('tsdb', 'analyze', d, meta.ulid);
    expect(analyze).toMatch(/Series: 12/);
    const dump = parseDump(
      promtool('tsdb', 'dump', '--min-time', String(T0), '--max-time', String(T0 + H2 - 1), d),
    );
    const want = expected(rows, T0, T0 + H2 - 1);
    expect(dump.size).toBe(want.size);
    for (const [labels, samples] of want) {
      const key = labels.replace(/^(\w+)\{/, '{__name__="$1", ');
      expect(dump.get(key)).toEqual(samples.map(([t, v]) => [t, formatGo(v)]));
    }
  });

  it('promtool reads our leveled-compaction output: every sample, no overlap', {
    timeout: 30_000,
  }, async () => {
    const d = dir();
    const db = openTSDB(d, { ...quiet, retentionTime: 0, autoCompact: false });
    const rows = realisticRows(4, (24 * H2) / 120_000, 120_000);
    await appendRows(db, rows);
    await db.compact();
    expect(db.blocks.some((b) => b.meta.compaction.level >= 2)).toBe(true);
    const last = db.blocks.at(-1)!.maxTime - 1;
    db.close();
    for (const b of readdirSync(d).filter((n) => /^[0-9A-Z]{26}$/.test(n))) promtool('tsdb', 'analyze', d, b);
    const dump = parseDump(promtool('tsdb', 'dump', '--min-time', '0', '--max-time', String(last), d));
    const want = expected(rows, Number.NEGATIVE_INFINITY, last);
    expect(dump.size).toBe(want.size);
    for (const [labels, samples] of want) {
      const key = labels.replace(/^(\w+)\{/, '{__name__="$1", ');
      expect(dump.get(key)).toEqual(samples.map(([t, v]) => [t, formatGo(v)]));
    }
  });

  it('writes index, chunks and tombstones byte-identical to promtool for the same samples', async () => {
    const d = dir();
    const db = openTSDB(join(d, 'ours'), { ...quiet, autoCompact: false });
    const lines = ['# TYPE reqs counter'];
    const gauge: string[] = ['# TYPE temp gauge'];
    const app = db.appender();
    for (let s = 0; s < 6; s++) {
      let v = 0;
      for (let i = 0; i < 400; i++) {
        v += ((i * s) % 13) + 0.5;
        const t = T0 + i * 15_000 + (i % 7 === 0 ? 3 : 0) + (i >= 200 && s % 2 === 1 ? 400_000 : 0);
        app.append(0 as never, Labels.from({ __name__: 'reqs_total', code: String(200 + s) }), 0, t, v);
        lines.push(`reqs_total{code="${200 + s}"} ${v} ${t / 1000}`);
        // (+ 0 turns -0, which the text format cannot carry, into 0.)
        const g = Math.round(Math.sin(i / 9 + s) * 1e6) / 1e3 + 0;
        app.append(0 as never, Labels.from({ __name__: 'temp', zone: `z${s}` }), 0, t, g);
        gauge.push(`temp{zone="z${s}"} ${g} ${t / 1000}`);
      }
    }
    // Chunks of one and two samples, and infinities.
    const edge = ['# TYPE edge gauge'];
    const edges: [string, number, number][] = [
      ['one', T0 + 5, 42],
      ['two', T0 + 7, 1.5],
      ['two', T0 + 9, Number.POSITIVE_INFINITY],
      ['three', T0 + 1, -Number.MAX_VALUE],
      ['three', T0 + 2, Number.NEGATIVE_INFINITY],
      ['three', T0 + 100_000, 5e-324],
    ];
    for (const [k, t, v] of edges) {
      app.append(0 as never, Labels.from({ __name__: 'edge', k }), 0, t, v);
      const text =
        v === Number.POSITIVE_INFINITY ? '+Inf' : v === Number.NEGATIVE_INFINITY ? '-Inf' : String(v);
      edge.push(`edge{k="${k}"} ${text} ${t / 1000}`);
    }
    await app.commit();
    const meta = (await db.persistHead(T0, T0 + H2))!;
    db.close();
    const input = join(d, 'in.om');
    writeFileSync(input, `${[...edge, ...lines, ...gauge].join('\n')}\n# EOF\n`);
    promtool('tsdb', 'create-blocks-from', 'openmetrics', input, join(d, 'prom'));
    const theirs = readdirSync(join(d, 'prom')).find((n) => /^[0-9A-Z]{26}$/.test(n))!;
    for (const f of ['chunks/000001', 'index', 'tombstones']) {
      const a = readFileSync(join(d, 'ours', meta.ulid, f));
      const b = readFileSync(join(d, 'prom', theirs, f));
      expect(Buffer.compare(a, b), f).toBe(0);
    }
  });

  it('opens a block promtool created from OpenMetrics, with every sample', async () => {
    const d = dir();
    const lines: string[] = ['# TYPE requests counter'];
    const want = new Map<string, [number, number][]>();
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 300; i++) {
        const t = 1_700_000_000 + i * 15;
        const v = i * (s + 1) + (i % 7 === 0 ? 0.25 : 0);
        lines.push(`requests_total{code="${200 + s}"} ${v} ${t}`);
        const key = `requests_total{code="${200 + s}"}`;
        want.set(key, [...(want.get(key) ?? []), [t * 1000, v]]);
      }
    }
    // OpenMetrics wants each series' samples together and in order.
    const input = join(d, 'in.om');
    writeFileSync(input, `${lines.join('\n')}\n# EOF\n`);
    const out = join(d, 'data');
    promtool('tsdb', 'create-blocks-from', 'openmetrics', input, out);
    const db = openTSDB(out, quiet);
    expect(db.blocks.length).toBeGreaterThan(0);
    const got = await selectAll(db.querier(0, Number.MAX_SAFE_INTEGER));
    expect(got.length).toBe(5);
    for (const s of got) expect(s.samples).toEqual(want.get(s.labels));
    db.close();
  });
});

// Go's strconv.FormatFloat(v, 'g', -1, 64), as promtool prints values, for the values these
// tests use: JavaScript's shortest form, with Go's two-digit exponent.
function formatGo(v: number): string {
  return String(v).replace(/e([+-])(\d)$/, 'e$10$2');
}
