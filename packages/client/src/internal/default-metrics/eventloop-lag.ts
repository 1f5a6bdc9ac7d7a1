import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge } from '../../gauge.ts';
import type { DefaultMetricsContext, StopFunction } from './context.ts';

type DelayHistogram = ReturnType<typeof monitorEventLoopDelay>;

/** The statistics of the delay distribution that are written out, in nanoseconds. */
const STATISTICS: readonly [name: string, help: string, read: (h: DelayHistogram) => number][] = [
  ['min', 'The minimum recorded event loop delay.', (h) => h.min],
  ['max', 'The maximum recorded event loop delay.', (h) => h.max],
  ['mean', 'The mean of the recorded event loop delays.', (h) => h.mean],
  ['stddev', 'The standard deviation of the recorded event loop delays.', (h) => h.stddev],
  ['p50', 'The 50th percentile of the recorded event loop delays.', (h) => h.percentile(50)],
  ['p90', 'The 90th percentile of the recorded event loop delays.', (h) => h.percentile(90)],
  ['p99', 'The 99th percentile of the recorded event loop delays.', (h) => h.percentile(99)],
];

/**
 * Event loop lag: measured at each scrape as the delay of a `setImmediate` (prom-client's
 * `nodejs_eventloop_lag_seconds`), plus the distribution since the previous scrape from
 * `perf_hooks.monitorEventLoopDelay`.
 */
export function registerEventLoopLag(context: DefaultMetricsContext): StopFunction {
  const { registry, prefix, labels, labelNames } = context;
  const options = { registers: [registry], labelNames };
  const monitor = monitorEventLoopDelay({ resolution: context.eventLoopMonitoringPrecision });
  monitor.enable();

  new Gauge({
    name: `${prefix}nodejs_eventloop_lag_seconds`,
    help: 'Lag of event loop in seconds.',
    ...options,
    collect() {
      const start = performance.now();
      return new Promise<void>((resolve) => {
        setImmediate(() => {
          this.set(labels, (performance.now() - start) / 1000);
          resolve();
        });
      });
    },
  });

  // The first statistic's collect reads them all, then restarts the distribution for the next scrape.
  const gauges: Gauge[] = [];
  const readStatistics = () => {
    if (monitor.count === 0) return;
    for (let i = 0; i < STATISTICS.length; i++) gauges[i]!.set(labels, STATISTICS[i]![2](monitor) / 1e9);
    monitor.reset();
  };
  STATISTICS.forEach(([name, help], i) => {
    const collect = i === 0 ? { collect: readStatistics } : {};
    gauges.push(
      new Gauge({ name: `${prefix}nodejs_eventloop_lag_${name}_seconds`, help, ...options, ...collect }),
    );
  });
  return () => monitor.disable();
}
