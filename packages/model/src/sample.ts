import type { Labels } from './labels.ts';

/** Milliseconds since the Unix epoch. */
export type Timestamp = number;

/**
 * The smallest and largest timestamps Pyrometer handles: the range of integers a float64
 * holds exactly (about ±285,000 years around 1970).
 */
export const MIN_TIMESTAMP: Timestamp = Number.MIN_SAFE_INTEGER;
export const MAX_TIMESTAMP: Timestamp = Number.MAX_SAFE_INTEGER;

export interface Sample {
  t: Timestamp;
  v: number;
}

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

export interface Metadata {
  type: MetricType;
  help: string;
  unit: string;
}

export interface Exemplar {
  labels: Labels;
  value: number;
  /** Timestamp in ms, or undefined when the exposition gave none. */
  timestamp: Timestamp | undefined;
}

/** A run of consecutive buckets: `offset` empty buckets are skipped before `length` buckets follow. */
export interface BucketSpan {
  offset: number;
  length: number;
}

/**
 * A native histogram with float counts, the form PromQL computes with. Bucket counts are
 * absolute (not deltas). Schema -53 means custom bucket bounds given in `customValues`.
 */
export interface FloatHistogram {
  counterResetHint: 'unknown' | 'reset' | 'not-reset' | 'gauge';
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: BucketSpan[];
  positiveBuckets: number[];
  negativeSpans: BucketSpan[];
  negativeBuckets: number[];
  customValues?: number[];
}
