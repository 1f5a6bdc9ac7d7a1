import { registerActiveResources } from './internal/default-metrics/active-resources.ts';
import type { DefaultMetricsContext, StopFunction } from './internal/default-metrics/context.ts';
import { registerEventLoopLag } from './internal/default-metrics/eventloop-lag.ts';
import { registerGc } from './internal/default-metrics/gc.ts';
import { registerHeapSize } from './internal/default-metrics/heap-size.ts';
import { registerHeapSpaces } from './internal/default-metrics/heap-spaces.ts';
import { registerProcessCpu } from './internal/default-metrics/process-cpu.ts';
import { registerProcessFds } from './internal/default-metrics/process-fds.ts';
import { registerProcessMemory } from './internal/default-metrics/process-memory.ts';
import { registerProcessStartTime } from './internal/default-metrics/process-start-time.ts';
import { registerVersion } from './internal/default-metrics/version.ts';
import { checkLabelName } from './internal/validation.ts';
import { type Registry, register } from './registry.ts';

export interface DefaultMetricsConfiguration {
  /** Where to register them; the default registry when omitted. */
  register?: Registry;
  /** Put in front of every name, e.g. `myapp_` for `myapp_process_cpu_seconds_total`. */
  prefix?: string;
  /** Labels put on every default metric's samples. */
  labels?: Readonly<Record<string, string>>;
  /** GC pause histogram bucket bounds in seconds. Default 0.001, 0.01, 0.1, 1, 2, 5. */
  gcDurationBuckets?: readonly number[];
  /** Sampling resolution of the event loop delay monitor, in milliseconds. Default 10. */
  eventLoopMonitoringPrecision?: number;
}

/** What `collectDefaultMetrics` started; `stop()` ends the GC observer and event loop monitor. */
export interface DefaultMetrics {
  stop(): void;
}

const DEFAULT_GC_BUCKETS: readonly number[] = [0.001, 0.01, 0.1, 1, 2, 5];

/**
 * Registers the process and Node.js runtime metrics prom-client and the Prometheus Go client
 * write (`process_cpu_seconds_total`, `process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`,
 * `nodejs_gc_duration_seconds`, ...), read when scraped.
 */
export function collectDefaultMetrics(config: DefaultMetricsConfiguration = {}): DefaultMetrics {
  const labels = { ...config.labels };
  for (const [name, value] of Object.entries(labels)) {
    checkLabelName('collectDefaultMetrics: label', name);
    if (typeof value !== 'string')
      throw new TypeError(`collectDefaultMetrics: label "${name}" must be a string`);
  }
  const precision = config.eventLoopMonitoringPrecision ?? 10;
  if (!(Number.isInteger(precision) && precision >= 1)) {
    throw new RangeError(
      `collectDefaultMetrics: eventLoopMonitoringPrecision must be a whole number of milliseconds ≥ 1, got ${precision}`,
    );
  }
  const context: DefaultMetricsContext = {
    registry: config.register ?? register,
    prefix: config.prefix ?? '',
    labels,
    labelNames: Object.keys(labels),
    eventLoopMonitoringPrecision: precision,
    gcDurationBuckets: config.gcDurationBuckets ?? DEFAULT_GC_BUCKETS,
  };
  const stops: StopFunction[] = [];
  registerProcessCpu(context);
  registerProcessStartTime(context);
  registerProcessMemory(context);
  registerProcessFds(context);
  stops.push(registerEventLoopLag(context));
  registerActiveResources(context);
  registerHeapSize(context);
  registerHeapSpaces(context);
  registerVersion(context);
  stops.push(registerGc(context));
  return {
    stop() {
      for (const stop of stops) stop();
    },
  };
}
