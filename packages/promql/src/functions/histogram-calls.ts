import type { FloatHistogram, Labels } from '@pyrometer/model';
import type { QueryContext, StepRange } from '../engine/context.ts';
import { dropNameOf, evalScalar, evalVector, labelsKey } from '../engine/evaluator.ts';
import { newSeries, QueryError, type StepSeries, type StepVector } from '../engine/values.ts';
import type { Call, Expr } from '../parser/ast.ts';
import { parseNumber } from '../parser/parser.ts';
import { formatNumber } from '../parser/printer.ts';
import { stringArg } from './args.ts';
import { bucketFraction, bucketQuantile } from './histogram.ts';
import {
  histogramVariance,
  histogramFraction as nativeFraction,
  histogramQuantile as nativeQuantile,
} from './native-histogram.ts';
export const HISTOGRAM_PROPERTIES: Record<string, (h: FloatHistogram) => number> = {
  histogram_count: (h) => h.count,
  histogram_sum: (h) => h.sum,
  histogram_avg: (h) => h.sum / h.count,
  histogram_stdvar: histogramVariance,
  histogram_stddev: (h) => Math.sqrt(histogramVariance(h)),
};

/** A float series per native-histogram series of `v`, name dropped. */
export function fromHistograms(
  q: QueryContext,
  v: StepVector,
  r: StepRange,
  fn: (h: FloatHistogram, k: number) => number,
): StepSeries[] {
  const out: StepSeries[] = [];
  for (const hs of v.histograms ?? []) {
    const o = newSeries(hs.labels, r.steps, hs.dropName);
    for (let k = 0; k < r.steps; k++) {
      const h = hs.hists[k];
      if (h === undefined) continue;
      o.values[k] = fn(h, k);
      o.present[k] = 1;
    }
    out.push(dropNameOf(q, o));
  }
  return out;
}

type BucketGroup = { labels: Labels; members: { s: StepSeries; le: number }[]; name: string };

// Classic histograms: the series of one histogram share all labels but `le`.
function bucketGroups(node: Call, q: QueryContext, v: StepVector, arg: number): BucketGroup[] {
  const groups = new Map<string, BucketGroup>();
  for (const s of v.series) {
    const leText = s.labels.get('le');
    const le = leText === '' ? Number.NaN : parseNumber(leText.trim());
    const name = s.labels.metricName;
    if (Number.isNaN(le)) {
      q.warn(
        `bucket label "le" is missing or has a malformed value of "${leText}" for metric name "${name}"`,
        node.args[arg]!.pos,
      );
      continue;
    }
    // The name stays until the query ends, so buckets of two metrics never merge: they
    // collide as the same label set instead, as in Prometheus.
    const labels = s.labels.without('le');
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels, members: [], name };
      groups.set(key, g);
    }
    g.members.push({ s, le });
  }
  return [...groups.values()];
}

function overBuckets(
  q: QueryContext,
  r: StepRange,
  groups: BucketGroup[],
  fn: (g: BucketGroup, k: number, buckets: { upperBound: number; count: number }[]) => number,
): StepVector {
  const out: StepSeries[] = [];
  for (const g of groups) {
    const o = dropNameOf(q, newSeries(g.labels, r.steps, false));
    for (let k = 0; k < r.steps; k++) {
      const buckets = g.members
        .filter((m) => m.s.present[k])
        .map((m) => ({ upperBound: m.le, count: m.s.values[k]! }));
      if (buckets.length === 0) continue;
      o.values[k] = fn(g, k, buckets);
      o.present[k] = 1;
    }
    if (o.present.includes(1)) out.push(o);
  }
  return { kind: 'vector', series: out };
}

