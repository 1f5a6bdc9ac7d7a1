import { type FloatHistogram, Labels } from '@pyrometer/model';
import { evalCall } from '../functions/call.ts';
import type { Expr, SubqueryExpr } from '../parser/ast.ts';
import { children } from '../parser/parser.ts';
import { evalAggregate } from './aggregate.ts';
import { evalBinary } from './binary.ts';
import { type QueryContext, type StepRange, stepRange, stepTime } from './context.ts';
import { scaleHistogram } from './histogram-math.ts';
import { withoutName } from './names.ts';
import { effectiveTimes, evalMatrixSelector, evalVectorSelector } from './selectors.ts';
import {
  type Evaluated,
  newSeries,
  QueryError,
  type RangeValue,
  type RawSeries,
  type StepScalar,
  type StepSeries,
  type StepVector,
} from './values.ts';

/** Evaluates `node` at every step of `r`. */
export async function evaluate(node: Expr, q: QueryContext, r: StepRange): Promise<Evaluated> {
  q.check();
  if (r.steps > 1 && isStepInvariant(node)) {
    return broadcast(await evaluateAt(node, q, stepRange(r.start, r.start, 0)), r.steps);
  }
  return evaluateAt(node, q, r);
}

// As Prometheus's step-invariant optimisation: an expression whose selectors are all pinned
// with `@` gives the same answer at every step, so a range query evaluates it once.
const invariance = new WeakMap<Expr, boolean>();
const TIME_FUNCTIONS = new Set(['time', 'predict_linear', 'timestamp']);
const DATE_FUNCTIONS = new Set([
  'minute',
  'hour',
  'day_of_week',
  'day_of_month',
  'day_of_year',
  'days_in_month',
  'month',
  'year',
]);

function isStepInvariant(node: Expr): boolean {
  const cached = invariance.get(node);
  if (cached !== undefined) return cached;
  let result: boolean;
  switch (node.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'MatrixSelector':
    case 'SubqueryExpr':
      // Literals are cheap already; ranges are evaluated by the function around them.
      result = false;
      break;
    case 'VectorSelector':
      result = node.at !== undefined;
      break;
    default: {
      if (node.kind === 'Call') {
        // timestamp() of a pinned selector is its sample's time; of anything else, the step's.
        if (TIME_FUNCTIONS.has(node.func) && !(node.func === 'timestamp' && pinnedSelector(node.args[0]!))) {
          return false;
        }
        if (DATE_FUNCTIONS.has(node.func) && node.args.length === 0) return false;
      }
      const kids = children(node);
      result =
        kids.length > 0 &&
        kids.every((c) => c.kind === 'NumberLiteral' || c.kind === 'StringLiteral' || pinned(c));
    }
  }
  invariance.set(node, result);
  return result;
}

function pinnedSelector(e: Expr): boolean {
  let n = e;
  while (n.kind === 'ParenExpr') n = n.expr;
  return n.kind === 'VectorSelector' && n.at !== undefined;
}

function pinned(e: Expr): boolean {
  if (e.kind === 'MatrixSelector') return e.selector.at !== undefined;
  if (e.kind === 'SubqueryExpr') return e.at !== undefined;
  return isStepInvariant(e);
}

function broadcast(v: Evaluated, steps: number): Evaluated {
  if (v.kind === 'scalar') return { kind: 'scalar', values: new Float64Array(steps).fill(v.values[0]!) };
  if (v.kind !== 'vector') return v;
  const out: StepVector = {
    kind: 'vector',
    series: v.series.map((s) => ({
      ...s,
      values: new Float64Array(steps).fill(s.values[0]!),
      present: new Uint8Array(steps).fill(s.present[0]!),
    })),
  };
  if (v.histograms !== undefined) {
    out.histograms = v.histograms.map((h) => ({ ...h, hists: new Array(steps).fill(h.hists[0]) }));
  }
  return out;
}

async function evaluateAt(node: Expr, q: QueryContext, r: StepRange): Promise<Evaluated> {
  switch (node.kind) {
    case 'NumberLiteral':
      return { kind: 'scalar', values: new Float64Array(r.steps).fill(node.value) };
    case 'StringLiteral':
      return { kind: 'string', value: node.value };
    case 'ParenExpr':
      return evaluate(node.expr, q, r);
    case 'VectorSelector':
      return evalVectorSelector(node, q, r);
    case 'MatrixSelector':
      return evalMatrixSelector(node, q, r);
    case 'SubqueryExpr':
      return evalSubquery(node, q, r);
    case 'UnaryExpr': {
      const v = await evaluate(node.expr, q, r);
      if (node.op === '+') return v;
      if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => -x) };
      const vec = v as StepVector;
      const out: StepVector = {
        kind: 'vector',
        series: vec.series.map((s) => dropNameOf(q, { ...s, values: s.values.map((x) => -x) })),
      };
      if (vec.histograms !== undefined) {
        out.histograms = vec.histograms.map((h) => ({
          labels: q.settings.delayedNameRemoval ? h.labels : withoutName(h.labels),
          dropName: q.settings.delayedNameRemoval,
          hists: h.hists.map((x) => (x === undefined ? undefined : scaleHistogram(x, -1))),
        }));
      }
      return out;
    }
    case 'BinaryExpr':
      return evalBinary(node, q, r);
    case 'AggregateExpr':
      return evalAggregate(node, q, r);
    case 'Call':
      return evalCall(node, q, r);
  }
}

export async function evalVector(node: Expr, q: QueryContext, r: StepRange): Promise<StepVector> {
  const v = await evaluate(node, q, r);
  if (v.kind !== 'vector') throw new QueryError('execution', `expected instant vector, got ${v.kind}`);
  return v;
}

