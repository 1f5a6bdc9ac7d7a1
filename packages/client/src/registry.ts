import {
  contentTypeFor,
  type ExpositionFormat,
  formatFromContentType,
  OPENMETRICS_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from '@pyrometer/exposition';
import type { Counter } from './counter.ts';
import type { Gauge } from './gauge.ts';
import type { Histogram } from './histogram.ts';
import { type DefaultLabels, NO_DEFAULT_LABELS } from './internal/default-labels.ts';
import { type MetricSnapshot, RENDER, RUN_COLLECT, SNAPSHOT } from './internal/metric.ts';
import { checkLabelName, familyNameOf } from './internal/validation.ts';
import type { Summary } from './summary.ts';

/** Any metric a registry holds. */
export type Metric<T extends string = string> = Counter<T> | Gauge<T> | Histogram<T> | Summary<T>;

export interface MetricsOptions {
  /** The exposition format to write; the registry's own (see `contentType`) when omitted. */
  format?: ExpositionFormat;
}

/**
 * A set of metrics written out together, as one scrape target's `/metrics`. Metrics register
 * with the default `register` unless given `registers`; components that take a registry let
 * their user decide where their metrics go.
 */
export class Registry {
  /** The classic Prometheus text format, 0.0.4. */
  static readonly PROMETHEUS_CONTENT_TYPE = TEXT_CONTENT_TYPE;
  /** OpenMetrics 1.0. */
  static readonly OPENMETRICS_CONTENT_TYPE = OPENMETRICS_CONTENT_TYPE;

  readonly #metrics = new Map<string, Metric>();
  // OpenMetrics family name (a counter's name without `_total`) → metric name: two metrics
  // whose families would share a name cannot both be written out.
  readonly #families = new Map<string, string>();
  #defaultLabels: DefaultLabels = NO_DEFAULT_LABELS;
  #format: ExpositionFormat;

  /** `contentType` chooses what `metrics()` writes: the text format (default) or OpenMetrics. */
  constructor(contentType: string = TEXT_CONTENT_TYPE) {
    this.#format = formatOfContentType(contentType);
  }

  /** The Content-Type of what `metrics()` returns. */
  get contentType(): string {
    return contentTypeFor(this.#format);
  }

  setContentType(contentType: string): void {
    this.#format = formatOfContentType(contentType);
  }

  /** Adds a metric; a metric with the same name (or OpenMetrics family name) is an error. */
  registerMetric(metric: Metric): void {
    const family = familyNameOf(metric.name, metric.type);
    const clash = this.#metrics.has(metric.name) ? metric.name : this.#families.get(family);
    if (clash !== undefined) {
      if (this.#metrics.get(clash) === metric) return;
      throw new Error(
        clash === metric.name
          ? `Registry: a metric named "${metric.name}" is already registered`
          : `Registry: cannot register "${metric.name}": its family name "${family}" clashes with the registered "${clash}"`,
      );
    }
    this.#metrics.set(metric.name, metric);
    this.#families.set(family, metric.name);
  }

  getSingleMetric(name: string): Metric | undefined {
    return this.#metrics.get(name);
  }

  removeSingleMetric(name: string): void {
    const metric = this.#metrics.get(name);
    if (metric === undefined) return;
    this.#metrics.delete(name);
    this.#families.delete(familyNameOf(name, metric.type));
  }

  /** Unregisters every metric. */
  clear(): void {
    this.#metrics.clear();
    this.#families.clear();
  }

  /** Resets every metric to its initial state (see `reset()` on each). */
  resetMetrics(): void {
    for (const metric of this.#metrics.values()) metric.reset();
  }

  getMetricsAsArray(): Metric[] {
    return [...this.#metrics.values()];
  }

  /**
   * Labels added to every sample written out, unless its metric has a label of that name.
   * Replaces the previous default labels.
   */
  setDefaultLabels(labels: Readonly<Record<string, string>>): void {
    const names: string[] = [];
    const values: string[] = [];
    for (const [name, value] of Object.entries(labels)) {
      checkLabelName('Registry: default label', name);
      if (name.startsWith('__')) throw new TypeError(`Registry: default label name "${name}" is reserved`);
      if (typeof value !== 'string') {
        throw new TypeError(
          `Registry: default label "${name}" must have a string value, got ${typeof value}`,
        );
      }
      names.push(name);
      values.push(value);
    }
    this.#defaultLabels = { names, values };
  }

  /** Runs every `collect` callback, then writes out every metric. */
  async metrics(options?: MetricsOptions): Promise<string> {
    const format = options?.format ?? this.#format;
    const metrics = [...this.#metrics.values()];
    await collectAll(metrics);
    let out = '';
    for (const metric of metrics) out += metric[RENDER](format, this.#defaultLabels);
    return format === 'openmetrics' ? `${out}# EOF\n` : out;
  }

  /** One metric written out (without the OpenMetrics `# EOF`), after its `collect` callback. */
  async getSingleMetricAsString(name: string, options?: MetricsOptions): Promise<string> {
    const metric = this.#metrics.get(name);
    if (metric === undefined) throw new Error(`Registry: no metric named "${name}" is registered`);
    await metric[RUN_COLLECT]();
    return metric[RENDER](options?.format ?? this.#format, this.#defaultLabels);
  }

  /** Every metric's values (prom-client's JSON shape), default labels included. */
  async getMetricsAsJSON(): Promise<MetricSnapshot[]> {
    const metrics = [...this.#metrics.values()];
    await collectAll(metrics);
    const { names, values } = this.#defaultLabels;
    return metrics.map((metric) => {
      const snapshot = metric[SNAPSHOT]();
      if (names.length === 0) return snapshot;
      for (const value of snapshot.values) {
        for (let i = 0; i < names.length; i++) {
          if (!(names[i]! in value.labels)) value.labels[names[i]!] = values[i]!;
        }
      }
      return snapshot;
    });
  }

  /**
   * A registry holding every metric of `registries`, to expose them together. They must write
   * the same format, and no two may hold metrics of the same name.
   */
  static merge(registries: readonly Registry[]): Registry {
    const formats = new Set(registries.map((r) => r.#format));
    if (formats.size > 1) throw new Error('Registry.merge: the registries have different content types');
    const first = registries[0];
    const merged = new Registry(contentTypeFor(first === undefined ? 'text' : first.#format));
    for (const registry of registries) {
      for (const metric of registry.#metrics.values()) merged.registerMetric(metric);
    }
    return merged;
  }
}

function formatOfContentType(contentType: string): ExpositionFormat {
  if (contentType === 'text' || contentType === 'openmetrics') return contentType;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type !== 'text/plain' && type !== 'application/openmetrics-text') {
    throw new TypeError(
      `Registry: unsupported content type "${contentType}"; expected Registry.PROMETHEUS_CONTENT_TYPE or Registry.OPENMETRICS_CONTENT_TYPE`,
    );
  }
  return formatFromContentType(contentType);
}

async function collectAll(metrics: readonly Metric[]): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const metric of metrics) {
    const result = metric[RUN_COLLECT]();
    if (result !== undefined) pending.push(result);
  }
  if (pending.length > 0) await Promise.all(pending);
}

/** The default registry, used by metrics created without `registers`. */
export const register: Registry = new Registry();
