import { compareLabels, type FloatHistogram, type Labels, LabelsBuilder } from '@pyrometer/model';
import { kahanAddAt, quantile } from '../functions/math.ts';
import type { AggregateExpr, Expr } from '../parser/ast.ts';
import { formatNumber } from '../parser/printer.ts';
import { quoteString } from '../parser/strings.ts';
import type { QueryContext, StepRange } from './context.ts';
import { evalScalar, evalVector, labelsKey } from './evaluator.ts';
import { HistogramMathError, scaleHistogram, sumHistograms } from './histogram-math.ts';
import { NAME_LABELS } from './names.ts';
import { type HistogramSeries, newSeries, QueryError, type StepSeries, type StepVector } from './values.ts';
import { prometheusLabelsHash } from './xxhash.ts';

function groupLabels(s: StepSeries, node: AggregateExpr): Labels {
  // With delayed name removal a name marked for removal still groups (`by (__name__)`), and
  // the group's result inherits the mark, as Prometheus does.
  if (node.without) return s.labels.without(...NAME_LABELS, ...node.grouping);
  return s.labels.keep(...node.grouping);
}

/**
 * The key of a series' group, as `labelsKey(groupLabels(...))` gives it, without building the
 * group's label set for every series.
 */
class GroupKeys {
  readonly #names: ReadonlySet<string>;
  readonly #without: boolean;
  readonly #parts: string[] = [];

  constructor(node: AggregateExpr) {
    this.#without = node.without;
    this.#names = new Set(node.without ? [...NAME_LABELS, ...node.grouping] : node.grouping);
  }

  key(labels: Labels): string {
    const flat = labels.flat();
    const parts = this.#parts;
    parts.length = 0;
    for (let i = 0; i < flat.length; i += 2) {
      if (this.#names.has(flat[i]!) === this.#without) continue;
      parts.push(flat[i]!, flat[i + 1]!);
    }
    return parts.join('\u00ff');
  }
}

export async function evalAggregate(node: AggregateExpr, q: QueryContext, r: StepRange): Promise<StepVector> {
  const input = await evalVector(node.expr, q, r);
  const series = input.series;
  const floatOnly = !['sum', 'avg', 'count', 'group', 'limitk', 'limit_ratio'].includes(node.op);
  if (floatOnly && (input.histograms ?? []).length > 0) {
    q.info(`ignored histogram in ${node.op} aggregation`, node.pos);
  }
  switch (node.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return selectK(node, q, r, series, node.op.startsWith('limit') ? input.histograms : undefined);
    case 'count_values':
      return countValues(node, r, series);
    default:
      break;
  }
  const groupOf = new Int32Array(series.length);
  const groups: Labels[] = [];
  const byKey = new Map<string, number>();
  const grouping = new GroupKeys(node);
  for (let i = 0; i < series.length; i++) {
    const key = grouping.key(series[i]!.labels);
    let g = byKey.get(key);
    if (g === undefined) {
      g = groups.length;
      groups.push(groupLabels(series[i]!, node));
      byKey.set(key, g);
    }
    groupOf[i] = g;
  }
  const out = groups.map((labels) => newSeries(labels, r.steps, false));
  for (let i = 0; i < series.length; i++) if (series[i]!.dropName) out[groupOf[i]!]!.dropName = true;
  const n = groups.length;
  const value = new Float64Array(n);
  const comp = new Float64Array(n);
  const mean = new Float64Array(n);
  const count = new Float64Array(n);
  const incremental = new Uint8Array(n);
  let param: Float64Array | undefined;
  if (node.op === 'quantile') {
    param = (await evalScalar(node.param!, q, r)).values;
  }
  const lists: number[][] = node.op === 'quantile' ? groups.map(() => []) : [];
  for (let k = 0; k < r.steps; k++) {
    count.fill(0);
    value.fill(0);
    comp.fill(0);
    mean.fill(0);
    incremental.fill(0);
    for (const l of lists) l.length = 0;
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      if (!s.present[k]) continue;
      const g = groupOf[i]!;
      const f = s.values[k]!;
      const c = ++count[g]!;
      switch (node.op) {
        case 'sum':
          kahanAddAt(f, value, comp, g);
          break;
        case 'avg':
          accumulateAvg(g, f, c, value, comp, mean, incremental);
          break;
        case 'max':
          if (c === 1 || value[g]! < f || Number.isNaN(value[g]!)) value[g] = f;
          break;
        case 'min':
          if (c === 1 || value[g]! > f || Number.isNaN(value[g]!)) value[g] = f;
          break;
        case 'stddev':
        case 'stdvar': {
          if (c === 1) {
            mean[g] = f;
            // A lone NaN or infinity has no defined spread, as in Prometheus.
            value[g] = Number.isFinite(f) ? 0 : Number.NaN;
          } else {
            const delta = f - mean[g]!;
            mean[g] = mean[g]! + delta / c;
            value[g] = value[g]! + delta * (f - mean[g]!);
          }
          break;
        }
        case 'quantile':
          lists[g]!.push(f);
          break;
        default:
          break;
      }
    }
    if (param !== undefined) {
      const p = param[k]!;
      if (!(p >= 0 && p <= 1) && count.some((c) => c > 0)) {
        q.warn(`quantile value should be between 0 and 1, got ${formatNumber(p)}`, node.param!.pos);
      }
    }
    for (let g = 0; g < n; g++) {
      const c = count[g]!;
      if (c === 0) continue;
      let v: number;
      switch (node.op) {
        case 'sum':
          v = value[g]! + comp[g]!;
          break;
        case 'avg':
          v = incremental[g] ? mean[g]! + comp[g]! : (value[g]! + comp[g]!) / c;
          break;
        case 'count':
          v = c;
          break;
        case 'group':
          v = 1;
          break;
        case 'stdvar':
          v = value[g]! / c;
          break;
        case 'stddev':
          v = Math.sqrt(value[g]! / c);
          break;
        case 'quantile':
          v = quantile(param![k]!, lists[g]!);
          break;
        default:
          v = value[g]!;
      }
      out[g]!.values[k] = v;
      out[g]!.present[k] = 1;
    }
  }
  const hists =
    input.histograms === undefined
      ? undefined
      : aggregateHistograms(node, q, r, input.histograms, out, byKey);
  const floats = out.filter((s) => s.present.includes(1));
  return hists === undefined || hists.length === 0
    ? { kind: 'vector', series: floats }
    : { kind: 'vector', series: floats, histograms: hists };
}

