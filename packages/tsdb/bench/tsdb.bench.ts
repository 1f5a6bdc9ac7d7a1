// The four TSDB figures of issue 3, each beside its baseline. Bounded: the whole file runs in
// about a minute on a shared core. SERIES_1M scales the "1M series" cases (default 1M);
// CASES picks some of them (comma-separated: append, block, select; all by default), e.g.
// `CASES=append` for the append throughput and head memory figures only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MemoryStorage, type Querier, type SeriesSet, ValueType } from '@pyrometer/model';
import { printComparison } from '../../../scripts/bench-kit.ts';
import { openTSDB, type TSDB } from '../src/index.ts';

const MANY = Number(process.env.SERIES_1M ?? 1_000_000);
const CASES = new Set((process.env.CASES ?? 'append,block,select').split(','));
const H2 = 2 * 3600 * 1000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H2);
const quiet = { logger: () => {} };

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'tsdb-bench-'));
}

// Rates are per second of this process's CPU time (user + system): the machine running the
// benchmarks is shared, and wall time would measure the neighbours too.
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// A label value as a scrape hands it to the head: decoded from the exposition's bytes, as the
// parser does. Built by concatenation instead, V8 would keep it as a rope until its first
// read, and the head's first lookup would time the flattening of a million of the caller's
// strings (some 20% of creating the series) rather than the head.
function fromBytes(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

// Typical scrape target label sets: name, job, instance, and one or two more.
function seriesLabels(n: number): Labels[] {
  const out: Labels[] = new Array(n);
  const names = [
    'http_requests_total',
    'process_cpu_seconds_total',
    'node_memory_bytes',
    'request_duration_seconds_bucket',
  ];
  for (let i = 0; i < n; i++) {
    out[i] = Labels.from({
      __name__: names[i % names.length]!,
      job: fromBytes(`job-${i % 20}`),
      instance: fromBytes(`10.0.${(i >> 8) & 255}.${i & 255}:9100`),
      path: fromBytes(`/api/v1/resource/${i % 97}`),
      le: fromBytes(String(i % 11)),
    });
  }
  return out;
}

async function appendThroughput(
  series: number,
  samples: number,
): Promise<{ rate: number; db: TSDB; dir: string; baseline: number; labels: Labels[] | undefined }> {
  const dir = temp();
  const db = openTSDB(dir, quiet);
  const labels = seriesLabels(series);
  // The caller's label sets are its own (a scrape cache); the head keeps its own copies. They
  // are in the baseline, so they are returned to stay alive until the head is measured.
  gc();
  const before = process.memoryUsage();
  const baseline = before.heapUsed + before.external;
  const refs = new Float64Array(series);
  const cpu = process.cpuUsage();
  let app = db.appender();
  let inTx = 0;
  for (let i = 0; i < samples; i++) {
    const t = T0 + i * 15_000;
    for (let s = 0; s < series; s++) {
      refs[s] = app.append(refs[s]! as never, labels[s]!, 0, t, i * 3 + (s & 7));
      if (++inTx === 1000) {
        await app.commit();
        app = db.appender();
        inTx = 0;
      }
    }
  }
  await app.commit();
  return { rate: (series * samples) / cpuSeconds(cpu), db, dir, baseline, labels };
}

function headBytesPerSeries(db: TSDB, before: number): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.external - before) / db.head.numSeries;
}

function dirBytes(path: string): number {
  let total = 0;
  for (const n of readdirSync(path)) {
    const p = join(path, n);
    const st = statSync(p);
    total += st.isDirectory() ? dirBytes(p) : st.size;
  }
  return total;
}

// Index, chunks and tombstones: meta.json differs only in whitespace and ULIDs.
function blockDataBytes(block: string): number {
  return (
    dirBytes(join(block, 'chunks')) +
    statSync(join(block, 'index')).size +
    statSync(join(block, 'tombstones')).size
  );
}

