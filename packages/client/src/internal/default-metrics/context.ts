import type { Registry } from '../../registry.ts';

/** What every area of the default metrics is built from. */
export interface DefaultMetricsContext {
  readonly registry: Registry;
  /** Put in front of every metric name. */
  readonly prefix: string;
  /** Static labels put on every sample. */
  readonly labels: Readonly<Record<string, string>>;
  readonly labelNames: readonly string[];
  /** Resolution of the event loop delay monitor, in milliseconds. */
  readonly eventLoopMonitoringPrecision: number;
  /** Upper bounds of the GC duration histogram's buckets, in seconds. */
  readonly gcDurationBuckets: readonly number[];
}

/** Stops whatever an area started (observers, monitors); undefined when there is nothing to stop. */
export type StopFunction = () => void;

/** The Linux proc filesystem is the source of several process metrics, as in Prometheus's Go client. */
export const HAS_PROC_FS = process.platform === 'linux';