// As Prometheus's avg: a Kahan sum while it stays finite, then an incremental mean.
function accumulateAvg(
  g: number,
  f: number,
  c: number,
  sum: Float64Array,
  comp: Float64Array,
  mean: Float64Array,
  incremental: Uint8Array,
): void {
  if (c === 1) {
    sum[g] = f;
    comp[g] = 0;
    return;
  }
  if (!incremental[g]) {
    const t = sum[g]! + f;
    if (Number.isFinite(t) || Number.isNaN(t)) {
      kahanAddAt(f, sum, comp, g);
      return;
    }
    incremental[g] = 1;
    mean[g] = sum[g]! / (c - 1);
    comp[g] = comp[g]! / (c - 1);
  }
  const m = mean[g]!;
  if (!Number.isFinite(m) && !Number.isNaN(m)) {
    if (!Number.isFinite(f) && !Number.isNaN(f) && m > 0 === f > 0) return;
    if (Number.isFinite(f)) return;
  }
  const current = m + comp[g]!;
  kahanAddAt(f / c - current / c, mean, comp, g);
}

/**
 * The native-histogram side of sum, avg, count and group (the other aggregations take floats
 * only): `out` holds the float results by group, which count and group add to, and which a
 * histogram in the same group and step makes invalid for sum and avg.
 */