export async function evalScalar(node: Expr, q: QueryContext, r: StepRange): Promise<StepScalar> {
  const v = await evaluate(node, q, r);
  if (v.kind !== 'scalar') throw new QueryError('execution', `expected scalar, got ${v.kind}`);
  return v;
}

export async function evalRangeArg(node: Expr, q: QueryContext, r: StepRange): Promise<RangeValue> {
  let n = node;
  while (n.kind === 'ParenExpr') n = n.expr;
  const v = await evaluate(n, q, r);
  if (v.kind !== 'matrix') throw new QueryError('execution', `expected range vector, got ${v.kind}`);
  return v;
}

/**
 * A subquery runs its expression as a range query whose steps are aligned to multiples of the
 * subquery step, strictly after the window start, as Prometheus does.
 */
async function evalSubquery(node: SubqueryExpr, q: QueryContext, r: StepRange): Promise<RangeValue> {
  const offset = node.offset === undefined ? 0 : q.durationMs(node.offset);
  const range = q.durationMs(node.range);
  const step = node.step === undefined ? q.settings.noStepSubqueryInterval : q.durationMs(node.step);
  if (step <= 0) throw new QueryError('execution', 'subquery step must be greater than 0');
  const windowEnds = effectiveTimes(q, r, node.at, offset);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of windowEnds) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const from = lo - range;
  let start = step * Math.trunc(from / step);
  if (start <= from) start += step;
  const series: RawSeries[] = [];
  if (start <= hi) {
    const inner = stepRange(start, hi, step);
    const v = await evaluate(node.expr, q, inner);
    if (v.kind === 'vector') {
      const byKey = new Map<string, RawSeries>();
      for (const s of v.series) {
        const raw = toRaw(s, inner);
        byKey.set(`${labelsKey(s.labels)}\u0000${s.dropName}`, raw);
        series.push(raw);
      }
      // Histogram points join the float points of the same series, or make a series of their own.
      for (const h of v.histograms ?? []) {
        const key = `${labelsKey(h.labels)}\u0000${h.dropName}`;
        let raw = byKey.get(key);
        if (raw === undefined) {
          raw = {
            labels: h.labels,
            ts: new Float64Array(0),
            vs: new Float64Array(0),
            length: 0,
            dropName: h.dropName,
          };
          byKey.set(key, raw);
          series.push(raw);
        }
        const hts: number[] = [];
        const hvs: FloatHistogram[] = [];
        for (let k = 0; k < inner.steps; k++) {
          const x = h.hists[k];
          if (x === undefined) continue;
          hts.push(stepTime(inner, k));
          hvs.push(x);
        }
        raw.hts = hts;
        raw.hvs = hvs;
      }
    } else if (v.kind === 'scalar') {
      series.push(
        toRaw(
          {
            ...newSeries(Labels.EMPTY, inner.steps, false),
            values: v.values,
            present: new Uint8Array(inner.steps).fill(1),
          },
          inner,
        ),
      );
    }
  }
  return { kind: 'matrix', series, windowEnds, range };
}

function toRaw(s: StepSeries, r: StepRange): RawSeries {
  let n = 0;
  for (let k = 0; k < r.steps; k++) n += s.present[k]!;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let j = 0;
  for (let k = 0; k < r.steps; k++) {
    if (s.present[k] === 0) continue;
    ts[j] = stepTime(r, k);
    vs[j] = s.values[k]!;
    j++;
  }
  return { labels: s.labels, ts, vs, length: n, dropName: s.dropName };
}

/**
 * Marks a series' metric name for removal: with delayed name removal the name stays until the
 * query ends (so `label_replace` can still read it), otherwise it goes now.
 */
export function dropNameOf(q: QueryContext, s: StepSeries): StepSeries {
  if (q.settings.delayedNameRemoval) return { ...s, dropName: true };
  return { ...s, labels: withoutName(s.labels), dropName: false };
}

/**
 * Removes names marked for removal and joins series that now share a label set; two values
 * for one label set at one step is Prometheus's "same labelset" error.
 */
export function finishVector(v: StepVector, steps: number): StepVector {
  return joinSameLabels(v, steps, (s) => ({
    ...s,
    labels: s.dropName ? withoutName(s.labels) : s.labels,
    dropName: false,
  }));
}

/**
 * Joins series that share a label set (names pending removal kept as they are), as
 * Prometheus 3 does after label_replace and label_join: the results merge, and two values
 * at one step are the "same labelset" error — also when an aggregation consumes them.
 */
export function mergeSameLabelSets(v: StepVector, steps: number): StepVector {
  return joinSameLabels(v, steps, (s) => ({ ...s }));
}

function joinSameLabels(v: StepVector, steps: number, prepare: (s: StepSeries) => StepSeries): StepVector {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of v.series) {
    const ns = prepare(s);
    const key = labelsKey(ns.labels);
    const prev = byKey.get(key);
    if (prev === undefined) {
      byKey.set(key, ns);
      out.push(ns);
      continue;
    }
    const values = new Float64Array(prev.values);
    const present = new Uint8Array(prev.present);
    for (let k = 0; k < steps; k++) {
      if (ns.present[k] === 0) continue;
      if (present[k] === 1)
        throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
      present[k] = 1;
      values[k] = ns.values[k]!;
    }
    prev.values = values;
    prev.present = present;
  }
  return { ...v, kind: 'vector', series: out };
}

/** A string key that identifies a label set exactly. */
export function labelsKey(labels: { flat(): readonly string[] }): string {
  return labels.flat().join('\u00ff');
}
