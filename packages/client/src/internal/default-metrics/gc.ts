import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Histogram } from '../../histogram.ts';
import type { DefaultMetricsContext, StopFunction } from './context.ts';

const GC_KINDS = new Map<number, string>([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/** Garbage collection pauses by kind, observed as they happen through a PerformanceObserver. */
export function registerGc(context: DefaultMetricsContext): StopFunction {
  const { registry, prefix, labels, labelNames } = context;
  const histogram = new Histogram({
    name: `${prefix}nodejs_gc_duration_seconds`,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    registers: [registry],
    labelNames: [...labelNames, 'kind'],
    buckets: context.gcDurationBuckets,
  });
  const children = new Map<number, ReturnType<typeof histogram.labels>>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node puts the GC kind in `detail`, which the PerformanceEntry type does not declare.
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? -1;
      let child = children.get(kind);
      if (child === undefined) {
        child = histogram.labels({ ...labels, kind: GC_KINDS.get(kind) ?? 'unknown' });
        children.set(kind, child);
      }
      child.observe(entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
