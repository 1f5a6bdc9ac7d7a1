import { type ExpositionFormat, formatFloat } from '@pyrometer/exposition';
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
  RENDER,
  SNAPSHOT,
} from './internal/metric.ts';
import { invalidValue, type MetricContext, takeExemplar } from './internal/metric-context.ts';
import { familyNameOf } from './internal/validation.ts';
import { register } from './registry.ts';

export interface CounterConfiguration<T extends string> extends MetricConfiguration<T> {
  /** Runs at scrape time, before the counter is written out; may be async. */
  collect?: (this: Counter<T>) => void | Promise<void>;
}

/** `inc()`'s argument when exemplars are enabled (prom-client's shape). */
export interface IncreaseWithExemplar<T extends string> {
  labels?: LabelValues<T>;
  /** 1 when omitted. */
  value?: number;
  exemplarLabels?: ExemplarLabels;
}

/** A counter's series for one set of label values: `counter.labels('GET').inc()`. */
export class CounterChild implements ChildIdentity {
  readonly labelValues: readonly string[];
  readonly labelPairs: string;
  readonly labelBlock: string;
  /** @internal */ value = 0;
  /** @internal */ createdMs: number;
  /** @internal */ exemplar: StoredExemplar | undefined;
  readonly #context: MetricContext;

  constructor(context: MetricContext, identity: ChildIdentity) {
    this.labelValues = identity.labelValues;
    this.labelPairs = identity.labelPairs;
    this.labelBlock = identity.labelBlock;
    this.#context = context;
    this.createdMs = context.now();
  }

  /** Adds `value` (1 when omitted), which must be finite and not negative. */
  inc(value = 1, exemplarLabels?: ExemplarLabels): void {
    if (typeof value !== 'number' || !(value >= 0 && value !== Number.POSITIVE_INFINITY)) {
      throw rejectIncrement(this.#context, value);
    }
    this.value += value;
    if (exemplarLabels !== undefined) this.exemplar = takeExemplar(this.#context, exemplarLabels, value);
  }

  /** The current value. */
  get(): number {
    return this.value;
  }
}

function rejectIncrement(context: MetricContext, value: number): Error {
  if (typeof value === 'number' && value < 0) {
    return new RangeError(
      `${context.described}: inc(${value}) would decrease it; a counter only goes up (use a Gauge for values that go down)`,
    );
  }
  return invalidValue(context, `inc(${value})`, value, 'the increment must be a finite number');
}

// With exemplars on, prom-client reads inc()'s object as { labels, value, exemplarLabels };
// an object with none of those keys is still taken as labels, so both spellings work.
function isIncreaseWithExemplar(argument: object): boolean {
  return 'exemplarLabels' in argument || 'labels' in argument || 'value' in argument;
}

/** A value that only goes up (requests served, bytes sent), from zero when the process starts. */
export class Counter<T extends string = string> extends Metric<T, CounterChild> {
  readonly type = 'counter' as const;

  constructor(config: CounterConfiguration<T>) {
    super('counter', config as MetricConfiguration<T>);
    this.registerWith(config.registers, register);
  }

  /** Adds `value` (default 1) to the counter without labels, or to the child for `labels`. */
  inc(value?: number): void;
  inc(labels: LabelValues<T>, value?: number): void;
  inc(increase: IncreaseWithExemplar<T>): void;
  inc(labelsOrValue?: number | LabelValues<T> | IncreaseWithExemplar<T>, value?: number): void {
    // The common `inc()` on an existing child: +1 needs no validation. Kept tiny so it inlines.
    const blank = this.blank;
    if (labelsOrValue === undefined && blank !== undefined) blank.value++;
    else this.#incSlow(labelsOrValue, value);
  }

  #incSlow(
    labelsOrValue: number | LabelValues<T> | IncreaseWithExemplar<T> | undefined,
    value: number | undefined,
  ): void {
    if (labelsOrValue === undefined) {
      this.childFor(undefined).value++;
    } else if (typeof labelsOrValue !== 'object' || labelsOrValue === null) {
      this.childFor(undefined).inc(labelsOrValue);
    } else if (
      this.context.exemplarsEnabled &&
      value === undefined &&
      isIncreaseWithExemplar(labelsOrValue)
    ) {
      const increase = labelsOrValue as IncreaseWithExemplar<T>;
      this.childFor(increase.labels).inc(increase.value, increase.exemplarLabels);
    } else {
      this.childFor(labelsOrValue as LabelValues<T>).inc(value);
    }
  }

  /** Creates the child for `labels` at zero, so it is written out before its first increment. */
  zero(labels: LabelValues<T>): void {
    this.childFor(labels);
  }

  protected createChild(identity: ChildIdentity): CounterChild {
    return new CounterChild(this.context, identity);
  }

  [RENDER](format: ExpositionFormat, defaults: DefaultLabels): string {
    const extra = this.extraLabelPairs(defaults);
    let out = familyHeader(format, 'counter', this.name, this.help, this.unit);
    const children = this.allChildren();
    if (format === 'text') {
      for (const child of children) {
        const block = extra === '' ? child.labelBlock : labelBlock(joinLabelPairs(child.labelPairs, extra));
        out += `${this.name}${block} ${formatFloat(child.value)}\n`;
      }
      return out;
    }
    const family = familyNameOf(this.name, 'counter');
    for (const child of children) {
      const block = extra === '' ? child.labelBlock : labelBlock(joinLabelPairs(child.labelPairs, extra));
      const exemplar = child.exemplar === undefined ? '' : renderExemplar(child.exemplar);
      out += `${family}_total${block} ${formatFloat(child.value)}${exemplar}\n`;
      out += `${family}_created${block} ${formatSeconds(child.createdMs)}\n`;
    }
    return out;
  }

  [SNAPSHOT](): MetricSnapshot {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      values: this.allChildren().map((child) => ({ value: child.value, labels: this.labelObject(child) })),
    };
  }
}
