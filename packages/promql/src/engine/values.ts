import type { FloatHistogram, Labels } from '@pyrometer/model';
import type { PosRange } from '../parser/ast.ts';

/**
 * One series over the steps of an evaluation: a column of values with a presence flag per
 * step, so a range query is evaluated step-wise without an object per point.
 */
export interface StepSeries {
  labels: Labels;
  values: Float64Array;
  present: Uint8Array;
  /** `__name__` is to be removed when the query ends (Prometheus's delayed name removal). */
  dropName: boolean;
}

/**
 * Native-histogram samples of one series per step. Only the selectors and the histogram_*
 * functions produce or read them yet; every other operation leaves them out.
 */
export interface HistogramSeries {
  labels: Labels;
  hists: (FloatHistogram | undefined)[];
  dropName: boolean;
}

export interface StepVector {
  kind: 'vector';
  series: StepSeries[];
  histograms?: HistogramSeries[];
}

export interface StepScalar {
  kind: 'scalar';
  values: Float64Array;
}

export interface StringValue {
  kind: 'string';
  value: string;
}

/** Raw samples of one series, timestamps ascending, as a range-vector function reads them. */
export interface RawSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  length: number;
  dropName: boolean;
  /** The native-histogram samples, kept apart so float functions never see them. */
  hts?: number[];
  hvs?: FloatHistogram[];
}

/** A range vector: the raw samples plus, per step, the window each step sees. */
export interface RangeValue {
  kind: 'matrix';
  series: RawSeries[];
  /** Window end per step (after `@` and offset): samples with t in (end - range, end]. */
  windowEnds: Float64Array;
  range: number;
  /** `anchored`/`smoothed`: the samples also reach one lookback delta beyond the window. */
  modifier?: 'anchored' | 'smoothed';
}

export type Evaluated = StepVector | StepScalar | StringValue | RangeValue;

/** A query result point list, the shape the HTTP API returns for matrices. */
export interface SeriesPoints {
  labels: Labels;
  /** Timestamps in ms. */
  timestamps: Float64Array;
  values: Float64Array;
  /** Present when the series has native-histogram points: the histogram at each index, or undefined for a float point. */
  histograms?: (FloatHistogram | undefined)[];
}

export type QueryValue =
  | {
      type: 'vector';
      series: { labels: Labels; timestamp: number; value: number; histogram?: FloatHistogram }[];
    }
  | { type: 'matrix'; series: SeriesPoints[] }
  | { type: 'scalar'; timestamp: number; value: number }
  | { type: 'string'; timestamp: number; value: string };

/** A warning or info as Prometheus returns them, with the expression position that caused it. */
export interface Annotation {
  severity: 'warning' | 'info';
  message: string;
  pos?: PosRange;
}

/** An error while running a query; `kind` follows Prometheus's error types. */
export class QueryError extends Error {
  override name = 'QueryError';
  readonly kind: 'execution' | 'timeout' | 'canceled' | 'too_many_samples' | 'bad_data';

  constructor(kind: QueryError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

export function newSeries(labels: Labels, steps: number, dropName: boolean): StepSeries {
  return { labels, values: new Float64Array(steps), present: new Uint8Array(steps), dropName };
}
