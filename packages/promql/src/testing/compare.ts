import { type FloatHistogram, isStaleNaN, type Labels, StaleNaN, translateRe2 } from '@pyrometer/model';
import type { QueryResult } from '../engine/engine.ts';
import { formatLabels } from '../engine/format.ts';
import type { QueryValue } from '../engine/values.ts';
import { formatNumber } from '../parser/printer.ts';
import { unquoteString } from '../parser/strings.ts';
import { bucketMap, formatHistogramLiteral } from './histogram-literal.ts';
import { expandItems, parseFloatLiteral, parseSeriesLine, splitItems } from './notation.ts';
import type { Command, Expectations } from './script.ts';

export type Run = { ok: true; result: QueryResult } | { ok: false; error: string };

/** Compares as the upstream runner: schema, count, sum, zero bucket, custom bounds and compacted buckets. */
function histogramsMatch(got: FloatHistogram, want: FloatHistogram, hintGiven: boolean): boolean {
  if (got.schema !== want.schema) return false;
  if (!almostEqual(got.count, want.count) || !almostEqual(got.sum, want.sum)) return false;
  if (!almostEqual(got.zeroThreshold, want.zeroThreshold) || !almostEqual(got.zeroCount, want.zeroCount))
    return false;
  if (want.schema === -53) {
    const a = got.customValues ?? [];
    const b = want.customValues ?? [];
    if (a.length !== b.length || a.some((x, i) => !almostEqual(x, b[i]!))) return false;
  }
  if (hintGiven && got.counterResetHint !== want.counterResetHint) return false;
  const same = (x: Map<number, number>, y: Map<number, number>) =>
    x.size === y.size && [...x].every(([i, c]) => y.has(i) && almostEqual(c, y.get(i)!));
  return (
    same(
      bucketMap(got.positiveSpans, got.positiveBuckets),
      bucketMap(want.positiveSpans, want.positiveBuckets),
    ) &&
    same(
      bucketMap(got.negativeSpans, got.negativeBuckets),
      bucketMap(want.negativeSpans, want.negativeBuckets),
    )
  );
}

export function almostEqual(a: number, b: number): boolean {
  if (isStaleNaN(a) || isStaleNaN(b)) return isStaleNaN(a) && isStaleNaN(b);
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const minNormal = 2.2250738585072014e-308;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < 1e-6 * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < 1e-6;
}

export function checkRun(
  r: Run,
  cmd: Extract<Command, { kind: 'eval' }>,
  e: Expectations,
  annotations: boolean,
): string | undefined {
  if (e.fail !== undefined) {
    if (r.ok) return `expected the query to fail, got ${describeValue(r.result.value)}`;
    if (e.fail.msg !== undefined && r.error !== e.fail.msg) {
      return `expected error "${e.fail.msg}", got "${r.error}"`;
    }
    if (e.fail.regex !== undefined && !new RegExp(translateRe2(e.fail.regex)).test(r.error)) {
      return `expected error matching /${e.fail.regex}/, got "${r.error}"`;
    }
    return undefined;
  }
  if (!r.ok) return `unexpected error: ${r.error}`;
  const res = r.result;
  if (annotations) {
    const p = checkAnnotations('warn', res.warnings, e.warn) ?? checkAnnotations('info', res.infos, e.info);
    if (p !== undefined) return p;
  }
  const v = res.value;
  if (e.string !== undefined) {
    const want = unquoteString(e.string);
    const text = 'value' in want ? want.value : e.string;
    if (v.type !== 'string' || v.value !== text)
      return `expected string ${JSON.stringify(text)}, got ${describeValue(v)}`;
    return undefined;
  }
  if (e.scalar !== undefined) {
    const want = parseFloatLiteral(e.scalar);
    if (v.type === 'scalar' && almostEqual(v.value, want)) return undefined;
    if (v.type === 'vector' && v.series.length === 1 && v.series[0]!.labels.size === 0 && !annotations) {
      if (almostEqual(v.series[0]!.value, want)) return undefined;
    }
    return `expected scalar ${e.scalar}, got ${describeValue(v)}`;
  }
  if (cmd.mode === 'range' || e.rangeVector !== undefined) return checkMatrix(v, cmd, e);
  return checkVector(v, e);
}

function checkAnnotations(
  kind: 'warn' | 'info',
  got: string[],
  want: Expectations['warn'],
): string | undefined {
  if (want.none && got.length > 0) return `expected no ${kind} annotations, got ${JSON.stringify(got)}`;
  if (!want.given) return undefined;
  if (got.length === 0) return `expected ${kind} annotations, got none`;
  const regexes = want.regexes.map((r) => new RegExp(translateRe2(r)));
  for (const m of want.msgs)
    if (!got.includes(m)) return `expected ${kind} "${m}", got ${JSON.stringify(got)}`;
  for (const re of regexes)
    if (!got.some((g) => re.test(g))) return `expected ${kind} matching ${re}, got ${JSON.stringify(got)}`;
  if (!want.any) {
    for (const g of got) {
      if (!want.msgs.includes(g) && !regexes.some((re) => re.test(g))) return `unexpected ${kind} "${g}"`;
    }
  }
  return undefined;
}