function aggregateHistograms(
  node: AggregateExpr,
  q: QueryContext,
  r: StepRange,
  input: HistogramSeries[],
  out: StepSeries[],
  byKey: Map<string, number>,
): HistogramSeries[] | undefined {
  const op = node.op;
  if (op !== 'sum' && op !== 'avg' && op !== 'count' && op !== 'group') return undefined;
  const groupOf = input.map((h) => {
    const labels = node.without
      ? h.labels.without(...NAME_LABELS, ...node.grouping)
      : h.labels.keep(...node.grouping);
    const key = labelsKey(labels);
    let g = byKey.get(key);
    if (g === undefined) {
      g = out.length;
      byKey.set(key, g);
      out.push(newSeries(labels, r.steps, false));
    }
    return g;
  });
  const result = new Map<number, HistogramSeries>();
  for (let k = 0; k < r.steps; k++) {
    const members = new Map<number, FloatHistogram[]>();
    input.forEach((h, i) => {
      const v = h.hists[k];
      if (v === undefined) return;
      const g = groupOf[i]!;
      const list = members.get(g);
      if (list === undefined) members.set(g, [v]);
      else list.push(v);
    });
    for (const [g, list] of members) {
      const o = out[g]!;
      if (op === 'count' || op === 'group') {
        o.values[k] = op === 'group' ? 1 : (o.present[k] ? o.values[k]! : 0) + list.length;
        o.present[k] = 1;
        continue;
      }
      if (o.present[k]) {
        o.present[k] = 0;
        q.warn(`encountered a mix of histograms and floats for aggregation`, node.expr.pos);
        continue;
      }
      let acc: FloatHistogram;
      try {
        acc = sumHistograms(list, () =>
          q.info('mismatched custom buckets were reconciled during aggregation', node.pos),
        );
      } catch (e) {
        if (!(e instanceof HistogramMathError)) throw e;
        const name = input[groupOf.indexOf(g)]?.labels.metricName ?? '';
        q.warn(
          `vector contains a mix of histograms with exponential and custom buckets schemas for metric name "${name}"`,
          node.expr.pos,
        );
        continue;
      }
      acc = op === 'avg' ? scaleHistogram(acc, 1 / list.length) : { ...acc, counterResetHint: 'gauge' };
      let h = result.get(g);
      if (h === undefined) {
        h = { labels: o.labels, hists: new Array(r.steps), dropName: false };
        result.set(g, h);
      }
      h.hists[k] = acc;
    }
  }
  return [...result.values()];
}

async function selectK(
  node: AggregateExpr,
  q: QueryContext,
  r: StepRange,
  series: StepSeries[],
  histograms: HistogramSeries[] | undefined,
): Promise<StepVector> {
  const params = (await evalScalar(node.param!, q, r)).values;
  // limitk and limit_ratio pass histograms too: indices past the floats are histogram series.
  const hs = histograms ?? [];
  const F = series.length;
  const labelsOf = (i: number) => (i < F ? series[i]!.labels : hs[i - F]!.labels);
  const presentAt = (i: number, k: number) =>
    i < F ? series[i]!.present[k] === 1 : hs[i - F]!.hists[k] !== undefined;
  const groupOf = new Map<string, number[]>();
  for (let i = 0; i < F + hs.length; i++) {
    const labels = labelsOf(i);
    const key = labelsKey(
      node.without ? labels.without(...NAME_LABELS, ...node.grouping) : labels.keep(...node.grouping),
    );
    const list = groupOf.get(key);
    if (list === undefined) groupOf.set(key, [i]);
    else list.push(i);
  }
  if (hs.length > 0)
    for (const list of groupOf.values()) list.sort((a, b) => compareLabels(labelsOf(a), labelsOf(b)));
  const out = series.map((s) => newSeries(s.labels, r.steps, s.dropName));
  const hout: HistogramSeries[] = hs.map((h) => ({ ...h, hists: new Array(r.steps) }));
  const order: number[] = [];
  for (let k = 0; k < r.steps; k++) {
    const p = params[k]!;
    if (node.op === 'limit_ratio') {
      if (Number.isNaN(p)) throw new QueryError('execution', 'Ratio value is NaN');
    } else if (Number.isNaN(p)) {
      throw new QueryError('execution', 'Parameter value is NaN');
    }
    let kk = 0;
    let ratio = p;
    if (node.op === 'limit_ratio') {
      if (ratio < -1 || ratio > 1) {
        const capped = ratio < -1 ? -1 : 1;
        q.warn(
          `ratio value should be between -1 and 1, got ${formatNumber(ratio)}, capping to ${capped}`,
          node.param!.pos,
        );
        ratio = capped;
      }
    } else {
      if (Math.abs(p) >= 2 ** 63)
        throw new QueryError('execution', `Scalar value ${formatNumber(p)} overflows int64`);
      kk = Math.trunc(p);
      if (kk < 1) continue;
    }
    for (const idxs of groupOf.values()) {
      const present = idxs.filter((i) => presentAt(i, k));
      let chosen: number[];
      if (node.op === 'limitk') chosen = present.slice(0, kk);
      else if (node.op === 'limit_ratio') chosen = present.filter((i) => inRatio(labelsOf(i), ratio));
      else {
        const top = node.op === 'topk';
        const val = (i: number) => series[i]!.values[k]!;
        chosen = smallest(present, kk, (a, b) => {
          const va = val(a);
          const vb = val(b);
          if (Number.isNaN(va)) return Number.isNaN(vb) ? 0 : 1;
          if (Number.isNaN(vb)) return -1;
          return top ? vb - va : va - vb;
        });
      }
      for (const i of chosen) {
        if (i >= F) {
          hout[i - F]!.hists[k] = hs[i - F]!.hists[k];
          continue;
        }
        out[i]!.values[k] = series[i]!.values[k]!;
        out[i]!.present[k] = 1;
        if (r.steps === 1) order.push(i);
      }
    }
  }
  const chosenHists = hout.filter((h) => h.hists.some((x) => x !== undefined));
  const floats = r.steps === 1 ? order.map((i) => out[i]!) : out.filter((s) => s.present.includes(1));
  return chosenHists.length > 0
    ? { kind: 'vector', series: floats, histograms: chosenHists }
    : { kind: 'vector', series: floats };
}

