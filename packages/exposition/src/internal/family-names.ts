import type { MetricType } from '@pyrometer/model';
import type { ExpositionFormat } from '../content-type.ts';

/**
 * The sample-name suffixes a metric family of each type uses, appended to the family name.
 * In OpenMetrics a counter family `a` has samples `a_total` and `a_created`; in the text
 * format the family of a counter is named with its `_total` already, and there are no
 * `_created` samples.
 */
const OPENMETRICS_SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
};

const TEXT_SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  ...OPENMETRICS_SUFFIXES,
  counter: [''],
  histogram: ['_bucket', '_count', '_sum'],
  summary: ['', '_count', '_sum'],
};

export function sampleSuffixes(type: MetricType, format: ExpositionFormat): readonly string[] {
  return (format === 'openmetrics' ? OPENMETRICS_SUFFIXES : TEXT_SUFFIXES)[type];
}

/**
 * The suffix that makes `sampleName` a sample of the family `familyName` with the given
 * suffixes ('' for the family name itself), or undefined when it is not one of its samples.
 */
export function suffixIn(
  sampleName: string,
  familyName: string,
  suffixes: readonly string[],
): string | undefined {
  if (!sampleName.startsWith(familyName)) return undefined;
  const extra = sampleName.length - familyName.length;
  for (const suffix of suffixes) {
    if (suffix.length === extra && sampleName.endsWith(suffix)) return suffix;
  }
  return undefined;
}
