import type { Head } from './head.ts';

/** A name and a count, as `/api/v1/status/tsdb` lists the top entries. */
export interface StatEntry {
  name: string;
  value: number;
}

/** The head's cardinality, as Prometheus reports it at `/api/v1/status/tsdb`. */
export interface HeadStats {
  numSeries: number;
  numLabelPairs: number;
  chunkCount: number;
  /** Oldest and newest sample timestamps in ms (0 when the head is empty). */
  minTime: number;
  maxTime: number;
  seriesCountByMetricName: StatEntry[];
  labelValueCountByLabelName: StatEntry[];
  /** Bytes of label values by label name: each value's UTF-8 length × the series that carry it. */
  memoryInBytesByLabelName: StatEntry[];
  seriesCountByLabelValuePair: StatEntry[];
}

/** Computes the head's statistics from its postings; `limit` caps each top list (10 as Prometheus). */
export function headStats(head: Head, limit = 10): HeadStats {
  const byMetric: StatEntry[] = [];
  const valueCounts: StatEntry[] = [];
  const memory: StatEntry[] = [];
  const pairs: StatEntry[] = [];
  let numLabelPairs = 0;
  const byName = new Map<string, { values: number; bytes: number }>();
  for (const [name, value, count] of head.postings.pairs()) {
    numLabelPairs++;
    let entry = byName.get(name);
    if (entry === undefined) byName.set(name, (entry = { values: 0, bytes: 0 }));
    entry.values++;
    entry.bytes += Buffer.byteLength(value) * count;
    pairs.push({ name: `${name}=${value}`, value: count });
    if (name === '__name__') byMetric.push({ name: value, value: count });
  }
  for (const [name, { values, bytes }] of byName) {
    valueCounts.push({ name, value: values });
    memory.push({ name, value: bytes });
  }
  const chunkCount = head.chunkCount();
  const top = (entries: StatEntry[]) =>
    entries.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1)).slice(0, limit);
  return {
    numSeries: head.numSeries,
    numLabelPairs,
    chunkCount,
    minTime: Number.isFinite(head.minTime) ? head.minTime : 0,
    maxTime: Number.isFinite(head.maxTime) ? head.maxTime : 0,
    seriesCountByMetricName: top(byMetric),
    labelValueCountByLabelName: top(valueCounts),
    memoryInBytesByLabelName: top(memory),
    seriesCountByLabelValuePair: top(pairs),
  };
}
