import { type Labels, METRIC_NAME } from '@pyrometer/model';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../parser/ast.ts';
import { isComparison, isSetOperator } from '../parser/parser.ts';
import { histogramScalar, histogramSetOperation, histogramVector } from './binary-histograms.ts';
import type { QueryContext, StepRange } from './context.ts';
import { evaluate, labelsKey } from './evaluator.ts';
import { formatLabels } from './format.ts';
import { NAME_LABELS, withoutName } from './names.ts';
import {
  type Evaluated,
  type HistogramSeries,
  newSeries,
  QueryError,
  type StepSeries,
  type StepVector,
} from './values.ts';

/** Go's math.Pow where it differs from `**`: 1^y and (-1)^±Inf are 1. */
function pow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  return x ** y;
}

/** The arithmetic result of `op`, or for comparisons 1/0 for true/false. */
export function arith(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return pow(a, b);
    case 'atan2':
      return Math.atan2(a, b);
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    default:
      throw new QueryError('execution', `operator "${op}" not allowed for scalar operations`);
  }
}

export async function evalBinary(node: BinaryExpr, q: QueryContext, r: StepRange): Promise<Evaluated> {
  const lhs = await evaluate(node.lhs, q, r);
  const rhs = await evaluate(node.rhs, q, r);
  const op = node.op;
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const values = new Float64Array(r.steps);
    for (let k = 0; k < r.steps; k++) values[k] = arith(op, lhs.values[k]!, rhs.values[k]!);
    return { kind: 'scalar', values };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') {
    const hists = histogramScalar(op, q, r, lhs, rhs.values, false, node.pos);
    return withHistograms(vectorScalar(node, q, r, lhs, rhs.values, false), hists);
  }
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') {
    const hists = histogramScalar(op, q, r, rhs, lhs.values, true, node.pos);
    return withHistograms(vectorScalar(node, q, r, rhs, lhs.values, true), hists);
  }
  if (lhs.kind !== 'vector' || rhs.kind !== 'vector') {
    throw new QueryError('execution', 'binary expression must contain only scalar and instant vector types');
  }
  const matching = node.matching ?? {
    card: 'one-to-one',
    on: false,
    labels: [],
    include: [],
    explicit: false,
  };
  if (isSetOperator(op)) {
    const hists = histogramSetOperation(op, matching, r, lhs, rhs, signature);
    return withHistograms(setOperation(op, matching, lhs, rhs, r), hists);
  }
  const hv = histogramVector(node, matching, q, r, lhs, rhs, signature);
  const fv = vectorVector(node, matching, q, r, lhs, rhs);
  if (hv.floats.length > 0) fv.series.push(...hv.floats);
  return withHistograms(fv, hv.hists);
}

function withHistograms(v: StepVector, hists: HistogramSeries[]): StepVector {
  return hists.length === 0 ? v : { ...v, histograms: hists };
}

function dropsName(node: BinaryExpr): boolean {
  return !isComparison(node.op) || node.returnBool;
}

function vectorScalar(
  node: BinaryExpr,
  q: QueryContext,
  r: StepRange,
  vec: StepVector,
  scalar: Float64Array,
  scalarLeft: boolean,
): StepVector {
  const op = node.op;
  // The trim operators act on native histograms only; float samples do not pass through.
  if (op === '</' || op === '>/') return { kind: 'vector', series: [] };
  const cmp = isComparison(op);
  const drop = dropsName(node);
  const out: StepSeries[] = [];
  for (const s of vec.series) {
    const o = newSeries(s.labels, r.steps, s.dropName);
    let any = false;
    for (let k = 0; k < r.steps; k++) {
      if (s.present[k] === 0) continue;
      const v = s.values[k]!;
      const sv = scalar[k]!;
      const res = scalarLeft ? arith(op, sv, v) : arith(op, v, sv);
      let value = res;
      if (cmp) {
        if (node.returnBool) value = res;
        else if (res === 0) continue;
        else value = v;
      }
      o.values[k] = value;
      o.present[k] = 1;
      any = true;
    }
    if (any) out.push(drop ? markDrop(q, o) : o);
  }
  return { kind: 'vector', series: out };
}

