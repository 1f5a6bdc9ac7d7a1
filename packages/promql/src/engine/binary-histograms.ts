import { type FloatHistogram, type Labels, METRIC_NAME } from '@pyrometer/model';
import type { BinaryExpr, BinaryOp, PosRange, VectorMatching } from '../parser/ast.ts';
import type { QueryContext, StepRange } from './context.ts';
import {
  addHistograms,
  HistogramMathError,
  histogramsEqual,
  scaleHistogram,
  trimHistogram,
} from './histogram-math.ts';
import { NAME_LABELS } from './names.ts';
import { type HistogramSeries, newSeries, type StepSeries, type StepVector } from './values.ts';

// The native-histogram side of binary operators: histograms scale by floats (`*`, `/`) and
// add to or subtract from each other (`+`, `-`); comparisons and other arithmetic drop them,
// as in Prometheus. Set operators pass them through like floats.

function isSet(op: BinaryOp): boolean {
  return op === 'and' || op === 'or' || op === 'unless';
}

function column(labels: Labels, steps: number, dropName: boolean): HistogramSeries {
  return { labels, hists: new Array(steps), dropName };
}

function markDrop(q: QueryContext, h: HistogramSeries): HistogramSeries {
  if (q.settings.delayedNameRemoval) return { ...h, dropName: true };
  return { ...h, labels: h.labels.without(...NAME_LABELS), dropName: false };
}

/** `hist op scalar` or `scalar op hist`. */
export function histogramScalar(
  op: BinaryOp,
  q: QueryContext,
  r: StepRange,
  vec: StepVector,
  scalar: Float64Array,
  scalarLeft: boolean,
  pos: PosRange,
): HistogramSeries[] {
  if ((op === '</' || op === '>/') && !scalarLeft) {
    return (vec.histograms ?? []).map((h) => ({
      ...h,
      hists: h.hists.map((x, k) => (x === undefined ? undefined : trimHistogram(x, scalar[k]!, op === '>/'))),
    }));
  }
  if (op !== '*' && !(op === '/' && !scalarLeft)) {
    if ((vec.histograms ?? []).length > 0 && !isSet(op)) {
      const [a, b] = scalarLeft ? ['float', 'histogram'] : ['histogram', 'float'];
      q.info(`incompatible sample types encountered for binary operator "${op}": ${a} ${op} ${b}`, pos);
    }
    return [];
  }
  const out: HistogramSeries[] = [];
  for (const h of vec.histograms ?? []) {
    const o = column(h.labels, r.steps, h.dropName);
    for (let k = 0; k < r.steps; k++) {
      const v = h.hists[k];
      if (v === undefined) continue;
      o.hists[k] = scaleHistogram(v, op === '*' ? scalar[k]! : 1 / scalar[k]!);
    }
    out.push(markDrop(q, o));
  }
  return out;
}

type Side = { labels: Labels; float?: number; hist?: FloatHistogram };

