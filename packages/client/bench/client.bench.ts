/**
 * Pyrometer's client against prom-client, in the same process: updates (counter inc, labelled
 * inc, histogram observe) and rendering a registry of 10,000 labelled series.
 *
 *   node --conditions=@pyrometer/source --expose-gc packages/client/bench/client.bench.ts
 */
import * as prom from 'prom-client';
import { type ComparisonRow, measure, printComparison } from '../../../scripts/bench-kit.ts';
import { Counter, Gauge, Histogram, Registry, Summary } from '../src/index.ts';

const SERIES = 10_000;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const CODES = ['200', '201', '400', '404', '500'];

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// Other processes share the machine, so each side runs in several short rounds, interleaved,
// and keeps its best: a slow round says more about the neighbours than about the code.
const ROUNDS = 5;
const ROUND = { minMs: 400, warmupMs: 100 };

/** Runs both sides of a case, each round after a GC so neither pays for the other's garbage. */
function compare(
  name: string,
  unit: string,
  ours: () => unknown,
  theirs: () => unknown,
  target: number,
): ComparisonRow {
  let baseline = 0;
  let measured = 0;
  for (let round = 0; round < ROUNDS; round++) {
    collectGarbage();
    baseline = Math.max(baseline, measure(theirs, ROUND).hz);
    collectGarbage();
    measured = Math.max(measured, measure(ours, ROUND).hz);
  }
  return { case: name, unit, ours: measured, baseline, target };
}

/** `measure` for an async function: each call is awaited before the next starts. */
async function measureAsync(fn: () => Promise<unknown>, { minMs, warmupMs }: typeof ROUND): Promise<number> {
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) await fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    await fn();
    calls++;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

async function compareAsync(
  name: string,
  unit: string,
  ours: () => Promise<unknown>,
  theirs: () => Promise<unknown>,
  target: number,
): Promise<ComparisonRow> {
  let baseline = 0;
  let measured = 0;
  for (let round = 0; round < ROUNDS; round++) {
    collectGarbage();
    baseline = Math.max(baseline, await measureAsync(theirs, ROUND));
    collectGarbage();
    measured = Math.max(measured, await measureAsync(ours, ROUND));
  }
  return { case: name, unit, ours: measured, baseline, target };
}

// Updates run in batches of 1,000 so the loop, not the measuring harness, dominates.
const BATCH = 1000;

// A program has many counters, and one counter incremented in a tight loop measures the JIT's
// inlining luck more than the library (two identical counters of ours differed by 0.7x–1.6x
// that way): the updates go round 64 counters.
const COUNTERS = 64;

function counterIncCase(): ComparisonRow {
  const ours = Array.from(
    { length: COUNTERS },
    (_, i) => new Counter({ name: `bench_requests_${i}_total`, help: 'h', registers: [new Registry()] }),
  );
  const theirs = Array.from(
    { length: COUNTERS },
    (_, i) =>
      new prom.Counter({ name: `bench_requests_${i}_total`, help: 'h', registers: [new prom.Registry()] }),
  );
  return compare(
    `counter inc() over ${COUNTERS} counters ×1000`,
    'batches/s',
    () => {
      for (let i = 0; i < BATCH; i++) ours[i & (COUNTERS - 1)]!.inc();
    },
    () => {
      for (let i = 0; i < BATCH; i++) theirs[i & (COUNTERS - 1)]!.inc();
    },
    1,
  );
}

function labelledIncCase(): ComparisonRow {
  const labelNames = ['method', 'code'];
  const ours = new Counter({
    name: 'bench_labelled_total',
    help: 'h',
    labelNames,
    registers: [new Registry()],
  });
  const theirs = new prom.Counter({
    name: 'bench_labelled_total',
    help: 'h',
    labelNames,
    registers: [new prom.Registry()],
  });
  return compare(
    "labels('GET','200').inc() ×1000",
    'batches/s',
    () => {
      for (let i = 0; i < BATCH; i++) ours.labels(METHODS[i & 3]!, CODES[i % 5]!).inc();
    },
    () => {
      for (let i = 0; i < BATCH; i++) theirs.labels(METHODS[i & 3]!, CODES[i % 5]!).inc();
    },
    1,
  );
}

