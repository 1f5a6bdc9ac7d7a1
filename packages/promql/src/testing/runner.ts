import { MemoryStorage } from '@pyrometer/model';
import { Engine, type EngineOptions, type QueryResult } from '../engine/engine.ts';
import type { QueryValue } from '../engine/values.ts';
import type { Expr } from '../parser/ast.ts';
import { EXPERIMENTAL_AGGREGATORS, FUNCTIONS } from '../parser/functions.ts';
import { children, parseExpr } from '../parser/parser.ts';
import { formatNumber } from '../parser/printer.ts';
import { checkRun, type Run } from './compare.ts';
import { load } from './load.ts';
import { type Command, parseScript } from './script.ts';
export type CommandClass = 'stable' | 'experimental' | 'native-histograms' | 'start-timestamps';

export interface CommandOutcome {
  line: number;
  text: string;
  class: CommandClass;
  status: 'passed' | 'failed' | 'skipped';
  /** For failures: what was expected and what came back. */
  message?: string;
}

/** The engine settings the upstream test scripts expect (every flagged feature on). */
export const TEST_ENGINE_OPTIONS: EngineOptions = {
  lookbackDelta: 5 * 60_000,
  maxSamples: 10_000,
  noStepSubqueryInterval: 60_000,
  timeout: 100_000,
  enableExperimentalFunctions: true,
  enableDelayedNameRemoval: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

const PARSE_ALL = {
  enableExperimentalFunctions: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

// Functions whose value depends on the evaluation time, so `@`-pinned variants would differ.
const TIME_DEPENDENT = new Set([
  'time',
  'timestamp',
  'predict_linear',
  'start',
  'end',
  'range',
  'step',
  'minute',
  'hour',
  'month',
  'year',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
]);

/** Runs one test script on a fresh in-memory storage; one outcome per eval (and per failed load). */
export async function runTestScript(
  source: string,
  options: EngineOptions = TEST_ENGINE_OPTIONS,
): Promise<CommandOutcome[]> {
  const commands = parseScript(source);
  const engine = new Engine(options);
  const storage = new MemoryStorage();
  const outcomes: CommandOutcome[] = [];
  let startTimestamps = false;
  for (const cmd of commands) {
    if (cmd.kind === 'clear') {
      storage.clear();
      startTimestamps = false;
    } else if (cmd.kind === 'load') {
      try {
        if (await load(storage, cmd)) startTimestamps = true;
      } catch (e) {
        outcomes.push({
          line: cmd.line,
          text: cmd.text,
          class: 'stable',
          status: 'failed',
          message: `load failed: ${(e as Error).message}`,
        });
      }
    } else {
      outcomes.push(await runEval(engine, storage, cmd, startTimestamps));
    }
  }
  return outcomes;
}

function classify(expr: Expr | undefined): CommandClass {
  if (expr === undefined) return 'stable';
  let cls: CommandClass = 'stable';
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === 'Call') {
      if (e.func === 'start_timestamp') return 'start-timestamps';
      if (FUNCTIONS.get(e.func)?.experimental) cls = 'experimental';
    } else if (e.kind === 'AggregateExpr' && EXPERIMENTAL_AGGREGATORS.has(e.op)) cls = 'experimental';
    else if (e.kind === 'BinaryExpr' && (e.fill !== undefined || e.op === '</' || e.op === '>/'))
      cls = 'experimental';
    else if (e.kind === 'MatrixSelector') {
      if (e.modifier !== undefined || e.range.kind !== 'DurationLiteral') cls = 'experimental';
      if (e.selector.offset !== undefined && e.selector.offset.kind !== 'DurationLiteral')
        cls = 'experimental';
    } else if (e.kind === 'VectorSelector') {
      if (e.modifier !== undefined || (e.offset !== undefined && e.offset.kind !== 'DurationLiteral'))
        cls = 'experimental';
    } else if (e.kind === 'SubqueryExpr') {
      for (const d of [e.range, e.step, e.offset])
        if (d !== undefined && d.kind !== 'DurationLiteral') cls = 'experimental';
    }
    stack.push(...children(e));
  }
  return cls;
}