// As Prometheus's limit_ratio: a series is kept when its label hash (XXH64, as Prometheus's),
// scaled to [0, 1], falls
// below the ratio (or, for a negative ratio, at or above 1 + ratio), so the choice is stable.
// Go converts math.MaxUint64 to float64 as 2^64.
const MAX_UINT64 = 2 ** 64;

function inRatio(labels: Labels, ratio: number): boolean {
  const h = Number(prometheusLabelsHash(labels)) / MAX_UINT64;
  if (ratio >= 0) return h < ratio;
  return h >= 1 + ratio;
}

async function countValues(node: AggregateExpr, r: StepRange, series: StepSeries[]): Promise<StepVector> {
  let p: Expr = node.param!;
  while (p.kind === 'ParenExpr') p = p.expr;
  const label = p.kind === 'StringLiteral' ? p.value : '';
  if (label === '' || !label.isWellFormed())
    throw new QueryError('execution', `invalid label name ${quoteString(label)}`);
  const outByKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  const grouped = series.map((s) => groupLabels(s, node));
  for (let k = 0; k < r.steps; k++) {
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      if (!s.present[k]) continue;
      const b = new LabelsBuilder(grouped[i]!);
      b.set(label, formatNumber(s.values[k]!));
      const labels = b.labels();
      const key = labelsKey(labels);
      let o = outByKey.get(key);
      if (o === undefined) {
        o = newSeries(labels, r.steps, false);
        outByKey.set(key, o);
        out.push(o);
      }
      o.values[k] = (o.present[k] ? o.values[k]! : 0) + 1;
      o.present[k] = 1;
    }
  }
  return { kind: 'vector', series: out };
}

/** The k first items in `cmp` order, stable; a bounded insertion keeps topk(10, ...) linear. */
function smallest(items: number[], k: number, cmp: (a: number, b: number) => number): number[] {
  if (k >= items.length / 4) return items.slice().sort(cmp).slice(0, k);
  const best: number[] = [];
  for (const it of items) {
    if (best.length === k && cmp(it, best[k - 1]!) >= 0) continue;
    let i = best.length;
    while (i > 0 && cmp(it, best[i - 1]!) < 0) i--;
    best.splice(i, 0, it);
    if (best.length > k) best.pop();
  }
  return best;
}
