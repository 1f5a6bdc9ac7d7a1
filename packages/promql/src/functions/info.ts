import { type Labels, Matcher, METRIC_NAME } from '@pyrometer/model';
import type { QueryContext, StepRange } from '../engine/context.ts';
import { evalVector, labelsKey } from '../engine/evaluator.ts';
import { evalVectorSelector } from '../engine/selectors.ts';
import { newSeries, QueryError, type StepSeries, type StepVector } from '../engine/values.ts';
import type { AtModifier, Call, Expr, VectorSelector } from '../parser/ast.ts';
import { children } from '../parser/parser.ts';

// The labels that tie a series to its info series, as Prometheus's info() uses by default.
const IDENTIFYING = ['instance', 'job'];

function unparen(e: Expr): Expr {
  let n = e;
  while (n.kind === 'ParenExpr') n = n.expr;
  return n;
}

/**
 * info(v, selector): adds the data labels of matching info series (`target_info` unless the
 * selector names others) to each series of v, joined on `instance` and `job`. Info series
 * themselves pass through unchanged; labels v already has are kept.
 */
export async function evalInfo(node: Call, q: QueryContext, r: StepRange): Promise<StepVector> {
  const base = await evalVector(node.args[0]!, q, r);
  const sel = node.args[1] === undefined ? undefined : unparen(node.args[1]);
  const matchers = sel?.kind === 'VectorSelector' ? sel.matchers : [];
  let nameMatchers = matchers.filter((m) => m.name === METRIC_NAME);
  const dataMatchers = matchers.filter((m) => m.name !== METRIC_NAME);
  if (nameMatchers.length === 0) nameMatchers = [new Matcher('=', METRIC_NAME, 'target_info')];
  // Only negative name matchers still pick among info metrics, the `*_info` ones.
  else if (!nameMatchers.some((m) => m.type === '=' || m.type === '=~')) {
    nameMatchers = [...nameMatchers, new Matcher('=~', METRIC_NAME, '.+_info')];
  }
  const isInfo = (labels: Labels) => nameMatchers.every((m) => m.matches(labels.metricName));

  const infoSel: VectorSelector = { kind: 'VectorSelector', name: '', matchers: nameMatchers, pos: node.pos };
  const shift = timeShift(node.args[0]!, q);
  if (shift.at !== undefined) infoSel.at = shift.at;
  if (shift.offset !== 0)
    infoSel.offset = { kind: 'DurationLiteral', ms: shift.offset, unit: true, pos: node.pos };
  const info = await evalVectorSelector(infoSel, q, r, true);
  const byIdentity = new Map<string, StepSeries[]>();
  for (const s of info.series) {
    if (!dataMatchers.every((m) => m.matches(s.labels.get(m.name)))) continue;
    const key = IDENTIFYING.map((l) => s.labels.get(l)).join('\u00ff');
    const list = byIdentity.get(key);
    if (list === undefined) byIdentity.set(key, [s]);
    else list.push(s);
  }
  const emptyOk = dataMatchers.every((m) => m.matchesEmpty());
  const wanted = dataMatchers.length > 0 ? new Set(dataMatchers.map((m) => m.name)) : undefined;
  const outByKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  const emit = (labels: Labels, s: StepSeries, k: number) => {
    const key = labelsKey(labels);
    let o = outByKey.get(key);
    if (o === undefined) {
      o = newSeries(labels, r.steps, s.dropName);
      outByKey.set(key, o);
      out.push(o);
    }
    o.values[k] = s.values[k]!;
    o.present[k] = 1;
  };
  for (const s of base.series) {
    if (isInfo(s.labels)) {
      out.push(s);
      continue;
    }
    const candidates = byIdentity.get(IDENTIFYING.map((l) => s.labels.get(l)).join('\u00ff')) ?? [];
    for (let k = 0; k < r.steps; k++) {
      if (!s.present[k]) continue;
      // Of the info series of one metric name, the one with the newest sample wins.
      const latest = new Map<string, StepSeries>();
      for (const c of candidates) {
        if (!c.present[k]) continue;
        const name = c.labels.metricName;
        const prev = latest.get(name);
        if (prev === undefined || c.values[k]! > prev.values[k]!) latest.set(name, c);
      }
      if (latest.size === 0) {
        if (emptyOk) emit(s.labels, s, k);
        continue;
      }
      const b = s.labels.builder();
      const added = new Map<string, string>();
      for (const c of latest.values()) {
        c.labels.forEach((n, v) => {
          if (n === METRIC_NAME || IDENTIFYING.includes(n)) return;
          if (wanted !== undefined && !wanted.has(n)) return;
          if (s.labels.has(n)) return;
          const seen = added.get(n);
          if (seen !== undefined && seen !== v) {
            throw new QueryError(
              'execution',
              `conflicting label: ${n} has values "${seen}" and "${v}" in info series`,
            );
          }
          added.set(n, v);
        });
      }
      for (const [n, v] of added) b.set(n, v);
      emit(b.labels(), s, k);
    }
  }
  return { kind: 'vector', series: out };
}

/**
 * The `@` and offsets that move the base series' samples in time, so the info series are
 * read at the same times (the outermost `@` wins; offsets add up).
 */
function timeShift(e: Expr, q: QueryContext): { at?: AtModifier; offset: number } {
  let at: AtModifier | undefined;
  let offset = 0;
  let n: Expr | undefined = e;
  while (n !== undefined) {
    if (n.kind === 'VectorSelector' || n.kind === 'SubqueryExpr') {
      if (at === undefined && n.at !== undefined) at = n.at;
      if (n.offset !== undefined) offset += q.durationMs(n.offset);
    }
    if (n.kind === 'MatrixSelector') {
      if (at === undefined && n.selector.at !== undefined) at = n.selector.at;
      if (n.selector.offset !== undefined) offset += q.durationMs(n.selector.offset);
      break;
    }
    if (n.kind === 'VectorSelector') break;
    n = children(n).at(-1);
  }
  return at === undefined ? { offset } : { at, offset };
}