async function blockBytesPerSample(): Promise<{ ours: number; promtool: number | undefined }> {
  const series = 300;
  const samples = 480;
  const dir = temp();
  const db = openTSDB(dir, quiet);
  const lines: string[] = [];
  const rows: [Labels, number, number][] = [];
  for (let s = 0; s < series; s++) {
    const kind = s % 3;
    const name = kind === 0 ? 'requests_total' : kind === 1 ? 'temperature_celsius' : 'queue_length';
    const l = {
      __name__: name,
      instance: `host-${s}:9100`,
      job: 'node',
      ...(kind === 2 ? { le: String(0.005 * 2 ** (s % 10)) } : {}),
    };
    const labels = Labels.from(l);
    let counter = 0;
    for (let i = 0; i < samples; i++) {
      const t = T0 + i * 15_000 + ((i * 7919 + s) % 3 === 0 ? 1 : 0);
      // Counters grow by a few per scrape, gauges wander with 1 decimal, buckets grow slowly.
      counter += kind === 0 ? (i * s) % 17 : kind === 2 ? (i % 5 === 0 ? 1 : 0) : 0;
      const v = kind === 1 ? Math.round((20 + 5 * Math.sin((i + s) / 40)) * 10) / 10 : counter;
      rows.push([labels, t, v]);
    }
  }
  const byName = new Map<string, [Labels, number, number][]>();
  for (const r of rows) {
    const key = r[0].toString();
    byName.set(key, [...(byName.get(key) ?? []), r]);
  }
  let app = db.appender();
  let n = 0;
  for (let i = 0; i < samples; i++) {
    for (const list of byName.values()) {
      const [l, t, v] = list[i]!;
      app.append(0 as never, l, 0, t, v);
      if (++n % 1000 === 0) {
        await app.commit();
        app = db.appender();
      }
    }
  }
  await app.commit();
  const meta = (await db.persistHead(T0, T0 + H2))!;
  db.close();
  const ours = blockDataBytes(join(dir, meta.ulid)) / meta.stats.numSamples;
  let promtool: number | undefined;
  if (existsSync('/usr/bin/promtool')) {
    const seen = new Set<string>();
    // OpenMetrics wants each family's lines together.
    const grouped = [...byName.values()].sort((a, b) => (a[0]![0].metricName < b[0]![0].metricName ? -1 : 1));
    for (const list of grouped) {
      const name = list[0]![0].metricName;
      if (!seen.has(name)) {
        seen.add(name);
        lines.push(`# TYPE ${name.replace(/_total$/, '')} ${name.endsWith('_total') ? 'counter' : 'gauge'}`);
      }
      for (const [l, t, v] of list) {
        const pairs = l.without('__name__').toString().slice(1, -1).replaceAll(', ', ',');
        lines.push(`${l.metricName}{${pairs}} ${v} ${t / 1000}`);
      }
    }
    const input = join(dir, 'in.om');
    writeFileSync(input, `${lines.join('\n')}\n# EOF\n`);
    const out = join(dir, 'promtool');
    execFileSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, out], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let bytes = 0;
    let count = 0;
    for (const b of readdirSync(out)) {
      if (!existsSync(join(out, b, 'meta.json'))) continue;
      bytes += blockDataBytes(join(out, b));
      count += (
        JSON.parse(readFileSync(join(out, b, 'meta.json'), 'utf8')) as { stats: { numSamples: number } }
      ).stats.numSamples;
    }
    promtool = bytes / count;
  }
  rmSync(dir, { recursive: true, force: true });
  return { ours, promtool };
}

// Both queriers answer synchronously.
function iterateAll(q: Querier, rounds: number): { read: number; secs: number } {
  const cpu = process.cpuUsage();
  let read = 0;
  for (let r = 0; r < rounds; r++) {
    const set = q.select(true, undefined, new Matcher('=~', '__name__', '.+')) as SeriesSet;
    while (set.next()) {
      const it = set.at().iterator();
      while (it.next() === ValueType.Float) read++;
    }
  }
  return { read, secs: cpuSeconds(cpu) };
}

