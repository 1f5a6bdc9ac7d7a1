import { type ExpositionFormat, formatFloat } from '@pyrometer/exposition';
import type { DefaultLabels } from './internal/default-labels.ts';
import { formatSeconds } from './internal/exemplar.ts';
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
import { invalidValue, type MetricContext } from './internal/metric-context.ts';
import { SlidingWindowQuantiles } from './internal/sliding-window-quantiles.ts';
import type { QuantileTarget } from './internal/targeted-quantiles.ts';
import { startSecondsTimer } from './internal/timer.ts';
import { register } from './registry.ts';

/** prom-client's default percentiles. */
export const DEFAULT_PERCENTILES: readonly number[] = Object.freeze([
  0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999,
]);

/** With `maxAgeSeconds` set and no `ageBuckets`, as Prometheus's Go client. */
const DEFAULT_AGE_BUCKETS = 5;

export interface SummaryConfiguration<T extends string> extends MetricConfiguration<T> {
  /** The quantiles to estimate, each in [0, 1]. Default `DEFAULT_PERCENTILES`. */
  percentiles?: readonly number[];
  /** Estimate over the last this many seconds only; over every observation when omitted. */
  maxAgeSeconds?: number;
  /** How many steps observations age out of the window in (default 5). */
  ageBuckets?: number;
  /** Runs at scrape time, before the summary is written out; may be async. */
  collect?: (this: Summary<T>) => void | Promise<void>;
}

/**
 * The rank error allowed for each quantile, as a fraction of the count: 1% around the median,
 * tighter towards the tails so that p99 is within 0.1% and p999 within 0.01% (the scale of
 * the Go client's usual objectives {0.5: 0.05, 0.9: 0.01, 0.99: 0.001}, tighter at the median).
 */
export function quantileError(quantile: number): number {
  return Math.min(0.01, quantile / 10, (1 - quantile) / 10);
}

/** A summary's series for one set of label values: `summary.labels('GET').observe(0.2)`. */
export class SummaryChild implements ChildIdentity {
  readonly labelValues: readonly string[];
  readonly labelPairs: string;
  readonly labelBlock: string;
  /** @internal */ sum = 0;
  /** @internal */ count = 0;
  /** @internal */ createdMs: number;
  /** @internal */ readonly window: SlidingWindowQuantiles;
  readonly #context: MetricContext;

  constructor(context: MetricContext, identity: ChildIdentity, window: SlidingWindowQuantiles) {
    this.labelValues = identity.labelValues;
    this.labelPairs = identity.labelPairs;
    this.labelBlock = identity.labelBlock;
    this.#context = context;
    this.window = window;
    this.createdMs = context.now();
  }

  /** Records one observation; any number but NaN. */
  observe(value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw invalidValue(this.#context, `observe(${String(value)})`, value, 'an observation must not be NaN');
    }
    this.window.observe(value);
    this.sum += value;
    this.count++;
  }

  /** Starts a timer; calling the returned function observes the seconds elapsed and returns them. */
  startTimer(): () => number {
    return startSecondsTimer((seconds) => {
      this.observe(seconds);
    });
  }

  /** The number of observations and their sum (since creation: these never age out). */
  get(): { count: number; sum: number } {
    return { count: this.count, sum: this.sum };
  }
}

/**
 * Estimates quantiles of observations (over a sliding time window with `maxAgeSeconds`),
 * plus their count and sum. Quantiles cannot be aggregated across instances; prefer a
 * Histogram unless you need exact-rank quantiles of one process.
 */
export class Summary<T extends string = string> extends Metric<T, SummaryChild> {
  readonly type = 'summary' as const;
  readonly percentiles: readonly number[];
  readonly maxAgeSeconds: number | undefined;
  readonly ageBuckets: number | undefined;
  readonly #targets: readonly QuantileTarget[];
  /** `quantile="0.5"` ..., rendered once. */
  readonly #quantilePairs: readonly string[];

