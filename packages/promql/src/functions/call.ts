import { Labels, METRIC_NAME } from '@pyrometer/model';
import { type QueryContext, type StepRange, stepTime } from '../engine/context.ts';
import {
  dropNameOf,
  evalRangeArg,
  evalScalar,
  evalVector,
  labelsKey,
  mergeSameLabelSets,
} from '../engine/evaluator.ts';
import { evalVectorSelector, forEachWindow } from '../engine/selectors.ts';
import { type Evaluated, newSeries, QueryError, type StepVector } from '../engine/values.ts';
import type { Call, Expr } from '../parser/ast.ts';
import { stringArg, unparen } from './args.ts';
import {
  evalHistogramFraction,
  evalHistogramQuantile,
  evalHistogramQuantiles,
  fromHistograms,
  HISTOGRAM_PROPERTIES,
} from './histogram-calls.ts';
import { evalInfo } from './info.ts';
import { DATE_FUNCTIONS, ELEMENTWISE, naturalCompare } from './instant.ts';
import { labelJoiner, labelReplacer } from './labels.ts';
import { WINDOW_FUNCTIONS } from './range.ts';
import { evalWindowFunction } from './window-call.ts';

function scalarColumn(r: StepRange, fn: (t: number) => number): Evaluated {
  const values = new Float64Array(r.steps);
  for (let k = 0; k < r.steps; k++) values[k] = fn(stepTime(r, k));
  return { kind: 'scalar', values };
}

function mapVector(
  q: QueryContext,
  v: StepVector,
  fn: (x: number, k: number) => number,
  drop = true,
): StepVector {
  return {
    kind: 'vector',
    series: v.series.map((s) => {
      const values = new Float64Array(s.values.length);
      for (let k = 0; k < values.length; k++) if (s.present[k]) values[k] = fn(s.values[k]!, k);
      const out = { ...s, values };
      return drop ? dropNameOf(q, out) : out;
    }),
  };
}