function markDrop(q: QueryContext, s: StepSeries): StepSeries {
  if (q.settings.delayedNameRemoval) {
    s.dropName = true;
    return s;
  }
  s.labels = withoutName(s.labels);
  return s;
}

/** The key two series match on: the `on` labels, or all but the `ignoring` ones and the name. */
export function signature(labels: Labels, m: VectorMatching): string {
  const flat = labels.flat();
  const parts: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    const keep = m.on ? m.labels.includes(name) : name !== METRIC_NAME && !m.labels.includes(name);
    if (keep) parts.push(name, flat[i + 1]!);
  }
  return parts.join('\u00ff');
}

function matchLabels(labels: Labels, m: VectorMatching): Labels {
  return m.on ? labels.keep(...m.labels) : labels.without(METRIC_NAME, ...m.labels);
}

function setOperation(
  op: BinaryOp,
  m: VectorMatching,
  lhs: StepVector,
  rhs: StepVector,
  r: StepRange,
): StepVector {
  const lsig = lhs.series.map((s) => signature(s.labels, m));
  const rsig = rhs.series.map((s) => signature(s.labels, m));
  const out: StepSeries[] = [];
  const keepL = lhs.series.map((s) => ({ ...s, values: s.values.slice(), present: s.present.slice() }));
  const keepR = rhs.series.map((s) => ({ ...s, values: s.values.slice(), present: s.present.slice() }));
  for (let k = 0; k < r.steps; k++) {
    const rset = new Set<string>();
    for (let i = 0; i < rhs.series.length; i++) if (rhs.series[i]!.present[k]) rset.add(rsig[i]!);
    const lset = new Set<string>();
    for (let i = 0; i < lhs.series.length; i++) if (lhs.series[i]!.present[k]) lset.add(lsig[i]!);
    for (let i = 0; i < keepL.length; i++) {
      const s = keepL[i]!;
      if (!s.present[k]) continue;
      if (op === 'and' && !rset.has(lsig[i]!)) s.present[k] = 0;
      if (op === 'unless' && rset.has(lsig[i]!)) s.present[k] = 0;
    }
    if (op === 'or') {
      for (let i = 0; i < keepR.length; i++) {
        const s = keepR[i]!;
        if (s.present[k] && lset.has(rsig[i]!)) s.present[k] = 0;
      }
    }
  }
  for (const s of keepL) if (s.present.includes(1)) out.push(s);
  if (op === 'or') for (const s of keepR) if (s.present.includes(1)) out.push(s);
  return { kind: 'vector', series: out };
}

