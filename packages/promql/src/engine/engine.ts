import { compareLabels, type FloatHistogram, Labels, type Queryable } from '@pyrometer/model';
import type { Expr } from '../parser/ast.ts';
import { ParseError, type ParseOptions, parseExpr } from '../parser/parser.ts';
import {
  type EngineSettings,
  QueryContext,
  type QueryStats,
  type StepRange,
  stepRange,
  stepTime,
} from './context.ts';
import { evaluate, finishVector, labelsKey } from './evaluator.ts';
import { withoutName } from './names.ts';
import { forEachWindow } from './selectors.ts';
import {
  type Annotation,
  type Evaluated,
  type HistogramSeries,
  QueryError,
  type QueryValue,
  type SeriesPoints,
  type StepSeries,
} from './values.ts';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample, in ms (default 5m). */
  lookbackDelta?: number;
  /** The longest a query may run, in ms (default 2m). */
  timeout?: number;
  /** The most samples a query may hold at once (default 50,000,000). */
  maxSamples?: number;
  /** The step of a subquery written without one (`[5m:]`), in ms (default 1m). */
  noStepSubqueryInterval?: number;
  /** Experimental functions and aggregations (`promql-experimental-functions`). */
  enableExperimentalFunctions?: boolean;
  /** Keep `__name__` until the query ends (`promql-delayed-name-removal`). */
  enableDelayedNameRemoval?: boolean;
  /** Arithmetic in durations (`promql-duration-expr`). */
  enableDurationExpressions?: boolean;
  /** `anchored`/`smoothed` range selectors (`promql-extended-range-selectors`). */
  enableExtendedRangeSelectors?: boolean;
  /** `fill`/`fill_left`/`fill_right` on binary operators (`promql-binop-fill-modifiers`). */
  enableBinopFillModifiers?: boolean;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /**
   * This query's lookback delta in ms instead of the engine's (the API's `lookback_delta`); as
   * Prometheus, 0 or less keeps the engine's.
   */
  lookbackDelta?: number;
}

export interface QueryResult {
  value: QueryValue;
  /** Rendered as Prometheus renders them: `PromQL warning: ... (1:5)`. */
  warnings: string[];
  infos: string[];
  annotations: Annotation[];
  stats: QueryStats;
}

/** Evaluates PromQL over any Queryable. One engine can run many queries at once. */
export class Engine {
  readonly #settings: EngineSettings;
  readonly #timeout: number;
  readonly #parseOptions: ParseOptions;

  constructor(options: EngineOptions = {}) {
    this.#settings = {
      lookbackDelta: options.lookbackDelta ?? 5 * 60_000,
      maxSamples: options.maxSamples ?? 50_000_000,
      noStepSubqueryInterval: options.noStepSubqueryInterval ?? 60_000,
      delayedNameRemoval: options.enableDelayedNameRemoval ?? false,
      enableExperimentalFunctions: options.enableExperimentalFunctions ?? false,
    };
    this.#timeout = options.timeout ?? 120_000;
    this.#parseOptions = {
      enableExperimentalFunctions: options.enableExperimentalFunctions ?? false,
      enableDurationExpressions: options.enableDurationExpressions ?? false,
      enableExtendedRangeSelectors: options.enableExtendedRangeSelectors ?? false,
      enableBinopFillModifiers: options.enableBinopFillModifiers ?? false,
    };
  }

  /** Parses with the features this engine has switched on. */
  parse(query: string): Expr {
    return parseExpr(query, this.#parseOptions);
  }

  /** Evaluates `query` at `time` (ms). Throws ParseError or QueryError. */
  async instantQuery(
    queryable: Queryable,
    query: string | Expr,
    time: number,
    opts: QueryOptions = {},
  ): Promise<QueryResult> {
    const { expr, text } = this.#prepare(query);
    const q = new QueryContext(
      this.#settingsFor(opts),
      queryable,
      text,
      { start: time, end: time, step: 0 },
      opts.signal,
      this.#timeout,
    );
    try {
      const r = stepRange(time, time, 0);
      const v = await evaluate(expr, q, r);
      return this.#result(q, instantValue(v, r, time));
    } catch (e) {
      throw asQueryError(e);
    } finally {
      q.close();
    }
  }

  /** Evaluates `query` at every step from `start` to `end` (ms). */
  async rangeQuery(
    queryable: Queryable,
    query: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions = {},
  ): Promise<QueryResult> {
    if (!(step > 0))
      throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted');
    if (end < start) throw new QueryError('bad_data', 'end timestamp must not be before start time');
    const { expr, text } = this.#prepare(query);
    const q = new QueryContext(
      this.#settingsFor(opts),
      queryable,
      text,
      { start, end, step },
      opts.signal,
      this.#timeout,
    );
    try {
      const r = stepRange(start, end, step);
      const v = await evaluate(expr, q, r);
      return this.#result(q, rangeValue(v, r));
    } catch (e) {
      throw asQueryError(e);
    } finally {
      q.close();
    }
  }

  #settingsFor(opts: QueryOptions): EngineSettings {
    const lookbackDelta = opts.lookbackDelta;
    if (lookbackDelta === undefined || !(lookbackDelta > 0)) return this.#settings;
    return { ...this.#settings, lookbackDelta };
  }

  #prepare(query: string | Expr): { expr: Expr; text: string } {
    if (typeof query === 'string') return { expr: this.parse(query), text: query };
    return { expr: query, text: '' };
  }

  #result(q: QueryContext, value: QueryValue): QueryResult {
    const warnings: string[] = [];
    const infos: string[] = [];
    for (const a of q.annotations) {
      const text = formatAnnotation(a, q.input);
      if (a.severity === 'warning') warnings.push(text);
      else infos.push(text);
    }
    return { value, warnings, infos, annotations: q.annotations, stats: q.stats };
  }
}

