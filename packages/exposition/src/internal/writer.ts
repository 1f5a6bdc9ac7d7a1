import { isLegacyLabelName, isLegacyMetricName, type Labels, type MetricType } from '@pyrometer/model';
import type { ExpositionFormat } from '../content-type.ts';
import { escapeHelpText, escapeLabelValue } from '../escape.ts';
import { formatFloat } from '../format-value.ts';
import type { FamilySample, MetricFamily } from './metric-family.ts';

/** Writes families in the format asked for; see `writeText` and `writeOpenMetrics`. */
export function writeMetricFamilies(families: Iterable<MetricFamily>, format: ExpositionFormat): string {
  return format === 'openmetrics' ? writeOpenMetrics(families) : writeText(families);
}

/**
 * Writes families as OpenMetrics 1.0 text: TYPE, UNIT (when set) and HELP (when set) before
 * each family's samples, timestamps in seconds, exemplars, and the closing `# EOF`. The
 * families must already follow OpenMetrics' rules (as parsed ones do); nothing is reordered.
 */
export function writeOpenMetrics(families: Iterable<MetricFamily>): string {
  let out = '';
  for (const family of families) {
    const name = quoteMetricName(family.name);
    out += `# TYPE ${name} ${family.type}\n`;
    if (family.unit !== '') out += `# UNIT ${name} ${family.unit}\n`;
    if (family.help !== '') out += `# HELP ${name} ${escapeLabelValue(family.help)}\n`;
    for (const sample of family.samples) {
      out += `${seriesText(sample.labels)} ${formatFloat(sample.value)}`;
      if (sample.timestamp !== undefined) out += ` ${formatSeconds(sample.timestamp)}`;
      if (sample.exemplar !== undefined) {
        const { labels, value, timestamp } = sample.exemplar;
        out += ` # ${labelSetText(labels, false)} ${formatFloat(value)}`;
        if (timestamp !== undefined) out += ` ${formatSeconds(timestamp)}`;
      }
      out += '\n';
    }
  }
  return `${out}# EOF\n`;
}

/**
 * Writes families in the Prometheus text format 0.0.4. That format has fewer types and no
 * units, exemplars or `_created` samples, so: an OpenMetrics counter `a` is written as the
 * family `a_total`, an info `a` as the gauge `a_info`, a stateset as a gauge, gauge
 * histograms and unknown families as untyped; units, exemplars and `_created` samples are
 * left out. Timestamps are written as integer milliseconds.
 */
export function writeText(families: Iterable<MetricFamily>): string {
  let out = '';
  for (const family of families) {
    const textName = textFamilyName(family);
    const name = quoteMetricName(textName);
    if (family.help !== '') out += `# HELP ${name} ${escapeHelpText(family.help)}\n`;
    out += `# TYPE ${name} ${TEXT_TYPES[family.type]}\n`;
    const created = `${family.name}_created`;
    const skipCreated = family.type === 'counter' || family.type === 'histogram' || family.type === 'summary';
    for (const sample of family.samples) {
      if (skipCreated && sample.labels.metricName === created && textName !== created) continue;
      out += `${seriesText(sample.labels)} ${formatFloat(sample.value)}`;
      if (sample.timestamp !== undefined) out += ` ${formatMillis(sample.timestamp)}`;
      out += '\n';
    }
  }
  return out;
}

const TEXT_TYPES: Readonly<Record<MetricType, string>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  info: 'gauge',
  stateset: 'gauge',
  gaugehistogram: 'untyped',
  unknown: 'untyped',
};

// The text format names a counter family with its `_total` and an info family with `_info`.
function textFamilyName(family: MetricFamily): string {
  const first: FamilySample | undefined = family.samples[0];
  const suffix = family.type === 'counter' ? '_total' : family.type === 'info' ? '_info' : '';
  if (suffix === '' || first === undefined) return family.name;
  const sampleName = first.labels.metricName;
  return sampleName === `${family.name}${suffix}` ? sampleName : family.name;
}

/** `name{a="1",b="2"}`, or `{"my.name",a="1"}` when the name needs quoting. */
function seriesText(labels: Labels): string {
  const name = labels.metricName;
  if (!isLegacyMetricName(name)) {
    const rest = labelSetText(labels, true);
    return rest === '{}' ? `{${quote(name)}}` : `{${quote(name)},${rest.slice(1)}`;
  }
  return labels.size === 1 ? name : `${name}${labelSetText(labels, true)}`;
}

function labelSetText(labels: Labels, skipName: boolean): string {
  const parts: string[] = [];
  labels.forEach((name, value) => {
    if (skipName && name === '__name__') return;
    parts.push(`${isLegacyLabelName(name) ? name : quote(name)}=${quote(value)}`);
  });
  return `{${parts.join(',')}}`;
}

function quote(s: string): string {
  return `"${escapeLabelValue(s)}"`;
}

function quoteMetricName(name: string): string {
  return isLegacyMetricName(name) ? name : quote(name);
}

function formatMillis(ms: number): string {
  return Number.isSafeInteger(ms) ? String(ms) : BigInt(Math.round(ms)).toString();
}

/** Milliseconds as exact decimal seconds: 1500 → "1.5", -1 → "-0.001". */
function formatSeconds(ms: number): string {
  if (!Number.isSafeInteger(ms)) return formatFloat(ms / 1000);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const whole = Math.floor(abs / 1000);
  const fraction = abs % 1000;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`;
}