function vectorVector(
  node: BinaryExpr,
  m: VectorMatching,
  q: QueryContext,
  r: StepRange,
  lhs: StepVector,
  rhs: StepVector,
): StepVector {
  if (node.op === '</' || node.op === '>/') return { kind: 'vector', series: [] };
  const op = node.op;
  const cmp = isComparison(op);
  const drop = dropsName(node);
  const swapped = m.card === 'one-to-many';
  const many = swapped ? rhs.series : lhs.series;
  const one = swapped ? lhs.series : rhs.series;
  // As upstream: fill_right supplies the missing "one" side and fill_left the missing "many"
  // side, whichever operand group_left/group_right made the "one".
  const fillMany = node.fill?.left;
  const fillOne = node.fill?.right;
  const manySig = many.map((s) => signature(s.labels, m));
  const oneSig = one.map((s) => signature(s.labels, m));
  const oneBySig = new Map<string, number[]>();
  oneSig.forEach((sig, i) => {
    const list = oneBySig.get(sig);
    if (list === undefined) oneBySig.set(sig, [i]);
    else list.push(i);
  });
  const outByKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  const labelCache = new Map<string, { labels: Labels; key: string }>();

  const resultFor = (manyIdx: number, oneIdx: number, fromOne: boolean) => {
    const cacheKey = `${fromOne ? 'o' : 'm'}${manyIdx}:${oneIdx}`;
    let hit = labelCache.get(cacheKey);
    if (hit === undefined) {
      const base = fromOne ? one[oneIdx]! : many[manyIdx]!;
      const other = fromOne || oneIdx < 0 ? undefined : one[oneIdx];
      const b = base.labels.builder();
      if (drop && !q.settings.delayedNameRemoval) b.delete(...NAME_LABELS);
      if (m.card === 'one-to-one' || fromOne) {
        if (m.on) b.keep(...m.labels);
        else b.delete(...m.labels);
      }
      if (fromOne && !q.settings.delayedNameRemoval) b.delete(...NAME_LABELS);
      if (other !== undefined) for (const l of m.include) b.set(l, other.labels.get(l));
      const labels = b.labels();
      hit = { labels, key: labelsKey(labels) };
      labelCache.set(cacheKey, hit);
    }
    return hit;
  };

  const outFor = (res: { labels: Labels; key: string }, dropName: boolean): StepSeries => {
    let o = outByKey.get(res.key);
    if (o === undefined) {
      o = newSeries(res.labels, r.steps, dropName);
      outByKey.set(res.key, o);
      out.push(o);
    }
    return o;
  };
  const emit = (o: StepSeries, k: number, value: number, multiMsg: string) => {
    if (o.present[k]) throw new QueryError('execution', multiMsg);
    o.values[k] = value;
    o.present[k] = 1;
  };
  // The output series of each "many" series, kept while its match stays the same (the
  // usual case), so the hot loop does no label work.
  const lastMatch = new Int32Array(many.length).fill(-2);
  const lastOut: (StepSeries | undefined)[] = new Array(many.length);

  const compute = (vm: number, vo: number): number | undefined => {
    const vl = swapped ? vo : vm;
    const res = arith(op, vl, swapped ? vm : vo);
    if (!cmp) return res;
    if (node.returnBool) return res;
    return res === 0 ? undefined : vl;
  };

  for (let k = 0; k < r.steps; k++) {
    q.check();
    const presentOne = new Map<string, number>();
    for (const [sig, idxs] of oneBySig) {
      let found = -1;
      for (const i of idxs) {
        if (!one[i]!.present[k]) continue;
        if (found >= 0) {
          const side = swapped ? 'left' : 'right';
          throw new QueryError(
            'execution',
            `found duplicate series for the match group ${formatLabels(matchLabels(one[i]!.labels, m))} on the ${side} hand-side of the operation: [${formatLabels(one[found]!.labels)}, ${formatLabels(one[i]!.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
          );
        }
        found = i;
      }
      if (found >= 0) presentOne.set(sig, found);
    }
    const matchedSigs = new Set<string>();
    const presentManySigs = new Set<string>();
    for (let i = 0; i < many.length; i++) {
      const s = many[i]!;
      if (!s.present[k]) continue;
      const sig = manySig[i]!;
      if (fillMany !== undefined) presentManySigs.add(sig);
      const j = presentOne.get(sig);
      let vo: number;
      if (j === undefined) {
        if (fillOne === undefined) continue;
        vo = fillOne;
      } else {
        vo = one[j]!.values[k]!;
      }
      if (m.card === 'one-to-one' && j !== undefined) {
        if (matchedSigs.has(sig)) {
          throw new QueryError(
            'execution',
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        }
        matchedSigs.add(sig);
      }
      const value = compute(s.values[k]!, vo);
      if (value === undefined) continue;
      const jj = j ?? -1;
      let o = lastOut[i];
      if (o === undefined || lastMatch[i] !== jj) {
        o = outFor(resultFor(i, jj, false), drop || s.dropName);
        lastOut[i] = o;
        lastMatch[i] = jj;
      }
      emit(o, k, value, 'multiple matches for labels: grouping labels must ensure unique matches');
    }
    if (fillMany !== undefined) {
      for (const [sig, j] of presentOne) {
        if (presentManySigs.has(sig)) continue;
        const value = compute(fillMany, one[j]!.values[k]!);
        if (value === undefined) continue;
        emit(
          outFor(resultFor(-1, j, true), true),
          k,
          value,
          'multiple matches for labels: grouping labels must ensure unique matches',
        );
      }
    }
  }
  return { kind: 'vector', series: out };
}
