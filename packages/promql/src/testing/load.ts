import {
  type Appender,
  type FloatHistogram,
  type Labels,
  LabelsBuilder,
  METRIC_NAME,
  type MemoryStorage,
  NO_SERIES_REF,
  StaleNaN,
  StorageError,
} from '@pyrometer/model';
import { formatLabels } from '../engine/format.ts';
import { expandItems, parseFloatLiteral, parseSeriesLine, splitItems } from './notation.ts';
import type { Command } from './script.ts';

export async function load(
  storage: MemoryStorage,
  cmd: Extract<Command, { kind: 'load' }>,
): Promise<boolean> {
  const app = storage.appender();
  let startTimestamps = false;
  const classic = new Map<string, ClassicHistogram>();
  // As the upstream loader: a later line for the same label set replaces the earlier one.
  const defs = new Map<string, { labels: Labels; items: ReturnType<typeof expandItems> }>();
  for (const { text } of cmd.series) {
    const { labels, rest } = parseSeriesLine(text);
    if (rest.startsWith('@st')) {
      startTimestamps = true;
      continue;
    }
    defs.set(formatLabels(labels), { labels, items: expandItems(splitItems(rest)) });
  }
  for (const { labels, items } of defs.values()) {
    let ref = NO_SERIES_REF;
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      const t = k * cmd.step;
      if (item.kind === 'none') continue;
      if (item.kind === 'histogram') {
        appendHistogram(app, labels, t, item.value);
        continue;
      }
      ref = app.append(ref, labels, 0, t, item.kind === 'float' ? item.value : StaleNaN);
      if (cmd.nhcb && item.kind === 'float') noteClassic(classic, labels, t, item.value);
    }
  }
  for (const c of classic.values()) {
    for (const t of [...c.times.keys()].sort((a, b) => a - b)) {
      const h = customBucketHistogram(c.times.get(t)!);
      if (h !== undefined) appendHistogram(app, c.labels, t, h);
    }
  }
  await app.commit();
  return startTimestamps;
}

// A histogram repeated at one timestamp is the same sample again, which Prometheus ignores.
function appendHistogram(app: Appender, labels: Labels, t: number, h: FloatHistogram): void {
  try {
    app.append(NO_SERIES_REF, labels, 0, t, h);
  } catch (e) {
    if (!(e instanceof StorageError && e.code === 'duplicate-sample')) throw e;
  }
}

interface ClassicPoint {
  buckets: Map<number, number>;
  count?: number;
  sum?: number;
}

interface ClassicHistogram {
  labels: Labels;
  times: Map<number, ClassicPoint>;
}

// load_with_nhcb: the `_bucket`/`_count`/`_sum` series of one classic histogram, gathered
// per timestamp under the base name, to be stored as a custom-bucket native histogram too.
function noteClassic(classic: Map<string, ClassicHistogram>, labels: Labels, t: number, v: number): void {
  const m = /^(.*)_(bucket|count|sum)$/.exec(labels.metricName);
  if (m === null || (m[2] === 'bucket' && !labels.has('le'))) return;
  const base = new LabelsBuilder(labels).set(METRIC_NAME, m[1]!).delete('le').labels();
  const key = formatLabels(base);
  let entry = classic.get(key);
  if (entry === undefined) {
    entry = { labels: base, times: new Map() };
    classic.set(key, entry);
  }
  let point = entry.times.get(t);
  if (point === undefined) {
    point = { buckets: new Map() };
    entry.times.set(t, point);
  }
  if (m[2] === 'count') point.count = v;
  else if (m[2] === 'sum') point.sum = v;
  else {
    const le = parseFloatLiteral(labels.get('le').trim());
    if (!Number.isNaN(le)) point.buckets.set(le, v);
  }
}

function customBucketHistogram(p: ClassicPoint): FloatHistogram | undefined {
  const bounds = [...p.buckets.keys()].sort((a, b) => a - b);
  if (bounds.length === 0) return undefined;
  const counts: number[] = [];
  let prev = 0;
  for (const b of bounds) {
    const c = p.buckets.get(b)!;
    counts.push(c - prev);
    prev = c;
  }
  return {
    counterResetHint: 'unknown',
    schema: -53,
    zeroThreshold: 0,
    zeroCount: 0,
    count: p.count ?? prev,
    sum: p.sum ?? 0,
    positiveSpans: [{ offset: 0, length: counts.length }],
    positiveBuckets: counts,
    negativeSpans: [],
    negativeBuckets: [],
    customValues: bounds.filter((b) => b !== Number.POSITIVE_INFINITY),
  };
}
