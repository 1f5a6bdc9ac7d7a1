import { type ExpositionFormat, formatFloat } from '@pyrometer/exposition';
import { DEFAULT_BUCKETS } from './buckets.ts';
import type { DefaultLabels } from './internal/default-labels.ts';
import {
  type ExemplarLabels,
  formatSeconds,
  renderExemplar,
  type StoredExemplar,
} from './internal/exemplar.ts';
import { familyHeader } from './internal/family-header.ts';
import { joinLabelPairs, labelBlock } from './internal/label-pairs.ts';
import {
  type ChildIdentity,
  type LabelValues,
  Metric,
  type MetricConfiguration,
  type MetricSnapshot,
  type MetricValue,
  RENDER,
  SNAPSHOT,
} from './internal/metric.ts';
import { invalidValue, type MetricContext, takeExemplar } from './internal/metric-context.ts';
import { startSecondsTimer } from './internal/timer.ts';
import { register } from './registry.ts';

export interface HistogramConfiguration<T extends string> extends MetricConfiguration<T> {
  /** Upper bounds of the buckets, ascending; `+Inf` is implied. Default `DEFAULT_BUCKETS`. */
  buckets?: readonly number[];
  /** Runs at scrape time, before the histogram is written out; may be async. */
  collect?: (this: Histogram<T>) => void | Promise<void>;
}

/** `observe()`'s argument when exemplars are enabled (prom-client's shape). */
export interface ObserveWithExemplar<T extends string> {
  labels?: LabelValues<T>;
  value: number;
  exemplarLabels?: ExemplarLabels;
}

// Above this many buckets a binary search beats a scan from the lowest bound.
const LINEAR_SEARCH_LIMIT = 32;

/** A histogram's series for one set of label values: `histogram.labels('GET').observe(0.2)`. */
export class HistogramChild implements ChildIdentity {
  readonly labelValues: readonly string[];
  readonly labelPairs: string;
  readonly labelBlock: string;
  /** @internal Per-bucket (not cumulative) counts; the last is the +Inf bucket. */
  readonly bucketCounts: Float64Array;
  /** @internal */ sum = 0;
  /** @internal */ count = 0;
  /** @internal */ createdMs: number;
  /** @internal The latest exemplar that fell into each bucket. */
  exemplars: (StoredExemplar | undefined)[] | undefined;
  readonly #bounds: Float64Array;
  readonly #context: MetricContext;

  constructor(context: MetricContext, identity: ChildIdentity, bounds: Float64Array) {
    this.labelValues = identity.labelValues;
    this.labelPairs = identity.labelPairs;
    this.labelBlock = identity.labelBlock;
    this.#context = context;
    this.#bounds = bounds;
    this.bucketCounts = new Float64Array(bounds.length + 1);
    this.createdMs = context.now();
  }

  /** Records one observation; any number but NaN (-Inf and +Inf land in the outermost buckets). */
  observe(value: number, exemplarLabels?: ExemplarLabels): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw rejectObservation(this.#context, value);
    const bucket = this.#bucketOf(value);
    this.bucketCounts[bucket]!++;
    this.sum += value;
    this.count++;
    if (exemplarLabels !== undefined) {
      this.exemplars ??= new Array(this.bucketCounts.length).fill(undefined);
      this.exemplars[bucket] = takeExemplar(this.#context, exemplarLabels, value);
    }
  }

  /** Starts a timer; calling the returned function observes the seconds elapsed and returns them. */
  startTimer(): () => number {
    return startSecondsTimer((seconds) => {
      this.observe(seconds);
    });
  }

  /** The number of observations and their sum. */
  get(): { count: number; sum: number } {
    return { count: this.count, sum: this.sum };
  }

  // The first bucket whose upper bound is at or above the value (buckets are "le", less or equal).
  #bucketOf(value: number): number {
    const bounds = this.#bounds;
    if (bounds.length <= LINEAR_SEARCH_LIMIT) {
      let i = 0;
      while (i < bounds.length && value > bounds[i]!) i++;
      return i;
    }
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value > bounds[mid]!) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function rejectObservation(context: MetricContext, value: unknown): Error {
  return invalidValue(context, `observe(${String(value)})`, value, 'an observation must not be NaN');
}

/** Counts observations (request durations, response sizes) into buckets by value. */
export class Histogram<T extends string = string> extends Metric<T, HistogramChild> {
  readonly type = 'histogram' as const;
  /** The bucket upper bounds, without the implied +Inf. */
  readonly buckets: readonly number[];
  readonly #bounds: Float64Array;
  /** `le="0.005"` ... `le="+Inf"`, rendered once. */
  readonly #lePairs: readonly string[];

