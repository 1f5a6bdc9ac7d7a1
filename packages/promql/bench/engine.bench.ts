import { Labels, MemoryStorage, NO_SERIES_REF } from '@pyrometer/model';
import { printFigures } from '../../../scripts/bench-kit.ts';
import { Engine } from '../src/index.ts';

// Range queries over the in-memory storage: 10,000 counter series `x` (100 jobs × 100
// instances) and a 20-bucket classic histogram `b` per job (2,000 series), 6h of data at 15s.
// Queries run over the whole 6h with a 60s step (360 steps), as a dashboard would ask.
const SCRAPE = 15_000;
const HOURS = 6;
const POINTS = (HOURS * 3_600_000) / SCRAPE + 1;
// PROMQL_BENCH_STEP_MS=15000 runs the queries at the data's own 15s resolution (1,440 steps).
const STEP = Number(process.env.PROMQL_BENCH_STEP_MS ?? 60_000);
const END = (POINTS - 1) * SCRAPE;
const START = 5 * 60_000;

function load(storage: MemoryStorage): number {
  const app = storage.appender();
  let samples = 0;
  for (let job = 0; job < 100; job++) {
    for (let inst = 0; inst < 100; inst++) {
      const labels = Labels.from({ __name__: 'x', job: `job-${job}`, instance: `inst-${inst}` });
      let ref = NO_SERIES_REF;
      let v = 0;
      for (let i = 0; i < POINTS; i++) {
        v += (inst % 7) + (i % 3);
        ref = app.append(ref, labels, 0, i * SCRAPE, v);
      }
      samples += POINTS;
    }
    const bounds = [...Array.from({ length: 19 }, (_, i) => String(0.005 * 2 ** i)), '+Inf'];
    bounds.forEach((le, bi) => {
      const labels = Labels.from({ __name__: 'b', job: `job-${job}`, le });
      let ref = NO_SERIES_REF;
      for (let i = 0; i < POINTS; i++) ref = app.append(ref, labels, 0, i * SCRAPE, i * (bi + 1));
      samples += POINTS;
    });
  }
  void app.commit();
  return samples;
}

const storage = new MemoryStorage();
const t0 = performance.now();
const loaded = load(storage);
const loadMs = performance.now() - t0;

const engine = new Engine({ maxSamples: 200_000_000, timeout: 600_000 });
const queries: [string, string][] = [
  ['rate', 'rate(x[5m])'],
  ['sum by job of rate', 'sum by (job) (rate(x[5m]))'],
  ['histogram_quantile', 'histogram_quantile(0.9, sum by (le) (rate(b[5m])))'],
  ['topk', 'topk(10, rate(x[5m]))'],
  ['group_left', 'rate(x[5m]) * on(job) group_left sum by (job) (rate(b[5m]))'],
  ['subquery', 'max_over_time(rate(x[5m])[30m:1m])'],
];

const rows: { case: string; unit: string; value: number }[] = [
  {
    case: `load ${storage.seriesCount} series × ${POINTS} samples`,
    unit: 'samples/s',
    value: (loaded / loadMs) * 1000,
  },
];
for (const [name, q] of queries) {
  globalThis.gc?.();
  const start = performance.now();
  const res = await engine.rangeQuery(storage, q, START, END, STEP);
  const ms = performance.now() - start;
  const series = res.value.type === 'matrix' ? res.value.series.length : 0;
  rows.push({
    case: `${name}: ${q} (${series} series)`,
    unit: 'samples/s',
    value: (res.stats.totalQueryableSamples / ms) * 1000,
  });
  rows.push({ case: `${name}: query time`, unit: 'ms', value: ms });
}
rows.push({ case: 'peak resident memory', unit: 'MB', value: process.resourceUsage().maxRSS / 1024 });
printFigures(`PromQL engine range queries (${HOURS}h at ${SCRAPE / 1000}s, step ${STEP / 1000}s)`, rows);
