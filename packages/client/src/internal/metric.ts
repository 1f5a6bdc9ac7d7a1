import type { ExpositionFormat } from '@pyrometer/exposition';
import type { Registry } from '../registry.ts';
import { ChildIndex, labelValueOf } from './child-index.ts';
import { type DefaultLabels, renderDefaultLabelPairs } from './default-labels.ts';
import { labelBlock, renderLabelPairs } from './label-pairs.ts';
import type { MetricContext } from './metric-context.ts';
import {
  checkHelp,
  checkLabelNames,
  checkMetricName,
  checkUnit,
  describeMetric,
  type MetricKind,
} from './validation.ts';

/** Label values by label name; numbers are written in decimal. A missing label is an empty one. */
export type LabelValues<T extends string> = Partial<Record<T, string | number>>;

/** The options every metric type takes (prom-client's names). */
export interface MetricConfiguration<T extends string> {
  /** The metric name, e.g. `http_requests_total`. */
  name: string;
  /** What the metric measures; written as `# HELP`. */
  help: string;
  /** The label names children are created with, in the order `labels('a', 'b')` takes values. */
  labelNames?: readonly T[];
  /** The registries to register with; the default registry `register` when omitted. */
  registers?: readonly Registry[];
  /** The OpenMetrics unit (`seconds`, `bytes`); the name must end with `_<unit>`. */
  unit?: string;
  /** Milliseconds since the epoch; `Date.now` unless a test injects a clock. */
  now?: () => number;
  /** Keep exemplars (counters and histograms), written out in OpenMetrics. */
  enableExemplars?: boolean;
}

/** One sample of a metric's value as `get()` reports it (prom-client's shape). */
export interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  /** Set when the sample's name differs from the metric's, e.g. `x_bucket`, `x_sum`. */
  metricName?: string;
}

/** What `metric.get()` and `registry.getMetricsAsJSON()` return for a metric. */
export interface MetricSnapshot {
  name: string;
  help: string;
  type: MetricKind;
  values: MetricValue[];
}

// Symbol-keyed so the registry can reach them while they stay out of the public API.
export const RUN_COLLECT = Symbol('runCollect');
export const RENDER = Symbol('render');
export const SNAPSHOT = Symbol('snapshot');

type CollectFunction = (this: never) => void | Promise<void>;

/** Created metrics without a child yet ask their subclass to make one with these. */
export interface ChildIdentity {
  readonly labelValues: readonly string[];
  /** `a="x",b="y"`, rendered once when the child is created. */
  readonly labelPairs: string;
  /** `{a="x",b="y"}`, or '' without labels: the whole label block when no default labels apply. */
  readonly labelBlock: string;
}

/**
 * What every metric type shares: validated options, registration, children by label values,
 * `collect` callbacks, `reset` and `remove`.
 */
