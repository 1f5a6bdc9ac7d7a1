import { Gauge } from '../../gauge.ts';
import type { DefaultMetricsContext } from './context.ts';

export function registerProcessStartTime(context: DefaultMetricsContext): void {
  const { registry, prefix, labels, labelNames } = context;
  const gauge = new Gauge({
    name: `${prefix}process_start_time_seconds`,
    help: 'Start time of the process since unix epoch in seconds.',
    registers: [registry],
    labelNames,
  });
  // performance.timeOrigin is when the process started, in milliseconds since the epoch.
  gauge.set(labels, Math.round(performance.timeOrigin) / 1000);
}