  constructor(config: SummaryConfiguration<T>) {
    super('summary', config as MetricConfiguration<T>);
    const described = this.context.described;
    this.percentiles = checkPercentiles(described, config.percentiles ?? DEFAULT_PERCENTILES);
    this.maxAgeSeconds = checkPositive(described, 'maxAgeSeconds', config.maxAgeSeconds);
    this.ageBuckets = checkAgeBuckets(described, config.ageBuckets, this.maxAgeSeconds);
    this.#targets = this.percentiles.map((quantile) => ({ quantile, error: quantileError(quantile) }));
    this.#quantilePairs = this.percentiles.map((q) => `quantile="${formatFloat(q)}"`);
    this.registerWith(config.registers, register);
  }

  observe(value: number): void;
  observe(labels: LabelValues<T>, value: number): void;
  observe(labelsOrValue: number | LabelValues<T>, value?: number): void {
    if (typeof labelsOrValue !== 'object' || labelsOrValue === null)
      this.childFor(undefined).observe(labelsOrValue);
    else this.childFor(labelsOrValue).observe(value as number);
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

  protected createChild(identity: ChildIdentity): SummaryChild {
    const maxAgeMs = this.maxAgeSeconds === undefined ? Number.POSITIVE_INFINITY : this.maxAgeSeconds * 1000;
    const window = new SlidingWindowQuantiles(
      this.#targets,
      maxAgeMs,
      this.ageBuckets ?? 1,
      this.context.now,
    );
    return new SummaryChild(this.context, identity, window);
  }

  [RENDER](format: ExpositionFormat, defaults: DefaultLabels): string {
    const extra = this.extraLabelPairs(defaults);
    const name = this.name;
    let out = familyHeader(format, 'summary', name, this.help, this.unit);
    for (const child of this.allChildren()) {
      const pairs = extra === '' ? child.labelPairs : joinLabelPairs(child.labelPairs, extra);
      const quantilePrefix = pairs === '' ? `${name}{` : `${name}{${pairs},`;
      for (let i = 0; i < this.percentiles.length; i++) {
        const estimate = child.window.query(this.percentiles[i]!);
        out += `${quantilePrefix}${this.#quantilePairs[i]!}} ${formatFloat(estimate)}\n`;
      }
      const block = extra === '' ? child.labelBlock : labelBlock(pairs);
      out += `${name}_sum${block} ${formatFloat(child.sum)}\n${name}_count${block} ${formatFloat(child.count)}\n`;
      if (format === 'openmetrics') out += `${name}_created${block} ${formatSeconds(child.createdMs)}\n`;
    }
    return out;
  }

  [SNAPSHOT](): MetricSnapshot {
    const values: MetricValue[] = [];
    for (const child of this.allChildren()) {
      const labels = this.labelObject(child);
      for (const quantile of this.percentiles) {
        values.push({ value: child.window.query(quantile), labels: { ...labels, quantile } });
      }
      values.push({ value: child.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: child.count, labels, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'summary', values };
  }
}

function checkPercentiles(described: string, percentiles: readonly number[]): number[] {
  if (!Array.isArray(percentiles))
    throw new TypeError(`${described}: percentiles must be an array of numbers`);
  for (const p of percentiles) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`${described}: percentile ${String(p)} is outside [0, 1]`);
    }
  }
  return [...percentiles];
}

function checkPositive(described: string, option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new RangeError(
      `${described}: ${option} must be a positive number of seconds, got ${String(value)}`,
    );
  }
  return value;
}

function checkAgeBuckets(
  described: string,
  ageBuckets: number | undefined,
  maxAgeSeconds: number | undefined,
) {
  if (ageBuckets === undefined) return maxAgeSeconds === undefined ? undefined : DEFAULT_AGE_BUCKETS;
  if (!(Number.isInteger(ageBuckets) && ageBuckets >= 1)) {
    throw new RangeError(`${described}: ageBuckets must be a positive integer, got ${String(ageBuckets)}`);
  }
  if (maxAgeSeconds === undefined) throw new TypeError(`${described}: ageBuckets needs maxAgeSeconds`);
  return ageBuckets;
}