export async function evalCall(node: Call, q: QueryContext, r: StepRange): Promise<Evaluated> {
  const name = node.func;
  const args = node.args;
  const window = WINDOW_FUNCTIONS[name];
  if (window !== undefined) return evalWindowFunction(node, q, r);
  const elementwise = ELEMENTWISE[name];
  if (elementwise !== undefined) return mapVector(q, await evalVector(args[0]!, q, r), elementwise);
  const date = DATE_FUNCTIONS[name];
  if (date !== undefined) {
    const v: StepVector = args.length === 0 ? vectorOfTime(r) : await evalVector(args[0]!, q, r);
    return mapVector(q, v, (x) => (Number.isFinite(x) ? date(new Date(Math.trunc(x) * 1000)) : Number.NaN));
  }
  switch (name) {
    case 'time':
      return scalarColumn(r, (t) => t / 1000);
    case 'pi':
      return scalarColumn(r, () => Math.PI);
    case 'start':
      return scalarColumn(r, () => q.queryStart / 1000);
    case 'end':
      return scalarColumn(r, () => q.queryEnd / 1000);
    case 'step':
      return scalarColumn(r, () => q.queryStep / 1000);
    case 'range':
      return scalarColumn(r, () => (q.queryEnd - q.queryStart) / 1000);
    case 'min_of':
    case 'max_of': {
      const a = (await evalScalar(args[0]!, q, r)).values;
      const b = (await evalScalar(args[1]!, q, r)).values;
      const f = name === 'min_of' ? Math.min : Math.max;
      return { kind: 'scalar', values: a.map((x, k) => f(x, b[k]!)) };
    }
    case 'vector': {
      const s = await evalScalar(args[0]!, q, r);
      return {
        kind: 'vector',
        series: [
          {
            labels: Labels.EMPTY,
            values: s.values,
            present: new Uint8Array(r.steps).fill(1),
            dropName: false,
          },
        ],
      };
    }
    case 'scalar': {
      const v = await evalVector(args[0]!, q, r);
      const values = new Float64Array(r.steps);
      for (let k = 0; k < r.steps; k++) {
        let n = 0;
        let val = Number.NaN;
        for (const s of v.series) {
          if (s.present[k]) {
            n++;
            val = s.values[k]!;
          }
        }
        values[k] = n === 1 ? val : Number.NaN;
      }
      return { kind: 'scalar', values };
    }
    case 'timestamp': {
      const arg = unparen(args[0]!);
      if (arg.kind === 'VectorSelector') {
        const v = await evalVectorSelector(arg, q, r, true);
        return { kind: 'vector', series: v.series.map((s) => dropNameOf(q, s)) };
      }
      const v = await evalVector(arg, q, r);
      return mapVector(q, v, (_x, k) => stepTime(r, k) / 1000);
    }
    case 'clamp':
    case 'clamp_min':
    case 'clamp_max': {
      const v = await evalVector(args[0]!, q, r);
      const lo = name === 'clamp_max' ? undefined : (await evalScalar(args[1]!, q, r)).values;
      const hi =
        name === 'clamp'
          ? (await evalScalar(args[2]!, q, r)).values
          : name === 'clamp_max'
            ? (await evalScalar(args[1]!, q, r)).values
            : undefined;
      const out = mapVector(q, v, (x, k) => {
        let y = x;
        if (hi !== undefined) y = Number.isNaN(hi[k]!) || Number.isNaN(y) ? Number.NaN : Math.min(hi[k]!, y);
        if (lo !== undefined) y = Number.isNaN(lo[k]!) || Number.isNaN(y) ? Number.NaN : Math.max(lo[k]!, y);
        return y;
      });
      if (name === 'clamp') {
        // As Prometheus: clamp with max < min returns nothing at that step.
        for (const s of out.series) {
          for (let k = 0; k < r.steps; k++) if (hi![k]! < lo![k]!) s.present[k] = 0;
        }
      }
      return out;
    }
    case 'round': {
      const v = await evalVector(args[0]!, q, r);
      const to =
        args.length > 1 ? (await evalScalar(args[1]!, q, r)).values : new Float64Array(r.steps).fill(1);
      return mapVector(q, v, (x, k) => {
        const inv = 1 / to[k]!;
        return Math.floor(x * inv + 0.5) / inv;
      });
    }
    case 'absent':
      return evalAbsent(node, q, r);
    case 'absent_over_time':
      return evalAbsentOverTime(node, q, r);
    case 'sort':
    case 'sort_desc':
      return sortVector(node, q, r, await evalVector(args[0]!, q, r));
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return sortByLabel(node, q, r, await evalVector(args[0]!, q, r));
    case 'label_replace': {
      const v = await evalVector(args[0]!, q, r);
      const dst = stringArg(args[1]!);
      const fn = labelReplacer(dst, stringArg(args[2]!), stringArg(args[3]!), stringArg(args[4]!));
      return mergeSameLabelSets(relabel(v, fn, dst), r.steps);
    }
    case 'label_join': {
      const v = await evalVector(args[0]!, q, r);
      const dst = stringArg(args[1]!);
      const fn = labelJoiner(dst, stringArg(args[2]!), args.slice(3).map(stringArg));
      return mergeSameLabelSets(relabel(v, fn, dst), r.steps);
    }
    case 'histogram_quantile':
      return evalHistogramQuantile(node, q, r);
    case 'histogram_fraction':
      return evalHistogramFraction(node, q, r);
    case 'histogram_quantiles':
      return evalHistogramQuantiles(node, q, r);
    case 'info':
      return evalInfo(node, q, r);
    case 'histogram_avg':
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_stddev':
    case 'histogram_stdvar': {
      // These read native histograms only; float samples are left out, as in Prometheus.
      const v = await evalVector(args[0]!, q, r);
      const fn = HISTOGRAM_PROPERTIES[name]!;
      return { kind: 'vector', series: fromHistograms(q, v, r, (h) => fn(h)) };
    }
    default:
      throw new QueryError('execution', `function "${name}" is not supported yet`);
  }
}

function vectorOfTime(r: StepRange): StepVector {
  const values = new Float64Array(r.steps);
  for (let k = 0; k < r.steps; k++) values[k] = stepTime(r, k) / 1000;
  return {
    kind: 'vector',
    series: [{ labels: Labels.EMPTY, values, present: new Uint8Array(r.steps).fill(1), dropName: false }],
  };
}