// As Prometheus recovers an evaluation panic into an error: whatever goes wrong inside a
// query reaches the caller as a QueryError, never as some other exception.
function asQueryError(e: unknown): Error {
  if (e instanceof QueryError || e instanceof ParseError) return e;
  const err = new QueryError('execution', `unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  err.cause = e;
  return err;
}

/** `PromQL warning: <message> (line:col)`, the position being where in the query it arose. */
export function formatAnnotation(a: Annotation, input: string): string {
  const head = a.severity === 'warning' ? 'PromQL warning' : 'PromQL info';
  if (a.pos === undefined || input === '') return `${head}: ${a.message}`;
  const before = input.slice(0, a.pos.start);
  const line = before.split('\n').length;
  const col = a.pos.start - before.lastIndexOf('\n');
  return `${head}: ${a.message} (${line}:${col})`;
}

function instantValue(v: Evaluated, r: StepRange, time: number): QueryValue {
  switch (v.kind) {
    case 'scalar':
      return { type: 'scalar', timestamp: time, value: v.values[0]! };
    case 'string':
      return { type: 'string', timestamp: time, value: v.value };
    case 'vector': {
      const fin = finishVector(v, r.steps);
      const series: Extract<QueryValue, { type: 'vector' }>['series'] = fin.series
        .filter((s) => s.present[0])
        .map((s) => ({ labels: s.labels, timestamp: time, value: s.values[0]! }));
      for (const h of v.histograms ?? []) {
        const histogram = h.hists[0];
        if (histogram === undefined) continue;
        series.push({
          labels: h.dropName ? withoutName(h.labels) : h.labels,
          timestamp: time,
          value: Number.NaN,
          histogram,
        });
      }
      return { type: 'vector', series };
    }
    case 'matrix': {
      const series: SeriesPoints[] = [];
      for (const s of v.series) {
        forEachWindow(s, v, (_k, lo, hi) => {
          if (hi <= lo) return;
          series.push({
            labels: s.dropName ? withoutName(s.labels) : s.labels,
            timestamps: s.ts.slice(lo, hi),
            values: s.vs.slice(lo, hi),
          });
        });
      }
      series.sort((a, b) => compareLabels(a.labels, b.labels));
      return { type: 'matrix', series };
    }
  }
}

function rangeValue(v: Evaluated, r: StepRange): QueryValue {
  if (v.kind === 'string' || v.kind === 'matrix') {
    const t = v.kind === 'string' ? 'string' : 'range vector';
    throw new QueryError(
      'bad_data',
      `invalid expression type "${t}" for range query, must be Scalar or instant Vector`,
    );
  }
  if (v.kind === 'scalar') {
    const timestamps = new Float64Array(r.steps);
    for (let k = 0; k < r.steps; k++) timestamps[k] = stepTime(r, k);
    return { type: 'matrix', series: [{ labels: Labels.EMPTY, timestamps, values: v.values.slice() }] };
  }
  const fin = finishVector(v, r.steps);
  const series: SeriesPoints[] = [];
  const withHistograms = new Map<string, { labels: Labels; floats?: StepSeries; hists: HistogramSeries[] }>();
  for (const h of v.histograms ?? []) {
    const labels = h.dropName ? withoutName(h.labels) : h.labels;
    const key = labelsKey(labels);
    const entry = withHistograms.get(key) ?? { labels, hists: [] };
    entry.hists.push(h);
    withHistograms.set(key, entry);
  }
  for (const s of fin.series) {
    const entry = withHistograms.get(labelsKey(s.labels));
    if (entry !== undefined) {
      entry.floats = s;
      continue;
    }
    let n = 0;
    for (let k = 0; k < r.steps; k++) n += s.present[k]!;
    if (n === 0) continue;
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    let j = 0;
    for (let k = 0; k < r.steps; k++) {
      if (!s.present[k]) continue;
      timestamps[j] = stepTime(r, k);
      values[j] = s.values[k]!;
      j++;
    }
    series.push({ labels: s.labels, timestamps, values });
  }
  for (const entry of withHistograms.values()) series.push(mixedPoints(entry, r));
  series.sort((a, b) => compareLabels(a.labels, b.labels));
  return { type: 'matrix', series };
}

// A series with native-histogram points, and float points where it has them.
function mixedPoints(
  entry: { labels: Labels; floats?: StepSeries; hists: HistogramSeries[] },
  r: StepRange,
): SeriesPoints {
  const ts: number[] = [];
  const vs: number[] = [];
  const hs: (FloatHistogram | undefined)[] = [];
  for (let k = 0; k < r.steps; k++) {
    const h = entry.hists.find((x) => x.hists[k] !== undefined)?.hists[k];
    if (h !== undefined) {
      ts.push(stepTime(r, k));
      vs.push(Number.NaN);
      hs.push(h);
    } else if (entry.floats?.present[k]) {
      ts.push(stepTime(r, k));
      vs.push(entry.floats.values[k]!);
      hs.push(undefined);
    }
  }
  return {
    labels: entry.labels,
    timestamps: Float64Array.from(ts),
    values: Float64Array.from(vs),
    histograms: hs,
  };
}

export { ParseError, QueryError };
