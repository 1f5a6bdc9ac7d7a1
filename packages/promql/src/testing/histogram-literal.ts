import type { FloatHistogram } from '@pyrometer/model';
import { parseFloatLiteral } from './notation.ts';

const HINTS: Record<string, FloatHistogram['counterResetHint']> = {
  unknown: 'unknown',
  reset: 'reset',
  not_reset: 'not-reset',
  gauge: 'gauge',
};

export interface ParsedHistogram {
  histogram: FloatHistogram;
  /** Whether the literal stated a counter-reset hint (only then is it compared). */
  hintGiven: boolean;
}

/** Reads the test scripts' `{{schema:0 sum:1 count:2 buckets:[1 1] ...}}` literal. */
export function parseHistogramLiteral(text: string): ParsedHistogram {
  const body = text.trim().replace(/^\{\{/, '').replace(/\}\}$/, '');
  const h: FloatHistogram = {
    counterResetHint: 'unknown',
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: [],
    positiveBuckets: [],
    negativeSpans: [],
    negativeBuckets: [],
  };
  let hintGiven = false;
  let offset = 0;
  let nOffset = 0;
  const field = /([a-z_]+):(\[[^\]]*\]|\S+)/g;
  for (const m of body.matchAll(field)) {
    const key = m[1]!;
    const raw = m[2]!;
    const list = () => raw.slice(1, -1).trim().split(/\s+/).filter(Boolean).map(parseFloatLiteral);
    switch (key) {
      case 'schema':
        h.schema = Number(raw);
        break;
      case 'sum':
        h.sum = parseFloatLiteral(raw);
        break;
      case 'count':
        h.count = parseFloatLiteral(raw);
        break;
      case 'z_bucket':
        h.zeroCount = parseFloatLiteral(raw);
        break;
      case 'z_bucket_w':
        h.zeroThreshold = parseFloatLiteral(raw);
        break;
      case 'buckets':
        h.positiveBuckets = list();
        break;
      case 'n_buckets':
        h.negativeBuckets = list();
        break;
      case 'offset':
        offset = Number(raw);
        break;
      case 'n_offset':
        nOffset = Number(raw);
        break;
      case 'custom_values':
        h.customValues = list();
        break;
      case 'counter_reset_hint': {
        const hint = HINTS[raw];
        if (hint === undefined) throw new Error(`invalid counter_reset_hint "${raw}"`);
        h.counterResetHint = hint;
        hintGiven = true;
        break;
      }
      default:
        throw new Error(`unknown histogram field "${key}"`);
    }
  }
  if (h.positiveBuckets.length > 0) h.positiveSpans = [{ offset, length: h.positiveBuckets.length }];
  if (h.negativeBuckets.length > 0) h.negativeSpans = [{ offset: nOffset, length: h.negativeBuckets.length }];
  return { histogram: h, hintGiven };
}

/** Bucket index → count, empty buckets left out (the compacted layout). */
export function bucketMap(spans: FloatHistogram['positiveSpans'], counts: number[]): Map<number, number> {
  const out = new Map<number, number>();
  let idx = 0;
  let j = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let i = 0; i < s.length; i++, idx++, j++) {
      const c = counts[j] ?? 0;
      if (c !== 0) out.set(idx, (out.get(idx) ?? 0) + c);
    }
  }
  return out;
}

/** A histogram in the test scripts' `{{...}}` notation, for failure reports. */
export function formatHistogramLiteral(h: FloatHistogram): string {
  const parts = [`schema:${h.schema}`, `count:${h.count}`, `sum:${h.sum}`];
  if (h.zeroThreshold !== 0) parts.push(`z_bucket_w:${h.zeroThreshold}`);
  if (h.zeroCount !== 0) parts.push(`z_bucket:${h.zeroCount}`);
  const pos = [...bucketMap(h.positiveSpans, h.positiveBuckets)].sort((a, b) => a[0] - b[0]);
  const neg = [...bucketMap(h.negativeSpans, h.negativeBuckets)].sort((a, b) => a[0] - b[0]);
  if (pos.length > 0) parts.push(`buckets:[${pos.map(([i, c]) => `${i}:${c}`).join(' ')}]`);
  if (neg.length > 0) parts.push(`n_buckets:[${neg.map(([i, c]) => `${i}:${c}`).join(' ')}]`);
  if (h.customValues !== undefined) parts.push(`custom_values:[${h.customValues.join(' ')}]`);
  if (h.counterResetHint !== 'unknown')
    parts.push(`counter_reset_hint:${h.counterResetHint.replace('-', '_')}`);
  return `{{${parts.join(' ')}}}`;
}
