import type { FloatHistogram, Labels } from '@pyrometer/model';
import type { QueryValue } from '@pyrometer/promql';

/** A float as Go's `strconv.FormatFloat(v, 'f', -1, 64)` writes it: no exponent, `+Inf`, `NaN`. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const text = String(v);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const sign = text.startsWith('-') ? '-' : '';
  const mantissa = text.slice(sign.length, e).replace('.', '');
  const exponent = Number(text.slice(e + 1));
  const pointAt = text.slice(sign.length, e).indexOf('.');
  const intDigits = (pointAt < 0 ? text.slice(sign.length, e).length : pointAt) + exponent;
  if (intDigits <= 0) return `${sign}0.${'0'.repeat(-intDigits)}${mantissa}`;
  if (intDigits >= mantissa.length) return `${sign}${mantissa}${'0'.repeat(intDigits - mantissa.length)}`;
  return `${sign}${mantissa.slice(0, intDigits)}.${mantissa.slice(intDigits)}`;
}

export function labelsJson(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  labels.forEach((n, v) => {
    out[n] = v;
  });
  return out;
}

const seconds = (ms: number): number => ms / 1000;

/**
 * A native histogram as the API writes it: count, sum and `[boundary rule, lower, upper,
 * count]` buckets, negative ones first. Rules as Prometheus numbers them: 0 open left
 * (`(lower, upper]`, positive and custom buckets), 1 open right (negative buckets), 3 closed
 * (the zero bucket).
 */
export function histogramJson(h: FloatHistogram): Record<string, unknown> {
  const buckets: [number, string, string, string][] = [];
  const base = 2 ** (2 ** -h.schema);
  const bound = (index: number): number =>
    h.customValues !== undefined ? (h.customValues[index] ?? Number.POSITIVE_INFINITY) : base ** index;
  if (h.zeroCount !== 0)
    buckets.push([3, formatValue(-h.zeroThreshold), formatValue(h.zeroThreshold), formatValue(h.zeroCount)]);
  const walk = (spans: FloatHistogram['positiveSpans'], counts: number[], negative: boolean): void => {
    let index = 0;
    let k = 0;
    for (const span of spans) {
      index += span.offset;
      for (let j = 0; j < span.length; j++, index++, k++) {
        const c = counts[k] ?? 0;
        if (c === 0) continue;
        const lower =
          h.customValues !== undefined
            ? index === 0
              ? Number.NEGATIVE_INFINITY
              : bound(index - 1)
            : bound(index - 1);
        const upper = bound(index);
        if (negative) buckets.unshift([1, formatValue(-upper), formatValue(-lower), formatValue(c)]);
        else buckets.push([0, formatValue(lower), formatValue(upper), formatValue(c)]);
      }
    }
  };
  walk(h.negativeSpans, h.negativeBuckets, true);
  walk(h.positiveSpans, h.positiveBuckets, false);
  const out: Record<string, unknown> = { count: formatValue(h.count), sum: formatValue(h.sum) };
  if (buckets.length > 0) out.buckets = buckets;
  return out;
}

/** `{resultType, result}` for a query value, in the API's JSON shape. */
export function queryValueJson(value: QueryValue): { resultType: string; result: unknown } {
  switch (value.type) {
    case 'scalar':
    case 'string':
      return {
        resultType: value.type,
        result: [seconds(value.timestamp), value.type === 'scalar' ? formatValue(value.value) : value.value],
      };
    case 'vector':
      return {
        resultType: 'vector',
        result: value.series.map((s) =>
          s.histogram === undefined
            ? { metric: labelsJson(s.labels), value: [seconds(s.timestamp), formatValue(s.value)] }
            : { metric: labelsJson(s.labels), histogram: [seconds(s.timestamp), histogramJson(s.histogram)] },
        ),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => {
          const values: [number, string][] = [];
          const histograms: [number, Record<string, unknown>][] = [];
          for (let i = 0; i < s.timestamps.length; i++) {
            const h = s.histograms?.[i];
            if (h !== undefined) histograms.push([seconds(s.timestamps[i]!), histogramJson(h)]);
            else values.push([seconds(s.timestamps[i]!), formatValue(s.values[i]!)]);
          }
          const out: Record<string, unknown> = { metric: labelsJson(s.labels) };
          if (values.length > 0 || histograms.length === 0) out.values = values;
          if (histograms.length > 0) out.histograms = histograms;
          return out;
        }),
      };
  }
}