function describeValue(v: QueryValue): string {
  switch (v.type) {
    case 'scalar':
      return `scalar ${formatNumber(v.value)}`;
    case 'string':
      return `string ${JSON.stringify(v.value)}`;
    case 'vector':
      return v.series.length === 0
        ? 'empty vector'
        : `vector:\n${v.series
            .map(
              (s) =>
                `    ${formatLabels(s.labels)} ${s.histogram === undefined ? formatNumber(s.value) : formatHistogramLiteral(s.histogram)}`,
            )
            .join('\n')}`;
    case 'matrix':
      return v.series.length === 0
        ? 'empty matrix'
        : `matrix:\n${v.series
            .map(
              (s) =>
                `    ${formatLabels(s.labels)} ${[...s.values]
                  .map((x, i) => {
                    const h = s.histograms?.[i];
                    return `${h === undefined ? formatNumber(x) : formatHistogramLiteral(h)}@${s.timestamps[i]! / 1000}`;
                  })
                  .join(' ')}`,
            )
            .join('\n')}`;
  }
}

function checkVector(v: QueryValue, e: Expectations): string | undefined {
  const expected = e.series.map((s) => {
    const { labels, rest } = parseSeriesLine(s.text);
    const items = expandItems(splitItems(rest));
    if (items.length !== 1)
      throw new Error(`line ${s.line}: an instant result line must have exactly one value`);
    return { labels, item: items[0]! };
  });
  const wantText = () => e.series.map((s) => `    ${s.text}`).join('\n') || '    (nothing)';
  if (v.type === 'scalar') {
    return `expected:\n${wantText()}\n  got: ${describeValue(v)}`;
  }
  if (v.type !== 'vector') return `expected a vector, got ${describeValue(v)}`;
  const mismatch = () => `expected:\n${wantText()}\n  got ${describeValue(v)}`;
  if (v.series.length !== expected.length) return mismatch();
  const key = (l: Labels) => formatLabels(l);
  const gotByKey = new Map(v.series.map((s, i) => [key(s.labels), { s, i }]));
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    const got = gotByKey.get(key(want.labels));
    if (got === undefined) return mismatch();
    if (want.item.kind === 'histogram') {
      if (
        got.s.histogram === undefined ||
        !histogramsMatch(got.s.histogram, want.item.value, want.item.hintGiven)
      ) {
        return mismatch();
      }
    } else {
      if (want.item.kind === 'none' || got.s.histogram !== undefined) return mismatch();
      const wantValue = want.item.kind === 'stale' ? StaleNaN : want.item.value;
      if (!almostEqual(got.s.value, wantValue)) return mismatch();
    }
    if (e.ordered && got.i !== i) return `expected this order:\n${wantText()}\n  got ${describeValue(v)}`;
  }
  return undefined;
}

function checkMatrix(
  v: QueryValue,
  cmd: Extract<Command, { kind: 'eval' }>,
  e: Expectations,
): string | undefined {
  const wantText = () => e.series.map((s) => `    ${s.text}`).join('\n') || '    (nothing)';
  if (v.type !== 'matrix') return `expected a matrix, got ${describeValue(v)}`;
  const mismatch = () => `expected:\n${wantText()}\n  got ${describeValue(v)}`;
  const grid = e.rangeVector ?? { start: cmd.start, end: cmd.end, step: cmd.step };
  if (cmd.mode === 'range') {
    for (let i = 1; i < v.series.length; i++) {
      if (formatLabels(v.series[i - 1]!.labels) === formatLabels(v.series[i]!.labels))
        return `duplicate series in result:\n${describeValue(v)}`;
    }
  }
  if (v.series.length !== e.series.length) return mismatch();
  const gotByKey = new Map(v.series.map((s) => [formatLabels(s.labels), s]));
  for (const line of e.series) {
    const { labels, rest } = parseSeriesLine(line.text);
    const items = expandItems(splitItems(rest));
    const got = gotByKey.get(formatLabels(labels));
    if (got === undefined) return mismatch();
    let j = 0;
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      if (item.kind === 'none') continue;
      const gotHistogram = got.histograms?.[j];
      const t = grid.start + k * grid.step;
      if (j >= got.timestamps.length || got.timestamps[j] !== t) return mismatch();
      if (item.kind === 'histogram') {
        if (gotHistogram === undefined || !histogramsMatch(gotHistogram, item.value, item.hintGiven))
          return mismatch();
      } else {
        const want = item.kind === 'stale' ? StaleNaN : item.value;
        if (gotHistogram !== undefined || !almostEqual(got.values[j]!, want)) return mismatch();
      }
      j++;
    }
    if (j !== got.timestamps.length) return mismatch();
  }
  return undefined;
}
