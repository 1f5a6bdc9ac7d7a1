// prom-client's names for the two Content-Types.
export {
  OPENMETRICS_CONTENT_TYPE as openMetricsContentType,
  TEXT_CONTENT_TYPE as prometheusContentType,
} from '@pyrometer/exposition';
export { DEFAULT_BUCKETS, exponentialBuckets, linearBuckets } from './buckets.ts';
export { Counter, CounterChild, type CounterConfiguration, type IncreaseWithExemplar } from './counter.ts';
export {
  collectDefaultMetrics,
  type DefaultMetrics,
  type DefaultMetricsConfiguration,
} from './default-metrics.ts';
export { Gauge, GaugeChild, type GaugeConfiguration } from './gauge.ts';
export {
  Histogram,
  HistogramChild,
  type HistogramConfiguration,
  type ObserveWithExemplar,
} from './histogram.ts';
export { type ExemplarLabels, MAX_EXEMPLAR_LABEL_RUNES } from './internal/exemplar.ts';
export type {
  LabelValues,
  MetricConfiguration,
  MetricSnapshot,
  MetricValue,
} from './internal/metric.ts';
export type { MetricKind } from './internal/validation.ts';
export { type MetricsHandler, type MetricsHandlerOptions, metricsHandler } from './metrics-handler.ts';
export { type Metric, type MetricsOptions, Registry, register } from './registry.ts';
export {
  DEFAULT_PERCENTILES,
  quantileError,
  Summary,
  SummaryChild,
  type SummaryConfiguration,
} from './summary.ts';