  constructor(config: HistogramConfiguration<T>) {
    super('histogram', config as MetricConfiguration<T>);
    this.buckets = checkBuckets(this.context.described, config.buckets ?? DEFAULT_BUCKETS);
    this.#bounds = Float64Array.from(this.buckets);
    this.#lePairs = [...this.buckets, Number.POSITIVE_INFINITY].map((bound) => `le="${formatFloat(bound)}"`);
    this.registerWith(config.registers, register);
  }

  /** Records an observation in the histogram without labels, or in the child for `labels`. */
  observe(value: number): void;
  observe(labels: LabelValues<T>, value: number): void;
  observe(observation: ObserveWithExemplar<T>): void;
  observe(labelsOrValue: number | LabelValues<T> | ObserveWithExemplar<T>, value?: number): void {
    if (typeof labelsOrValue !== 'object' || labelsOrValue === null) {
      this.childFor(undefined).observe(labelsOrValue);
    } else if (this.context.exemplarsEnabled && value === undefined && 'value' in labelsOrValue) {
      const observation = labelsOrValue as ObserveWithExemplar<T>;
      this.childFor(observation.labels).observe(observation.value, observation.exemplarLabels);
    } else {
      this.childFor(labelsOrValue as LabelValues<T>).observe(value as number);
    }
  }

  /**
   * Starts a timer; the returned function observes the seconds elapsed, for the labels given
   * here and to it merged, and returns them.
   */
  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    return startSecondsTimer((seconds, endLabels?: LabelValues<T>) => {
      this.childFor(endLabels === undefined ? labels : { ...labels, ...endLabels }).observe(seconds);
    });
  }

  /** Creates the child for `labels` with empty buckets, so it is written out before its first observation. */
  zero(labels: LabelValues<T>): void {
    this.childFor(labels);
  }

  protected createChild(identity: ChildIdentity): HistogramChild {
    return new HistogramChild(this.context, identity, this.#bounds);
  }

  [RENDER](format: ExpositionFormat, defaults: DefaultLabels): string {
    const extra = this.extraLabelPairs(defaults);
    const openMetrics = format === 'openmetrics';
    const lePairs = this.#lePairs;
    const name = this.name;
    let out = familyHeader(format, 'histogram', name, this.help, this.unit);
    for (const child of this.allChildren()) {
      const pairs = extra === '' ? child.labelPairs : joinLabelPairs(child.labelPairs, extra);
      const bucketPrefix = pairs === '' ? `${name}_bucket{` : `${name}_bucket{${pairs},`;
      const counts = child.bucketCounts;
      const exemplars = openMetrics ? child.exemplars : undefined;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        const exemplar = exemplars?.[i];
        out += `${bucketPrefix}${lePairs[i]!}} ${formatFloat(cumulative)}${exemplar === undefined ? '' : renderExemplar(exemplar)}\n`;
      }
      const block = extra === '' ? child.labelBlock : labelBlock(pairs);
      out += `${name}_sum${block} ${formatFloat(child.sum)}\n${name}_count${block} ${formatFloat(child.count)}\n`;
      if (openMetrics) out += `${name}_created${block} ${formatSeconds(child.createdMs)}\n`;
    }
    return out;
  }

  [SNAPSHOT](): MetricSnapshot {
    const values: MetricValue[] = [];
    for (const child of this.allChildren()) {
      const labels = this.labelObject(child);
      let cumulative = 0;
      for (let i = 0; i < child.bucketCounts.length; i++) {
        cumulative += child.bucketCounts[i]!;
        const le = i < this.buckets.length ? this.buckets[i]! : '+Inf';
        values.push({ value: cumulative, labels: { ...labels, le }, metricName: `${this.name}_bucket` });
      }
      values.push({ value: child.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: child.count, labels, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', values };
  }
}

function checkBuckets(described: string, buckets: readonly number[]): number[] {
  if (!Array.isArray(buckets)) throw new TypeError(`${described}: buckets must be an array of numbers`);
  const bounds = buckets.at(-1) === Number.POSITIVE_INFINITY ? buckets.slice(0, -1) : [...buckets];
  if (bounds.length === 0) throw new RangeError(`${described}: needs at least one bucket bound besides +Inf`);
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i]!;
    if (typeof bound !== 'number' || Number.isNaN(bound) || bound === Number.POSITIVE_INFINITY) {
      throw new RangeError(
        `${described}: bucket bound ${String(bound)} at index ${i} is not a finite number`,
      );
    }
    if (i > 0 && !(bound > bounds[i - 1]!)) {
      throw new RangeError(
        `${described}: bucket bounds must increase; ${bound} at index ${i} follows ${bounds[i - 1]}`,
      );
    }
  }
  return bounds;
}