async function attempt(fn: () => Promise<QueryResult>): Promise<Run> {
  try {
    return { ok: true, result: await fn() };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

async function runEval(
  engine: Engine,
  storage: MemoryStorage,
  cmd: Extract<Command, { kind: 'eval' }>,
  startTimestamps: boolean,
): Promise<CommandOutcome> {
  let expr: Expr | undefined;
  try {
    expr = parseExpr(cmd.expr, PARSE_ALL);
  } catch {
    expr = undefined;
  }
  let cls = classify(expr);
  if (startTimestamps && cls !== 'start-timestamps') cls = 'start-timestamps';
  const wantsHistograms = cmd.expect.series.some((s) => s.text.includes('{{'));
  const outcome = (status: CommandOutcome['status'], message?: string): CommandOutcome => {
    const o: CommandOutcome = { line: cmd.line, text: cmd.text, class: cls, status };
    if (message !== undefined) o.message = message;
    return o;
  };
  let sawHistograms = wantsHistograms;
  const run = async (
    q: string | Expr,
    mode: 'instant' | 'range',
    start: number,
    end: number,
    step: number,
  ) => {
    const r = await attempt(() =>
      mode === 'instant'
        ? engine.instantQuery(storage, q, start)
        : engine.rangeQuery(storage, q, start, end, step),
    );
    if (r.ok && r.result.stats.histogramSamples > 0) sawHistograms = true;
    return r;
  };
  const failure = await checkEval(cmd, run, expr);
  if (sawHistograms) cls = 'native-histograms';
  if (failure === undefined) return outcome('passed');
  // Native histograms and start timestamps are not built yet: commands that need them are skipped.
  if (cls === 'native-histograms' || cls === 'start-timestamps') return outcome('skipped', failure);
  return outcome('failed', failure);
}

type Runner = (
  q: string | Expr,
  mode: 'instant' | 'range',
  start: number,
  end: number,
  step: number,
) => Promise<Run>;

async function checkEval(
  cmd: Extract<Command, { kind: 'eval' }>,
  run: Runner,
  expr: Expr | undefined,
): Promise<string | undefined> {
  const e = cmd.expect;
  const first = await run(cmd.expr, cmd.mode, cmd.start, cmd.end, cmd.step);
  const problem = checkRun(first, cmd, e, true);
  if (problem !== undefined || cmd.mode === 'range' || expr === undefined) return problem;
  const T = cmd.start;
  const text = cmd.expr;
  const skipRangeCheck =
    e.ordered ||
    e.string !== undefined ||
    e.rangeVector !== undefined ||
    /\b(start|end|range|step)\(\)/.test(text);
  const forms: (string | Expr)[] = [cmd.expr];
  if (!usesTimeFunctions(expr)) {
    const pinned = pinAt(expr, T);
    const times = T === 0 ? [-1000, 0, 1000] : [-10 * T, 0, T / 5, T, 10 * T];
    for (const t of times) {
      const r = await run(pinned, 'instant', Math.round(t), 0, 0);
      const p = checkRun(r, cmd, e, false);
      if (p !== undefined)
        return `with @ ${formatNumber(T / 1000)} evaluated at ${formatNumber(t / 1000)}s: ${p}`;
    }
    forms.push(pinned);
  }
  if (e.fail !== undefined || skipRangeCheck) return undefined;
  for (const form of forms) {
    const r = await run(form, 'range', T - 60_000, T + 60_000, 60_000);
    const p = checkRun(pointAt(r, T), cmd, e, false);
    if (p !== undefined) return `in range mode: ${p}`;
  }
  return undefined;
}

function usesTimeFunctions(expr: Expr): boolean {
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === 'Call' && TIME_DEPENDENT.has(e.func)) return true;
    stack.push(...children(e));
  }
  return false;
}

/** Adds `@ t` to every selector and subquery that has none (not inside a pinned subquery). */
function pinAt(e: Expr, t: number): Expr {
  const at = { kind: 'time' as const, ms: t };
  switch (e.kind) {
    case 'VectorSelector':
      return e.at === undefined ? { ...e, at } : e;
    case 'MatrixSelector':
      return e.selector.at === undefined ? { ...e, selector: { ...e.selector, at } } : e;
    case 'SubqueryExpr':
      // The subquery's own steps stay relative to its (now pinned) time.
      return e.at === undefined ? { ...e, at } : e;
    case 'ParenExpr':
    case 'UnaryExpr':
      return { ...e, expr: pinAt(e.expr, t) };
    case 'BinaryExpr':
      return { ...e, lhs: pinAt(e.lhs, t), rhs: pinAt(e.rhs, t) };
    case 'Call':
      return { ...e, args: e.args.map((a) => pinAt(a, t)) };
    case 'AggregateExpr': {
      const out = { ...e, expr: pinAt(e.expr, t) };
      if (e.param !== undefined) out.param = pinAt(e.param, t);
      return out;
    }
    default:
      return e;
  }
}

/** The points of a range-mode run at time `t`, as an instant result. */
function pointAt(r: Run, t: number): Run {
  if (!r.ok || r.result.value.type !== 'matrix') return r;
  const series: Extract<QueryValue, { type: 'vector' }>['series'] = [];
  for (const s of r.result.value.series) {
    const i = s.timestamps.indexOf(t);
    if (i < 0) continue;
    const histogram = s.histograms?.[i];
    if (histogram === undefined) series.push({ labels: s.labels, timestamp: t, value: s.values[i]! });
    else series.push({ labels: s.labels, timestamp: t, value: Number.NaN, histogram });
  }
  return { ok: true, result: { ...r.result, value: { type: 'vector', series } } };
}