function relabel(v: StepVector, fn: (l: Labels) => Labels, dst: string): StepVector {
  const out: StepVector = {
    kind: 'vector',
    series: v.series.map((s) => ({
      ...s,
      labels: fn(s.labels),
      dropName: s.dropName && dst !== METRIC_NAME,
    })),
  };
  if (v.histograms !== undefined) {
    out.histograms = v.histograms.map((h) => ({
      ...h,
      labels: fn(h.labels),
      dropName: h.dropName && dst !== METRIC_NAME,
    }));
  }
  return out;
}

// The labels absent() gives its output: those of the selector's equality matchers (a label
// matched twice is left out), as Prometheus's createLabelsForAbsentFunction.
function absentLabels(e: Expr): Labels {
  const n = unparen(e);
  const sel = n.kind === 'VectorSelector' ? n : n.kind === 'MatrixSelector' ? n.selector : undefined;
  if (sel === undefined) return Labels.EMPTY;
  const seen = new Map<string, string | undefined>();
  for (const m of sel.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (seen.has(m.name)) {
      seen.set(m.name, undefined);
      continue;
    }
    seen.set(m.name, m.type === '=' ? m.value : undefined);
  }
  const pairs: [string, string][] = [];
  for (const [k, v] of seen) if (v !== undefined) pairs.push([k, v]);
  return Labels.from(pairs);
}

async function evalAbsent(node: Call, q: QueryContext, r: StepRange): Promise<StepVector> {
  const v = await evalVector(node.args[0]!, q, r);
  const o = newSeries(absentLabels(node.args[0]!), r.steps, false);
  for (let k = 0; k < r.steps; k++) {
    if (!v.series.some((s) => s.present[k])) {
      o.values[k] = 1;
      o.present[k] = 1;
    }
  }
  return { kind: 'vector', series: o.present.includes(1) ? [o] : [] };
}

async function evalAbsentOverTime(node: Call, q: QueryContext, r: StepRange): Promise<StepVector> {
  const m = await evalRangeArg(node.args[0]!, q, r);
  const seen = new Uint8Array(r.steps);
  for (const s of m.series) {
    forEachWindow(s, m, (k, lo, hi) => {
      if (hi > lo) seen[k] = 1;
    });
  }
  const o = newSeries(absentLabels(node.args[0]!), r.steps, false);
  for (let k = 0; k < r.steps; k++) {
    if (!seen[k]) {
      o.values[k] = 1;
      o.present[k] = 1;
    }
  }
  return { kind: 'vector', series: o.present.includes(1) ? [o] : [] };
}

function sortVector(node: Call, q: QueryContext, r: StepRange, v: StepVector): StepVector {
  if (r.steps !== 1) {
    q.warn('sort is ineffective for range queries since results are always ordered by labels', node.pos);
    return v;
  }
  const desc = node.func === 'sort_desc';
  const series = v.series.filter((s) => s.present[0]);
  series.sort((a, b) => {
    const x = a.values[0]!;
    const y = b.values[0]!;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return desc ? y - x : x - y;
  });
  return { kind: 'vector', series };
}

function sortByLabel(node: Call, q: QueryContext, r: StepRange, v: StepVector): StepVector {
  if (r.steps !== 1) {
    q.warn('sort is ineffective for range queries since results are always ordered by labels', node.pos);
    return v;
  }
  const names = node.args.slice(1).map(stringArg);
  const desc = node.func === 'sort_by_label_desc';
  const series = v.series.slice();
  series.sort((a, b) => {
    let c = 0;
    for (const n of names) {
      const x = a.labels.get(n);
      const y = b.labels.get(n);
      if (x === y) continue;
      c = naturalCompare(x, y);
      break;
    }
    if (c === 0)
      c = labelsKey(a.labels) < labelsKey(b.labels) ? -1 : labelsKey(a.labels) > labelsKey(b.labels) ? 1 : 0;
    return desc ? -c : c;
  });
  return { kind: 'vector', series };
}
