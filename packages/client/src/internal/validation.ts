import { isLegacyLabelName, isLegacyMetricName } from '@pyrometer/model';

/** The kinds of metric this client writes, in the words of the exposition formats. */
export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary';

const KIND_TITLE: Record<MetricKind, string> = {
  counter: 'Counter',
  gauge: 'Gauge',
  histogram: 'Histogram',
  summary: 'Summary',
};

/** Prefixes every message with the metric it concerns, so a stack trace is not needed to find it. */
export function describeMetric(kind: MetricKind, name: string): string {
  return `${KIND_TITLE[kind]} "${name}"`;
}

/**
 * Names are restricted to the classic character set (as prom-client and client_golang's
 * default): they need no quoting in either exposition format, so every scraper reads them.
 */
export function checkMetricName(kind: MetricKind, name: unknown): string {
  if (typeof name !== 'string' || !isLegacyMetricName(name)) {
    throw new TypeError(
      `${KIND_TITLE[kind]}: invalid metric name ${JSON.stringify(name)}; expected [a-zA-Z_:][a-zA-Z0-9_:]*`,
    );
  }
  return name;
}

export function checkHelp(kind: MetricKind, name: string, help: unknown): string {
  if (typeof help !== 'string' || help === '') {
    throw new TypeError(`${describeMetric(kind, name)}: help is required and must be a non-empty string`);
  }
  return help;
}

/** Label names a metric type reserves for the samples it writes itself. */
const RESERVED_BY_KIND: Record<MetricKind, readonly string[]> = {
  counter: [],
  gauge: [],
  histogram: ['le'],
  summary: ['quantile'],
};

export function checkLabelNames(kind: MetricKind, name: string, labelNames: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const label of labelNames) {
    checkLabelName(`${describeMetric(kind, name)}: label`, label);
    if (label.startsWith('__')) {
      throw new TypeError(
        `${describeMetric(kind, name)}: label name "${label}" is reserved (names starting with "__" are internal to Prometheus)`,
      );
    }
    if (RESERVED_BY_KIND[kind].includes(label)) {
      throw new TypeError(
        `${describeMetric(kind, name)}: label name "${label}" is reserved for the ${kind}'s own samples`,
      );
    }
    if (seen.has(label))
      throw new TypeError(`${describeMetric(kind, name)}: duplicate label name "${label}"`);
    seen.add(label);
  }
  return [...seen];
}

export function checkLabelName(context: string, label: unknown): asserts label is string {
  if (typeof label !== 'string' || !isLegacyLabelName(label)) {
    throw new TypeError(
      `${context} name ${JSON.stringify(label)} is invalid; expected [a-zA-Z_][a-zA-Z0-9_]*`,
    );
  }
}

/**
 * A unit must be the metric name's suffix (OpenMetrics: "the unit MUST be a suffix of the
 * MetricFamily name"), so `http_request_duration_seconds` may have unit `seconds`.
 */
export function checkUnit(kind: MetricKind, name: string, unit: unknown): string {
  if (unit === undefined || unit === '') return '';
  if (typeof unit !== 'string' || !isLegacyLabelName(unit)) {
    throw new TypeError(`${describeMetric(kind, name)}: invalid unit ${JSON.stringify(unit)}`);
  }
  const family = kind === 'counter' ? familyNameOf(name, 'counter') : name;
  if (!family.endsWith(`_${unit}`)) {
    throw new TypeError(
      `${describeMetric(kind, name)}: the name must end in "_${unit}" to carry unit "${unit}" (OpenMetrics)`,
    );
  }
  return unit;
}

/** The OpenMetrics family name: a counter's name without its `_total` suffix. */
export function familyNameOf(name: string, kind: MetricKind): string {
  return kind === 'counter' && name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}