export async function evalHistogramQuantile(node: Call, q: QueryContext, r: StepRange): Promise<StepVector> {
  const phi = (await evalScalar(node.args[0]!, q, r)).values;
  const v = await evalVector(node.args[1]!, q, r);
  warnQuantiles(q, phi, node.args[0]!);
  const native = fromHistograms(q, v, r, (h, k) => nativeQuantile(phi[k]!, h));
  return withNative(
    q,
    node.args[1]!,
    native,
    overBuckets(q, r, bucketGroups(node, q, v, 1), (g, k, buckets) => {
      const res = bucketQuantile(phi[k]!, buckets);
      if (res.forcedMonotonic) {
        q.info(
          `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "${g.name}"`,
          node.args[1]!.pos,
        );
      }
      return res.value;
    }),
  );
}

// Classic buckets and a native histogram under one label set cannot both answer: as
// Prometheus, warn and give neither.
function withNative(q: QueryContext, arg: Expr, native: StepSeries[], classic: StepVector): StepVector {
  const nativeKeys = new Set(native.map((s) => labelsKey(s.labels)));
  const clash = new Set(classic.series.map((s) => labelsKey(s.labels)).filter((k) => nativeKeys.has(k)));
  if (clash.size === 0) return { kind: 'vector', series: [...classic.series, ...native] };
  for (const s of classic.series) {
    if (clash.has(labelsKey(s.labels))) {
      q.warn(
        `vector contains a mix of classic and native histograms for metric name "${s.labels.metricName}"`,
        arg.pos,
      );
    }
  }
  const keep = (s: StepSeries) => !clash.has(labelsKey(s.labels));
  return { kind: 'vector', series: [...classic.series.filter(keep), ...native.filter(keep)] };
}

export async function evalHistogramFraction(node: Call, q: QueryContext, r: StepRange): Promise<StepVector> {
  const lower = (await evalScalar(node.args[0]!, q, r)).values;
  const upper = (await evalScalar(node.args[1]!, q, r)).values;
  const v = await evalVector(node.args[2]!, q, r);
  const native = fromHistograms(q, v, r, (h, k) => nativeFraction(lower[k]!, upper[k]!, h));
  return withNative(
    q,
    node.args[2]!,
    native,
    overBuckets(q, r, bucketGroups(node, q, v, 2), (_g, k, buckets) =>
      bucketFraction(lower[k]!, upper[k]!, buckets),
    ),
  );
}

function warnQuantiles(q: QueryContext, phi: Float64Array, arg: Expr): void {
  for (const p of phi) {
    if (!(p >= 0 && p <= 1))
      q.warn(`quantile value should be between 0 and 1, got ${formatNumber(p)}`, arg.pos);
  }
}

// Quantile labels keep a decimal point (`0.0`, `1.0`), as histogram_quantiles writes them.
function quantileLabel(p: number): string {
  const s = formatNumber(p);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

export async function evalHistogramQuantiles(node: Call, q: QueryContext, r: StepRange): Promise<StepVector> {
  const v = await evalVector(node.args[0]!, q, r);
  const label = stringArg(node.args[1]!);
  const phis: Float64Array[] = [];
  for (const a of node.args.slice(2)) {
    const p = (await evalScalar(a, q, r)).values;
    warnQuantiles(q, p, a);
    phis.push(p);
  }
  const groups = bucketGroups(node, q, v, 0);
  const out: StepSeries[] = [];
  for (const phi of phis) {
    const native = fromHistograms(q, v, r, (h, k) => nativeQuantile(phi[k]!, h));
    const classic = overBuckets(q, r, groups, (g, k, buckets) => {
      const res = bucketQuantile(phi[k]!, buckets);
      if (res.forcedMonotonic) {
        q.info(
          `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "${g.name}"`,
          node.args[0]!.pos,
        );
      }
      return res.value;
    });
    const merged = withNative(q, node.args[0]!, native, classic);
    for (const s of merged.series) {
      if (s.labels.has(label))
        throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
      s.labels = s.labels.builder().set(label, quantileLabel(phi[0]!)).labels();
      out.push(s);
    }
  }
  return { kind: 'vector', series: out };
}
