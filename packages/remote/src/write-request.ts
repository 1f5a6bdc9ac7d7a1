import type { FloatHistogram, MetricType, Timestamp } from '@pyrometer/model';

/**
 * A decoded protocol 1.0 `WriteRequest` (`prometheus.WriteRequest`): what the sender put on
 * the wire, not yet validated. Labels stay in the order they were sent and may be invalid;
 * `appendWriteRequest` checks them as Prometheus does.
 */
export interface WriteRequest {
  timeseries: TimeSeries[];
  metadata: MetricMetadata[];
}

export interface TimeSeries {
  /** Names and values interleaved, `[name0, value0, name1, value1, ...]`, as sent. */
  labels: string[];
  /** False when a label name or value was not valid UTF-8 (its text is then lossy). */
  labelsValidUtf8: boolean;
  /**
   * The float samples, in the order sent. Typed arrays so that each value's bits, the stale
   * marker's included, are kept exactly; the decoder returns views of one array per request.
   */
  timestamps: Float64Array;
  values: Float64Array;
  exemplars: WireExemplar[];
  histograms: HistogramSample[];
}

export interface WireExemplar {
  /** Names and values interleaved, as sent. */
  labels: string[];
  value: number;
  /** 0 when the sender had no timestamp (as Prometheus reads it). */
  timestamp: Timestamp;
}

/** A native histogram sample; integer histograms are converted to float counts. */
export interface HistogramSample {
  t: Timestamp;
  h: FloatHistogram;
}

/** `prometheus.MetricMetadata`: per metric family, sent by Prometheus in separate requests. */
export interface MetricMetadata {
  type: MetricType;
  metricFamilyName: string;
  help: string;
  unit: string;
}

/** The protobuf enum `MetricMetadata.MetricType`, in wire order. */
export const METRIC_TYPES: readonly MetricType[] = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];

/** The protobuf enum `Histogram.ResetHint`, in wire order. */
export const RESET_HINTS: readonly FloatHistogram['counterResetHint'][] = [
  'unknown',
  'reset',
  'not-reset',
  'gauge',
];
