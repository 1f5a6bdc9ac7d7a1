import { type ExpositionFormat, formatFloat } from '@pyrometer/exposition';
import type { DefaultLabels } from './internal/default-labels.ts';
import { familyHeader } from './internal/family-header.ts';
import { joinLabelPairs, labelBlock } from './internal/label-pairs.ts';
import {
  type ChildIdentity,
  type LabelValues,
  Metric,
  type MetricConfiguration,
  type MetricSnapshot,
  RENDER,
  SNAPSHOT,
} from './internal/metric.ts';
import { invalidValue, type MetricContext } from './internal/metric-context.ts';
import { startSecondsTimer } from './internal/timer.ts';
import { register } from './registry.ts';

export interface GaugeConfiguration<T extends string> extends MetricConfiguration<T> {
  /** Runs at scrape time, before the gauge is written out (typically to `set()` it); may be async. */
  collect?: (this: Gauge<T>) => void | Promise<void>;
}

/** A gauge's series for one set of label values: `gauge.labels('eth0').set(3)`. */
export class GaugeChild implements ChildIdentity {
  readonly labelValues: readonly string[];
  readonly labelPairs: string;
  readonly labelBlock: string;
  /** @internal */ value = 0;
  readonly #context: MetricContext;

  constructor(context: MetricContext, identity: ChildIdentity) {
    this.labelValues = identity.labelValues;
    this.labelPairs = identity.labelPairs;
    this.labelBlock = identity.labelBlock;
    this.#context = context;
  }

  /** Sets the value; any number, including NaN and ±Inf, as Prometheus gauges allow. */
  set(value: number): void {
    if (typeof value !== 'number') throw invalidValue(this.#context, 'set()', value, '');
    this.value = value;
  }

  /** Adds `value` (1 when omitted), which must be finite. */
  inc(value = 1): void {
    if (!Number.isFinite(value)) throw rejectStep(this.#context, 'inc', value);
    this.value += value;
  }

  /** Subtracts `value` (1 when omitted), which must be finite. */
  dec(value = 1): void {
    if (!Number.isFinite(value)) throw rejectStep(this.#context, 'dec', value);
    this.value -= value;
  }

  /** Sets the value to the current time in seconds since the epoch. */
  setToCurrentTime(): void {
    this.value = this.#context.now() / 1000;
  }

  /** Starts a timer; calling the returned function sets the gauge to the seconds elapsed and returns them. */
  startTimer(): () => number {
    return startSecondsTimer((seconds) => {
      this.value = seconds;
    });
  }

  /** The current value. */
  get(): number {
    return this.value;
  }
}

function rejectStep(context: MetricContext, call: string, value: number): Error {
  return invalidValue(context, `${call}(${value})`, value, 'the step must be a finite number');
}

/** A value that goes up and down: temperature, queue length, memory in use. */
export class Gauge<T extends string = string> extends Metric<T, GaugeChild> {
  readonly type = 'gauge' as const;

  constructor(config: GaugeConfiguration<T>) {
    super('gauge', config as MetricConfiguration<T>);
    this.registerWith(config.registers, register);
  }

  set(value: number): void;
  set(labels: LabelValues<T>, value: number): void;
  set(labelsOrValue: number | LabelValues<T>, value?: number): void {
    if (typeof labelsOrValue !== 'object' || labelsOrValue === null)
      this.childFor(undefined).set(labelsOrValue);
    else this.childFor(labelsOrValue).set(value as number);
  }

  inc(value?: number): void;
  inc(labels: LabelValues<T>, value?: number): void;
  inc(labelsOrValue?: number | LabelValues<T>, value?: number): void {
    if (labelsOrValue === undefined || typeof labelsOrValue === 'number')
      this.childFor(undefined).inc(labelsOrValue);
    else this.childFor(labelsOrValue).inc(value);
  }

  dec(value?: number): void;
  dec(labels: LabelValues<T>, value?: number): void;
  dec(labelsOrValue?: number | LabelValues<T>, value?: number): void {
    if (labelsOrValue === undefined || typeof labelsOrValue === 'number')
      this.childFor(undefined).dec(labelsOrValue);
    else this.childFor(labelsOrValue).dec(value);
  }

  /** Sets the gauge (or the child for `labels`) to the current time in seconds since the epoch. */
  setToCurrentTime(labels?: LabelValues<T>): void {
    this.childFor(labels).setToCurrentTime();
  }

  /**
   * Starts a timer; the returned function sets the gauge to the seconds elapsed, for the
   * labels given here and to it merged, and returns them.
   */
  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    return startSecondsTimer((seconds, endLabels?: LabelValues<T>) => {
      this.childFor(endLabels === undefined ? labels : { ...labels, ...endLabels }).set(seconds);
    });
  }

  /** Creates the child for `labels` at zero, so it is written out before it is first set. */
  zero(labels: LabelValues<T>): void {
    this.childFor(labels).set(0);
  }

  protected createChild(identity: ChildIdentity): GaugeChild {
    return new GaugeChild(this.context, identity);
  }

  [RENDER](format: ExpositionFormat, defaults: DefaultLabels): string {
    const extra = this.extraLabelPairs(defaults);
    let out = familyHeader(format, 'gauge', this.name, this.help, this.unit);
    for (const child of this.allChildren()) {
      const block = extra === '' ? child.labelBlock : labelBlock(joinLabelPairs(child.labelPairs, extra));
      out += `${this.name}${block} ${formatFloat(child.value)}\n`;
    }
    return out;
  }

  [SNAPSHOT](): MetricSnapshot {
    return {
      name: this.name,
      help: this.help,
      type: 'gauge',
      values: this.allChildren().map((child) => ({ value: child.value, labels: this.labelObject(child) })),
    };
  }
}