function labelledObjectIncCase(): ComparisonRow {
  const labelNames = ['method', 'code'] as const;
  const ours = new Counter({
    name: 'bench_object_total',
    help: 'h',
    labelNames,
    registers: [new Registry()],
  });
  const theirs = new prom.Counter({
    name: 'bench_object_total',
    help: 'h',
    labelNames,
    registers: [new prom.Registry()],
  });
  return compare(
    'inc({method, code}) ×1000',
    'batches/s',
    () => {
      for (let i = 0; i < BATCH; i++) ours.inc({ method: METHODS[i & 3]!, code: CODES[i % 5]! });
    },
    () => {
      for (let i = 0; i < BATCH; i++) theirs.inc({ method: METHODS[i & 3]!, code: CODES[i % 5]! });
    },
    1,
  );
}

function histogramObserveCase(): ComparisonRow {
  const ours = new Histogram({ name: 'bench_latency_seconds', help: 'h', registers: [new Registry()] });
  const theirs = new prom.Histogram({
    name: 'bench_latency_seconds',
    help: 'h',
    registers: [new prom.Registry()],
  });
  const values = Array.from({ length: BATCH }, (_, i) => (i % 97) / 40);
  return compare(
    'histogram observe() ×1000',
    'batches/s',
    () => {
      for (let i = 0; i < BATCH; i++) ours.observe(values[i]!);
    },
    () => {
      for (let i = 0; i < BATCH; i++) theirs.observe(values[i]!);
    },
    1,
  );
}

function summaryObserveCase(): ComparisonRow {
  const options = { name: 'bench_size_bytes', help: 'h', maxAgeSeconds: 600, ageBuckets: 5 };
  const ours = new Summary({ ...options, registers: [new Registry()] });
  const theirs = new prom.Summary({ ...options, registers: [new prom.Registry()] });
  const values = Array.from({ length: BATCH }, (_, i) => (i * 7919) % 1000);
  return compare(
    'summary observe() ×1000 (10 min window)',
    'batches/s',
    () => {
      for (let i = 0; i < BATCH; i++) ours.observe(values[i]!);
    },
    () => {
      for (let i = 0; i < BATCH; i++) theirs.observe(values[i]!);
    },
    1,
  );
}

/**
 * 10,000 series: a counter with 5,000 label combinations, a gauge with 4,000, and a
 * histogram with 100 children of 10 series each (8 buckets with +Inf, sum, count).
 */
async function renderCase(): Promise<ComparisonRow> {
  const ours = new Registry();
  const theirs = new prom.Registry();
  const oursCounter = new Counter({
    name: 'bench_c_total',
    help: 'h',
    labelNames: ['path', 'code'],
    registers: [ours],
  });
  const theirsCounter = new prom.Counter({
    name: 'bench_c_total',
    help: 'h',
    labelNames: ['path', 'code'],
    registers: [theirs],
  });
  const oursGauge = new Gauge({ name: 'bench_g', help: 'h', labelNames: ['shard'], registers: [ours] });
  const theirsGauge = new prom.Gauge({
    name: 'bench_g',
    help: 'h',
    labelNames: ['shard'],
    registers: [theirs],
  });
  const buckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 10];
  const oursHistogram = new Histogram({
    name: 'bench_h_seconds',
    help: 'h',
    labelNames: ['route'],
    buckets,
    registers: [ours],
  });
  const theirsHistogram = new prom.Histogram({
    name: 'bench_h_seconds',
    help: 'h',
    labelNames: ['route'],
    buckets,
    registers: [theirs],
  });
  for (let i = 0; i < 5000; i++) {
    const path = `/api/v1/items/${i >> 2}`;
    const code = CODES[i & 3]!;
    oursCounter.labels(path, code).inc(i);
    theirsCounter.labels(path, code).inc(i);
  }
  for (let i = 0; i < 4000; i++) {
    oursGauge.labels(`shard-${i}`).set(i * 1.5);
    theirsGauge.labels(`shard-${i}`).set(i * 1.5);
  }
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 20; j++) {
      oursHistogram.labels(`/route/${i}`).observe(j / 7);
      theirsHistogram.labels(`/route/${i}`).observe(j / 7);
    }
  }
  // Both write the same samples (prom-client adds blank lines): a check that the comparison is fair.
  const lines = (text: string) => text.split('\n').filter((line) => line !== '').length;
  const [a, b] = await Promise.all([ours.metrics(), theirs.metrics()]);
  if (lines(a) !== lines(b)) throw new Error(`render case: ${lines(a)} lines against ${lines(b)}`);
  return compareAsync(
    `render ${SERIES} series (text)`,
    'renders/s',
    () => ours.metrics(),
    () => theirs.metrics(),
    3,
  );
}

const rows = [
  counterIncCase(),
  labelledIncCase(),
  labelledObjectIncCase(),
  histogramObserveCase(),
  summaryObserveCase(),
  await renderCase(),
];
printComparison('@pyrometer/client vs prom-client', 'prom-client', rows);