export abstract class Metric<T extends string, C extends ChildIdentity> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly T[];
  readonly unit: string;
  abstract readonly type: MetricKind;

  protected readonly children: ChildIndex<C>;
  /** Shared with the children: the metric's name for errors, its clock, exemplar policy. */
  protected readonly context: MetricContext;
  readonly #collect: CollectFunction | undefined;
  // The child without label values, which unlabelled calls like `inc()` update: kept at hand.
  /** The child of a metric without labels, once created (read directly on the hot path). */
  protected blank: C | undefined;

  protected constructor(
    kind: MetricKind,
    config: MetricConfiguration<T> & { collect?: CollectFunction | undefined },
  ) {
    if (config === null || typeof config !== 'object') {
      throw new TypeError(`${kind}: expected a configuration object with name and help`);
    }
    this.name = checkMetricName(kind, config.name);
    const described = describeMetric(kind, this.name);
    this.help = checkHelp(kind, this.name, config.help);
    this.labelNames = checkLabelNames(kind, this.name, config.labelNames ?? []) as T[];
    this.unit = checkUnit(kind, this.name, config.unit);
    this.context = {
      described,
      now: config.now ?? Date.now,
      exemplarsEnabled: config.enableExemplars === true,
    };
    if (config.collect !== undefined && typeof config.collect !== 'function') {
      throw new TypeError(`${described}: collect must be a function`);
    }
    this.#collect = config.collect;
    this.children = new ChildIndex<C>(this.labelNames.length);
  }

  /** Registers with the configured registries; subclasses call it once their own fields are set. */
  protected registerWith(registers: readonly Registry[] | undefined, fallback: Registry): void {
    for (const registry of registers ?? [fallback]) registry.registerMetric(this as never);
  }

  /** The child for these label values, created on first use and cached. */
  labels(...values: (string | number)[]): C;
  labels(labels: LabelValues<T>): C;
  labels(...args: unknown[]): C {
    const first = args[0];
    if (args.length === 1 && typeof first === 'object' && first !== null) {
      return this.childFor(first as LabelValues<T>);
    }
    return this.children.findByPosition(args) ?? this.#createByPosition(args);
  }

  /** Removes the child with these label values; it is no longer written out. */
  remove(...values: (string | number)[]): void;
  remove(labels: LabelValues<T>): void;
  remove(...args: unknown[]): void {
    const first = args[0];
    const values =
      args.length === 1 && typeof first === 'object' && first !== null
        ? this.#valuesByName(first as LabelValues<T>)
        : this.#valuesByPosition(args);
    if (this.children.delete(values) === this.blank) this.blank = undefined;
  }

  /** Removes every child; a metric without labels goes back to its zero value. */
  reset(): void {
    this.children.clear();
    this.blank = undefined;
  }

  /** The metric's current values, after running its `collect` callback. */
  async get(): Promise<MetricSnapshot> {
    await this[RUN_COLLECT]();
    return this[SNAPSHOT]();
  }

  /** The child for a label object (or the child without labels when `labels` is undefined). */
  protected childFor(labels: LabelValues<T> | undefined): C {
    if (labels === undefined) return this.blank ?? this.#createBlank();
    return this.children.findByName(this.labelNames, labels) ?? this.#createByName(labels);
  }

  /** Every child in creation order; a metric without labels always has its one child. */
  protected allChildren(): readonly C[] {
    if (this.labelNames.length === 0 && this.children.size === 0) this.#createBlank();
    return this.children.all;
  }

  protected abstract createChild(identity: ChildIdentity): C;

  /** Label values of a child as an object, for `get()`. */
  protected labelObject(child: C): Record<string, string | number> {
    const labels: Record<string, string | number> = {};
    for (let i = 0; i < this.labelNames.length; i++) {
      const value = child.labelValues[i]!;
      if (value !== '') labels[this.labelNames[i]!] = value;
    }
    return labels;
  }

  /** The default labels of a registry that this metric's own labels do not override. */
  protected extraLabelPairs(defaults: DefaultLabels): string {
    return renderDefaultLabelPairs(defaults, this.labelNames);
  }

  [RUN_COLLECT](): Promise<void> | undefined {
    if (this.#collect === undefined) return undefined;
    let result: void | Promise<void>;
    try {
      result = (this.#collect as (this: this) => void | Promise<void>).call(this);
    } catch (error) {
      throw this.#collectFailed(error);
    }
    if (result === undefined || typeof result.then !== 'function') return undefined;
    return result.then(undefined, (error: unknown) => {
      throw this.#collectFailed(error);
    });
  }

  abstract [RENDER](format: ExpositionFormat, defaults: DefaultLabels): string;
  abstract [SNAPSHOT](): MetricSnapshot;

  #collectFailed(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`${this.context.described}: collect callback failed: ${message}`, { cause: error });
  }

  #createBlank(): C {
    this.blank = this.#create(this.labelNames.map(() => ''));
    return this.blank;
  }

  #createByPosition(values: readonly unknown[]): C {
    return this.#create(this.#valuesByPosition(values));
  }

  #createByName(labels: LabelValues<T>): C {
    return this.#create(this.#valuesByName(labels));
  }

  #create(values: string[]): C {
    const existing = this.children.get(values);
    if (existing !== undefined) return existing;
    const labelPairs = renderLabelPairs(this.labelNames, values);
    const child = this.createChild({ labelValues: values, labelPairs, labelBlock: labelBlock(labelPairs) });
    this.children.add(values, child);
    return child;
  }

  #valuesByPosition(values: readonly unknown[]): string[] {
    if (values.length !== this.labelNames.length) {
      throw new TypeError(
        `${this.context.described}: got ${values.length} label value(s) (${values.map((v) => JSON.stringify(v)).join(', ')}) for ${this.labelNames.length} label name(s) (${this.labelNames.join(', ')})`,
      );
    }
    return values.map((value, i) => this.#checkValue(this.labelNames[i]!, value));
  }

  #valuesByName(labels: Readonly<Record<string, unknown>>): string[] {
    for (const name in labels) {
      if (!(this.labelNames as readonly string[]).includes(name)) {
        throw new TypeError(
          `${this.context.described}: label "${name}" is not one of its label names (${this.labelNames.join(', ') || 'none'})`,
        );
      }
    }
    return this.labelNames.map((name) => this.#checkValue(name, labels[name]));
  }

  #checkValue(name: string, value: unknown): string {
    if (value !== undefined && typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(
        `${this.context.described}: label "${name}" must be a string or a number, got ${typeof value}`,
      );
    }
    return labelValueOf(value);
  }
}
