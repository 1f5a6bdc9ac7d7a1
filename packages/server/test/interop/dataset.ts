import { Labels, type Sample, StaleNaN } from '@pyrometer/model';
import type { TimeSeriesInput } from '@pyrometer/remote';

/**
 * A synthetic data set shaped like the PromLabs demo service that the promql-compliance
 * queries name (`demo_*` metrics of three instances of job "demo"). Deterministic for a given
 * start time: values come from a seeded generator, not from the clock.
 */

/** Scrape interval of the synthetic data. */
export const INTERVAL_MS = 15_000;
/** Sample timestamps sit this far after the 15 s grid, so no sample lies on a query window edge. */
export const PHASE_MS = 1_234;

export const INSTANCES = ['demo.promlabs.com:10000', 'demo.promlabs.com:10001', 'demo.promlabs.com:10002'];
const JOB = 'demo';
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
const ENDPOINTS = [
  { method: 'GET', path: '/api/foo', status: '200', scale: 1 },
  { method: 'POST', path: '/api/foo', status: '200', scale: 3 },
  { method: 'GET', path: '/api/bar', status: '500', scale: 0.5 },
];
/** Instance index 2 "restarts" at this sample index: its counters start again from zero. */
const RESTART_AT = 300;

export interface DemoSeries {
  labels: Record<string, string>;
  samples: Sample[];
}

export interface Dataset {
  series: DemoSeries[];
  /** Time of the first and last sample, ms. */
  first: number;
  last: number;
  /** Number of samples that are not stale markers (what `count_over_time` counts). */
  realSamples: number;
}

/** mulberry32: a small seeded PRNG, enough for reproducible synthetic values. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` samples per series, the first at `gridStart + PHASE_MS`, one every 15 s.
 * `gridStart` should be a multiple of the query step.
 */
export function buildDataset(gridStart: number, count: number): Dataset {
  const rand = rng(42);
  const times = Array.from({ length: count }, (_, i) => gridStart + PHASE_MS + i * INTERVAL_MS);
  const series: DemoSeries[] = [];
  const add = (labels: Record<string, string>, values: (number | undefined)[]): void => {
    const samples: Sample[] = [];
    values.forEach((v, i) => {
      if (v !== undefined) samples.push({ t: times[i]!, v });
    });
    series.push({ labels: { ...labels, job: JOB }, samples });
  };
  const each = (f: (i: number) => number | undefined): (number | undefined)[] => times.map((_, i) => f(i));

  INSTANCES.forEach((instance, n) => {
    const restarts = n === 2;
    // Gauges.
    const memBase: Record<string, number> = { used: 2.1e9, free: 1.4e9, buffers: 1.2e8, cached: 6.5e8 };
    for (const [type, base] of Object.entries(memBase)) {
      let walk = base * (1 + n * 0.07);
      add(
        { __name__: 'demo_memory_usage_bytes', instance, type },
        each(() => {
          walk = Math.max(1, walk + (rand() - 0.5) * base * 0.02);
          return Math.round(walk);
        }),
      );
    }
    add(
      { __name__: 'demo_num_cpus', instance },
      each(() => [4, 8, 6][n]!),
    );
    let disk = 4.2e10 + n * 1e9;
    add(
      { __name__: 'demo_disk_usage_bytes', instance },
      each(() => {
        disk += 2.5e5 * (n + 1) + (rand() - 0.3) * 1e5;
        return Math.round(disk);
      }),
    );
    // A batch job that succeeds every 5 minutes (per-instance phase); the value is the Unix time of
    // the last success, in seconds.
    add(
      { __name__: 'demo_batch_last_success_timestamp_seconds', instance },
      each((i) => {
        const period = 300_000;
        const phase = n * 70_000;
        return Math.floor((times[i]! - phase) / period) * (period / 1000) + phase / 1000;
      }),
    );
    // Comes and goes: instance 0 with stale markers when it goes, instance 1 without (its
    // samples just stop, so lookback decides), instance 2 always there.
    add(
      { __name__: 'demo_intermittent_metric', instance },
      each((i) => {
        if (n === 0) {
          const on = Math.floor(i / 40) % 2 === 0;
          if (on) return 1 + rand();
          return i % 40 === 0 ? StaleNaN : undefined;
        }
        if (n === 1) return Math.floor(i / 60) % 2 === 0 ? 10 + rand() : undefined;
        return 100 + rand();
      }),
    );
    // Counters.
    for (const [mode, speed] of [
      ['user', 0.6],
      ['system', 0.25],
      ['idle', 2.9],
    ] as const) {
      let c = 1000 * (n + 1) * speed;
      add(
        { __name__: 'demo_cpu_usage_seconds_total', instance, mode },
        each((i) => {
          if (restarts && i === RESTART_AT) c = 0;
          c += speed * 15 * (0.7 + rand() * 0.6);
          return c;
        }),
      );
    }
    // Classic histograms: cumulative `le` buckets, _sum and _count.
    for (const ep of ENDPOINTS) {
      const buckets = BUCKETS.map(() => 0);
      let sum = 0;
      const rows: { buckets: number[]; sum: number }[] = times.map((_, i) => {
        if (restarts && i === RESTART_AT) {
          buckets.fill(0);
          sum = 0;
        }
        const requests = Math.floor(rand() * 40 * ep.scale) + 1;
        for (let r = 0; r < requests; r++) {
          // Latency: mostly fast, a long tail.
          const latency = 0.002 + rand() ** 3 * 3 * ep.scale;
          sum += latency;
          BUCKETS.forEach((le, b) => {
            if (le === '+Inf' || latency <= Number(le)) buckets[b]!++;
          });
        }
        return { buckets: [...buckets], sum };
      });
      const base = { instance, method: ep.method, path: ep.path, status: ep.status };
      BUCKETS.forEach((le, b) => {
        add(
          { __name__: 'demo_api_request_duration_seconds_bucket', ...base, le },
          rows.map((r) => r.buckets[b]!),
        );
      });
      add(
        { __name__: 'demo_api_request_duration_seconds_sum', ...base },
        rows.map((r) => r.sum),
      );
      add(
        { __name__: 'demo_api_request_duration_seconds_count', ...base },
        rows.map((r) => r.buckets[BUCKETS.length - 1]!),
      );
    }
  });
  let realSamples = 0;
  for (const s of series) for (const p of s.samples) if (!Number.isNaN(p.v)) realSamples++;
  return { series, first: times[0]!, last: times[times.length - 1]!, realSamples };
}

/**
 * Remote-write batches in time order across all series: each batch holds every series'
 * samples in `[from, from + windowMs)`, so neither receiver ever sees a sample behind its head.
 */
export function timeOrderedBatches(data: Dataset, windowMs: number): TimeSeriesInput[][] {
  const batches: TimeSeriesInput[][] = [];
  const labels = data.series.map((s) => Labels.from(s.labels));
  for (let from = data.first; from <= data.last; from += windowMs) {
    const batch: TimeSeriesInput[] = [];
    data.series.forEach((s, k) => {
      const samples = s.samples.filter((p) => p.t >= from && p.t < from + windowMs);
      if (samples.length > 0) batch.push({ labels: labels[k]!, samples });
    });
    batches.push(batch);
  }
  return batches;
}