async function selectIterate(): Promise<{ ours: number; memory: number }> {
  const series = 10_000;
  const samples = 480; // 2h at 15s
  const dir = temp();
  const db = openTSDB(dir, quiet);
  const labels = seriesLabels(series);
  const refs = new Float64Array(series);
  let app = db.appender();
  let n = 0;
  for (let i = 0; i < samples; i++) {
    for (let s = 0; s < series; s++) {
      refs[s] = app.append(refs[s]! as never, labels[s]!, 0, T0 + i * 15_000, i + s);
      if (++n % 5000 === 0) {
        await app.commit();
        app = db.appender();
      }
    }
  }
  await app.commit();
  await db.persistHead(T0, T0 + H2);
  // Read from the block, as a 2h query over persisted data would.
  const ours = iterateAll(db.querier(T0, T0 + H2), 3);
  // Baseline: the model package's reference storage, every sample uncompressed in typed arrays.
  const memory = new MemoryStorage();
  const mapp = memory.appender();
  for (let i = 0; i < samples; i++) {
    for (let s = 0; s < series; s++) mapp.append(0 as never, labels[s]!, 0, T0 + i * 15_000, i + s);
  }
  await mapp.commit();
  const base = iterateAll(memory.querier(T0, T0 + H2), 3);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { ours: ours.read / ours.secs, memory: base.read / base.secs };
}

if (CASES.has('append')) {
  const many = await appendThroughput(MANY, 10);
  const perSeries = headBytesPerSeries(many.db, many.baseline);
  many.db.close();
  rmSync(many.dir, { recursive: true, force: true });
  // Drop the 1M-series head before the next case, so its collection is not measured there.
  many.db = undefined as never;
  many.labels = undefined;
  gc();
  const few = await appendThroughput(1000, 10_000);
  few.db.close();
  rmSync(few.dir, { recursive: true, force: true });
  const scale = MANY === 1_000_000 ? '1M' : `${MANY / 1000}k`;

  printComparison(
    'Append into the head with the WAL on (commits of 1,000 samples; per CPU-second)',
    'target',
    [
      { case: `${scale} series × 10 samples`, unit: 'samples/s', ours: many.rate, baseline: 2e6, target: 1 },
      { case: '1k series × 10k samples', unit: 'samples/s', ours: few.rate, baseline: 2e6, target: 1 },
    ],
  );

  // Lower is better for bytes: the ratio printed is baseline / ours so that ≥1 means met.
  printComparison(
    'Head memory (heap + external after GC), bytes per series — shown as 1 KB / ours',
    '1 KB target',
    [
      {
        case: `${scale} series, 5 labels, 10 samples each: ${perSeries.toFixed(0)} B/series`,
        unit: 'series per KB',
        ours: 1024 / perSeries,
        baseline: 1,
        target: 1,
      },
    ],
  );
}

if (CASES.has('block')) {
  const bps = await blockBytesPerSample();
  if (bps.promtool !== undefined) {
    printComparison(
      'Block size, bytes per sample (counters, gauges, slow-moving counters; classic histograms are counters too) — shown as promtool / ours',
      'promtool 2.42',
      [
        {
          case: `ours ${bps.ours.toFixed(3)} B, promtool ${bps.promtool.toFixed(3)} B`,
          unit: 'ratio',
          ours: bps.promtool / bps.ours,
          baseline: 1,
          target: 1,
        },
      ],
    );
  } else
    console.log(
      `\nBlock size: ${bps.ours.toFixed(3)} bytes/sample (promtool not installed for the baseline)`,
    );
}

if (CASES.has('select')) {
  const sel = await selectIterate();
  printComparison(
    'Select + full iteration, 10k series × 2h at 15s, from a block (per CPU-second)',
    'MemoryStorage (uncompressed)',
    [{ case: '10k series × 480 samples', unit: 'samples/s', ours: sel.ours, baseline: sel.memory }],
  );
}