/** Pairs with a histogram on either side, matched one-to-one on the signature. */
export function histogramVector(
  node: BinaryExpr,
  m: VectorMatching,
  q: QueryContext,
  r: StepRange,
  lhs: StepVector,
  rhs: StepVector,
  signature: (l: Labels, m: VectorMatching) => string,
): { hists: HistogramSeries[]; floats: StepSeries[] } {
  const op = node.op;
  const floats = new Map<string, StepSeries>();
  if (lhs.histograms === undefined && rhs.histograms === undefined) return { hists: [], floats: [] };
  if (m.card !== 'one-to-one') return { hists: [], floats: [] };
  const out = new Map<string, HistogramSeries>();
  const equality = op === '==' || op === '!=';
  for (let k = 0; k < r.steps; k++) {
    const right = new Map<string, Side>();
    for (const s of rhs.series)
      if (s.present[k]) right.set(signature(s.labels, m), { labels: s.labels, float: s.values[k]! });
    for (const h of rhs.histograms ?? []) {
      const v = h.hists[k];
      if (v !== undefined) right.set(signature(h.labels, m), { labels: h.labels, hist: v });
    }
    const left: Side[] = [];
    for (const s of lhs.series) if (s.present[k]) left.push({ labels: s.labels, float: s.values[k]! });
    for (const h of lhs.histograms ?? []) {
      const v = h.hists[k];
      if (v !== undefined) left.push({ labels: h.labels, hist: v });
    }
    for (const l of left) {
      const rr = right.get(signature(l.labels, m));
      if (rr === undefined || (l.hist === undefined && rr.hist === undefined)) continue;
      let result: FloatHistogram | undefined;
      let boolResult: number | undefined;
      try {
        if (l.hist !== undefined && rr.hist !== undefined && equality) {
          const hit = histogramsEqual(l.hist, rr.hist) === (op === '==');
          if (node.returnBool) boolResult = hit ? 1 : 0;
          else if (hit) result = l.hist;
        } else if (l.hist !== undefined && rr.hist !== undefined) {
          if (op === '+' || op === '-') {
            const what = op === '+' ? 'addition' : 'subtraction';
            result = addHistograms(l.hist, rr.hist, op === '+' ? 1 : -1, () =>
              q.info(`mismatched custom buckets were reconciled during ${what}`, node.pos),
            );
          }
        } else if (l.hist !== undefined && rr.float !== undefined) {
          if (op === '</' || op === '>/') result = trimHistogram(l.hist, rr.float, op === '>/');
          if (op === '*') result = scaleHistogram(l.hist, rr.float);
          if (op === '/') result = scaleHistogram(l.hist, 1 / rr.float);
        } else if (l.float !== undefined && rr.hist !== undefined && op === '*') {
          result = scaleHistogram(rr.hist, l.float);
        }
      } catch (e) {
        if (!(e instanceof HistogramMathError)) throw e;
        q.warn(
          `vector contains a mix of histograms with exponential and custom buckets schemas for metric name "${l.labels.metricName}"`,
          node.pos,
        );
      }
      if (result === undefined && boolResult === undefined) {
        if (!(l.hist !== undefined && rr.hist !== undefined && equality)) {
          const a = l.hist === undefined ? 'float' : 'histogram';
          const c = rr.hist === undefined ? 'float' : 'histogram';
          q.info(
            `incompatible sample types encountered for binary operator "${op}": ${a} ${op} ${c}`,
            node.pos,
          );
        }
        continue;
      }
      const keepName = (equality && !node.returnBool) || op === '</' || op === '>/';
      const b = l.labels.builder();
      if (!q.settings.delayedNameRemoval && !keepName) b.delete(...NAME_LABELS);
      if (m.on) b.keep(...m.labels);
      else b.delete(...m.labels);
      const labels = b.labels();
      const key = labels.flat().join('\u00ff');
      const dropName = !keepName && q.settings.delayedNameRemoval && labels.has(METRIC_NAME);
      if (boolResult !== undefined) {
        let f = floats.get(key);
        if (f === undefined) {
          f = newSeries(labels, r.steps, dropName);
          floats.set(key, f);
        }
        f.values[k] = boolResult;
        f.present[k] = 1;
        continue;
      }
      let o = out.get(key);
      if (o === undefined) {
        o = column(labels, r.steps, dropName);
        out.set(key, o);
      }
      o.hists[k] = result;
    }
  }
  return { hists: [...out.values()], floats: [...floats.values()] };
}

/** `and`, `or`, `unless` for the histogram series of both sides. */
export function histogramSetOperation(
  op: BinaryOp,
  m: VectorMatching,
  r: StepRange,
  lhs: StepVector,
  rhs: StepVector,
  signature: (l: Labels, m: VectorMatching) => string,
): HistogramSeries[] {
  if (lhs.histograms === undefined && rhs.histograms === undefined) return [];
  const sigsAt = (v: StepVector, k: number) => {
    const set = new Set<string>();
    for (const s of v.series) if (s.present[k]) set.add(signature(s.labels, m));
    for (const h of v.histograms ?? []) if (h.hists[k] !== undefined) set.add(signature(h.labels, m));
    return set;
  };
  const out: HistogramSeries[] = [];
  const keepLeft = (lhs.histograms ?? []).map((h) => ({ ...h, hists: h.hists.slice() }));
  const keepRight = op === 'or' ? (rhs.histograms ?? []).map((h) => ({ ...h, hists: h.hists.slice() })) : [];
  for (let k = 0; k < r.steps; k++) {
    const right = sigsAt(rhs, k);
    const left = sigsAt(lhs, k);
    for (const h of keepLeft) {
      if (h.hists[k] === undefined) continue;
      const has = right.has(signature(h.labels, m));
      if ((op === 'and' && !has) || (op === 'unless' && has)) h.hists[k] = undefined;
    }
    for (const h of keepRight)
      if (h.hists[k] !== undefined && left.has(signature(h.labels, m))) h.hists[k] = undefined;
  }
  for (const h of [...keepLeft, ...keepRight]) if (h.hists.some((x) => x !== undefined)) out.push(h);
  return out;
}
